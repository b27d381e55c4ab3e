"""Move the register exports (kernel.ExportJob) and the imports (org.ImportJob) into the
one job model (decision 0903). Nothing is lost: every row becomes a job of its owner.

- A job that was still queued or running at the upgrade is marked interrupted: its
  queued task names the old table's id, so it can no longer find it. Its owner sees
  why on its page and may run it again; an import keeps its uploaded file for that.
- A finished export keeps its workbook until its old expiry; a finished import keeps its
  summary or its list of wrong rows, not its uploaded file (which the new rule deletes
  once an import has finished). An old failure's text is replaced by a Chinese sentence
  without the exception it may have quoted.

The texts are copied here, not imported: a migration must not change when the code does.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

EXPIRY = dt.timedelta(hours=24)
INTERRUPTED = "系统升级时该任务尚未完成，已中断。可以重新执行。"
EXPORT_FAILED = "导出时出错，未生成文件。请稍后重新导出；如仍失败，请联系系统管理员。"
IMPORT_FAILED = "导入时出错，未导入任何数据。请检查文件后重新上传；如仍失败，请联系系统管理员。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _create(Job, created_at, **fields):
    job = Job.objects.create(**fields)
    # created_at is auto_now_add: set the original time afterwards.
    Job.objects.filter(pk=job.pk).update(created_at=created_at)
    return job


def exports_to_jobs(apps, schema_editor):
    ExportJob = apps.get_model("kernel", "ExportJob")
    Job = apps.get_model("kernel", "Job")
    JobFile = apps.get_model("kernel", "JobFile")
    now = timezone.now()
    for old in ExportJob.objects.order_by("pk").iterator():
        common = {"owner_id": old.owner_id, "kind": old.kind, "params": old.params,
                  "queued_at": old.created_at, "started_at": old.started_at}
        if old.status == "done":
            expires = old.expires_at or now
            job = _create(Job, old.created_at, **common, status="done",
                          done=old.processed_rows, total=old.processed_rows,
                          result={"rows": old.processed_rows, "capped": old.capped, "limit": 50_000},
                          finished_at=old.finished_at or now, expires_at=expires)
            content = bytes(old.content or b"")
            if content and expires > now:
                JobFile.objects.create(job=job, purpose="result", name=old.file_name or "export.xlsx",
                                       content_type=XLSX, size=len(content), content=content)
        elif old.status == "failed":
            # Export failures were always told in Chinese, without the exception.
            _create(Job, old.created_at, **common, status="failed",
                    failure=old.error[:500] or EXPORT_FAILED,
                    finished_at=old.finished_at or now, expires_at=old.expires_at or now)
        else:
            _create(Job, old.created_at, **common, status="interrupted", failure=INTERRUPTED,
                    done=old.processed_rows, total=old.total_rows,
                    finished_at=now, expires_at=now + EXPIRY)


def imports_to_jobs(apps, schema_editor):
    ImportJob = apps.get_model("org", "ImportJob")
    Job = apps.get_model("kernel", "Job")
    JobFile = apps.get_model("kernel", "JobFile")
    now = timezone.now()
    for old in ImportJob.objects.order_by("pk").iterator():
        common = {"owner_id": old.created_by_id, "kind": "org_import",
                  "params": {"file_name": old.file_name}, "queued_at": old.created_at}
        finished = old.finished_at or now
        if old.status == "done":
            _create(Job, old.created_at, **common, status="done", result=old.summary or {},
                    done=old.processed_rows, total=old.processed_rows,
                    finished_at=finished, expires_at=finished + EXPIRY)
        elif old.status == "rejected":
            errors = list(old.errors or [])
            _create(Job, old.created_at, **common, status="failed",
                    failure=f"校验未通过：发现 {len(errors)} 处错误，未导入任何数据。请修改后重新上传。",
                    result={"errors": errors}, finished_at=finished, expires_at=finished)
        elif old.status == "failed":
            # The old text quoted the exception; the owner now reads a sentence.
            _create(Job, old.created_at, **common, status="failed", failure=IMPORT_FAILED,
                    finished_at=finished, expires_at=finished)
        else:
            job = _create(Job, old.created_at, **common, status="interrupted", failure=INTERRUPTED,
                          finished_at=now, expires_at=now + EXPIRY)
            content = bytes(old.content or b"")
            if content:
                JobFile.objects.create(job=job, purpose="input", name=old.file_name or "import.xlsx",
                                       content_type=XLSX, size=len(content), content=content)


class Migration(migrations.Migration):

    dependencies = [
        ("kernel", "0005_job_model"),
        ("org", "0002_roles"),
    ]

    operations = [
        # Backwards the old tables come back empty: the jobs stay in kernel.Job.
        migrations.RunPython(exports_to_jobs, migrations.RunPython.noop),
        migrations.RunPython(imports_to_jobs, migrations.RunPython.noop),
    ]
