"""Running one job in the worker: claim it, do the work, record how it ended.

Two workers never run one job: the claim is a conditional UPDATE that only a queued job
satisfies, and it stamps the job with a fresh token. Every later write of the run
(progress, the result, a failure) matches that token, so a worker that was taken for dead
and comes back after the job was run again changes nothing: the token decides, not the
clock. The owner is told in Chinese why a job failed; the exception goes to the log."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.audit import services as audit
from zhongshu.kernel import filestore
from zhongshu.kernel.models import Job, JobFile, JobStatus

from .registry import DEFAULT_ERROR_TEXT, JobKind, kind_of

if TYPE_CHECKING:
    from zhongshu.org.models import Person

logger = logging.getLogger("zhongshu.kernel.jobs")

# How long a finished job's files are kept for its owner to download.
FILE_EXPIRY = dt.timedelta(hours=24)


class JobRefused(Exception):
    """The job cannot be done; ``message`` tells its owner why, in Chinese. ``result``
    is kept on the job for its page (an import's list of wrong rows)."""

    def __init__(self, message: str, *, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.result = result or {}


class JobLost(Exception):
    """This run no longer holds the job: it was taken over by another run."""


@dataclass(frozen=True)
class ResultFile:
    name: str
    content: bytes
    content_type: str


@dataclass
class JobOutcome:
    """What a kind's ``run`` hands back. ``write`` is the kind's change to the office's
    data, if any: the kernel runs it in the transaction that records the job as done,
    after checking that this run still holds the job, so a run that lost its job writes
    nothing and a job is never done without its writes (nor the writes without it)."""

    summary: dict[str, Any] = field(default_factory=dict)
    file: ResultFile | None = None
    write: Callable[[], dict[str, Any] | None] | None = None
    event: tuple[str, dict[str, Any]] | None = None  # audit event recorded with the result
    done: int | None = None
    total: int | None = None


class JobContext:
    """What a running kind may read and report."""

    def __init__(self, job: Job, kind: JobKind, token: uuid.UUID) -> None:
        self.job_id: int = job.pk
        self.owner: Person = job.owner
        self.params: dict[str, Any] = dict(job.params)
        self.kind = kind
        self._mine = _held(job.pk, token)
        self._total = 0

    def input(self) -> bytes:
        """The file the owner uploaded with the job."""
        file = JobFile.objects.filter(job_id=self.job_id, purpose=JobFile.Purpose.INPUT).first()
        if file is None:
            raise JobRefused("上传的文件已不存在，请重新上传。")
        return bytes(file.content)

    def progress(self, done: int, total: int | None = None, *, stage: str | None = None) -> None:
        """Report progress (and that the worker is alive). Raises ``JobLost`` when the
        job was taken over, so the work stops instead of running on for nothing."""
        if total is not None:
            self._total = total
        changes: dict[str, Any] = {"done": done, "total": max(self._total, done),
                                   "heartbeat_at": timezone.now(), "status": JobStatus.RUNNING}
        if stage is not None:
            changes["stage"] = stage[:50]
        if not self._mine.update(**changes):
            raise JobLost

    def stage(self, label: str, total: int = 0) -> None:
        """Start a new stage of the work, counting from zero."""
        self._total = total
        self.progress(0, total, stage=label)


def _held(job_id: int, token: uuid.UUID) -> QuerySet[Job]:
    # An interrupted job still belongs to the run that holds its token until someone
    # runs it again (which clears the token): a slow worker that was taken for dead
    # may still finish it.
    return Job.objects.filter(pk=job_id, claim=token,
                              status__in=[JobStatus.RUNNING, JobStatus.INTERRUPTED])


def claim(job_id: int) -> uuid.UUID | None:
    """Take the job for this run, or None when it is not waiting (another run has it,
    it is finished, or it does not exist). A job marked interrupted while still queued
    (no worker came in time) is taken too: its task arrived late, which is no reason to
    drop it."""
    token = uuid.uuid4()
    now = timezone.now()
    taken = (Job.objects.filter(pk=job_id)
             .filter(Q(status=JobStatus.QUEUED) | Q(status=JobStatus.INTERRUPTED, started_at__isnull=True))
             .update(status=JobStatus.RUNNING, claim=token, started_at=now, heartbeat_at=now,
                     attempts=F("attempts") + 1, done=0, total=0, stage="", failure="",
                     result={}, finished_at=None, expires_at=None))
    return token if taken else None


def run(job_id: int) -> None:
    """Run one job to its end. Safe to call twice or from several workers at once."""
    token = claim(job_id)
    if token is None:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    kind = kind_of(job.kind)
    try:
        if kind is None:
            raise JobRefused("未知的任务类型，任务未执行。")
        if not can(job.owner, kind.action):
            raise JobRefused(kind.refusal_text)
        outcome = kind.run(JobContext(job, kind, token))
        _finish(job, kind, token, outcome)
    except JobLost:
        logger.info("job %s (%s): taken over by another run, this run stops", job_id, job.kind)
    except JobRefused as exc:
        _fail(job_id, token, exc.message, exc.result)
    except Exception:
        # The details are for the operator; the owner reads a sentence in Chinese.
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, token, kind.failure_text if kind else DEFAULT_ERROR_TEXT, {})
        raise


def _finish(job: Job, kind: JobKind, token: uuid.UUID, outcome: JobOutcome) -> None:
    mine = _held(job.pk, token)
    with transaction.atomic():
        # Touch the row under the token first: from here to the commit this run holds
        # the job (PostgreSQL's row lock, SQLite's write lock), so nobody takes it over
        # while the kind writes.
        if not mine.update(heartbeat_at=timezone.now()):
            raise JobLost
        summary = dict(outcome.summary)
        if outcome.write is not None:
            summary.update(outcome.write() or {})
        finished = timezone.now()
        current = Job.objects.values("done", "total").get(pk=job.pk)
        done = outcome.done if outcome.done is not None else current["total"] or current["done"]
        total = outcome.total if outcome.total is not None else max(current["total"], done)
        mine.update(status=JobStatus.DONE, result=summary, done=done, total=total, stage="",
                    failure="", finished_at=finished, expires_at=finished + FILE_EXPIRY)
        # The upload has served its purpose; only what the job made is kept.
        JobFile.objects.filter(job_id=job.pk, purpose=JobFile.Purpose.INPUT).delete()
        if outcome.file is not None:
            JobFile.objects.create(job_id=job.pk, purpose=JobFile.Purpose.RESULT,
                                   name=outcome.file.name[:200],
                                   content_type=outcome.file.content_type,
                                   size=len(outcome.file.content),
                                   blob=filestore.put(outcome.file.content))
        if outcome.event is not None:
            action, details = outcome.event
            audit.record(actor=job.owner, action=action, obj=job,
                         details={"kind": kind.code, **details})


def _fail(job_id: int, token: uuid.UUID, message: str, result: dict[str, Any]) -> None:
    finished = timezone.now()
    with transaction.atomic():
        if _held(job_id, token).update(status=JobStatus.FAILED, failure=message[:500], result=result,
                                       stage="", finished_at=finished, expires_at=finished):
            JobFile.objects.filter(job_id=job_id).delete()
