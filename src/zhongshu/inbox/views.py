"""The person's inbox (待办 / 待阅 / 已办 / 已阅) and notifications. Thin: the items come
from the registered providers through selectors."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require
from zhongshu.inbox.actions import InboxAction
from zhongshu.kernel.http import AuthedRequest
from zhongshu.workflow.actions import WorkflowAction

from . import registry, selectors, services
from .models import Notification
from .registry import Box

PAGE_SIZE = 20
TABS = [("todo", gettext_lazy("待办")), ("toread", gettext_lazy("待阅")),
        ("done", gettext_lazy("已办")), ("read", gettext_lazy("已阅"))]
_DONE_BOX = {"done": Box.TODO, "read": Box.TOREAD}


def _page_number(request: AuthedRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


@require(InboxAction.VIEW)
def inbox(request: AuthedRequest) -> HttpResponse:
    tab = request.GET.get("tab", "todo")
    if tab not in dict(TABS):
        tab = "todo"
    kinds = registry.kinds()
    kind = request.GET.get("kind", "")
    if kind not in dict(kinds):
        kind = ""
    number = _page_number(request)
    context = {"tab": tab, "tabs": TABS, "kinds": kinds, "kind": kind,
               # The office keeps its routing templates; the inbox is where it starts its day.
               "may_view_templates": can(request.user, WorkflowAction.TEMPLATE_VIEW),
               "today": timezone.localdate(), "querystring": f"tab={tab}&kind={kind}&"}
    if tab in _DONE_BOX:
        # 已办/已阅 grow without end: fetch only as far as this page, and page by
        # "earlier / later" rather than by a total count.
        items = selectors.inbox_done(request.user, _DONE_BOX[tab], kind=kind or None,
                                     limit=number * PAGE_SIZE + 1)
        context.update(items=items[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], number=number,
                       has_next=len(items) > number * PAGE_SIZE, done=True)
    else:
        # Ordered on the sort key alone; only the page's items are made full.
        drafts = selectors.inbox_open_drafts(request.user, tab, kind=kind or None)
        page = Paginator(drafts, PAGE_SIZE).get_page(number)
        context.update(items=selectors.inbox_complete(request.user, page.object_list), page=page, done=False)
    return render(request, "inbox/inbox.html", context)


@require(InboxAction.VIEW)
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notifications_for(request.user, unread_only=unread_only)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.notifications_shown(request.user, page.object_list)
    return render(request, "inbox/notifications.html", {
        "page": page, "unread_only": unread_only,
        "querystring": "unread=1&" if unread_only else ""})


@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = Notification.objects.filter(pk=pk).first()
    # Someone else's notification is indistinguishable from a missing one.
    if notification is None or not can(request.user, InboxAction.NOTIFICATION_READ, notification):
        raise Http404
    services.notification_mark_read(actor=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect("inbox:notifications")


@require_POST
@require(InboxAction.VIEW)
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    n = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": n})
    return redirect("inbox:notifications")
