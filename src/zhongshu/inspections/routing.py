"""Inspection plans on the routing engine: the purpose 计划审批 with its stage keys, the
default template (``inspection-plan``, created on first use and edited by the office
like any other), and what the engine asks a plan.

Default route: the supervision office reviews (审核: any one supervision officer), then
the leader in charge of the supervision office approves (审批). The registrant never
holds either stage (the engine's separation of duties): another officer reviews an
officer's plan, another leader approves the leader's; nobody else available stops the
route with the reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhongshu.kernel.http import reverse_id
from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow import registry
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import RouteStatus, RouteTemplate, StageMode, Step, StepAction

if TYPE_CHECKING:
    from .models import InspectionPlan

PLAN_APPROVAL = "inspection_plan_approval"
TEMPLATE_CODE = "inspection-plan"
REVIEW = "review"
APPROVE = "approve"
SLOT_SUPERVISION = "supervision_office"
SLOT_APPROVER = "approver"

PURPOSE = registry.Purpose(
    code=PLAN_APPROVAL, label="计划审批", model="inspections.inspectionplan",
    keys=(registry.StageKey(REVIEW, "督查室审核"), registry.StageKey(APPROVE, "领导审批")),
    # The office may drop the review stage (a small office: the leader alone approves);
    # never the approval.
    requires=lambda code: frozenset({APPROVE}))


def default_stages() -> list[dict]:
    decide = [StepAction.AGREE, StepAction.AGREE_WITH_OPINION, StepAction.REJECT]
    return [
        {"key": REVIEW, "name": "督查室审核", "mode": StageMode.ANY, "delegable": True,
         "assignees": [{"kind": "item", "slot": SLOT_SUPERVISION}], "actions": decide,
         "deadline_workdays": 3},
        {"key": APPROVE, "name": "领导审批", "mode": StageMode.SINGLE, "delegable": True,
         "assignees": [{"kind": "item", "slot": SLOT_APPROVER}],
         "actions": [*decide, StepAction.RETURN], "deadline_workdays": 3},
    ]


def ensure_template() -> RouteTemplate:
    """The plans' template, created by the system the first time a plan is submitted."""
    return workflow.template_ensure(
        code=TEMPLATE_CODE, name="督查检查考核计划审批", purpose=PLAN_APPROVAL,
        description="督查检查考核计划的默认审批流程：督查室审核，分管领导审批",
        stages=default_stages(), note="默认流程")


def supervision_officers() -> list[Person]:
    return list(Person.objects.filter(roles__code=RoleCode.SUPERVISION_OFFICER, is_active=True)
                .select_related("unit").order_by("sort_order", "id").distinct())


def approvers(plan: InspectionPlan) -> list[tuple[Person, Unit | None]]:
    """Who approves: the leader in charge of the supervision office (the unit its officers
    work in). Nobody approves his own plan, so when that leader registered it, the leader
    in charge of his unit (or of a unit above) approves instead; failing both, an office
    director."""
    candidates: list[tuple[Person | None, Unit | None]] = []
    for officer in supervision_officers():
        if officer.unit is not None and officer.unit.leader_in_charge_id:
            candidates.append((officer.unit.leader_in_charge, officer.unit))
            break
    unit = plan.registered_by.unit
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        candidates.append((unit.leader_in_charge, unit))
        unit = unit.parent
    directors = Person.objects.filter(roles__code=RoleCode.OFFICE_DIRECTOR, is_active=True)
    candidates += [(p, p.unit) for p in directors.select_related("unit").order_by("sort_order", "id")
                   .distinct()]
    for person, where in candidates:
        if person is not None and person.is_active and person.pk != plan.registered_by_id:
            return [(person, where)]
    return []


def assignees(plan: InspectionPlan, slot: str) -> list[tuple[Person, Unit | None]]:
    # An item slot that names nobody makes the engine skip the stage: an approval must
    # never be skipped, so say why instead.
    if slot == SLOT_SUPERVISION:
        found = [(p, p.unit) for p in supervision_officers()]
        if not found:
            raise workflow.WorkflowError("没有督查员，无法审核计划。请先为督查室人员设置“督查员”角色。")
        return found
    if slot == SLOT_APPROVER:
        found = approvers(plan)
        if not found:
            raise workflow.WorkflowError("找不到审批人：督查室未设分管领导，登记人所在单位也没有其他分管领导或办公室主任。")
        return found
    raise workflow.WorkflowError(f"未知的办理人用途：{slot}")


class PlanItem(registry.ItemBase):
    """What the routing engine asks an inspection plan (docs/workflow.md)."""

    label = "督查检查考核计划"

    def may_start(self, person: Person, obj: Any, purpose: str) -> bool:
        from .rules import may_submit

        return purpose == PLAN_APPROVAL and may_submit(person, obj)

    def may_view(self, person: Person, obj: Any) -> bool:
        from .rules import may_view

        return may_view(person, obj)

    def may_act(self, person: Person, obj: Any, step: Step, key: str) -> bool:
        from .models import PlanStatus

        return obj.status == PlanStatus.SUBMITTED

    def assignees(self, obj: Any, slot: str, route: Any) -> list[tuple[Person, Unit | None]]:
        return assignees(obj, slot)

    def after_act(self, obj: Any, result: registry.ActResult) -> None:
        from . import services

        if result.route.status == RouteStatus.COMPLETED:
            services.route_decided(plan=obj, approved=True, actor=result.actor,
                                   note=result.opinion.text)
        elif result.route.status == RouteStatus.REJECTED:
            services.route_decided(plan=obj, approved=False, actor=result.actor,
                                   note=result.opinion.text)

    def url(self, object_id: int) -> str:
        return reverse_id("inspections:detail", object_id)
