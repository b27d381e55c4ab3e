from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.access.policy import Action
from zhongshu.access.views import require

from . import services
from .calendar import CalendarYearUnknown, WorkCalendar, known_years, missing_years, package_years
from .forms import LookupForm, OverrideForm, YearForm
from .models import CalendarOverride, CalendarYear


@require(Action.CALENDAR_MANAGE)
def calendar(request: HttpRequest) -> HttpResponse:
    override_form = OverrideForm(request.POST if "override" in request.POST else None)
    year_form = YearForm(request.POST if "declare" in request.POST else None)
    if request.method == "POST":
        if "override" in request.POST and override_form.is_valid():
            data = override_form.cleaned_data
            services.calendar_override_set(actor=request.user, **data)
            messages.success(request, _("已保存 %(day)s 的安排。") % {"day": data["day"].isoformat()})
            return redirect("kernel:calendar")
        if "declare" in request.POST and year_form.is_valid():
            data = year_form.cleaned_data
            services.calendar_year_declare(actor=request.user, **data)
            messages.success(request, _("已确认 %(year)s 年安排录入完整。") % {"year": data["year"]})
            return redirect("kernel:calendar")
        if "remove" in request.POST:
            lookup = LookupForm({"day": request.POST.get("remove")})
            if lookup.is_valid():
                services.calendar_override_remove(actor=request.user, day=lookup.cleaned_data["day"])
                messages.success(request, _("已删除该日调整。"))
            return redirect("kernel:calendar")

    lookup = LookupForm(request.GET or None)
    answer = None
    if lookup.is_bound and lookup.is_valid():
        cal = WorkCalendar.load()
        day, n = lookup.cleaned_data["day"], lookup.cleaned_data["n"]
        try:
            answer = {"day": day, "is_workday": cal.is_workday(day)}
            if n is not None:
                answer["n"], answer["result"] = n, cal.add_workdays(day, n)
        except CalendarYearUnknown as exc:
            answer = {"error": str(exc)}
    pkg = package_years()
    return render(request, "kernel/calendar.html", {
        "override_form": override_form, "year_form": year_form, "lookup": lookup,
        "answer": answer,
        "overrides": Paginator(CalendarOverride.objects.all(), 50).get_page(request.GET.get("page")),
        "declared": CalendarYear.objects.all(),
        "package_range": (pkg.start, pkg.stop - 1),
        "known_years": sorted(known_years()),
        "missing": missing_years(timezone.localdate()),
    })
