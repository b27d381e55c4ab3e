"""The 办文 home page, the 发文登记簿 (with Excel export), the number register and the
statistics page. Every list shows only what the viewer may see."""

from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhongshu.access.policy import Action, can
from zhongshu.access.views import require
from zhongshu.kernel.paging import CappedPaginator

from . import doctypes, selectors
from .models import OutgoingStatus
from .stats import outgoing_stats

PAGE_SIZE = 30
EXPORT_LIMIT = 50_000


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(request, "documents/home.html", {
        "pending": selectors.my_pending(user), "drafts": selectors.my_drafts(user)[:10],
        "recent": selectors.documents_visible(user).select_related("owner_unit").order_by("-created_at")[:10],
        "may_draft": can(user, Action.DOCUMENT_DRAFT),
        "may_register": can(user, Action.DOCUMENT_REGISTER_VIEW),
        "may_stats": can(user, Action.DOCUMENT_STATS_VIEW)})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filtered(request: HttpRequest):
    g = request.GET
    filters = {"q": g.get("q", "").strip(), "doc_type": g.get("doc_type", ""),
               "status": g.get("status", ""), "year": _int(g.get("year")), "sort": g.get("sort", "-created")}
    return selectors.register(request.user, **filters), filters


@require(Action.DOCUMENT_REGISTER_VIEW)
def register(request: HttpRequest) -> HttpResponse:
    qs, filters = _filtered(request)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "documents/register.html", {
        "page": page, "filters": filters, "doc_types": doctypes.CHOICES,
        "statuses": OutgoingStatus.choices, "query": query.urlencode(),
        "sorts": [("-created", "拟稿时间（新→旧）"), ("created", "拟稿时间（旧→新）"),
                  ("-number", "文号（大→小）"), ("number", "文号（小→大）"), ("title", "标题"),
                  ("type", "文种"), ("status", "状态")]})


@require(Action.DOCUMENT_REGISTER_VIEW)
def register_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    qs, _filters = _filtered(request)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("发文登记簿")
    ws.append(["发文字号", "文种", "标题", "密级", "紧急程度", "发文单位", "拟稿人", "拟稿时间",
               "签发人", "签发时间", "状态", "印制份数"])
    for doc in qs[:EXPORT_LIMIT].iterator(chunk_size=1000):
        ws.append([doc.doc_number, doc.doc_type, doc.title, doc.get_classification_display(),
                   doc.get_urgency_display(), doc.owner_unit.name, doc.registered_by.full_name,
                   timezone.localtime(doc.created_at).strftime("%Y-%m-%d %H:%M"),
                   doc.signed_off_by.full_name if doc.signed_off_by else "",
                   timezone.localtime(doc.signed_off_at).strftime("%Y-%m-%d %H:%M") if doc.signed_off_at else "",
                   doc.get_status_display(), doc.copies_printed])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = 'attachment; filename="outgoing-register.xlsx"'
    return response


@require(Action.DOCUMENT_REGISTER_VIEW)
def numbers(request: HttpRequest) -> HttpResponse:
    year = _int(request.GET.get("year"))
    data = selectors.number_register(request.user, year=year)
    page = CappedPaginator(data["documents"], PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/numbers.html", {"page": page, "voided": data["voided"], "year": year})


@require(Action.DOCUMENT_STATS_VIEW)
def stats(request: HttpRequest) -> HttpResponse:
    year = _int(request.GET.get("year"))
    data = outgoing_stats(request.user, year=year)
    charts = {
        "stage": {"names": [r[0] for r in data["per_stage"]], "hours": [r[1] for r in data["per_stage"]]},
        "unit": {"names": [r[0] for r in data["per_unit"]], "hours": [r[1] for r in data["per_unit"]]},
        "months": data["months"], "types": data["per_type"],
        "slowest": {"names": [i.title for i in data["slowest"]],
                    "workdays": [i.workdays for i in data["slowest"]]}}
    return render(request, "documents/stats.html", {"data": data, "charts": charts, "year": year})
