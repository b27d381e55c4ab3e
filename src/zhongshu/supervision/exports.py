"""The 督办台账 as a background Excel export (kernel.exports): the same filters and the
same selector as the ledger page, run for the person who asked (a unit exports only its
own tasks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from zhongshu.kernel.exports import ExportKind
from zhongshu.org.models import Person

from . import selectors
from .actions import SupervisionAction
from .models import Light, SourceKind

LEDGER_EXPORT = "supervision_ledger"


def rows(viewer: Any, params: Mapping[str, str]) -> QuerySet:
    return selectors.ledger(viewer, selectors.LedgerFilter.from_params(params)).select_related(
        "unit", "leader", "task")


def _row(viewer: Person, r: Any) -> list:
    return [r.pk, r.title, str(SourceKind(r.source).label), str(r.leader) if r.leader_id else "",
            r.unit.name, "牵头" if r.role == "lead" else "协办",
            r.created_on.isoformat(), r.due_date.isoformat() if r.due_date else "",
            selectors.STATUS_LABELS.get(r.status, r.status), str(Light(r.light).label),
            r.task.reminders, r.closed_on.isoformat() if r.closed_on else ""]


ledger_export = ExportKind(
    code=LEDGER_EXPORT, label="督办台账", noun="督办任务", action=SupervisionAction.USE,  # type: ignore[arg-type]
    headers=("任务编号", "督办事项", "来源", "交办领导", "办理单位", "角色", "交办日期",
             "办理时限", "状态", "督办灯", "催办次数", "办结日期"),
    rows=rows, row=_row, list_url="supervision:ledger", file_stem="supervision-ledger",
    limit=200_000, measure="项")
