"""Background recomputation after a year of the calendar became known.

Apart from the export tasks (``kernel.tasks``) so that the two can change independently.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .calendar import year_known_hooks
from .models import CalendarRecompute, RecomputeStatus

if TYPE_CHECKING:  # the kernel sits below org; only the type is named here
    from zhongshu.org.models import Person

logger = logging.getLogger(__name__)


def schedule_recompute(year: int, *, requested_by: Person | None = None) -> CalendarRecompute:
    """Queue one run of every hook for ``year``, after the caller's transaction commits
    (the hooks must see the year as known). A run already waiting for the same year is
    reused: it has not started, so it will see the new data too."""
    waiting = CalendarRecompute.objects.filter(year=year, status=RecomputeStatus.QUEUED).first()
    if waiting is not None:
        return waiting
    job = CalendarRecompute.objects.create(year=year, requested_by=requested_by)
    transaction.on_commit(lambda: recompute_year.enqueue(job.pk))
    return job


@task()
def recompute_year(job_id: int) -> None:
    """Run every registered hook for the job's year. Safe to retry: only a queued job is
    claimed, and the hooks are idempotent. Each hook runs in its own transaction, so one
    that fails leaves nothing half-written and does not stop the others."""
    claimed = CalendarRecompute.objects.filter(pk=job_id, status=RecomputeStatus.QUEUED).update(
        status=RecomputeStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return
    year = CalendarRecompute.objects.values_list("year", flat=True).get(pk=job_id)
    results: dict[str, int | str | None] = {}
    failed: list[str] = []
    for key, hook in year_known_hooks().items():
        try:
            with transaction.atomic():
                results[key] = hook(year)
        except Exception:
            logger.exception("calendar recompute hook %s failed for %s", key, year)
            results[key] = "失败"
            failed.append(key)
    CalendarRecompute.objects.filter(pk=job_id).update(
        status=RecomputeStatus.FAILED if failed else RecomputeStatus.DONE,
        results=results, finished_at=timezone.now(),
        error=(f"{len(failed)} 项重算失败（{'、'.join(failed)}），请稍后重新计算；"
               f"如仍失败，请联系运维人员查看日志。")[:500] if failed else "")
