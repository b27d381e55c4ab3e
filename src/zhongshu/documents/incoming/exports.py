"""The 收文登记簿 as a background Excel export (see kernel.exports): the same filter form
and the same selector as the register page, run for the person who asked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.kernel.exports import ExportKind
from zhongshu.org.models import Person

from . import forms, selectors

INCOMING_REGISTER = "incoming_register"


def rows(viewer: Any, params: Mapping[str, str]):
    form = forms.RegisterFilterForm(dict(params) or None)
    return selectors.register(viewer, form.to_filter(params.get("sort", "-received")))


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(viewer: Person, d: Any) -> list:
    return [d.receipt_number, _time(d.created_at), d.sender_display, d.doc_number, d.title,
            d.get_doc_type_display(), d.secrecy_mark or "公开", d.get_urgency_display(),
            d.copy_number, d.get_status_display(),
            d.handling_unit.name if d.handling_unit_id else "",
            d.deadline.isoformat() if d.deadline else "", _time(d.completed_at), d.summary]


incoming_register = ExportKind(
    code=INCOMING_REGISTER, label="收文登记簿", noun="收文", action=IncomingAction.LIST,
    headers=("收文号", "来文时间", "来文单位", "来文字号", "标题", "文种", "密级", "紧急程度",
             "份号", "状态", "承办单位", "办理时限", "办结时间", "办理结果"),
    rows=rows, row=_row, list_url="incoming:register", file_stem="incoming-register")
