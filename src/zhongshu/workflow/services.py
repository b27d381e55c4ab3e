"""Every write of the routing engine: templates and their versions, starting a route,
and acting on a step. Owning apps (documents, supervision, meetings …) call these.

Concurrency: every action on a route first locks the route row (``select_for_update``;
on SQLite the IMMEDIATE transaction already serialises writers), then claims the step
with a conditional ``UPDATE … WHERE status = 'pending'``. Two simultaneous actions on
the same step cannot both succeed: the second finds the step no longer pending.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from zhongshu.access.classification import clearance_covers
from zhongshu.access.policy import can
from zhongshu.audit.services import record
from zhongshu.kernel.calendar import WorkCalendar
from zhongshu.kernel.urgency import Urgency
from zhongshu.org.models import Person
from zhongshu.workflow.actions import WorkflowAction

from . import assignees, registry
from .deadlines import due_in
from .events import RefusalCode, WorkflowEvent, step_event
from .models import (
    OPEN_STEP_STATUSES,
    Opinion,
    Route,
    RouteStatus,
    RouteTemplate,
    StageDef,
    StageMode,
    Step,
    StepAction,
    StepStatus,
    TemplateVersion,
)


class WorkflowError(ValidationError):
    """A refused workflow action, with a message for the person who tried it and a
    ``RefusalCode`` for programs (the API answers 409 by code)."""

    def __init__(self, message: Any, code: str = RefusalCode.INVALID, params: Any = None) -> None:
        super().__init__(message, code=code, params=params)
        self.refusal = RefusalCode(code)


class StepNotPending(WorkflowError):
    def __init__(self) -> None:
        super().__init__("该环节已经办理或已被他人处理，请刷新后查看。", code=RefusalCode.NOT_PENDING)


class StepRefused(WorkflowError):
    """The stage does not allow this action (or not for this person)."""

    def __init__(self, message: str = "本环节不允许该操作。") -> None:
        super().__init__(message, code=RefusalCode.NOT_ALLOWED)


def _audit(*, actor: Person | None, action: str, obj: Any, on_behalf_of: Person | None = None, **details: Any) -> None:
    """Record an audit event in the caller's transaction."""
    record(actor=actor, action=action, obj=obj, details=details, on_behalf_of=on_behalf_of)


# --- templates -------------------------------------------------------------------

_TEXT_REQUIRED = {StepAction.AGREE_WITH_OPINION, StepAction.RETURN, StepAction.REJECT}


_CUSTOM_KEY = re.compile(r"^custom-[1-9][0-9]{0,3}$")


def _purpose_of(code: str) -> registry.Purpose:
    found = registry.purpose(code)
    if found is None:
        raise WorkflowError(f"未知的流转目的：{code}")
    return found


def _clean_keys(stages: list[dict[str, Any]], purpose: registry.Purpose, template_code: str) -> list[str]:
    """The stages' keys: a key with a meaning for the purpose, or ``custom-N`` for a stage
    the office added (given here when the stage has none). Required keys must be there
    exactly once and in the purpose's order; no key twice."""
    keys: list[str] = []
    taken = {str(st.get("key") or "") for st in stages}
    counter = 1
    for index, stage in enumerate(stages):
        key = str(stage.get("key") or "").strip()
        if not key:
            while f"custom-{counter}" in taken:
                counter += 1
            key = f"custom-{counter}"
            taken.add(key)
        elif purpose.key(key) is None and not _CUSTOM_KEY.match(key):
            raise WorkflowError(f"第{index + 1}个环节的环节标识“{key}”不属于{purpose.label}。")
        if key in keys:
            raise WorkflowError(f"环节标识“{key}”出现了两次：每个环节标识只能用于一个环节。")
        keys.append(key)
    required = purpose.required_keys(template_code)
    missing = [_key_label(purpose, k) for k in
               (k.key for k in purpose.keys) if k in required and k not in keys]
    if missing:
        raise WorkflowError(f"{purpose.label}模板必须保留以下环节：{'、'.join(missing)}（可改名，不可删除）。")
    order = [k.key for k in purpose.keys]
    meaningful = [k for k in keys if k in order]
    if meaningful != sorted(meaningful, key=order.index):
        names = "→".join(purpose.key(k).label for k in order if k in meaningful)  # type: ignore[union-attr]
        raise WorkflowError(f"环节顺序不符合规定，应为：{names}。")
    return keys


