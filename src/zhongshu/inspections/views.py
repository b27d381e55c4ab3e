"""Pages of inspection plans: the list, the form, a plan with its overlaps and route,
the office's review of overlaps (merge or refuse), the burden map and the settings.
Thin: the rules live in services, selectors and the policy."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require
from zhongshu.kernel.paging import CappedPaginator
from zhongshu.org.models import Person, Unit
from zhongshu.workflow.selectors import pending_step_of, routes_for

from . import routing, selectors, services
from .actions import InspectionAction
from .forms import DecisionForm, PlanEditForm, SettingsForm
from .models import ACTIVE_STATUSES, InspectionPlan, PlanForm, PlanStatus

PAGE_SIZE = 20


def _user(request: HttpRequest) -> Person:
    return request.user  # type: ignore[return-value]  # sign-in is required everywhere


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _date(value: str | None, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}“{value[:20]}”不是有效日期，已忽略。")
        return None


def _filters(request: HttpRequest) -> selectors.PlanFilters:
    get = request.GET
    errors: list[str] = []
    status = get.get("status", "")
    form = get.get("form", "")
    filters = selectors.PlanFilters(
        q=get.get("q", "").strip()[:100],
        status=status if status in PlanStatus.values else "",
        form=form if form in PlanForm.values else "",
        organiser=_int(get.get("organiser")), unit=_int(get.get("unit")),
        date_from=_date(get.get("date_from"), "起始日期", errors),
        date_to=_date(get.get("date_to"), "截止日期", errors), errors=errors)
    return filters


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A page of the app, with which of its tabs the viewer may open."""
    user = _user(request)
    context["perms_inspections"] = {
        "review": can(user, InspectionAction.REVIEW),
        "burden": can(user, InspectionAction.BURDEN_VIEW),
        "settings": can(user, InspectionAction.SETTINGS_MANAGE)}
    return render(request, template, context)


def _plan(request: HttpRequest, pk: int) -> InspectionPlan:
    """The plan if the viewer may see it; 404 otherwise."""
    plan = selectors.plans_visible(_user(request)).select_related(
        "organiser", "registered_by", "merged_into").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


