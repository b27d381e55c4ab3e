"""Registering, validating, the approval route (计划审批) with separation of duties, the
office's merge and refusal, the settings — each write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.inspections.conftest import approve, make_plan
from zhongshu.access.policy import can
from zhongshu.audit.models import AuditEvent
from zhongshu.inspections import routing, services
from zhongshu.inspections.actions import InspectionAction
from zhongshu.inspections.events import InspectionEvent
from zhongshu.inspections.models import InspectionPlan, PlanEventKind, PlanStatus
from zhongshu.workflow.actions import WorkflowAction
from zhongshu.workflow.models import RouteStatus, Step, StepAction, StepStatus
from zhongshu.workflow.selectors import current_route, pending_step_of
from zhongshu.workflow.services import step_act

D = dt.date


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_create_records_the_plan_its_words_and_an_audit_event(w):
    plan = make_plan(w.em_clerk, w.emergency, "2026年安全生产专项检查", [w.dongcheng, w.xicheng],
                     D(2026, 6, 1), D(2026, 6, 5), participants="副局长带队", description="实地察看")
    assert plan.status == PlanStatus.DRAFT
    assert plan.topic_words.split() == ["安全", "生产"]
    assert set(plan.units.values_list("name", flat=True)) == {"东城区委", "西城区委"}
    event = AuditEvent.objects.get(action=InspectionEvent.PLAN_CREATE)
    assert event.actor_id == w.em_clerk.pk and event.object_id == str(plan.pk)
    assert plan.events.get().kind == PlanEventKind.CREATED


@pytest.mark.parametrize(("changes", "message"), [
    ({"starts": D(2026, 6, 9), "ends": D(2026, 6, 1)}, "开始日期不能晚于结束日期"),
    ({"units": []}, "请至少选择一个被检查单位"),
    ({"topic": "  "}, "请填写主题"),
    ({"form": "party"}, "请选择形式"),
    ({"ends": D(2027, 7, 1)}, "不能超过一年"),
])
def test_bad_plans_are_refused_with_a_message_and_nothing_written(w, changes, message):
    args = {"topic": "安全生产检查", "units": [w.dongcheng], "starts": D(2026, 6, 1),
            "ends": D(2026, 6, 5), "form": "inspect", **changes}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=w.em_clerk, topic=args["topic"], organiser=w.emergency,
                             units=args["units"], starts_on=args["starts"], ends_on=args["ends"],
                             form=args["form"])
    assert any(message in m for m in exc.value.messages)
    assert InspectionPlan.objects.count() == 0 and AuditEvent.objects.count() == before


def test_a_body_registers_only_its_own_plans_the_office_any(w):
    with pytest.raises(ValidationError, match="只能登记本单位"):
        make_plan(w.em_clerk, w.housing, "建筑施工检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 2))
    # The organiser is never among the units it inspects.
    with pytest.raises(ValidationError, match="不能同时是被检查单位"):
        make_plan(w.officer, w.dongcheng, "自查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 2))
    # The supervision office enters a plan reported on paper for another body.
    plan = make_plan(w.officer, w.housing, "建筑施工检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 2))
    assert plan.organiser == w.housing
    # Administrators see no content and register nothing.
    with pytest.raises(PermissionDenied):
        make_plan(w.sysadmin, w.office, "检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 2))


def test_approval_route_review_then_approval(w):
    plan = make_plan(w.em_clerk, w.emergency, "防汛备汛工作检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    route = services.plan_submit(actor=w.em_clerk, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert route.purpose == routing.PLAN_APPROVAL
    assert route.template_version.template.code == routing.TEMPLATE_CODE
    # 督查室审核: either supervision officer.
    review = {s.assignee_id for s in route.steps.filter(status=StepStatus.PENDING)}
    assert review == {w.officer.pk, w.officer2.pk}
    step_act(actor=w.officer2, step=pending_step_of(w.officer2, plan), action=StepAction.AGREE)
    # 领导审批: the leader in charge of the supervision office.
    step = pending_step_of(w.director, plan)
    assert step is not None and step.stage_key == routing.APPROVE
    step_act(actor=w.director, step=step, action=StepAction.AGREE_WITH_OPINION, text="同意，压缩为两天。")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert current_route(plan, routing.PLAN_APPROVAL).status == RouteStatus.COMPLETED
    assert _events(InspectionEvent.PLAN_SUBMIT) == 1 and _events(InspectionEvent.PLAN_APPROVED) == 1
    assert [e.kind for e in plan.events.all()] == [PlanEventKind.CREATED, PlanEventKind.SUBMITTED,
                                                   PlanEventKind.APPROVED]
    # An approved plan is no longer the registrant's to change or submit.
    assert not can(w.em_clerk, InspectionAction.PLAN_EDIT, plan)
    with pytest.raises(PermissionDenied):
        services.plan_submit(actor=w.em_clerk, plan=plan)


def test_the_submitter_cannot_approve_his_own_plan(w):
    """Separation of duties: a supervision officer's own plan is reviewed by the other
    officer; he holds no step and cannot act on his colleague's."""
    plan = make_plan(w.officer, w.ducha, "优化营商环境专项督查", [w.xicheng], D(2026, 5, 6), D(2026, 5, 8))
    route = services.plan_submit(actor=w.officer, plan=plan)
    pending = list(route.steps.filter(status=StepStatus.PENDING))
    assert [s.assignee_id for s in pending] == [w.officer2.pk]
    assert pending_step_of(w.officer, plan) is None
    assert not can(w.officer, WorkflowAction.STEP_ACT, pending[0])
    with pytest.raises(PermissionDenied):
        step_act(actor=w.officer, step=pending[0], action=StepAction.AGREE)
    assert Step.objects.get(pk=pending[0].pk).status == StepStatus.PENDING


