"""The real worker path: jobs queued in the database and run by ``db_worker``, as in
production (the rest of the suite runs tasks at once with the immediate backend)."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook, load_workbook

from zhongshu.kernel.exports import TITLE_ROWS
from zhongshu.kernel.tasks import echo

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker():
    call_command("db_worker", "--batch", "--no-reload", "--interval", "0.1")


def rows_of(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_db_worker_runs_a_queued_task(client):
    result = echo.enqueue("你好")
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    assert client.get("/healthz").json()["pending_tasks"] == 1

    run_worker()

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert stored.task_result.return_value == "你好"
    assert client.get("/healthz").json()["pending_tasks"] == 0


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_db_worker_runs_every_kind_of_job(client):
    """One job of each kind the platform has today, submitted through its page, queued in
    the database after the commit, and run by the worker."""
    from tests import uploads
    from tests.documents.conftest import build_office, notice_spec
    from tests.documents.helpers import act
    from tests.factories import PersonFactory
    from zhongshu.documents import services as outgoing
    from zhongshu.documents.incoming import services as incoming
    from zhongshu.kernel.models import Job, JobFile, JobStatus
    from zhongshu.org import importer
    from zhongshu.org.models import Person, RoleCode

    office = build_office()
    doc = outgoing.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec("关于工作者测试的通知"))
    outgoing.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    received = incoming.incoming_register(
        actor=office.secretary, recipient_unit=office.organ, title="关于工作者测试的请示", doc_type="请示",
        sender_name="省委办公厅", files=[("来文.pdf", uploads.pdf("工作者测试"))])
    sysadmin = PersonFactory(username="admin", roles=[RoleCode.SYSTEM_ADMIN])
    auditor = PersonFactory(username="auditor", roles=[RoleCode.AUDITOR])

    client.force_login(office.secretary)
    assert client.post(reverse("documents:register_export") + "?q=工作者").status_code == 302
    assert client.post(reverse("incoming:export")).status_code == 302
    client.force_login(sysadmin)
    wb = Workbook()
    wb.active.title = importer.UNIT_SHEET
    wb.active.append(importer.UNIT_COLUMNS)
    wb.active.append(["WRK", "工作者测试处", "", "内设机构", "", "", 1])
    people = wb.create_sheet(importer.PERSON_SHEET)
    people.append(importer.PERSON_COLUMNS)
    people.append(["worker1", "工作者甲", "WRK", "科员", "", "", "", "", 1, ""])
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "people.xlsx"
    assert client.post(reverse("org:import_start"), {"file": upload}).status_code == 302
    client.force_login(auditor)
    assert client.post(reverse("audit:export") + "?action=org.import.submit").status_code == 302

    jobs = {job.kind: job for job in Job.objects.all()}
    assert set(jobs) == {"outgoing_register", "incoming_register", "org_import", "audit_events"}
    assert {job.status for job in jobs.values()} == {JobStatus.QUEUED}
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 4
    client.force_login(auditor)
    page = client.get(reverse("jobs:detail", args=[jobs["audit_events"].pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page

    run_worker()

    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
    for job in jobs.values():
        job.refresh_from_db()
        assert (job.status, job.failure, job.attempts) == (JobStatus.DONE, "", 1), job.kind
    client.force_login(office.secretary)
    outgoing_rows = rows_of(client.get(reverse("jobs:download", args=[jobs["outgoing_register"].pk])))
    assert [r[2] for r in outgoing_rows[1:]] == [doc.title]
    incoming_rows = rows_of(client.get(reverse("jobs:download", args=[jobs["incoming_register"].pk])))
    assert [r[4] for r in incoming_rows[1:]] == [received.title]
    assert Person.objects.get(username="worker1").unit.code == "WRK"
    assert jobs["org_import"].result["people_created"] == 1
    assert not JobFile.objects.filter(job=jobs["org_import"]).exists()
    client.force_login(auditor)
    audit_rows = rows_of(client.get(reverse("jobs:download", args=[jobs["audit_events"].pk])))
    assert [r[4] for r in audit_rows[1:]] == ["org.import.submit"]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_db_worker_records_why_a_job_failed():
    from tests.factories import PersonFactory
    from zhongshu.kernel.models import Job, JobFile, JobStatus
    from zhongshu.kernel.tasks import run_job

    # No role: the owner may not see the 发文登记簿, so the worker refuses with a reason.
    job = Job.objects.create(owner=PersonFactory(), kind="outgoing_register")
    run_job.enqueue(job.pk)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "已无权查看发文登记簿" in job.failure
    assert not JobFile.objects.filter(job=job).exists()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_a_job_whose_worker_died_is_recovered_and_run_again(client):
    """The worker took the job, then its host stopped: the task is gone from the queue
    (django_tasks_db never runs a taken task again). The scheduled clean-up marks the job
    interrupted, its owner runs it again from its page, and the next worker finishes it."""
    from tests.factories import PersonFactory
    from zhongshu.kernel import jobs
    from zhongshu.kernel.models import Job, JobStatus
    from zhongshu.org.models import RoleCode

    owner = PersonFactory(roles=[RoleCode.SECRETARY])
    long_ago = timezone.now() - jobs.stale_after() * 2
    dead = uuid.uuid4()
    job = Job.objects.create(owner=owner, kind="outgoing_register", status=JobStatus.RUNNING,
                             claim=dead, started_at=long_ago, heartbeat_at=long_ago,
                             queued_at=long_ago, attempts=1, stage="正在导出", done=500, total=900)
    call_command("purge_jobs", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert jobs.INTERRUPTED_TEXT in page and "重新执行" in page
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 302
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2) and job.claim != dead
    # The dead worker's token no longer holds anything.
    assert not Job.objects.filter(pk=job.pk, claim=dead).exists()
