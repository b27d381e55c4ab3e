"""The 发文登记簿's 导出 Excel as people meet it: a background job with a progress page,
a workbook holding what its owner may see, for the owner alone (kernel.exports on
kernel.jobs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.documents.conftest import notice_spec
from tests.documents.helpers import act
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import exports as outgoing_exports
from zhongshu.documents import services
from zhongshu.kernel import exports, jobs
from zhongshu.kernel.exports import TITLE_ROWS
from zhongshu.kernel.jobs import registry
from zhongshu.kernel.models import Job, JobFile, JobStatus
from zhongshu.kernel.tasks import run_job
from zhongshu.org.models import RoleCode


def draft(office, title, doc_type="通知"):
    return services.outgoing_create(actor=office.drafter, doc_type=doc_type, spec=notice_spec(title))


def submitted(office, title, doc_type="通知"):
    doc = draft(office, title, doc_type)
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    return doc


def start(client, person, query="", run=True, capture=None):
    client.force_login(person)
    url = reverse("documents:register_export") + (f"?{query}" if query else "")
    if run:
        with capture(execute=True):
            response = client.post(url)
    else:
        response = client.post(url)
    return response


def workbook_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))


def running_job(owner, **fields):
    now = timezone.now()
    values = {"status": JobStatus.RUNNING, "claim": uuid.uuid4(), "started_at": now,
              "heartbeat_at": now, "stage": exports.STAGE, **fields}
    return Job.objects.create(owner=owner, kind="outgoing_register", **values)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_export_runs_in_the_background_with_the_filters_and_only_visible_rows(client, office, capture):
    notice = submitted(office, "关于第一项工作的通知")
    submitted(office, "关于商请支持的函", doc_type="函")
    hidden = draft(office, "关于尚在起草的通知")  # a draft: the drafter's alone
    response = start(client, office.secretary, "doc_type=通知&sort=title", capture=capture)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.kind, job.status) == (office.secretary, "outgoing_register", JobStatus.DONE)
    assert job.params == {"doc_type": "通知", "sort": "title"}
    assert (job.total, job.done, job.result["capped"], job.attempts) == (1, 1, False, 1)
    assert job.expires_at - job.finished_at == dt.timedelta(hours=24)

    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "导出发文登记簿" in page and "已完成：共导出 1 行" in page
    assert reverse("jobs:download", args=[job.pk]) in page
    assert "every 1s" not in page  # finished: no more polling

    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "outgoing-register-" in download["Content-Disposition"]
    rows = workbook_rows(download)
    assert rows[0][:3] == ("发文字号", "文种", "标题")
    assert [r[2] for r in rows[1:]] == [notice.title]
    assert hidden.title not in str(rows)
    event = AuditEvent.objects.get(action="kernel.export.download")
    assert event.actor_id == office.secretary.pk and event.details["rows"] == 1
    assert event.details["kind"] == "outgoing_register" and event.details["filter"]["doc_type"] == "通知"
    assert AuditEvent.objects.filter(action="kernel.export.submit", object_id=str(job.pk)).exists()


def test_the_workbook_has_a_title_row_column_widths_and_a_frozen_header(client, office, capture):
    notice = submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, "doc_type=通知", capture=capture)
    download = client.get(reverse("jobs:download", args=[Job.objects.get().pk]))
    ws = load_workbook(io.BytesIO(download.content)).active
    assert ws["A1"].value == "发文登记簿" and ws["A1"].font.b
    assert "导出时间：" in ws["A2"].value and "文种：通知" in ws["A2"].value
    assert "doc_type" not in ws["A2"].value
    header = TITLE_ROWS + 1
    assert ws.cell(header, 3).value == "标题" and ws.cell(header, 3).font.b
    assert ws.freeze_panes == f"A{header + 1}"  # the headers stay in view
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.column_dimensions["C"].width >= 40  # 标题
    assert ws.column_dimensions["H"].width >= 16  # 拟稿时间
    assert ws.column_dimensions["A"].width >= 10
    assert ws.cell(header + 1, 3).value == notice.title


def test_need_to_know_applies_when_the_export_runs(client, office, capture):
    doc = draft(office, "关于稍后送审的通知")
    start(client, office.secretary, run=False)
    job = Job.objects.get()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    # Before the worker reaches the job the document leaves drafting: the office sees it.
    services.outgoing_submit(actor=office.drafter, document=doc)
    run_job.call(job.pk)
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert [r[2] for r in workbook_rows(download)[1:]] == [doc.title]


def test_the_progress_fragment_counts_rows(client, office):
    job = running_job(office.secretary, done=500, total=1200)
    client.force_login(office.secretary)
    fragment = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert "正在导出 500/1200 行" in html and 'value="42"' in html
    assert f'hx-get="{reverse("jobs:detail", args=[job.pk])}"' in html and 'hx-trigger="every 1s"' in html
    # Not downloadable while running.
    response = client.get(reverse("jobs:download", args=[job.pk]), follow=True)
    assert "尚未完成或文件已过期" in response.content.decode()
    assert not AuditEvent.objects.filter(action="kernel.export.download").exists()


def test_someone_elses_export_does_not_exist(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = Job.objects.get()
    for other in (office.leader, office.drafter):
        client.force_login(other)
        assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
        assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
        listing = client.get(reverse("jobs:list"))
        assert job.pk not in [r["job"].pk for r in listing.context["rows"]]
        assert "还没有后台任务" in listing.content.decode()
    client.force_login(office.secretary)
    mine = client.get(reverse("jobs:list"))
    assert [r["job"].pk for r in mine.context["rows"]] == [job.pk]
    assert "导出发文登记簿" in mine.content.decode()
    assert AuditEvent.objects.filter(action="kernel.export.download").count() == 0


def test_the_download_rechecks_the_right_to_the_register(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = Job.objects.get()
    office.secretary.roles.filter(code=RoleCode.SECRETARY).delete()
    client.force_login(office.secretary)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 403


def test_a_person_without_the_register_cannot_start_an_export(client, office):
    client.force_login(office.drafter)
    assert client.post(reverse("documents:register_export")).status_code == 403
    assert client.get(reverse("documents:register_export")).status_code == 405
    assert not Job.objects.exists()


def test_a_failing_export_says_so_in_chinese_without_the_exception(client, office, capture, monkeypatch, caplog):
    submitted(office, "关于第一项工作的通知")

    def broken(viewer, doc):
        raise RuntimeError("disk full at /var/lib/secret-path")

    spec = dataclasses.replace(outgoing_exports.outgoing_register, row=broken)
    monkeypatch.setitem(registry._KINDS, "outgoing_register", exports.job_kind(spec))
    start(client, office.secretary, capture=capture)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not JobFile.objects.filter(job=job).exists()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "失败：导出时出错，未生成文件" in page and "every 1s" not in page
    assert "disk full" not in page and "RuntimeError" not in page and "secret-path" not in page
    listing = client.get(reverse("jobs:list")).content.decode()
    assert "导出时出错" in listing and "disk full" not in listing
    # The operator finds the details in the log.
    assert "disk full" in caplog.text and f"job {job.pk} (outgoing_register) failed" in caplog.text
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])


def test_an_owner_who_lost_the_register_gets_a_failed_export(client, office, capture):
    start(client, office.secretary, run=False)
    job = Job.objects.get()
    office.secretary.roles.filter(code=RoleCode.SECRETARY).delete()
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "已无权查看发文登记簿" in job.failure


def test_a_second_run_does_not_redo_a_finished_export(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = Job.objects.get()
    file = JobFile.objects.get(job=job)
    before = (job.finished_at, bytes(file.content))
    submitted(office, "关于第二项工作的通知")
    run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.finished_at, bytes(JobFile.objects.get(job=job).content)) == before
    assert job.attempts == 1


def test_an_interrupted_export_is_run_again_by_its_owner(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    job = running_job(office.secretary, done=7, total=9,
                      heartbeat_at=timezone.now() - jobs.stale_after() - dt.timedelta(minutes=1))
    client.force_login(office.secretary)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "<strong>已中断</strong>" in page and jobs.INTERRUPTED_TEXT in page
    assert "重新执行" in page and "hx-trigger" not in page and "7/9" not in page
    with capture(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert "已重新提交" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == 1 and job.attempts == 1
    retry = AuditEvent.objects.get(action="kernel.job.retry")
    assert retry.actor_id == office.secretary.pk and retry.object_id == str(job.pk)
    # A done job is not run again.
    response = client.post(reverse("jobs:retry", args=[job.pk]), follow=True)
    assert "只有已中断的任务可以重新执行" in response.content.decode()
    assert AuditEvent.objects.filter(action="kernel.job.retry").count() == 1


def test_the_cap_is_kept_and_said_in_the_sheet(client, office, capture, monkeypatch):
    for i in range(3):
        submitted(office, f"关于第{i}项工作的通知")
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    start(client, office.secretary, capture=capture)
    job = Job.objects.get()
    assert job.result["capped"] and job.done == 2
    rows = workbook_rows(client.get(reverse("jobs:download", args=[job.pk])))
    assert len([r for r in rows[1:] if r and r[2] and "通知" in r[2]]) == 2
    assert "超过 2 件" in rows[-1][0]
    assert "只导出了前 2 行" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_progress_is_reported_in_chunks(office, monkeypatch):
    for i in range(5):
        submitted(office, f"关于第{i}项工作的通知")
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 2)
    calls = []
    content, rows, capped = exports.build_workbook(
        outgoing_exports.outgoing_register, office.secretary, {}, lambda d, t: calls.append((d, t)))
    assert calls == [(0, 5), (2, 5), (4, 5)] and rows == 5 and not capped


def test_the_rows_are_counted_without_ordering_them(office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted(office, "关于第一项工作的通知")
    with CaptureQueriesContext(connection) as ctx:
        exports.build_workbook(outgoing_exports.outgoing_register, office.secretary, {},
                               lambda d, t: None)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and not any("ORDER BY" in sql.upper() for sql in counts)


def test_expired_files_are_not_downloadable_and_are_purged(client, office, capture):
    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert "文件已过期" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "文件已过期" in client.get(reverse("jobs:list")).content.decode()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 302
    purged = jobs.purge()
    assert (purged.files, purged.jobs) == (1, 0)
    assert not JobFile.objects.exists() and Job.objects.filter(pk=job.pk).exists()
    # The record stays in its owner's list for KEEP, then goes too.
    assert jobs.purge(timezone.now() + jobs.KEEP + dt.timedelta(minutes=1)).jobs == 1
    assert not Job.objects.exists()


def test_one_person_has_at_most_three_jobs_running(client, office):
    for _ in range(3):
        start(client, office.secretary, "q=通知", run=False)
    response = client.post(reverse("documents:register_export") + "?q=通知", follow=True)
    assert "您已有 3 个后台任务正在进行" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("documents:register") + "?q=%E9%80%9A%E7%9F%A5"
    assert Job.objects.count() == 3


def test_abandoned_exports_stop_blocking_their_owner(client, office):
    """Three exports cut off by a worker restart are never finished (django_tasks_db does
    not run a task again); once stale they no longer count, and are marked interrupted."""
    for _ in range(3):
        start(client, office.secretary, "q=通知", run=False)
    long_ago = timezone.now() - jobs.stale_after() - dt.timedelta(minutes=1)
    queued, running, _ = Job.objects.order_by("id")
    Job.objects.filter(pk=queued.pk).update(queued_at=long_ago)
    Job.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING, claim=uuid.uuid4(),
                                             started_at=long_ago, heartbeat_at=long_ago)
    response = client.post(reverse("documents:register_export") + "?q=通知")
    assert response.status_code == 302 and Job.objects.count() == 4
    for job in (queued, running):
        job.refresh_from_db()
        assert job.status == JobStatus.INTERRUPTED and job.failure == jobs.INTERRUPTED_TEXT
        assert job.expires_at > timezone.now()
    # The live ones still count: one more, then three are open again.
    assert client.post(reverse("documents:register_export") + "?q=通知").status_code == 302
    assert Job.objects.count() == 5
    response = client.post(reverse("documents:register_export") + "?q=通知", follow=True)
    assert "您已有 3 个后台任务正在进行" in response.content.decode()


def test_a_running_export_that_reports_progress_is_not_stale(client, office):
    # Started long ago, but its worker reported progress a moment ago: alive.
    job = running_job(office.secretary, done=500, total=90_000,
                      started_at=timezone.now() - dt.timedelta(hours=3))
    client.force_login(office.secretary)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "正在导出 500/90000 行" in html and 'hx-trigger="every 1s"' in html
    assert jobs.purge().interrupted == 0


def test_the_register_page_offers_the_export_as_a_form(client, office):
    client.force_login(office.secretary)
    html = client.get(reverse("documents:register"), {"q": "通知"}).content.decode()
    assert f'method="post" action="{reverse("documents:register_export")}?q=' in html
    # 我的导出 is now part of 我的后台任务.
    assert reverse("exports:list") in html
    assert client.get(reverse("exports:list")).url == reverse("jobs:list")


@pytest.mark.parametrize("command", ["purge_jobs", "purge_exports"])
def test_the_purge_command_deletes_only_expired_files(client, office, capture, command):
    from io import StringIO

    from django.core.management import call_command

    submitted(office, "关于第一项工作的通知")
    start(client, office.secretary, capture=capture)
    start(client, office.secretary, capture=capture)
    old, new = Job.objects.order_by("id")
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command(command, stdout=out)
    assert "删除过期文件 1 个" in out.getvalue()
    assert list(JobFile.objects.values_list("job_id", flat=True)) == [new.pk]