def test_the_director_cannot_approve_a_plan_he_submitted(w):
    """The approver is the supervision office's director in charge; his own plan goes to
    the leader in charge of his unit instead, never to him."""
    w.office.leader_in_charge = w.leader
    w.office.save()
    plan = make_plan(w.director, w.office, "年度综合考核", [w.xicheng], D(2026, 11, 2), D(2026, 11, 6),
                     form="assess")
    route = services.plan_submit(actor=w.director, plan=plan)
    step_act(actor=w.officer, step=pending_step_of(w.officer, plan), action=StepAction.AGREE)
    assert pending_step_of(w.director, plan) is None
    step = pending_step_of(w.leader, plan)
    assert step is not None and step.stage_key == routing.APPROVE
    assert route.steps.filter(assignee=w.director).count() == 0


def test_nobody_left_to_approve_stops_the_route_with_the_reason(w):
    plan = make_plan(w.director, w.office, "年度综合考核", [w.xicheng], D(2026, 11, 2), D(2026, 11, 6),
                     form="assess")
    services.plan_submit(actor=w.director, plan=plan)
    with pytest.raises(ValidationError, match="找不到审批人"):
        step_act(actor=w.officer, step=pending_step_of(w.officer, plan), action=StepAction.AGREE)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert pending_step_of(w.officer, plan) is not None  # rolled back: still to review