def _clean_stages(stages: list[dict[str, Any]], purpose: registry.Purpose, template_code: str) -> list[dict[str, Any]]:
    if not stages:
        raise WorkflowError("模板至少要有一个环节。")
    keys = _clean_keys(stages, purpose, template_code)
    cleaned = []
    for index, stage in enumerate(stages):
        name = (stage.get("name") or "").strip()
        label = f"第{index + 1}个环节"
        if not name:
            raise WorkflowError(f"{label}缺少名称。")
        mode = stage.get("mode")
        if mode not in StageMode.values:
            raise WorkflowError(f"{label}“{name}”的办理方式无效。")
        actions = [a for a in StepAction.values if a in set(stage.get("actions") or [])]
        if StepAction.AGREE not in actions and StepAction.AGREE_WITH_OPINION not in actions:
            raise WorkflowError(f"{label}“{name}”至少要允许“同意”或“同意并附意见”。")
        if StepAction.RETURN in actions and index == 0:
            raise WorkflowError(f"{label}“{name}”是第一个环节，没有可退回的前序环节。")
        try:
            specs = assignees.clean_specs(list(stage.get("assignees") or []))
        except ValidationError as exc:
            raise WorkflowError(f"{label}“{name}”：{'；'.join(exc.messages)}") from None
        if mode == StageMode.SINGLE and len(specs) != 1:
            raise WorkflowError(f"{label}“{name}”为单人办理，只能指定一个办理人。")
        deadline = stage.get("deadline_workdays")
        try:
            deadline = int(deadline) if deadline not in (None, "") else None
        except (TypeError, ValueError):
            raise WorkflowError(f"{label}“{name}”的办理时限应为 1 至 365 个工作日。") from None
        if deadline is not None and not 1 <= deadline <= 365:
            raise WorkflowError(f"{label}“{name}”的办理时限应为 1 至 365 个工作日。")
        meaning = purpose.key(keys[index])
        # A key that may never be delegated stays so whatever the editor says.
        delegable = bool(stage.get("delegable", True)) and (meaning is None or meaning.delegable)
        cleaned.append({"key": keys[index], "name": name[:50], "mode": mode, "actions": actions,
                        "assignees": specs, "deadline_workdays": deadline, "delegable": delegable,
                        "choosable": bool(stage.get("choosable", False))})
    return cleaned


def _check_manage(actor: Person) -> None:
    if not can(actor, WorkflowAction.TEMPLATE_MANAGE):
        raise PermissionDenied


@transaction.atomic
def template_create(*, actor: Person | None, code: str, name: str, purpose: str,
                    stages: list[dict[str, Any]], description: str = "", note: str = "") -> RouteTemplate:
    """A new template serving ``purpose``. ``actor=None`` is the system creating an
    app's default template on first use."""
    if actor is not None:
        _check_manage(actor)
    cleaned = _clean_stages(stages, _purpose_of(purpose), code)
    template = RouteTemplate(code=code, name=name, description=description, purpose=purpose)
    template.full_clean()
    template.save()
    _version_create(actor=actor, template=template, stages=cleaned, note=note)
    _audit(actor=actor, action=WorkflowEvent.TEMPLATE_CREATE, obj=template, purpose=purpose,
           stages=[st["key"] for st in cleaned])
    return template


def template_ensure(*, code: str, name: str, purpose: str, stages: list[dict[str, Any]],
                    description: str = "", note: str = "") -> RouteTemplate:
    """The template ``code``, created by the system on first use (an app's default).
    Two processes at its first use at once: one creates it, the other finds the code
    taken (by the unique check or the unique index, once the first has committed) and
    uses the first one's."""
    template = RouteTemplate.objects.filter(code=code).first()
    if template is None:
        try:
            with transaction.atomic():
                return template_create(actor=None, code=code, name=name, purpose=purpose,
                                       stages=stages, description=description, note=note)
        except (IntegrityError, ValidationError):
            template = RouteTemplate.objects.filter(code=code).first()
            if template is None:
                raise
    return template


