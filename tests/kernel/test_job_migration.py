"""The upgrade moves the register exports (kernel.ExportJob) and the imports
(org.ImportJob) into kernel.Job without losing any (decision 0903)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("kernel", "0005_job_model"), ("org", "0004_password_reset_request")]
AFTER = [("kernel", "0007_remove_exportjob"), ("org", "0005_remove_importjob")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_exports_and_imports_become_jobs(newest_schema_after):
    from tests.factories import PersonFactory

    owner, admin = PersonFactory(username="mig_owner"), PersonFactory(username="mig_admin")
    old = migrate(BEFORE)
    try:
        ExportJob, ImportJob = old.get_model("kernel", "ExportJob"), old.get_model("org", "ImportJob")
        now = timezone.now()
        ExportJob.objects.create(owner_id=owner.pk, kind="outgoing_register", params={"q": "通知"},
                                 status="done", processed_rows=12, total_rows=12, capped=False,
                                 file_name="outgoing-register-1.xlsx", content=b"PK workbook",
                                 finished_at=now, expires_at=now + dt.timedelta(hours=20))
        ExportJob.objects.create(owner_id=owner.pk, kind="incoming_register", status="running",
                                 processed_rows=500, total_rows=900, started_at=now)
        ExportJob.objects.create(owner_id=owner.pk, kind="outgoing_register", status="failed",
                                 error="导出人已无权查看发文登记簿，未生成文件。", finished_at=now)
        ImportJob.objects.create(created_by_id=admin.pk, file_name="done.xlsx", content=b"PK in",
                                 status="done", processed_rows=3, total_rows=3, finished_at=now,
                                 summary={"units_created": 1, "people_created": 2})
        ImportJob.objects.create(created_by_id=admin.pk, file_name="bad.xlsx", content=b"PK bad",
                                 status="rejected", finished_at=now,
                                 errors=[{"sheet": "人员", "row": 4, "message": "姓名不能为空"}])
        ImportJob.objects.create(created_by_id=admin.pk, file_name="crash.xlsx", content=b"PK c",
                                 status="failed", finished_at=now, errors=[
                                     {"sheet": "", "row": 0, "message": "导入时出错，未写入任何数据：KeyError 'x'"}])
        ImportJob.objects.create(created_by_id=admin.pk, file_name="waiting.xlsx", content=b"PK wait",
                                 status="pending")
    finally:
        new = migrate(AFTER)
    Job, JobFile = new.get_model("kernel", "Job"), new.get_model("kernel", "JobFile")
    jobs = {(j.kind, j.params.get("file_name", j.status)): j for j in Job.objects.all()}
    assert len(jobs) == 7

    done = jobs[("outgoing_register", "done")]
    assert (done.owner_id, done.params, done.done, done.result["rows"]) == (owner.pk, {"q": "通知"}, 12, 12)
    result = JobFile.objects.get(job=done)
    assert (result.purpose, result.name, bytes(result.content)) == ("result", "outgoing-register-1.xlsx",
                                                                     b"PK workbook")
    running = jobs[("incoming_register", "interrupted")]
    assert running.failure.startswith("系统升级时该任务尚未完成") and running.expires_at > timezone.now()
    assert jobs[("outgoing_register", "failed")].failure == "导出人已无权查看发文登记簿，未生成文件。"

    imported = jobs[("org_import", "done.xlsx")]
    assert (imported.owner_id, imported.status, imported.result["people_created"]) == (admin.pk, "done", 2)
    rejected = jobs[("org_import", "bad.xlsx")]
    assert rejected.status == "failed" and rejected.result["errors"][0]["row"] == 4
    assert "发现 1 处错误" in rejected.failure
    crashed = jobs[("org_import", "crash.xlsx")]
    assert crashed.status == "failed" and "KeyError" not in crashed.failure
    waiting = jobs[("org_import", "waiting.xlsx")]
    assert waiting.status == "interrupted"
    # Only the unfinished import keeps its upload, for its owner to run it again.
    assert [(f.job_id, f.purpose, bytes(f.content)) for f in JobFile.objects.filter(purpose="input")] == [
        (waiting.pk, "input", b"PK wait")]
