"""Reads of background jobs: a person sees their own jobs only (``access.policy``
scope ``kernel.job``); anyone else's does not exist for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from zhongshu.access.policy import visible
from zhongshu.kernel.models import Job

from .services import is_stale, recover_stale

if TYPE_CHECKING:
    from zhongshu.org.models import Person


def my_jobs(viewer: Person, *, kind: str | None = None) -> QuerySet[Job]:
    """The viewer's jobs, newest first."""
    qs = visible(viewer, Job.objects.all())
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def refreshed(job: Job) -> Job:
    """The job as its page should show it: a live job whose worker is gone is marked
    interrupted now rather than at the next scheduled clean-up, so that the page stops
    waiting and offers to run it again."""
    if is_stale(job, timezone.now()) and recover_stale(pk=job.pk):
        job.refresh_from_db()
    return job