@transaction.atomic
def template_update(*, actor: Person, template: RouteTemplate, name: str, stages: list[dict[str, Any]],
                    description: str = "", is_active: bool = True, note: str = "") -> TemplateVersion:
    """Save the template's stages as a new version. Earlier versions stay as they were,
    and routes that started on them keep them."""
    _check_manage(actor)
    template = RouteTemplate.objects.select_for_update().get(pk=template.pk)
    cleaned = _clean_stages(stages, _purpose_of(template.purpose), template.code)
    previous = template.current_version
    template.name, template.description, template.is_active = name, description, is_active
    template.full_clean()
    template.save()
    version = _version_create(actor=actor, template=template, stages=cleaned, note=note)
    _audit(actor=actor, action=WorkflowEvent.TEMPLATE_UPDATE, obj=template, version=version.number,
           changes=_version_changes(previous, cleaned))
    return version


def _version_changes(previous: TemplateVersion | None, cleaned: list[dict[str, Any]]) -> list[str]:
    """What the new version changed, in the office's words, for the audit trail."""
    if previous is None:
        return []
    before = {st.key: st for st in previous.stages.all()}
    notes = []
    for st in cleaned:
        old = before.pop(st["key"], None)
        if old is None:
            notes.append(f"新增环节“{st['name']}”")
            continue
        for field, label in (("name", "名称"), ("mode", "办理方式"), ("assignees", "办理人"),
                             ("actions", "允许的操作"), ("deadline_workdays", "办理时限"),
                             ("delegable", "允许代为处理"), ("choosable", "送出时可选择办理人")):
            if getattr(old, field) != st[field]:
                notes.append(f"环节“{old.name}”（{old.key}）修改了{label}")
    notes += [f"删除环节“{old.name}”" for old in before.values()]
    return notes


def _version_create(*, actor: Person | None, template: RouteTemplate, stages: list[dict[str, Any]],
                    note: str) -> TemplateVersion:
    last = template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = TemplateVersion.objects.create(template=template, number=last + 1,
                                             created_by=actor, note=note[:200])
    StageDef.objects.bulk_create(
        StageDef(version=version, position=i, **stage) for i, stage in enumerate(stages))
    return version


# --- routes ----------------------------------------------------------------------

def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _stage(route: Route, position: int) -> StageDef:
    return route.template_version.stages.get(position=position)


def _hooks(obj: Any) -> registry.ItemHooks:
    hooks = registry.item_hooks(type(obj))
    if hooks is None:  # deny by default: an item nobody registered is refused
        raise PermissionDenied
    return hooks


def _route_purpose(route: Route) -> registry.Purpose:
    return _purpose_of(route.purpose)


def _level(route: Route) -> int | None:
    return _hooks(route.subject).classification(route.subject)


def _activate(step: Step, stage: StageDef, today: dt.date, calendar: WorkCalendar) -> None:
    step.status = StepStatus.PENDING
    step.activated_at = timezone.now()
    if stage.deadline_workdays:
        due = due_in(today, stage.deadline_workdays, calendar)
        step.due_date, step.due_provisional = due.date, due.provisional


def _chosen_among(route: Route, stage: StageDef, found: list[assignees.Assignment]
                  ) -> list[assignees.Assignment]:
    """The people the sender chose for the stage he sends the item to (``chosen`` of
    ``step_act``), when the stage allows a choice; each must be one the stage would go to."""
    chosen = route.__dict__.pop("_chosen", None)
    if not chosen or not stage.choosable:
        return found
    picked = [a for a in found if a.person.pk in chosen]
    if len(picked) != len(set(chosen)):
        raise WorkflowError(f"所选办理人不在环节“{stage.name}”的办理人范围内。", code=RefusalCode.INVALID)
    if stage.mode == StageMode.SINGLE and len(picked) > 1:
        raise WorkflowError(f"环节“{stage.name}”为单人办理，只能选择一人。")
    return picked


