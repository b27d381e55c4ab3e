"""The 发文登记簿 as a background Excel export (see kernel.exports): the same filters and
the same selector as the register page, run for the person who asked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from zhongshu.documents.actions import DocumentAction
from zhongshu.kernel.exports import ExportKind
from zhongshu.kernel.filters import parse_year
from zhongshu.org.models import Person

from . import selectors

OUTGOING_REGISTER = "outgoing_register"


def register_filters(params: Mapping[str, str]) -> dict:
    """The register's filters from the page's query string (or the export job's copy)."""
    return {"q": params.get("q", "").strip(), "doc_type": params.get("doc_type", ""),
            "status": params.get("status", ""), "year": parse_year(params.get("year"))[0],
            "sort": params.get("sort", "-created")}


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(viewer: Person, doc: Any) -> list:
    return [doc.doc_number, doc.doc_type, doc.title, doc.get_classification_display(),
            doc.get_urgency_display(), doc.owner_unit.name, doc.registered_by.full_name,
            _time(doc.created_at), doc.signed_off_by.full_name if doc.signed_off_by else "",
            _time(doc.signed_off_at), doc.get_status_display(), doc.copies_printed]


outgoing_register = ExportKind(
    code=OUTGOING_REGISTER, label="发文登记簿", noun="发文", action=DocumentAction.REGISTER_VIEW,
    headers=("发文字号", "文种", "标题", "密级", "紧急程度", "发文单位", "拟稿人", "拟稿时间",
             "签发人", "签发时间", "状态", "印制份数"),
    rows=lambda viewer, params: selectors.register(viewer, **register_filters(params)),
    row=_row, list_url="documents:register", file_stem="outgoing-register")
