"""Background work of the org app."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from zhongshu.access.policy import Action, can
from zhongshu.audit import services as audit
from zhongshu.audit.events import Event

from . import importer
from .models import ImportJob, ImportStatus


def _progress(job_id: int):
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)
    return report


@task()
def run_import(job_id: int) -> None:
    """Validate and apply one import. Safe to retry: a finished job is left alone, and a
    repeated apply updates the same rows to the same values."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.VALIDATING)
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        parsed = importer.parse(bytes(job.content), progress=_progress(job_id), actor=job.created_by)
        if parsed.errors:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportStatus.REJECTED, finished_at=timezone.now(),
                errors=[e.as_dict() for e in parsed.errors])
            return
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.IMPORTING, processed_rows=0)
        summary = importer.apply(parsed, actor=job.created_by, progress=_progress(job_id))
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), summary=summary,
            processed_rows=len(parsed.units) + len(parsed.people))
    except Exception as exc:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            errors=[{"sheet": "", "row": 0, "message": f"导入时出错，未写入任何数据：{exc}"}])
        raise


def import_submit(*, actor, file_name: str, content: bytes) -> ImportJob:
    """Queue an import; the worker picks it up after the transaction commits."""
    if not can(actor, Action.ORG_MANAGE):
        raise PermissionDenied
    job = ImportJob.objects.create(created_by=actor, file_name=file_name[:200], content=content)
    audit.record(actor=actor, action=Event.IMPORT_SUBMIT, obj=job,
                 details={"file_name": job.file_name, "size": len(content)})
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job