def _open_stage(route: Route, position: int, today: dt.date, calendar: WorkCalendar) -> None:
    """Create the steps of one pass of a stage and make the first (or all) pending."""
    stage = _stage(route, position)
    purpose = _route_purpose(route)
    ctx = assignees.Context(author=route.drafter, author_stage=stage.key in purpose.author_keys(),
                            level=_level(route), stage_name=stage.name, subject=route.subject,
                            route=route)
    try:
        found = assignees.resolve(stage.assignees, ctx)
    except ValidationError as exc:
        raise WorkflowError(exc.messages, code=RefusalCode.NO_ASSIGNEE) from None
    found = _chosen_among(route, stage, found)
    if not found and assignees.only_item_specs(stage.assignees):
        # The item names nobody for this stage (no 会签 units, no seal on a 纪要): skip it.
        _stage_done(route, position, today, calendar, skipped=True)
        return
    parallel = stage.mode in (StageMode.ALL, StageMode.ANY)
    steps = []
    for index, assignment in enumerate(found):
        step = Step(route=route, position=position, round=route.round, order=index,
                    stage_key=stage.key, stage_name=stage.name, assignee=assignment.person,
                    unit=assignment.unit, status=StepStatus.WAITING)
        if parallel or index == 0:
            _activate(step, stage, today, calendar)
        steps.append(step)
    Step.objects.bulk_create(steps)
    route.current_position = position


@transaction.atomic
def route_start(*, actor: Person, obj: Any, template: RouteTemplate, title: str,
                drafter: Person | None = None, urgency: str = Urgency.NORMAL,
                importance: int = 0, today: dt.date | None = None) -> Route:
    """Send ``obj`` on the current version of ``template``, for the template's purpose."""
    hooks = _hooks(obj)
    purpose = _purpose_of(template.purpose)
    if purpose.model != registry.label_of(type(obj)):
        raise WorkflowError(f"流转模板“{template.name}”不适用于{hooks.label or '该事项'}。")
    if not can(actor, WorkflowAction.ROUTE_START, obj) or not hooks.may_start(
            actor, obj, purpose.code):
        raise PermissionDenied
    if not template.is_active:
        raise WorkflowError("该流转模板已停用。")
    version = template.current_version
    if version is None:
        raise WorkflowError("该流转模板还没有环节。")
    if urgency not in Urgency.values:
        raise WorkflowError("紧急程度无效。")
    route = Route.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
        purpose=purpose.code, template_version=version, title=title[:200],
        drafter=drafter or actor, started_by=actor, urgency=urgency, importance=importance)
    route.subject = obj  # the caller's instance: hooks see what the caller just saved
    first = version.stages.order_by("position").values_list("position", flat=True).first()
    assert first is not None  # a version is saved only with its stages
    _open_stage(route, first, _today(today), WorkCalendar.load())
    route.save(update_fields=["current_position", "status", "finished_at"])
    _audit(actor=actor, action=WorkflowEvent.ROUTE_START, obj=route, purpose=purpose.code)
    return route


def _key_label(purpose: registry.Purpose, key: str) -> str:
    stage_key = purpose.key(key)
    return str(stage_key.label) if stage_key else key


def _open_steps(route: Route, position: int) -> QuerySet[Step]:
    return route.steps.filter(position=position, round=route.round, status__in=OPEN_STEP_STATUSES)


def _finish(route: Route, status: str) -> None:
    route.status = status
    route.current_position = None
    route.finished_at = timezone.now()


def _stage_done(route: Route, position: int, today: dt.date, calendar: WorkCalendar,
                skipped: bool = False) -> None:
    if not skipped:
        # Remembered for the item's ``after_act`` hook (see step_act).
        route.__dict__.setdefault("_done_positions", []).append(position)
    later = (route.template_version.stages.filter(position__gt=position)
             .order_by("position").values_list("position", flat=True).first())
    if later is None:
        _finish(route, RouteStatus.COMPLETED)
    else:
        _open_stage(route, later, today, calendar)


def _after_agree(route: Route, stage: StageDef, today: dt.date, calendar: WorkCalendar) -> None:
    open_steps = _open_steps(route, stage.position)
    if stage.mode == StageMode.ANY:
        # One agreement suffices; the others no longer need to act.
        open_steps.update(status=StepStatus.CLOSED)
        _stage_done(route, stage.position, today, calendar)
        return
    if open_steps.filter(status=StepStatus.PENDING).exists():
        return  # countersign: still waiting for the others
    following = open_steps.filter(status=StepStatus.WAITING).order_by("order", "id").first()
    if following is not None:
        _activate(following, stage, today, calendar)
        following.save(update_fields=["status", "activated_at", "due_date", "due_provisional"])
        return
    _stage_done(route, stage.position, today, calendar)


