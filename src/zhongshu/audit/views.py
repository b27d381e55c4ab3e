"""The audit pages: the trail, searchable and paginated, and its Excel export (a
background job, audit.exports)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhongshu.access.policy import Action, can
from zhongshu.access.views import require
from zhongshu.kernel.exports import export_submit
from zhongshu.kernel.filters import report_form_errors
from zhongshu.kernel.http import AuthedRequest

from . import selectors
from .exports import AUDIT_EVENTS, details_text
from .forms import EventFilterForm

PAGE_SIZE = 50


@require(Action.AUDIT_VIEW)
def event_list(request: AuthedRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    report_form_errors(request, form)
    qs = selectors.events(request.user, form.to_filter())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"event": e, "repr": selectors.shown_repr(request.user, e),
             "level": selectors.level_label(e.classification),
             "details": details_text(selectors.shown_details(request.user, e))} for e in page.object_list]
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "rows": rows,
        "querystring": urlencode(params) + "&" if params else "",
        "may_export": can(request.user, Action.AUDIT_EXPORT),
        "security_tabs": can(request.user, Action.CLEARANCE_SET),
        "export_query": urlencode(params)})


@require_POST
@require(Action.AUDIT_EXPORT)
def export(request: AuthedRequest) -> HttpResponse:
    """导出 Excel: queue the trail, as filtered, for the background and show progress."""
    try:
        job = export_submit(actor=request.user, kind=AUDIT_EVENTS, params=request.GET)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('audit:event_list')}?{request.GET.urlencode()}")
    return redirect("jobs:detail", pk=job.pk)
