"""The audit pages: the trail, searchable and paginated, and its Excel export."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from openpyxl import Workbook

from zhongshu.access.policy import Action, can
from zhongshu.access.views import require

from . import selectors, services
from .events import Event
from .forms import EventFilterForm
from .models import Outcome

PAGE_SIZE = 50
# An export beyond this is refused with a message asking for a narrower filter; long
# exports belong in a background job (not built yet, see docs/decisions/0303).
EXPORT_LIMIT = 50_000


@require(Action.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    qs = selectors.events(request.user, form.to_filter())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"event": e, "repr": selectors.shown_repr(request.user, e),
             "level": selectors.level_label(e.classification),
             "details": _details_text(e.details)} for e in page.object_list]
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "rows": rows,
        "querystring": urlencode(params) + "&" if params else "",
        "may_export": can(request.user, Action.AUDIT_EXPORT),
        "security_tabs": can(request.user, Action.CLEARANCE_SET),
        "export_query": urlencode(params)})


@require(Action.AUDIT_EXPORT)
def export(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    qs = selectors.events(request.user, form.to_filter())
    total = qs.count()
    if total > EXPORT_LIMIT:
        return render(request, "audit/export_too_large.html",
                      {"total": total, "limit": EXPORT_LIMIT}, status=400)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审计事件")
    ws.append(["序号", "时间", "操作人", "委托人", "操作", "对象类型", "对象编号", "对象", "密级",
               "来源地址", "结果", "详情", "摘要算法", "摘要"])
    tz = timezone.get_current_timezone()
    outcomes = dict(Outcome.choices)
    for e in qs.iterator(chunk_size=2000):
        ws.append([e.seq, e.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name,
                   e.on_behalf_of_name, e.action, e.object_type, e.object_id,
                   selectors.shown_repr(request.user, e), selectors.level_label(e.classification),
                   e.ip_address or "", str(outcomes.get(e.outcome, e.outcome)),
                   _details_text(e.details), e.algorithm, e.hash])
    buf = io.BytesIO()
    wb.save(buf)
    # The export is itself an event: who took which slice of the trail.
    services.record(actor=request.user, action=Event.AUDIT_EXPORT,
                    details={"rows": total, "filter": {k: v for k, v in request.GET.items() if v}})
    response = HttpResponse(buf.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''audit-{stamp}.xlsx"
    return response


def _details_text(details: dict) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True)[:32000] if details else ""