def _check_delegation(*, actor: Person, principal: Person, route: Route, stage: StageDef) -> None:
    meaning = _route_purpose(route).key(stage.key)
    if not stage.delegable or (meaning is not None and not meaning.delegable):
        raise StepRefused(f"环节“{stage.name}”不得由他人代为处理。")
    if not can(actor, WorkflowAction.STEP_ACT_ON_BEHALF, principal):
        raise PermissionDenied
    if not clearance_covers(actor, _level(route)):
        raise PermissionDenied


@transaction.atomic
def step_act(*, actor: Person, step: Step, action: str, text: str = "",
             on_behalf_of: Person | None = None, return_to: int | None = None,
             target: Person | None = None, today: dt.date | None = None,
             chosen: list[int] | None = None) -> Opinion:
    """Act on a step: agree, agree with an opinion, return to an earlier stage, reject,
    add a countersigner, or transfer. Records one immutable opinion."""
    today = _today(today)
    text = (text or "").strip()
    # Serialise all actions on this route (see the module docstring).
    route = (Route.objects.select_for_update().select_related("template_version")
             .get(pk=step.route_id))
    step = Step.objects.select_related("route").get(pk=step.pk)
    step.route = route
    principal = on_behalf_of or actor
    if not can(principal, WorkflowAction.STEP_ACT, step):
        if step.assignee_id == principal.pk and step.status != StepStatus.PENDING:
            raise StepNotPending
        raise PermissionDenied
    stage = _stage(route, step.position)
    if on_behalf_of is not None and on_behalf_of.pk != actor.pk:
        _check_delegation(actor=actor, principal=on_behalf_of, route=route, stage=stage)
    else:
        on_behalf_of = None
    if action not in StepAction.values or not stage.allows(action):
        raise StepRefused()
    if action in _TEXT_REQUIRED and not text:
        raise WorkflowError(f"“{StepAction(action).label}”须填写意见。")
    if len(text) > OPINION_MAX:
        raise WorkflowError(f"意见不能超过 {OPINION_MAX} 字。")

    calendar = WorkCalendar.load()
    statuses: dict[str, StepStatus] = {
        StepAction.AGREE: StepStatus.AGREED, StepAction.AGREE_WITH_OPINION: StepStatus.AGREED,
        StepAction.RETURN: StepStatus.RETURNED, StepAction.REJECT: StepStatus.REJECTED,
        StepAction.TRANSFER: StepStatus.TRANSFERRED,
    }
    new_status = statuses.get(action)
    opinion = Opinion(route=route, step=step, stage_key=step.stage_key, stage_name=step.stage_name,
                      author=actor, on_behalf_of=on_behalf_of, action=action, text=text)

    if action in (StepAction.TRANSFER, StepAction.ADD_COUNTERSIGNER):
        _check_target(route, step, stage, target, principal)
        opinion.target_person = target
    if action == StepAction.RETURN:
        if return_to is None or not route.template_version.stages.filter(
                position=return_to, position__lt=step.position).exists():
            raise WorkflowError("请选择要退回的前序环节。")
        opinion.target_position = return_to

    if new_status is not None:
        # The claim: exactly one action can move a pending step on.
        claimed = Step.objects.filter(pk=step.pk, status=StepStatus.PENDING).update(
            status=new_status, acted_at=timezone.now())
        if claimed != 1:
            raise StepNotPending
    opinion.save()

    if action in (StepAction.AGREE, StepAction.AGREE_WITH_OPINION):
        if chosen:
            route.__dict__["_chosen"] = {int(pk) for pk in chosen}
        _after_agree(route, stage, today, calendar)
        route.__dict__.pop("_chosen", None)
    elif action == StepAction.REJECT:
        _open_steps(route, step.position).update(status=StepStatus.CLOSED)
        _finish(route, RouteStatus.REJECTED)
    elif action == StepAction.RETURN:
        _open_steps(route, step.position).update(status=StepStatus.CLOSED)
        route.round += 1  # safe: the route row is locked
        assert return_to is not None  # checked above
        _open_stage(route, return_to, today, calendar)
    elif action == StepAction.TRANSFER:
        assert target is not None  # _check_target
        Step.objects.create(route=route, position=step.position, round=step.round, order=step.order,
                            stage_key=step.stage_key, stage_name=step.stage_name, assignee=target,
                            unit=step.unit, status=StepStatus.PENDING, activated_at=timezone.now(),
                            due_date=step.due_date, due_provisional=step.due_provisional,
                            transferred_from=step)
    else:  # ADD_COUNTERSIGNER
        assert target is not None  # _check_target
        _add_countersigner(route, stage, step, target, today, calendar)
    route.save(update_fields=["status", "current_position", "finished_at", "round"])
    _audit(actor=actor, on_behalf_of=on_behalf_of, action=step_event(action), obj=route,
           step=step.pk, stage=step.stage_key)
    # The item reacts in the same transaction (a document takes its number when the
    # numbering stage is done …); if it refuses, the whole action rolls back.
    positions = list(route.__dict__.get("_done_positions", []))
    done_keys = tuple(route.template_version.stages.filter(position__in=positions)
                      .order_by("position").values_list("key", flat=True)) if positions else ()
    _hooks(route.subject).after_act(route.subject, registry.ActResult(
        route=route, step=step, opinion=opinion, actor=actor, done_keys=done_keys))
    return opinion


