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
    # Column widths in Excel's character units, one per header; guessed from the headers
    # when not given (a title column wide, a date column as wide as a date).
    widths: tuple[int, ...] | None = None

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


# Headers whose columns hold long text or dates, by a word they contain.
_WIDE = ("标题", "事由", "摘要", "结果", "意见", "内容", "说明", "详情")
_DATED = ("时间", "日期", "时限")
TITLE_ROWS = 2  # the title, then the filters and the time of export; the headers follow


def _text_width(text: str) -> int:
    """Width in Excel's units: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(spec: ExportKind) -> list[int]:
    if spec.widths:
        return list(spec.widths)
    widths = []
    for header in spec.headers:
        if any(w in header for w in _WIDE):
            widths.append(48)
        elif any(w in header for w in _DATED):
            widths.append(18)
        else:
            widths.append(max(10, _text_width(header) + 4))
    return widths


# How the lists' common filters read in the title rows; a filter not named here is left out
# rather than shown by its technical name.
FILTER_LABELS = {"q": "关键词", "doc_type": "文种", "status": "状态", "year": "年度",
                 "urgency": "紧急程度", "sender": "来文单位", "date_from": "起始日期",
                 "date_to": "截止日期", "overdue": "仅看超期", "action": "操作",
                 "outcome": "结果", "actor": "操作人"}


def _filters_text(params: Mapping[str, str]) -> str:
    shown = [f"{FILTER_LABELS[k]}：{'是' if v == 'on' else v}" for k, v in params.items()
             if k in FILTER_LABELS and v]
    return "筛选条件：" + ("；".join(shown) if shown else "全部")


def _head(ws: Any, spec: ExportKind, params: Mapping[str, str]) -> None:
    """A title row, a line saying what was exported and when, then the bold headers; the
    headers stay in view when scrolling (frozen) and repeat on every printed page."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(column_widths(spec), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    header_row = TITLE_ROWS + 1
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    title = WriteOnlyCell(ws, value=spec.label)
    title.font = Font(name="黑体", bold=True, size=16)
    ws.append([title])
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    note = WriteOnlyCell(ws, value=f"导出时间：{stamp}　{_filters_text(params)}")
    note.font = Font(size=10, color="666666")
    ws.append([note])
    thin = Side(style="thin", color="999999")
    cells = []
    for header in spec.headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF5")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(bottom=thin, top=thin, left=thin, right=thin)
        cells.append(cell)
    ws.append(cells)


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
    _head(ws, spec, params)
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
