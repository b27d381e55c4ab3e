"""The 办文 home page, the 发文登记簿 (with its Excel export, run in the background), the number register and the
statistics page. Every list shows only what the viewer may see."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require
from zhongshu.documents.actions import DocumentAction
from zhongshu.kernel import kept
from zhongshu.kernel.exports import export_submit
from zhongshu.kernel.filters import parse_year, year_filter
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.paging import CappedPaginator

from . import doctypes, selectors
from .exports import OUTGOING_REGISTER, register_filters
from .models import OutgoingStatus
from .stats import aggregates, aggregates_kept, slowest_open

PAGE_SIZE = 30


def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    return render(request, "documents/home.html", {
        "pending": selectors.my_pending(user), "drafts": selectors.my_drafts(user)[:10],
        "recent": selectors.documents_visible(user).select_related("owner_unit").order_by("-created_at")[:10],
        "may_draft": can(user, DocumentAction.DRAFT),
        "may_register": can(user, DocumentAction.REGISTER_VIEW),
        "may_stats": can(user, DocumentAction.STATS_VIEW)})


def _filtered(request: AuthedRequest):
    filters = {**register_filters(request.GET), "year": year_filter(request)}
    return selectors.register(request.user, **filters), filters


@require(DocumentAction.REGISTER_VIEW)
def register(request: AuthedRequest) -> HttpResponse:
    qs, filters = _filtered(request)
    page = CappedPaginator(qs, PAGE_SIZE, kept_key=kept.register_key(request, "outgoing")
                           ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "documents/register.html", {
        "page": page, "filters": filters, "doc_types": doctypes.CHOICES,
        "statuses": OutgoingStatus.choices, "query": query.urlencode(),
        "sorts": [("-created", "拟稿时间（新→旧）"), ("created", "拟稿时间（旧→新）"),
                  ("-number", "文号（大→小）"), ("number", "文号（小→大）"), ("title", "标题"),
                  ("type", "文种"), ("status", "状态")]})


@require_POST
@require(DocumentAction.REGISTER_VIEW)
def register_export(request: AuthedRequest) -> HttpResponse:
    """导出 Excel: queue the register, as filtered, for the background and show progress."""
    try:
        job = export_submit(actor=request.user, kind=OUTGOING_REGISTER, params=request.GET)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('documents:register')}?{request.GET.urlencode()}")
    return redirect("jobs:detail", pk=job.pk)


@require(DocumentAction.REGISTER_VIEW)
def numbers(request: AuthedRequest) -> HttpResponse:
    year = year_filter(request)
    data = selectors.number_register(request.user, year=year)
    page = CappedPaginator(data["documents"], PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()  # the page links keep the year
    query.pop("page", None)
    return render(request, "documents/numbers.html", {"page": page, "voided": data["voided"], "year": year,
                                                      "query": query.urlencode()})


def _stats_year(request: AuthedRequest, *, report: bool = True) -> tuple[int | None, int]:
    """This year by default: the office reads its statistics by year, and all years at a
    million documents take seconds to aggregate. ``?year=all`` for every year. A bad year
    is reported by the page, not by its fragments (they show no messages)."""
    this_year = timezone.localdate().year
    if request.GET.get("year", "") == "all":
        return None, this_year
    year = year_filter(request) if report else parse_year(request.GET.get("year"))[0]
    return year or this_year, this_year


def _aggregate_charts(data: dict) -> dict:
    return {"stage": {"names": [r[0] for r in data["per_stage"]], "hours": [r[1] for r in data["per_stage"]]},
            "unit": {"names": [r[0] for r in data["per_unit"]], "hours": [r[1] for r in data["per_unit"]]},
            "months": data["months"], "types": data["per_type"]}


@require(DocumentAction.STATS_VIEW)
def stats(request: AuthedRequest) -> HttpResponse:
    """The slowest open items are read live; the averages come with the page when they
    were computed in the last ten minutes, else from ``stats_aggregates`` in a second
    request while the page says it is counting (seconds at a million documents)."""
    year, this_year = _stats_year(request)
    slowest = slowest_open(request.user, year=year)
    # ``compute=1`` (the link shown without JavaScript) counts within this request.
    data = aggregates(request.user, year) if request.GET.get("compute") else aggregates_kept(request.user, year)
    return render(request, "documents/stats.html", {
        "data": data, "slowest": slowest, "year": year,
        "agg_charts": _aggregate_charts(data) if data else None,
        "charts": {"slowest": {"names": [i.title for i in slowest], "workdays": [i.workdays for i in slowest]}},
        "years": list(range(this_year, this_year - 10, -1)),
        "aggregates_url": f"{reverse('documents:stats_aggregates')}?year={year or 'all'}",
        "compute_url": f"?year={year or 'all'}&compute=1"})


@require(DocumentAction.STATS_VIEW)
def stats_aggregates(request: AuthedRequest) -> HttpResponse:
    """The averages and monthly counts as a fragment of the statistics page (htmx)."""
    year, _this_year = _stats_year(request, report=False)
    data = aggregates(request.user, year)
    return render(request, "documents/_stats_aggregates.html", {
        "data": data, "year": year, "agg_charts": _aggregate_charts(data)})
