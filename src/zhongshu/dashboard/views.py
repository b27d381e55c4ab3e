from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zhongshu.access.policy import Action, can
from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar, missing_years
from zhongshu.kernel.http import AuthedRequest


def home(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        today_is_workday: bool | None = WorkCalendar.load().is_workday(today)
    except CalendarYearUnknown:
        today_is_workday = None
    return render(request, "dashboard/home.html", {
        "today_is_workday": today_is_workday,
        "calendar_missing_years": missing_years(today) if can(request.user, Action.CALENDAR_MANAGE) else [],
    })
