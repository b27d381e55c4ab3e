"""Excel exports of long lists, run in the background with progress (ARCHITECTURE §6).

An app declares what it exports with ``register(ExportKind(...))`` in its ``ready``: the
selector that lists the rows for a viewer, the columns, and the action that guards the
list. The kernel queues a job for the person who asked, runs the selector again *as that
person* in the worker (so need-to-know is applied when the rows are read), and keeps the
finished workbook for ``EXPIRY``. The kernel imports no app; the kind brings everything.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhongshu.access.policy import Action, can, visible
from zhongshu.audit import services as audit
from zhongshu.audit.events import Event

from .models import ExportJob, ExportStatus
from .paging import capped_count

EXPORT_LIMIT = 50_000  # rows in one workbook; beyond it the sheet says so
PROGRESS_EVERY = 500  # rows between two progress updates
EXPIRY = dt.timedelta(hours=24)
MAX_OPEN_PER_PERSON = 3  # queued or running exports one person may have at once
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportKind:
    code: str  # stored on the job, e.g. "outgoing_register"
    label: str  # the list's name, also the sheet's title: "发文登记簿"
    noun: str  # what a row is: "发文"
    action: Action  # checked when the export is asked for, run and downloaded
    headers: tuple[str, ...]
    rows: Callable[[Any, Mapping[str, str]], QuerySet]  # (viewer, filters) → the selector
    row: Callable[[Any], list]  # one object → its cells
    list_url: str  # URL name of the page the export comes from
    file_stem: str  # ASCII start of the file name


_KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    _KINDS[kind.code] = kind


def kind_of(code: str) -> ExportKind | None:
    return _KINDS.get(code)


class ExportRefused(Exception):
    """The export may not be produced; the message says why, in Chinese."""


# --- reads --------------------------------------------------------------------------

def my_exports(viewer: Any) -> QuerySet[ExportJob]:
    """The viewer's own exports, newest first, without their files."""
    return visible(viewer, ExportJob.objects.defer("content")).order_by("-created_at", "-id")


def is_downloadable(job: ExportJob, now: dt.datetime | None = None) -> bool:
    return (job.status == ExportStatus.DONE and job.expires_at is not None
            and job.expires_at > (now or timezone.now()))


# --- writes -------------------------------------------------------------------------

def clean_params(params: Mapping[str, str]) -> dict[str, str]:
    """The list's filters as the job keeps them: non-empty strings, without the page."""
    return {str(k)[:50]: str(v)[:200] for k, v in params.items() if k != "page" and v}


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the exports whose time is up, with their files (the audit trail keeps that
    they were made and downloaded). An unfinished export whose worker is gone
    (``ExportJob.STALE_AFTER``) is first marked failed, so its page stops waiting and it
    expires like any other failure."""
    now = now or timezone.now()
    ExportJob.objects.filter(ExportJob.stale(now)).update(
        status=ExportStatus.FAILED, error=ExportJob.INTERRUPTED, content=b"",
        finished_at=now, expires_at=now + EXPIRY)
    deleted, _ = ExportJob.objects.filter(expires_at__lt=now).delete()
    return deleted


def export_submit(*, actor: Any, kind: str, params: Mapping[str, str]) -> ExportJob:
    """Queue an export of ``kind`` filtered by ``params`` for ``actor``; the worker picks
    it up after the transaction commits."""
    from .tasks import run_export

    spec = kind_of(kind)
    if spec is None or not can(actor, spec.action):
        raise PermissionDenied
    now = timezone.now()
    purge_expired(now)
    # Only live jobs count: a stale one (its worker died) must not block its owner.
    open_jobs = (ExportJob.objects.filter(owner_id=actor.pk,
                                          status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
                 .exclude(ExportJob.stale(now)).count())
    if open_jobs >= MAX_OPEN_PER_PERSON:
        raise ValidationError(f"您已有 {open_jobs} 个导出正在进行，请等其完成后再导出。")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    with transaction.atomic():
        job = ExportJob.objects.create(owner=actor, kind=kind, params=clean_params(params),
                                       file_name=f"{spec.file_stem}-{stamp}.xlsx")
        audit.record(actor=actor, action=Event.EXPORT_SUBMIT, obj=job,
                     details={"kind": kind, "filter": job.params})
        transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def export_download(*, actor: Any, job: ExportJob) -> bytes:
    """The finished workbook, for its owner while they still hold the right to the list;
    every download is recorded."""
    spec = kind_of(job.kind)
    if job.owner_id != actor.pk or spec is None or not can(actor, spec.action):
        raise PermissionDenied
    if not is_downloadable(job):
        raise ExportRefused("该导出尚未完成或已过期，请重新导出。")
    audit.record(actor=actor, action=Event.EXPORT_DOWNLOAD, obj=job,
                 details={"kind": job.kind, "rows": job.processed_rows, "capped": job.capped,
                          "filter": job.params})
    return bytes(job.content)


# --- the work itself (called by tasks.run_export) ------------------------------------

def build_workbook(spec: ExportKind, owner: Any, params: Mapping[str, str],
                   progress: Callable[[int, int], None]) -> tuple[bytes, int, bool]:
    """Write the list as ``owner`` sees it now: (workbook, rows written, capped?)."""
    from openpyxl import Workbook

    if not can(owner, spec.action):
        raise ExportRefused(f"导出人已无权查看{spec.label}，未生成文件。")
    qs = spec.rows(owner, params)
    # COUNT(*) over at most LIMIT + 1 rows, unordered: the database stops there.
    counted = capped_count(qs, EXPORT_LIMIT)
    capped = counted > EXPORT_LIMIT
    total = min(counted, EXPORT_LIMIT)
    progress(0, total)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.label)
    ws.append(list(spec.headers))
    done = 0
    try:
        for obj in qs[:EXPORT_LIMIT].iterator(chunk_size=PROGRESS_EVERY):
            ws.append(spec.row(obj))
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress(done, max(total, done))
    except BaseException:
        # The half-written sheet is dropped; closing its XML stream now keeps openpyxl's
        # writer from failing later, unseen, when it is garbage-collected.
        ws.close()
        raise
    if capped:
        ws.append([])
        ws.append([f"说明：符合条件的{spec.noun}超过 {EXPORT_LIMIT:,} 件，本表只含排在前面的 "
                   f"{EXPORT_LIMIT:,} 件。请缩小查询范围后分批导出。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), done, capped
