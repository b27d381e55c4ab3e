"""The home page (工作台) and the office's notice board (通知公告)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhongshu.access.policy import Action, can
from zhongshu.access.views import require
from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar, missing_years
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.paging import CappedPaginator

from . import selectors, services
from .actions import DashboardAction
from .forms import AnnouncementForm
from .models import Announcement

ANNOUNCEMENTS_ON_HOME = 5


def home(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        today_is_workday: bool | None = WorkCalendar.load().is_workday(today)
    except CalendarYearUnknown:
        today_is_workday = None
    bench = selectors.workbench(request.user, today)  # type: ignore[arg-type]
    return render(request, "dashboard/home.html", {
        "today_is_workday": today_is_workday, "today": today, "bench": bench,
        "announcements": selectors.announcements_shown(request.user, today)[:ANNOUNCEMENTS_ON_HOME],  # type: ignore[arg-type]
        "may_announce": can(request.user, DashboardAction.ANNOUNCEMENT_MANAGE),
        "slowest": selectors.office_slowest(request.user),  # type: ignore[arg-type]
        "calendar_missing_years": missing_years(today) if can(request.user, Action.CALENDAR_MANAGE) else [],
    })


@require(DashboardAction.ANNOUNCEMENT_VIEW)
def announcement_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.announcements_all(request.user)  # type: ignore[arg-type]
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "dashboard/announcement_list.html", {
        "page": page, "today": timezone.localdate(),
        "may_announce": can(request.user, DashboardAction.ANNOUNCEMENT_MANAGE)})


def _visible(request: HttpRequest, pk: int) -> Announcement:
    item = get_object_or_404(Announcement, pk=pk)
    if not selectors.announcements_all(request.user).filter(pk=pk).exists():  # type: ignore[arg-type]
        raise Http404
    return item


@require(DashboardAction.ANNOUNCEMENT_VIEW)
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dashboard/announcement_detail.html", {
        "item": _visible(request, pk), "today": timezone.localdate(),
        "may_announce": can(request.user, DashboardAction.ANNOUNCEMENT_MANAGE)})


def _save(request: HttpRequest, item: Announcement | None) -> HttpResponse:
    form = AnnouncementForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"title": data["title"], "body": data["body"], "pinned": data["pinned"],
                  "expires_on": data["expires_on"]}
        try:
            if item is None:
                item = services.announcement_publish(actor=request.user, **fields)  # type: ignore[arg-type]
                messages.success(request, "通知公告已发布。")
            else:
                item = services.announcement_update(actor=request.user, announcement=item, **fields)  # type: ignore[arg-type]
                messages.success(request, "通知公告已修改。")
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        except PermissionDenied:
            raise
        else:
            return redirect("announcements:detail", pk=item.pk)
    return render(request, "dashboard/announcement_form.html", {"form": form, "item": item})


@require(DashboardAction.ANNOUNCEMENT_MANAGE)
def announcement_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@require(DashboardAction.ANNOUNCEMENT_MANAGE)
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save(request, _visible(request, pk))


@require_POST
@require(DashboardAction.ANNOUNCEMENT_MANAGE)
def announcement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    services.announcement_withdraw(actor=request.user, announcement=_visible(request, pk))  # type: ignore[arg-type]
    messages.success(request, "通知公告已撤下，首页不再显示。")
    return redirect("announcements:list")
