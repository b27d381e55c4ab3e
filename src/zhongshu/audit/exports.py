"""The audit trail's Excel export: a background job (``kernel.exports``) for the auditor,
with the same filters and the same selector as the audit page, run as the auditor. The
workbook's making is itself an audit event (``audit.export``), as is its download."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhongshu.access.policy import Action
from zhongshu.kernel.exports import ExportKind
from zhongshu.org.models import Person

from . import selectors
from .events import AuditLogEvent
from .forms import EventFilterForm
from .models import AuditEvent, Outcome

AUDIT_EVENTS = "audit_events"
# A whole year of a busy office's trail; an Excel sheet holds about a million rows.
LIMIT = 200_000
_OUTCOMES = dict(Outcome.choices)


def details_text(details: dict[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True)[:32000] if details else ""


def rows(viewer: Person, params: Mapping[str, str]) -> QuerySet[AuditEvent]:
    return selectors.events(viewer, EventFilterForm(dict(params) or None).to_filter())


def _row(viewer: Person, e: AuditEvent) -> list[Any]:
    return [e.seq, timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name,
            e.on_behalf_of_name, e.action, e.object_type, e.object_id,
            selectors.shown_repr(viewer, e), selectors.level_label(e.classification),
            e.ip_address or "", str(_OUTCOMES.get(e.outcome, e.outcome)),
            details_text(selectors.shown_details(viewer, e)), e.algorithm, e.hash]


audit_events = ExportKind(
    code=AUDIT_EVENTS, label="审计日志", noun="审计事件", measure="条", action=Action.AUDIT_EXPORT,
    headers=("序号", "时间", "操作人", "委托人", "操作", "对象类型", "对象编号", "对象", "密级",
             "来源地址", "结果", "详情", "摘要算法", "摘要"),
    rows=rows, row=_row, list_url="audit:event_list", file_stem="audit", limit=LIMIT,
    made_event=AuditLogEvent.AUDIT_EXPORT)
