"""Background work with no business rules."""

from __future__ import annotations

import logging

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import exports
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

# A running export whose worker has not finished it in this time is taken to be dead
# (the host stopped); a retry may then claim it again.
STALE_AFTER = ExportJob.STALE_AFTER


@task()
def echo(message: str) -> str:
    """Proves a worker is running: operators enqueue it and watch it finish."""
    return message


@task()
def run_export(job_id: int) -> None:
    """Write one export. Safe to retry: only a queued job (or one whose worker died) is
    claimed; the claim's start time is the run's token, so a late duplicate run can update
    nothing; and the workbook is stored together with the status "done" in one update,
    so nothing half-written is ever downloadable."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(
        Q(status=ExportStatus.QUEUED) | Q(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER),
        pk=job_id,
    ).update(status=ExportStatus.RUNNING, started_at=now, processed_rows=0, error="")
    if not claimed:
        return
    mine = ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING, started_at=now)
    job = ExportJob.objects.select_related("owner").defer("content").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        mine.update(processed_rows=done, total_rows=total)

    try:
        spec = exports.kind_of(job.kind)
        if spec is None:
            raise exports.ExportRefused("未知的导出内容，未生成文件。")
        content, rows, capped = exports.build_workbook(spec, job.owner, job.params, progress)
    except exports.ExportRefused as exc:
        _fail(mine, str(exc))
        return
    except Exception:
        logger.exception("export %s failed", job_id)
        _fail(mine, "导出时出错，未生成文件。请稍后重新导出；如仍失败，请联系系统管理员。")
        raise
    finished = timezone.now()
    mine.update(status=ExportStatus.DONE, content=content, processed_rows=rows, total_rows=rows,
                capped=capped, finished_at=finished, expires_at=finished + exports.EXPIRY)


def _fail(mine, message: str) -> None:
    finished = timezone.now()
    mine.update(status=ExportStatus.FAILED, error=message[:500], content=b"",
                finished_at=finished, expires_at=finished + exports.EXPIRY)
