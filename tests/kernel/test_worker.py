import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from zhongshu.kernel.tasks import echo

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_db_worker_runs_a_queued_task(client):
    result = echo.enqueue("你好")
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    assert client.get("/healthz").json()["pending_tasks"] == 1

    call_command("db_worker", "--batch", "--no-reload", "--interval", "0.1")

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert stored.task_result.return_value == "你好"
    assert client.get("/healthz").json()["pending_tasks"] == 0


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_db_worker_runs_an_export_and_records_why_it_failed():
    from tests.factories import PersonFactory
    from zhongshu.kernel.models import ExportJob, ExportStatus
    from zhongshu.kernel.tasks import run_export

    # No role: the owner may not see the 发文登记簿, so the worker refuses with a reason.
    job = ExportJob.objects.create(owner=PersonFactory(), kind="outgoing_register")
    run_export.enqueue(job.pk)
    call_command("db_worker", "--batch", "--no-reload", "--interval", "0.1")
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "已无权查看发文登记簿" in job.error
    assert bytes(job.content) == b""
