"""年度重点工作 by Excel import, as a background job (``kernel.jobs``): one row per key
item — 事项, 目标要求, 牵头单位代码, 协办单位代码 (separated by 、 or ,), 完成时限, and the
four quarterly milestones (一季度 … 四季度). Every row is checked first; nothing is
written unless all rows are good, and then everything is written in one transaction."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from zhongshu.kernel import jobs
from zhongshu.kernel.files import XLSX
from zhongshu.kernel.models import Job
from zhongshu.org.events import OrgEvent
from zhongshu.org.models import Person, Unit

from .actions import SupervisionAction
from .models import SourceKind

PLAN_IMPORT = "supervision_plan_import"
HEADERS = ("事项", "目标要求", "牵头单位代码", "协办单位代码", "完成时限",
           "一季度", "二季度", "三季度", "四季度")
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


@dataclass
class PlanRow:
    line: int
    title: str
    requirement: str
    lead: Unit
    co: list[Unit]
    due: dt.date
    milestones: list[tuple[str, dt.date]] = field(default_factory=list)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def parse(content: bytes, year: int, progress: Any = None) -> tuple[list[PlanRow], list[dict]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (any unreadable workbook gets the same sentence)
        raise jobs.JobRefused("无法读取该文件，请上传按模板填写的 Excel（.xlsx）文件。") from None
    ws = wb.worksheets[0]
    lines = list(ws.iter_rows(values_only=True))
    if not lines or tuple(str(c or "").strip() for c in lines[0][:len(HEADERS)]) != HEADERS:
        raise jobs.JobRefused("表头不符合模板：第一行应为 " + "、".join(HEADERS) + "。")
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    rows: list[PlanRow] = []
    errors: list[dict] = []
    body = [line for line in lines[1:] if any(c not in (None, "") for c in line)]
    for n, line in enumerate(body, start=2):
        cells = list(line) + [None] * len(HEADERS)
        title, requirement = str(cells[0] or "").strip(), str(cells[1] or "").strip()
        problems = []
        if not title:
            problems.append("事项不能为空")
        lead = units.get(str(cells[2] or "").strip())
        if lead is None:
            problems.append(f"牵头单位代码“{cells[2] or ''}”不存在")
        co_codes = [c for c in re.split(r"[、,，;；\s]+", str(cells[3] or "")) if c]
        co = [units[c] for c in co_codes if c in units]
        if len(co) != len(co_codes):
            problems.append("协办单位代码有误：" + "、".join(c for c in co_codes if c not in units))
        due = _date(cells[4])
        if due is None:
            problems.append("完成时限应为日期（YYYY-MM-DD）")
        if problems:
            errors.append({"line": n, "problems": problems})
        else:
            marks = [(str(cells[5 + q] or "").strip(), dt.date(year, *QUARTER_ENDS[q]))
                     for q in range(4)]
            rows.append(PlanRow(n, title[:300], requirement, lead, co, due,  # type: ignore[arg-type]
                                [m for m in marks if m[0]]))
        if progress is not None and n % 50 == 0:
            progress(n - 1, len(body))
    return rows, errors


def apply(rows: list[PlanRow], *, actor: Person, year: int) -> int:
    from . import services

    for row in rows:
        matter = services.matter_open(actor=actor, source=SourceKind.WORK_PLAN, title=row.title,
                                      requirement=row.requirement, plan_year=year,
                                      source_ref=f"{year}:{row.title[:80]}", importance=2)
        for title, due in row.milestones:
            services.milestone_add(actor=actor, matter=matter, title=title, due_date=due)
        services.task_give(actor=actor, matter=matter, lead=row.lead, co_units=row.co,
                           due_date=row.due, report_every=20)
    return len(rows)


def _run(ctx: jobs.JobContext) -> jobs.JobOutcome:
    content = ctx.input()
    year = int(ctx.params.get("year") or timezone.localdate().year)
    ctx.stage("校验中")
    rows, errors = parse(content, year, ctx.progress)
    if errors:
        raise jobs.JobRefused(f"校验未通过：{len(errors)} 行有错误，未导入任何数据。请修改后重新上传。",
                              result={"errors": errors[:200]})
    ctx.stage("导入中")
    owner: Person = ctx.owner
    return jobs.JobOutcome(write=lambda: {"rows": apply(rows, actor=owner, year=year)},
                           done=len(rows), total=len(rows), summary={"rows": len(rows)})


def _describe(job: Job) -> dict[str, Any]:
    return {"file_name": job.params.get("file_name", ""), "year": job.params.get("year")}


plan_import = jobs.JobKind(
    code=PLAN_IMPORT, label="导入年度重点工作", action=SupervisionAction.MANAGE,  # type: ignore[arg-type]
    run=_run, submit_event=OrgEvent.IMPORT_SUBMIT, origin="supervision:plan_import",
    origin_label="导入年度重点工作", result_template="supervision/_import_result.html", unit="行",
    needs_input=True, refusal="提交人已无权立项督办事项，未导入任何数据。",
    error_text="导入时出错，未导入任何数据。请检查文件后重新上传；如仍失败，请联系系统管理员。",
    describe=_describe)


def import_submit(*, actor: Person, file_name: str, content: bytes, year: int) -> Job:
    return jobs.job_submit(actor=actor, kind=PLAN_IMPORT,
                           params={"file_name": file_name[:200], "year": year},
                           upload=jobs.Upload(name=file_name, content=content,
                                              content_type=XLSX.content_type))
