from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongshu.access.policy import Action
from zhongshu.access.views import require

from . import services
from .calendar import (
    WorkCalendar,
    is_known_year,
    known_years,
    missing_years,
    package_years,
    provisional_note,
)
from .calendar_import import Arrangement, weekday_name
from .forms import ImportForm, LookupForm, OverrideForm, RecomputeForm, YearForm
from .http import AuthedRequest
from .models import CalendarOverride, CalendarRecompute, CalendarYear


@require(Action.CALENDAR_MANAGE)
def calendar(request: AuthedRequest) -> HttpResponse:
    override_form = OverrideForm(request.POST if "override" in request.POST else None)
    year_form = YearForm(request.POST if "declare" in request.POST else None)
    recompute_form = RecomputeForm(request.POST if "recompute" in request.POST else None)
    if request.method == "POST":
        if "override" in request.POST and override_form.is_valid():
            data = override_form.cleaned_data
            services.calendar_override_set(actor=request.user, **data)
            messages.success(request, _("已保存 %(day)s 的安排。") % {"day": data["day"].isoformat()})
            return redirect("kernel:calendar")
        if "declare" in request.POST and year_form.is_valid():
            data = year_form.cleaned_data
            services.calendar_year_declare(actor=request.user, **data)
            messages.success(request, _("已确认 %(year)s 年安排录入完整。涉及该年、暂按推定计算的期限正在后台重新计算。")
                             % {"year": data["year"]})
            return redirect("kernel:calendar")
        if "recompute" in request.POST and recompute_form.is_valid():
            try:
                services.calendar_recompute_request(actor=request.user, **recompute_form.cleaned_data)
            except ValidationError as exc:
                recompute_form.add_error("year", exc.messages[0])
            else:
                messages.success(request, _("已开始在后台重新计算 %(year)s 年的期限。")
                                 % recompute_form.cleaned_data)
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
        # Provisional answers, never a refusal: a year without data is guessed and said so.
        cal = WorkCalendar.load()
        day, n = lookup.cleaned_data["day"], lookup.cleaned_data["n"]
        status = cal.day_status(day)
        answer = {"day": day, "is_workday": status.is_workday, "note": status.note}
        if n is not None:
            due = cal.due_date(day, n)
            answer.update(n=n, result=due.date,
                          note=provisional_note(status.years | due.years))
    pkg = package_years()
    return render(request, "kernel/calendar.html", {
        "override_form": override_form, "year_form": year_form, "lookup": lookup,
        "recompute_form": recompute_form, "answer": answer,
        "overrides": Paginator(CalendarOverride.objects.all(), 50).get_page(request.GET.get("page")),
        "declared": CalendarYear.objects.all(),
        "recomputes": CalendarRecompute.objects.select_related("requested_by")[:10],
        "package_range": (pkg.start, pkg.stop - 1),
        "known_years": sorted(known_years()),
        "missing": missing_years(timezone.localdate()),
    })


@require(Action.CALENDAR_MANAGE)
def calendar_import(request: AuthedRequest) -> HttpResponse:
    """导入全年安排: paste, preview, then apply in one transaction. The text is read
    again when applied, so the preview is never trusted."""
    if request.method != "POST":
        missing = missing_years(timezone.localdate())
        year = missing[-1] if missing else timezone.localdate().year + 1
        return render(request, "kernel/calendar_import.html",
                      {"form": ImportForm(initial={"year": year})})
    form = ImportForm(request.POST)
    if not form.is_valid():
        return render(request, "kernel/calendar_import.html", {"form": form})
    arrangement = form.cleaned_data["arrangement"]
    if "apply" in request.POST:
        result = services.calendar_year_import(
            actor=request.user, arrangement=arrangement, source=form.cleaned_data["source"],
            replace=form.cleaned_data["replace"])
        messages.success(request, _(
            "已导入 %(year)s 年安排：新增 %(added)s 天，修改 %(changed)s 天，删除 %(removed)s 天。"
            "该年已确认录入完整，涉及该年、暂按推定计算的期限正在后台重新计算。") % {
            "year": result.year, "added": result.added, "changed": result.changed,
            "removed": result.removed})
        return redirect("kernel:calendar")
    return render(request, "kernel/calendar_import.html", {
        "form": form, "preview": _import_preview(arrangement, form.cleaned_data["replace"])})


def _import_preview(arrangement: Arrangement, replace: bool) -> dict[str, Any]:
    current = dict(CalendarOverride.objects.filter(day__in=list(arrangement.days))
                   .values_list("day", "is_workday"))
    rows = []
    for entry in arrangement.entries():
        old = current.get(entry.day)
        rows.append({"entry": entry, "weekday": weekday_name(entry.day),
                     "ordinary_workday": entry.day.weekday() < 5,
                     "change": "new" if old is None else ("same" if old == entry.is_workday else "changed"),
                     "old": old})
    others = (CalendarOverride.objects.filter(day__year=arrangement.year)
              .exclude(day__in=list(arrangement.days)))
    return {"arrangement": arrangement, "rows": rows, "others": others, "replace": replace,
            "known": is_known_year(arrangement.year)}