@require(InspectionAction.LIST)
def plan_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filters = _filters(request)
    page = CappedPaginator(selectors.plan_list(user, filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    units = Unit.objects.filter(is_active=True).order_by("sort_order", "id")
    return _render(request, "inspections/list.html", {
        "page": page, "filters": filters, "query": query.urlencode(),
        "statuses": PlanStatus.choices, "forms": PlanForm.choices, "units": units,
        "may_create": can(user, InspectionAction.PLAN_CREATE)})


def _save(request: HttpRequest, form: PlanEditForm, plan: InspectionPlan | None) -> InspectionPlan | None:
    data = form.cleaned_data
    fields = {"topic": data["topic"], "organiser": data["organiser"], "units": data["units"],
              "starts_on": data["starts_on"], "ends_on": data["ends_on"], "form": data["form"],
              "participants": data["participants"], "description": data["description"]}
    try:
        if plan is None:
            return services.plan_create(actor=_user(request), **fields)
        return services.plan_update(actor=_user(request), plan=plan, **fields)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return None


@require(InspectionAction.PLAN_CREATE)
def plan_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organisers = services.allowed_organisers(user)
    initial = {"organiser": user.unit_id} if any(u.pk == user.unit_id for u in organisers) else {}
    form = PlanEditForm(request.POST or None, initial=initial, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        plan = _save(request, form, None)
        if plan is not None:
            messages.success(request, f"计划《{plan.topic}》已登记。核对无误后请报送审批。")
            return redirect("inspections:detail", pk=plan.pk)
    return _render(request, "inspections/edit.html", {"form": form, "plan": None})


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = _user(request)
    if not can(user, InspectionAction.PLAN_EDIT, plan):
        raise PermissionDenied
    initial = {"topic": plan.topic, "organiser": plan.organiser_id,
               "units": list(plan.units.values_list("pk", flat=True)),
               "starts_on": plan.starts_on, "ends_on": plan.ends_on, "form": plan.form,
               "participants": plan.participants, "description": plan.description}
    form = PlanEditForm(request.POST or None, initial=initial,
                        organisers=services.allowed_organisers(user))
    if request.method == "POST" and form.is_valid() and _save(request, form, plan) is not None:
        messages.success(request, "计划已保存。")
        return redirect("inspections:detail", pk=plan.pk)
    return _render(request, "inspections/edit.html", {"form": form, "plan": plan})


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = _user(request)
    conf = selectors.current_settings()
    may_decide = can(user, InspectionAction.PLAN_REFUSE, plan)
    # Every clash counts; the details only of the plans the viewer may see (a bureau is
    # told that its plan clashes, not what another body plans).
    found = selectors.overlaps_of(plan, conf=conf)
    seen = set(selectors.plans_visible(user).filter(
        pk__in=[o.other.pk for o in found]).values_list("pk", flat=True))
    overlaps = [o for o in found if o.other.pk in seen]
    return _render(request, "inspections/detail.html", {
        "hidden_overlaps": len(found) - len(overlaps),
        "plan": plan, "units": plan.units.order_by("sort_order", "id"),
        "co_organisers": plan.co_organisers.order_by("sort_order", "id"),
        "overlaps": overlaps, "conf": conf,
        "events": plan.events.select_related("actor", "other"),
        "routes": routes_for(user, plan),
        "my_step": pending_step_of(user, plan, routing.PLAN_APPROVAL),
        "merged_plans": plan.merged_plans.all(),
        "may_edit": can(user, InspectionAction.PLAN_EDIT, plan),
        "may_submit": can(user, InspectionAction.PLAN_SUBMIT, plan),
        "may_decide": may_decide, "decision_form": DecisionForm() if may_decide else None})


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = _user(request)
    if not can(user, InspectionAction.PLAN_SUBMIT, plan):
        raise PermissionDenied
    try:
        services.plan_submit(actor=user, plan=plan)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已报送审批，督查室审核后由分管领导审批。")
    return redirect("inspections:detail", pk=plan.pk)


def _back(request: HttpRequest, plan: InspectionPlan) -> HttpResponse:
    """Back to the review page when the decision was taken there, else to the plan."""
    if request.POST.get("next") == "review":
        return redirect("inspections:review")
    return redirect("inspections:detail", pk=plan.pk)


@require_POST
def plan_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = _user(request)
    if not can(user, InspectionAction.PLAN_REFUSE, plan):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "不予开展须填写理由。")
        return _back(request, plan)
    try:
        services.plan_refuse(actor=user, plan=plan, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"计划《{plan.topic}》已决定不予开展。")
    return _back(request, plan)


@require_POST
def plan_merge(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = _user(request)
    if not can(user, InspectionAction.PLAN_MERGE, plan):
        raise PermissionDenied
    into_id = _int(request.POST.get("into"))
    into = (selectors.plans_visible(user).filter(pk=into_id).first() if into_id else None)
    form = DecisionForm(request.POST)
    if into is None:
        messages.error(request, "请选择要并入的计划。")
        return _back(request, plan)
    if not form.is_valid():
        messages.error(request, "合并须填写理由。")
        return _back(request, plan)
    try:
        services.plan_merge(actor=user, plan=plan, into=into, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _back(request, plan)
    messages.success(request, f"计划《{plan.topic}》已并入《{into.topic}》。")
    if request.POST.get("next") == "review":
        return redirect("inspections:review")
    return redirect("inspections:detail", pk=into.pk)


def _period(request: HttpRequest) -> tuple[int, int | None]:
    """Year and quarter asked for (this quarter by default; ``quarter=0`` the year)."""
    today = timezone.localdate()
    year = _int(request.GET.get("year")) or today.year
    year = year if 2000 <= year <= 2100 else today.year
    raw = request.GET.get("quarter")
    quarter = _int(raw) if raw is not None else (today.month - 1) // 3 + 1
    return year, quarter if quarter in (1, 2, 3, 4) else None


def _years(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({*range(this - 2, this + 2), year})


@require(InspectionAction.REVIEW)
def review(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    year, quarter = _period(request)
    first = dt.date(year, 3 * quarter - 2, 1) if quarter else dt.date(year, 1, 1)
    last = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
            if quarter else dt.date(year, 12, 31))
    conf = selectors.current_settings()
    pairs = selectors.overlap_pairs(user, date_from=first, date_to=last, conf=conf)
    return _render(request, "inspections/review.html", {
        "pairs": pairs, "year": year, "quarter": quarter, "years": _years(year),
        "first": first, "last": last, "conf": conf, "decision_form": DecisionForm(),
        "active_count": selectors.plans_visible(user).filter(
            status__in=ACTIVE_STATUSES, ends_on__gte=first, starts_on__lte=last).count()})


@require(InspectionAction.BURDEN_VIEW)
def burden(request: HttpRequest) -> HttpResponse:
    year, quarter = _period(request)
    data = selectors.burden(_user(request), year=year, quarter=quarter)
    rows = [{"unit": u, "counts": data.row(u), "total": data.total(u)} for u in data.units]
    return _render(request, "inspections/burden.html", {
        "data": data, "rows": rows, "chart": data.chart(), "year": year,
        "chart_height": 120 + 28 * len(rows), "quarter": quarter,
        "years": _years(year)})


@require(InspectionAction.SETTINGS_MANAGE)
def settings_edit(request: HttpRequest) -> HttpResponse:
    conf = selectors.current_settings()
    form = SettingsForm(request.POST or None, initial={
        "similarity_threshold": conf.similarity_threshold,
        "similar_window_days": conf.similar_window_days})
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "设置已保存。")
            return redirect("inspections:settings")
    return _render(request, "inspections/settings.html", {"form": form})