def test_a_rejected_plan_goes_back_to_its_registrant(w):
    plan = make_plan(w.em_clerk, w.emergency, "防汛检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    services.plan_submit(actor=w.em_clerk, plan=plan)
    step_act(actor=w.officer, step=pending_step_of(w.officer, plan), action=StepAction.REJECT,
             text="与市住建局检查重叠，请调整时间。")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REJECTED
    assert plan.decision_reason == "与市住建局检查重叠，请调整时间。"
    assert can(w.em_clerk, InspectionAction.PLAN_EDIT, plan)
    services.plan_update(actor=w.em_clerk, plan=plan, topic="防汛检查", organiser=w.emergency,
                         units=[w.dongcheng], starts_on=D(2026, 6, 15), ends_on=D(2026, 6, 16),
                         form="inspect")
    assert AuditEvent.objects.get(action=InspectionEvent.PLAN_UPDATE).details["changes"]["starts_on"] == [
        "2026-06-01", "2026-06-15"]
    services.plan_submit(actor=w.em_clerk, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.decision_reason == ""


def test_merge_joins_units_and_organisers_and_closes_the_route(w):
    kept = make_plan(w.em_clerk, w.emergency, "安全生产专项检查", [w.dongcheng],
                     D(2026, 6, 1), D(2026, 6, 5), participants="应急局5人")
    merged = make_plan(w.housing_clerk, w.housing, "建筑施工安全生产检查", [w.dongcheng, w.xicheng],
                       D(2026, 6, 3), D(2026, 6, 4), participants="住建局3人")
    approve(kept, w)
    services.plan_submit(actor=w.housing_clerk, plan=merged)
    services.plan_merge(actor=w.officer, plan=merged, into=kept, reason="同一周到东城区，合并为联合检查")
    merged.refresh_from_db()
    kept.refresh_from_db()
    assert merged.status == PlanStatus.MERGED and merged.merged_into == kept
    assert merged.decision_reason == "同一周到东城区，合并为联合检查"
    assert set(kept.units.values_list("name", flat=True)) == {"东城区委", "西城区委"}
    assert list(kept.co_organisers.all()) == [w.housing]
    assert "合并计划《建筑施工安全生产检查》" in kept.description
    assert kept.participants == "应急局5人；住建局3人"
    # The merged plan's route was ended by the office's opinion, nobody has it to do.
    route = current_route(merged, routing.PLAN_APPROVAL)
    assert route.status == RouteStatus.REJECTED
    assert not route.steps.filter(status=StepStatus.PENDING).exists()
    assert route.opinions.get(action=StepAction.REJECT).text.startswith("并入计划《安全生产专项检查》")
    assert _events(InspectionEvent.PLAN_MERGE) == 1 and _events(InspectionEvent.PLAN_REJECTED) == 0
    assert merged.events.last().kind == PlanEventKind.MERGED_IN
    assert kept.events.last().kind == PlanEventKind.ABSORBED


def test_refuse_needs_a_reason_and_the_office(w):
    plan = make_plan(w.em_clerk, w.emergency, "安全生产专项检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    approve(plan, w)
    with pytest.raises(PermissionDenied):
        services.plan_refuse(actor=w.em_clerk, plan=plan, reason="不去了")
    with pytest.raises(ValidationError, match="请填写理由"):
        services.plan_refuse(actor=w.officer, plan=plan, reason=" ")
    services.plan_refuse(actor=w.officer, plan=plan, reason="本季度东城区已迎检三次，为基层减负")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REFUSED
    assert _events(InspectionEvent.PLAN_REFUSE) == 1
    # Final: neither merged nor refused again.
    with pytest.raises(PermissionDenied):
        services.plan_refuse(actor=w.officer, plan=plan, reason="再次")


def test_refusing_a_plan_at_the_leaders_stage_waits_for_the_leader(w):
    plan = make_plan(w.em_clerk, w.emergency, "安全生产专项检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    services.plan_submit(actor=w.em_clerk, plan=plan)
    step_act(actor=w.officer, step=pending_step_of(w.officer, plan), action=StepAction.AGREE)
    with pytest.raises(ValidationError, match="领导审批"):
        services.plan_refuse(actor=w.officer2, plan=plan, reason="重复")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_settings_are_checked_and_audited(w):
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=w.em_clerk, similarity_threshold="0.6", similar_window_days=30)
    with pytest.raises(ValidationError):
        services.settings_update(actor=w.officer, similarity_threshold="1.5", similar_window_days=30)
    conf = services.settings_update(actor=w.officer, similarity_threshold="0.6", similar_window_days=30)
    assert str(conf.similarity_threshold) == "0.60" and conf.similar_window_days == 30
    event = AuditEvent.objects.get(action=InspectionEvent.SETTINGS_UPDATE)
    assert event.details["before"] == {"similarity_threshold": "0.50", "similar_window_days": 90}