OPINION_MAX = 5000


@transaction.atomic
def step_withdraw(*, actor: Person, route: Route, today: dt.date | None = None) -> Step:
    """撤回: whoever sent the item on takes it back while nobody of the next stage has
    acted — the next stage's steps close and his own stage opens again (a new round, as
    a return does). The item may refuse (``ItemHooks.may_withdraw``: a document once
    signed off is not withdrawn)."""
    route = Route.objects.select_for_update().select_related("template_version").get(pk=route.pk)
    from .selectors import withdrawable_step

    step = withdrawable_step(actor, route)
    hooks = _hooks(route.subject)
    may = getattr(hooks, "may_withdraw", None)
    if step is None or (may is not None and not may(actor, route.subject, step)):
        raise WorkflowError("只能撤回本人刚送出、且下一环节尚未办理的事项。", code=RefusalCode.NOT_PENDING)
    assert route.current_position is not None  # withdrawable_step: a running route
    _open_steps(route, route.current_position).update(status=StepStatus.CLOSED)
    route.round += 1
    _open_stage(route, step.position, _today(today), WorkCalendar.load())
    route.save(update_fields=["status", "current_position", "finished_at", "round"])
    _audit(actor=actor, action=WorkflowEvent.STEP_WITHDRAW, obj=route, step=step.pk, stage=step.stage_key)
    return step


def _check_target(route: Route, step: Step, stage: StageDef, target: Person | None,
                  principal: Person) -> None:
    if target is None or not target.is_active:
        raise WorkflowError("请选择办理人。")
    if target.pk == principal.pk:
        raise WorkflowError("不能转给或加签本人。")
    if target.pk == route.drafter_id and stage.key not in _route_purpose(route).author_keys():
        raise WorkflowError(f"{target}是拟稿人，不能办理审核本人起草事项的环节。",
                            code=RefusalCode.SEPARATION)
    if not clearance_covers(target, _level(route)):
        raise WorkflowError(f"{target}的涉密等级不能办理该密级的事项。")
    if _open_steps(route, step.position).filter(assignee=target).exists():
        raise WorkflowError(f"{target}已在本环节办理中。")


def _add_countersigner(route: Route, stage: StageDef, step: Step, target: Person,
                       today: dt.date, calendar: WorkCalendar) -> None:
    """The added person must also agree before the stage is done. In a sequential
    stage they act right after the person who added them; otherwise at once."""
    added = Step(route=route, position=step.position, round=step.round, stage_key=step.stage_key,
                 stage_name=step.stage_name, assignee=target, unit=target.unit,
                 status=StepStatus.WAITING, added_by=step)
    if stage.mode in (StageMode.SEQUENTIAL, StageMode.SINGLE):
        route.steps.filter(position=step.position, round=step.round,
                           order__gt=step.order).update(order=F("order") + 1)
        added.order = step.order + 1
    else:
        added.order = (route.steps.filter(position=step.position, round=step.round)
                       .order_by("-order").values_list("order", flat=True).first() or 0) + 1
        _activate(added, stage, today, calendar)
    added.save()
