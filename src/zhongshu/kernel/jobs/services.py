"""Writes on background jobs: submit, run again, download, and the clean-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.audit import services as audit
from zhongshu.kernel import filestore
from zhongshu.kernel.events import KernelEvent
from zhongshu.kernel.models import LIVE_STATUSES, Job, JobFile, JobStatus

from .registry import JobKind, kind_of
from .runner import FILE_EXPIRY, JobRefused

if TYPE_CHECKING:
    from zhongshu.org.models import Person

MAX_OPEN_PER_PERSON = 3  # queued or running jobs one person may have at once
# A finished job stays in its owner's list this long (its files go after FILE_EXPIRY).
KEEP = dt.timedelta(days=30)
INTERRUPTED_TEXT = "后台任务中断，未能完成（处理程序停止或失去响应）。可以重新执行。"


@dataclass(frozen=True)
class Upload:
    """A file that goes with a job (an import's workbook)."""

    name: str
    content: bytes
    content_type: str


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ZHONGSHU_JOB_STALE_MINUTES)


def stale_q(now: dt.datetime) -> Q:
    """Live jobs that have shown no sign of life since ``stale_after``: queued and never
    taken, or running without reporting progress. Their worker is taken to be dead
    (django_tasks_db does not run a task again once a worker has taken it)."""
    cutoff = now - stale_after()
    return (Q(status=JobStatus.QUEUED, queued_at__lt=cutoff)
            | Q(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff))


def is_stale(job: Job, now: dt.datetime | None = None) -> bool:
    cutoff = (now or timezone.now()) - stale_after()
    if job.status == JobStatus.QUEUED:
        return job.queued_at < cutoff
    if job.status == JobStatus.RUNNING:
        return job.heartbeat_at is not None and job.heartbeat_at < cutoff
    return False


def recover_stale(now: dt.datetime | None = None, **lookup: Any) -> int:
    """Mark the stale jobs (among ``lookup``) interrupted, so that their pages stop
    waiting and their owners may run them again. A conditional UPDATE: safe on several
    hosts at once, and it never touches a job that came back to life meanwhile."""
    now = now or timezone.now()
    return Job.objects.filter(stale_q(now), **lookup).update(
        status=JobStatus.INTERRUPTED, failure=INTERRUPTED_TEXT, stage="",
        finished_at=now, expires_at=now + FILE_EXPIRY)


@dataclass(frozen=True)
class Purged:
    interrupted: int
    files: int
    jobs: int


def purge(now: dt.datetime | None = None) -> Purged:
    """The scheduled clean-up (``zhongshu manage purge_jobs``): mark stale jobs
    interrupted, delete files past their expiry, delete jobs finished more than ``KEEP``
    ago. The audit trail keeps who asked for what and who downloaded it."""
    now = now or timezone.now()
    interrupted = recover_stale(now)
    files, _ = JobFile.objects.filter(job__expires_at__lt=now).delete()
    _, deleted = (Job.objects.exclude(status__in=LIVE_STATUSES)
                  .filter(finished_at__lt=now - KEEP).delete())
    return Purged(interrupted=interrupted, files=files, jobs=deleted.get(Job._meta.label, 0))


def _kind_for(actor: Person, code: str) -> JobKind:
    kind = kind_of(code)
    if kind is None or not can(actor, kind.action):
        raise PermissionDenied
    return kind


def _check_open(actor: Person, now: dt.datetime) -> None:
    # Only live jobs count; a stale one (its worker died) is first marked interrupted,
    # so it never blocks its owner.
    recover_stale(now, owner_id=actor.pk)
    open_jobs = Job.objects.filter(owner_id=actor.pk, status__in=LIVE_STATUSES).count()
    if open_jobs >= MAX_OPEN_PER_PERSON:
        raise ValidationError(f"您已有 {open_jobs} 个后台任务正在进行，请等其完成后再提交。")


def job_submit(*, actor: Person, kind: str, params: Mapping[str, Any] | None = None,
               upload: Upload | None = None) -> Job:
    """Queue a job of ``kind`` for ``actor``; a worker takes it after the transaction
    commits."""
    from zhongshu.kernel.tasks import run_job

    spec = _kind_for(actor, kind)
    if spec.needs_input and upload is None:
        raise ValidationError("请选择要上传的文件。")
    now = timezone.now()
    # The scheduled clean-up is the rule; this keeps an office that never scheduled it
    # from keeping expired files for long (cheap: indexed deletes of little).
    purge(now)
    _check_open(actor, now)
    with transaction.atomic():
        job = Job.objects.create(owner=actor, kind=kind, params=dict(params or {}), queued_at=now)
        if upload is not None:
            JobFile.objects.create(job=job, purpose=JobFile.Purpose.INPUT, name=upload.name[:200],
                                   content_type=upload.content_type, size=len(upload.content),
                                   blob=filestore.put(upload.content))
        audit.record(actor=actor, action=spec.submit_event, obj=job, details=spec.details(job))
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def may_retry(job: Job) -> bool:
    return job.status == JobStatus.INTERRUPTED


def job_retry(*, actor: Person, job: Job) -> Job:
    """Run an interrupted job again, for its owner."""
    from zhongshu.kernel.tasks import run_job

    if job.owner_id != actor.pk:
        raise PermissionDenied
    spec = _kind_for(actor, job.kind)
    if not may_retry(job):
        raise JobRefused("只有已中断的任务可以重新执行。")
    if spec.needs_input and not JobFile.objects.filter(job=job, purpose=JobFile.Purpose.INPUT).exists():
        raise JobRefused("上传的文件已过保留期被删除，请重新上传。")
    now = timezone.now()
    _check_open(actor, now)
    with transaction.atomic():
        # Clearing the token is what stops the interrupted run for good: if its worker
        # was only slow, nothing it writes from now on matches.
        if not Job.objects.filter(pk=job.pk, status=JobStatus.INTERRUPTED).update(
                status=JobStatus.QUEUED, queued_at=now, claim=None, started_at=None,
                heartbeat_at=None, done=0, total=0, stage="", failure="", result={},
                finished_at=None, expires_at=None):
            raise JobRefused("只有已中断的任务可以重新执行。")
        job.refresh_from_db()
        audit.record(actor=actor, action=KernelEvent.JOB_RETRY, obj=job,
                     details={**spec.details(job), "attempts": job.attempts})
        transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def result_file(job: Job, now: dt.datetime | None = None) -> JobFile | None:
    """The finished job's file while it is kept, without reading its content."""
    if job.status != JobStatus.DONE or job.expires_at is None or job.expires_at <= (now or timezone.now()):
        return None
    return (JobFile.objects.filter(job=job, purpose=JobFile.Purpose.RESULT)
            .select_related("blob").first())


def job_download(*, actor: Person, job: Job) -> JobFile:
    """The job's file, for its owner while they still hold the kind's right; every
    download is recorded."""
    spec = kind_of(job.kind)
    if job.owner_id != actor.pk or spec is None or not spec.download_event or not can(actor, spec.action):
        raise PermissionDenied
    file = result_file(job)
    if file is None:
        raise JobRefused("该任务尚未完成或文件已过期，请重新提交。")
    audit.record(actor=actor, action=spec.download_event, obj=job,
                 details={**spec.details(job), "file_name": file.name, "size": file.size})
    return JobFile.objects.get(pk=file.pk)
