"""Every write of inspection plans: register, change, submit for approval (计划审批 on
the routing engine), the route's decision, and the office's merge and refusal when
plans overlap (为基层减负); the office's thresholds. Each takes the acting person, asks
the policy, writes in one transaction and records the audit event there."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhongshu.access.policy import can
from zhongshu.audit.services import record
from zhongshu.org.models import Person, Unit
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import Route, RouteStatus, StepAction
from zhongshu.workflow.selectors import current_route, pending_step_of

from . import routing, similarity
from .actions import InspectionAction
from .events import InspectionEvent
from .models import (
    ACTIVE_STATUSES,
    InspectionPlan,
    InspectionSettings,
    PlanEvent,
    PlanEventKind,
    PlanForm,
    PlanStatus,
)
from .rules import is_coordinator

MAX_UNITS = 200
MAX_DAYS = 366
REASON_MAX = 500

# Set while the office closes a plan's route itself (merge, refusal): the route's
# rejection is then the office's decision, not the approvers'.
_OFFICE_DECISION: contextvars.ContextVar[bool] = contextvars.ContextVar("office_decision",
                                                                         default=False)


def _event(plan: InspectionPlan, kind: str, actor: Person | None, text: str = "",
           other: InspectionPlan | None = None) -> None:
    PlanEvent.objects.create(plan=plan, kind=kind, actor=actor, text=text[:600], other=other)


def _snapshot(plan: InspectionPlan) -> dict[str, Any]:
    return {"topic": plan.topic, "organiser": plan.organiser_id,
            "units": sorted(plan.units.values_list("pk", flat=True)) if plan.pk else [],
            "starts_on": plan.starts_on, "ends_on": plan.ends_on, "form": plan.form,
            "participants": plan.participants, "description": plan.description}


def allowed_organisers(person: Person) -> list[Unit]:
    """The bodies a person registers plans for: the coordinating office registers for
    any (plans reported on paper); everyone else for his own unit or a unit above it
    (a department registers its organ's plan)."""
    if is_coordinator(person):
        return list(Unit.objects.filter(is_active=True).order_by("sort_order", "id"))
    found: list[Unit] = []
    unit = person.unit
    while unit is not None and unit not in found:
        if unit.is_active:
            found.append(unit)
        unit = unit.parent
    return found


def _clean(*, actor: Person, topic: str, organiser: Unit | None, units: Iterable[Unit],
           starts_on: dt.date | None, ends_on: dt.date | None, form: str,
           participants: str, description: str) -> dict[str, Any]:
    """The plan's fields, checked; every problem in one message in the office's words."""
    problems = []
    topic = (topic or "").strip()
    units = list(dict.fromkeys(units))
    if not topic:
        problems.append("请填写主题。")
    elif len(topic) > 200:
        problems.append("主题不能超过 200 字。")
    if organiser is None:
        problems.append("请选择组织单位。")
    elif organiser.pk not in {u.pk for u in allowed_organisers(actor)}:
        problems.append(f"您不能为“{organiser.name}”登记计划：只能登记本单位（或上级机关）的计划。")
    if not units:
        problems.append("请至少选择一个被检查单位。")
    elif len(units) > MAX_UNITS:
        problems.append(f"被检查单位不能超过 {MAX_UNITS} 个。")
    elif organiser is not None and organiser in units:
        problems.append("组织单位不能同时是被检查单位。")
    if starts_on is None or ends_on is None:
        problems.append("请填写开始日期和结束日期。")
    elif starts_on > ends_on:
        problems.append("开始日期不能晚于结束日期。")
    elif (ends_on - starts_on).days >= MAX_DAYS:
        problems.append("一个计划的时间跨度不能超过一年，请分别登记。")
    if form not in PlanForm.values:
        problems.append("请选择形式（督查、检查、考核或调研）。")
    participants = (participants or "").strip()
    description = (description or "").strip()
    if len(participants) > 500:
        problems.append("参加人员不能超过 500 字。")
    if len(description) > 5000:
        problems.append("内容和方式不能超过 5000 字。")
    if problems:
        raise ValidationError(problems)
    return {"topic": topic, "organiser": organiser, "units": units, "starts_on": starts_on,
            "ends_on": ends_on, "form": form, "participants": participants,
            "description": description}


@transaction.atomic
def plan_create(*, actor: Person, topic: str, organiser: Unit | None, units: Iterable[Unit],
                starts_on: dt.date | None, ends_on: dt.date | None, form: str,
                participants: str = "", description: str = "") -> InspectionPlan:
    """Register a plan (a draft until it is submitted)."""
    if not can(actor, InspectionAction.PLAN_CREATE):
        raise PermissionDenied
    data = _clean(actor=actor, topic=topic, organiser=organiser, units=units, starts_on=starts_on,
                  ends_on=ends_on, form=form, participants=participants, description=description)
    units = data.pop("units")
    plan = InspectionPlan.objects.create(registered_by=actor, **data,
                                         topic_words=" ".join(similarity.words(data["topic"])))
    plan.units.set(units)
    _event(plan, PlanEventKind.CREATED, actor)
    record(actor=actor, action=InspectionEvent.PLAN_CREATE, obj=plan, details=_snapshot(plan))
    return plan


@transaction.atomic
def plan_update(*, actor: Person, plan: InspectionPlan, topic: str, organiser: Unit | None,
                units: Iterable[Unit], starts_on: dt.date | None, ends_on: dt.date | None,
                form: str, participants: str = "", description: str = "") -> InspectionPlan:
    """Change a draft (or a plan that was not approved) before it is submitted again."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not can(actor, InspectionAction.PLAN_EDIT, plan):
        raise PermissionDenied
    data = _clean(actor=actor, topic=topic, organiser=organiser, units=units, starts_on=starts_on,
                  ends_on=ends_on, form=form, participants=participants, description=description)
    before = _snapshot(plan)
    units = data.pop("units")
    for name, value in data.items():
        setattr(plan, name, value)
    plan.topic_words = " ".join(similarity.words(plan.topic))
    plan.save()
    plan.units.set(units)
    after = _snapshot(plan)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    _event(plan, PlanEventKind.UPDATED, actor, "、".join(_FIELD_LABELS[k] for k in changed))
    record(actor=actor, action=InspectionEvent.PLAN_UPDATE, obj=plan, details={"changes": changed})
    return plan


_FIELD_LABELS = {"topic": "主题", "organiser": "组织单位", "units": "被检查单位",
                 "starts_on": "开始日期", "ends_on": "结束日期", "form": "形式",
                 "participants": "参加人员", "description": "内容和方式"}


@transaction.atomic
def plan_submit(*, actor: Person, plan: InspectionPlan, today: dt.date | None = None) -> Route:
    """Send the plan for approval on its route (计划审批)."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not can(actor, InspectionAction.PLAN_SUBMIT, plan):
        raise PermissionDenied
    template = routing.ensure_template()
    # The engine asks the plan (still a draft) whether its registrant may start; the
    # plan row is locked, so nobody submits it twice meanwhile.
    route = workflow.route_start(actor=actor, obj=plan, template=template, title=plan.topic,
                                 today=today)
    InspectionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED,
                                                     decision_reason="")
    plan.status = PlanStatus.SUBMITTED
    _event(plan, PlanEventKind.SUBMITTED, actor)
    record(actor=actor, action=InspectionEvent.PLAN_SUBMIT, obj=plan, details={"route": route.pk})
    return route


