"""Excel exports of long lists: one kind of background job (``kernel.jobs``).

An app declares what it exports with ``register(ExportKind(...))`` in its ``ready``: the
selector that lists the rows for a viewer, the columns, and the action that guards the
list. The worker runs the selector again *as the person who asked* (so need-to-know is
applied when the rows are read) and keeps the finished workbook for ``jobs.FILE_EXPIRY``.
The kernel imports no app; the kind brings everything."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from zhongshu.access.policy import can

from . import jobs
from .events import KernelEvent
from .models import Job
from .paging import capped_count

if TYPE_CHECKING:
    from zhongshu.org.models import Person

EXPORT_LIMIT = 50_000  # rows in one workbook unless the kind says otherwise
PROGRESS_EVERY = 500  # rows between two progress reports
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAGE = "正在导出"


@dataclass(frozen=True)
class ExportKind:
    code: str  # the job kind, e.g. "outgoing_register"
    label: str  # the list's name, also the sheet's title: "发文登记簿"
    noun: str  # what a row is: "发文"
    action: StrEnum  # checked when the export is asked for, run and downloaded
    headers: tuple[str, ...]
    rows: Callable[[Person, Mapping[str, str]], QuerySet[Any]]  # (viewer, filters) → the selector
    row: Callable[[Person, Any], list[Any]]  # (viewer, one object) → its cells
    list_url: str  # URL name of the page the export comes from
    file_stem: str  # ASCII start of the file name
    limit: int | None = None  # rows in one workbook; EXPORT_LIMIT if None
    measure: str = "件"  # the counter word of a row: 件 (documents), 条 (events)
    # An audit event recorded when the workbook is made (the audit trail's own export).
    made_event: str = ""

    @property
    def row_limit(self) -> int:
        return self.limit or EXPORT_LIMIT


_EXPORTS: dict[str, ExportKind] = {}


def register(spec: ExportKind) -> None:
    """Declare an export (from an app's ``ready``): it becomes a job kind."""
    _EXPORTS[spec.code] = spec
    jobs.register(job_kind(spec))


def job_kind(spec: ExportKind) -> jobs.JobKind:
    return jobs.JobKind(
        code=spec.code, label=f"导出{spec.label}", action=spec.action,
        run=partial(_run, spec), submit_event=KernelEvent.EXPORT_SUBMIT,
        download_event=KernelEvent.EXPORT_DOWNLOAD, origin=spec.list_url, origin_label=spec.label,
        origin_query=True,
        result_template="kernel/_export_result.html", unit="行",
        refusal=f"导出人已无权查看{spec.label}，未生成文件。",
        error_text="导出时出错，未生成文件。请稍后重新导出；如仍失败，请联系系统管理员。",
        describe=_describe)


def kind_of(code: str) -> ExportKind | None:
    return _EXPORTS.get(code)


def _describe(job: Job) -> dict[str, Any]:
    details: dict[str, Any] = {"filter": job.params}
    if "rows" in job.result:
        details |= {"rows": job.result["rows"], "capped": job.result.get("capped", False)}
    return details


def clean_params(params: Mapping[str, str]) -> dict[str, str]:
    """The list's filters as the job keeps them: non-empty strings, without the page."""
    return {str(k)[:50]: str(v)[:200] for k, v in params.items() if k != "page" and v}


def export_submit(*, actor: Person, kind: str, params: Mapping[str, str]) -> Job:
    """Queue an export of ``kind`` filtered by ``params`` for ``actor``."""
    return jobs.job_submit(actor=actor, kind=kind, params=clean_params(params))


# --- the work itself, in the worker ---------------------------------------------------

def _run(spec: ExportKind, ctx: jobs.JobContext) -> jobs.JobOutcome:
    ctx.stage(STAGE)
    content, rows, capped = build_workbook(spec, ctx.owner, ctx.params, ctx.progress)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    summary = {"rows": rows, "capped": capped, "limit": spec.row_limit}
    event = (spec.made_event, {"rows": rows, "capped": capped, "filter": ctx.params}) if spec.made_event else None
    return jobs.JobOutcome(summary=summary, done=rows, total=rows, event=event,
                           file=jobs.ResultFile(f"{spec.file_stem}-{stamp}.xlsx", content, XLSX))


def build_workbook(spec: ExportKind, owner: Person, params: Mapping[str, str],
                   progress: Callable[[int, int], None]) -> tuple[bytes, int, bool]:
    """Write the list as ``owner`` sees it now: (workbook, rows written, capped?)."""
    from openpyxl import Workbook

    if not can(owner, spec.action):
        raise jobs.JobRefused(f"导出人已无权查看{spec.label}，未生成文件。")
    limit = spec.row_limit
    qs = spec.rows(owner, params)
    # COUNT(*) over at most limit + 1 rows, unordered: the database stops there.
    counted = capped_count(qs, limit)
    capped = counted > limit
    total = min(counted, limit)
    progress(0, total)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.label)
    ws.append(list(spec.headers))
    done = 0
    try:
        for obj in qs[:limit].iterator(chunk_size=PROGRESS_EVERY):
            ws.append(spec.row(owner, obj))
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
        m = spec.measure
        ws.append([f"说明：符合条件的{spec.noun}超过 {limit:,} {m}，本表只含排在前面的 "
                   f"{limit:,} {m}。请缩小查询范围后分批导出。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), done, capped