def route_decided(*, plan: InspectionPlan, approved: bool, actor: Person, note: str) -> None:
    """The approval route ended (inside the engine's transaction): approved, or not —
    then the registrant may change the plan and submit it again."""
    if _OFFICE_DECISION.get():
        return  # the office merged or refused it; that service records the decision
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    status = PlanStatus.APPROVED if approved else PlanStatus.REJECTED
    if InspectionPlan.objects.filter(pk=plan.pk, status=PlanStatus.SUBMITTED).update(
            status=status, decision_reason="" if approved else note[:REASON_MAX]) != 1:
        raise workflow.WorkflowError("该计划已不在审批中，请刷新后查看。")
    _event(plan, PlanEventKind.APPROVED if approved else PlanEventKind.REJECTED, actor, note)
    record(actor=actor, action=InspectionEvent.PLAN_APPROVED if approved
           else InspectionEvent.PLAN_REJECTED, obj=plan, details={"note": note})


@contextmanager
def _office_decision() -> Iterator[None]:
    token = _OFFICE_DECISION.set(True)
    try:
        yield
    finally:
        _OFFICE_DECISION.reset(token)


def _close_route(*, actor: Person, plan: InspectionPlan, text: str) -> None:
    """A plan still under approval leaves its route when the office decides: the office
    rejects it on its own pending step, with the reason as the opinion. Someone not on
    the route's current stage must wait for the approvers."""
    route = current_route(plan, routing.PLAN_APPROVAL)
    if route is None or route.status != RouteStatus.RUNNING:
        return
    step = pending_step_of(actor, plan, routing.PLAN_APPROVAL)
    if step is None:
        stage = route.steps.filter(status="pending").values_list("stage_name", flat=True).first()
        raise ValidationError(f"计划《{plan.topic}》正在“{stage or '审批'}”环节，您不是该环节的办理人，"
                              "请待审批结束后再处理。")
    with _office_decision():
        workflow.step_act(actor=actor, step=step, action=StepAction.REJECT, text=text)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写理由。")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"理由不能超过 {REASON_MAX} 字。")
    return reason


@transaction.atomic
def plan_merge(*, actor: Person, plan: InspectionPlan, into: InspectionPlan,
               reason: str) -> InspectionPlan:
    """Merge ``plan`` into ``into``: one visit instead of two. ``into`` takes the other's
    units, its organiser as a joint organiser, and a note of what it absorbed; ``plan``
    is closed as merged, its history kept and pointing at ``into``."""
    if plan.pk == into.pk:
        raise ValidationError("不能把计划合并到它自己。")
    first, second = sorted([plan.pk, into.pk])
    locked = {p.pk: p for p in InspectionPlan.objects.select_for_update().filter(
        pk__in=[first, second]).select_related("organiser")}
    plan, into = locked[plan.pk], locked[into.pk]
    if not can(actor, InspectionAction.PLAN_MERGE, plan) or not can(
            actor, InspectionAction.PLAN_MERGE, into):
        raise PermissionDenied
    reason = _reason(reason)
    _close_route(actor=actor, plan=plan, text=f"并入计划《{into.topic}》：{reason}")
    if InspectionPlan.objects.filter(pk=plan.pk, status__in=ACTIVE_STATUSES).update(
            status=PlanStatus.MERGED, merged_into=into, decision_reason=reason) != 1:
        raise ValidationError("该计划已不在审批中或已批准状态，请刷新后查看。")
    added_units = [u for u in plan.units.all() if not into.units.filter(pk=u.pk).exists()]
    into.units.add(*added_units)
    joint = [u for u in [plan.organiser, *plan.co_organisers.all()] if u.pk != into.organiser_id]
    into.co_organisers.add(*joint)
    note = (f"合并计划《{plan.topic}》（{plan.organiser.name}，"
            f"{plan.starts_on:%Y-%m-%d}至{plan.ends_on:%Y-%m-%d}，{plan.get_form_display()}）")
    into.description = f"{into.description}\n{note}".strip()[:5000]
    if plan.participants:
        into.participants = "；".join(filter(None, [into.participants, plan.participants]))[:500]
    into.save(update_fields=["description", "participants", "updated_at"])
    _event(plan, PlanEventKind.MERGED_IN, actor, reason, other=into)
    _event(into, PlanEventKind.ABSORBED, actor, reason, other=plan)
    details = {"into": into.pk, "reason": reason, "units_added": [u.pk for u in added_units],
               "co_organisers_added": [u.pk for u in joint]}
    record(actor=actor, action=InspectionEvent.PLAN_MERGE, obj=plan, details=details)
    return into


@transaction.atomic
def plan_refuse(*, actor: Person, plan: InspectionPlan, reason: str) -> InspectionPlan:
    """The office refuses a plan that would burden units twice (为基层减负), with the
    reason the organiser reads."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not can(actor, InspectionAction.PLAN_REFUSE, plan):
        raise PermissionDenied
    reason = _reason(reason)
    _close_route(actor=actor, plan=plan, text=f"不予开展：{reason}")
    if InspectionPlan.objects.filter(pk=plan.pk, status__in=ACTIVE_STATUSES).update(
            status=PlanStatus.REFUSED, decision_reason=reason) != 1:
        raise ValidationError("该计划已不在审批中或已批准状态，请刷新后查看。")
    plan.refresh_from_db()
    _event(plan, PlanEventKind.REFUSED, actor, reason)
    record(actor=actor, action=InspectionEvent.PLAN_REFUSE, obj=plan, details={"reason": reason})
    return plan


@transaction.atomic
def settings_update(*, actor: Person, similarity_threshold: Decimal | str | float,
                    similar_window_days: int | str) -> InspectionSettings:
    """The office's thresholds for flagging plans as similar."""
    from .selectors import current_settings

    if not can(actor, InspectionAction.SETTINGS_MANAGE):
        raise PermissionDenied
    try:
        threshold = Decimal(str(similarity_threshold)).quantize(Decimal("0.01"))
        window = int(similar_window_days)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError("请填写有效的数字。") from None
    problems = []
    if not Decimal("0.1") <= threshold <= 1:
        problems.append("主题相似度阈值应在 0.10 至 1.00 之间。")
    if not 1 <= window <= 366:
        problems.append("时间范围应在 1 至 366 天之间。")
    if problems:
        raise ValidationError(problems)
    current = current_settings()
    before = {"similarity_threshold": current.similarity_threshold,
              "similar_window_days": current.similar_window_days}
    conf, _created = InspectionSettings.objects.update_or_create(
        pk=1, defaults={"similarity_threshold": threshold, "similar_window_days": window})
    record(actor=actor, action=InspectionEvent.SETTINGS_UPDATE, obj=conf,
           object_repr="督查检查考核计划设置",
           details={"before": before, "after": {"similarity_threshold": threshold,
                                                 "similar_window_days": window}})
    return conf
