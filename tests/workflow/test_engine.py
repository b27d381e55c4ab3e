import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import PersonFactory, UnitFactory
from tests.workflow.conftest import pending, stage, start
from tests.workflow_sample.models import Memo
from zhongshu.org.models import RoleCode
from zhongshu.workflow import selectors, services
from zhongshu.workflow.actions import WorkflowAction
from zhongshu.workflow.models import (
    AssigneeKind,
    ImmutableRecord,
    Opinion,
    RouteStatus,
    StageMode,
    StepAction,
    StepStatus,
)

pytestmark = pytest.mark.django_db


def agree(step, text=""):
    return services.step_act(actor=step.assignee, step=step, action=StepAction.AGREE, text=text)


def test_countersign_of_three_units_completes_only_when_all_agree(standard_template, memo, org):
    route = start(memo, standard_template, org)
    [review] = pending(route)
    assert review.assignee == org["head"]
    agree(review)

    route.refresh_from_db()
    countersign = pending(route)
    assert route.current_position == 1
    assert {s.unit for s in countersign} == set(org["units"])
    assert {s.assignee for s in countersign} == {u.head for u in org["units"]}

    agree(countersign[0])
    agree(countersign[1])
    route.refresh_from_db()
    assert route.current_position == 1, "two of three agreed: the countersign is not done"
    assert [s.assignee for s in pending(route)] == [countersign[2].assignee]

    agree(countersign[2], text="同意，请按程序报签。")
    route.refresh_from_db()
    assert route.current_position == 2
    [sign_off] = pending(route)
    assert sign_off.assignee == org["leader"]
    agree(sign_off)
    route.refresh_from_db()
    assert route.status == RouteStatus.COMPLETED and route.current_position is None
    assert route.finished_at is not None
    assert Opinion.objects.filter(route=route).count() == 5


def test_return_sends_the_route_back_with_the_opinion_kept(standard_template, memo, org):
    route = start(memo, standard_template, org)
    agree(pending(route)[0])
    route.refresh_from_db()
    first, second, third = pending(route)
    agree(first)
    opinion = services.step_act(actor=second.assignee, step=second, action=StepAction.RETURN,
                                return_to=0, text="第三条表述不准确，请修改后再送。")
    route.refresh_from_db()
    assert route.current_position == 0 and route.round == 1
    [again] = pending(route)
    assert again.assignee == org["head"] and again.round == 1
    # The unfinished countersigner of the first pass no longer has anything to do.
    third.refresh_from_db()
    assert third.status == StepStatus.CLOSED
    assert opinion.target_position == 0
    assert "第三条表述不准确" in [o.text for o in selectors.route_timeline(route)["opinions"]][-1]

    # The second pass asks all three units again.
    agree(again)
    route.refresh_from_db()
    assert len(pending(route)) == 3


def test_return_needs_an_earlier_stage_and_a_reason(standard_template, memo, org):
    route = start(memo, standard_template, org)
    agree(pending(route)[0])
    step = pending(route)[0]
    with pytest.raises(services.WorkflowError, match="须填写意见"):
        services.step_act(actor=step.assignee, step=step, action=StepAction.RETURN, return_to=0)
    with pytest.raises(services.WorkflowError, match="前序环节"):
        services.step_act(actor=step.assignee, step=step, action=StepAction.RETURN, return_to=2,
                          text="x")
    step.refresh_from_db()
    assert step.status == StepStatus.PENDING
    assert not Opinion.objects.filter(step=step).exists()


def test_sequential_stage_goes_person_by_person(director, org, memo):
    a, b, c = PersonFactory.create_batch(3)
    template = services.template_create(actor=director, purpose="memo_approval", code="seq", name="依次", stages=[
        stage("依次审核", StageMode.SEQUENTIAL, [{"kind": AssigneeKind.PERSON, "person": p.pk} for p in (a, b, c)]),
    ])
    route = start(memo, template, org)
    for person in (a, b, c):
        [step] = pending(route)
        assert step.assignee == person
        agree(step)
    route.refresh_from_db()
    assert route.status == RouteStatus.COMPLETED
    assert list(route.steps.values_list("status", flat=True)) == [StepStatus.AGREED] * 3


def test_any_one_stage_completes_on_the_first_agreement(director, org, memo):
    a, b, c = PersonFactory.create_batch(3)
    template = services.template_create(actor=director, purpose="memo_approval", code="any", name="任一", stages=[
        stage("任一人审核", StageMode.ANY, [{"kind": AssigneeKind.PERSON, "person": p.pk} for p in (a, b, c)]),
        stage("领导", StageMode.SINGLE, [{"kind": AssigneeKind.PERSON, "person": org["leader"].pk}]),
    ])
    route = start(memo, template, org)
    assert len(pending(route)) == 3
    step_b = route.steps.get(assignee=b)
    agree(step_b)
    route.refresh_from_db()
    assert route.current_position == 1
    assert set(route.steps.filter(position=0).values_list("assignee", "status")) == {
        (a.pk, StepStatus.CLOSED), (b.pk, StepStatus.AGREED), (c.pk, StepStatus.CLOSED)}
    step_a = route.steps.get(assignee=a)
    with pytest.raises(services.StepNotPending):
        agree(step_a)


def test_deadlines_count_working_days(standard_template, memo, org):
    # Wednesday 17 June 2026; 19 June is the Dragon Boat holiday, 20–21 a weekend.
    route = start(memo, standard_template, org, today=dt.date(2026, 6, 17))
    [review] = pending(route)
    assert review.due_date == dt.date(2026, 6, 22)
    services.step_act(actor=review.assignee, step=review, action=StepAction.AGREE,
                      today=dt.date(2026, 6, 18))
    # Three working days from Thursday 18 June: 22, 23, 24 June.
    assert {s.due_date for s in pending(route)} == {dt.date(2026, 6, 24)}
    route.refresh_from_db()
    # A stage without a time limit has no deadline.
    for step in pending(route):
        services.step_act(actor=step.assignee, step=step, action=StepAction.AGREE,
                          today=dt.date(2026, 6, 18))
    assert [s.due_date for s in pending(route)] == [None]


def test_reject_ends_the_route(standard_template, memo, org):
    route = start(memo, standard_template, org)
    agree(pending(route)[0])
    first, *others = pending(route)
    services.step_act(actor=first.assignee, step=first, action=StepAction.REJECT, text="不同意发文。")
    route.refresh_from_db()
    assert route.status == RouteStatus.REJECTED and route.current_position is None
    assert not pending(route)
    assert {s.status for s in route.steps.filter(pk__in=[s.pk for s in others])} == {StepStatus.CLOSED}


def test_transfer_hands_the_step_to_someone_else(standard_template, memo, org):
    route = start(memo, standard_template, org)
    [review] = pending(route)
    deputy = PersonFactory(full_name="副处长", unit=org["dept"])
    opinion = services.step_act(actor=review.assignee, step=review, action=StepAction.TRANSFER,
                                target=deputy, text="请副处长审核。")
    assert opinion.target_person == deputy
    [new] = pending(route)
    assert new.assignee == deputy and new.transferred_from_id == review.pk
    assert new.due_date == review.due_date
    agree(new)
    route.refresh_from_db()
    assert route.current_position == 1


def test_added_countersigner_must_also_agree(standard_template, memo, org):
    route = start(memo, standard_template, org)
    agree(pending(route)[0])
    extra = PersonFactory(full_name="审计局负责人")
    first, second, third = pending(route)
    services.step_act(actor=first.assignee, step=first, action=StepAction.ADD_COUNTERSIGNER,
                      target=extra, text="涉及审计事项，请审计局会签。")
    assert len(pending(route)) == 4
    for step in pending(route):
        if step.assignee != extra:
            agree(step)
    route.refresh_from_db()
    assert route.current_position == 1, "the added countersigner has not agreed yet"
    agree(route.steps.get(assignee=extra))
    route.refresh_from_db()
    assert route.current_position == 2


def test_added_signer_in_a_sequential_stage_comes_right_after_the_adder(director, org, memo):
    a, b, extra = PersonFactory.create_batch(3)
    template = services.template_create(actor=director, purpose="memo_approval", code="seq2", name="依次", stages=[
        stage("依次审核", StageMode.SEQUENTIAL, [{"kind": AssigneeKind.PERSON, "person": p.pk} for p in (a, b)]),
    ])
    route = start(memo, template, org)
    [step_a] = pending(route)
    services.step_act(actor=a, step=step_a, action=StepAction.ADD_COUNTERSIGNER, target=extra)
    agree(step_a)
    assert [s.assignee for s in pending(route)] == [extra]
    agree(pending(route)[0])
    assert [s.assignee for s in pending(route)] == [b]


def test_stage_allows_only_its_actions(standard_template, memo, org):
    route = start(memo, standard_template, org)
    for step in [pending(route)[0]]:
        agree(step)
    for step in pending(route):
        agree(step)
    [sign_off] = pending(route)
    with pytest.raises(services.WorkflowError, match="不允许"):
        services.step_act(actor=sign_off.assignee, step=sign_off, action=StepAction.TRANSFER,
                          target=org["head"])


def test_only_the_assignee_may_act(standard_template, memo, org):
    route = start(memo, standard_template, org)
    [review] = pending(route)
    with pytest.raises(PermissionDenied):
        services.step_act(actor=org["drafter"], step=review, action=StepAction.AGREE)
    assert not Opinion.objects.exists()


def test_the_same_step_cannot_be_acted_on_twice(standard_template, memo, org):
    """The concurrency guard, sequentially: two requests that both loaded the step while
    it was pending. The second must fail and leave no opinion."""
    route = start(memo, standard_template, org)
    [review] = pending(route)
    seen_by_first_request = type(review).objects.get(pk=review.pk)
    seen_by_second_request = type(review).objects.get(pk=review.pk)
    services.step_act(actor=org["head"], step=seen_by_first_request, action=StepAction.AGREE)
    with pytest.raises(services.StepNotPending):
        services.step_act(actor=org["head"], step=seen_by_second_request, action=StepAction.AGREE)
    assert Opinion.objects.filter(step=review).count() == 1
    route.refresh_from_db()
    assert route.current_position == 1 and len(pending(route)) == 3


def test_opinions_are_immutable(standard_template, memo, org):
    route = start(memo, standard_template, org)
    opinion = agree(pending(route)[0], text="同意")
    opinion.text = "改过的意见"
    with pytest.raises(ImmutableRecord):
        opinion.save()
    with pytest.raises(ImmutableRecord):
        opinion.delete()
    assert Opinion.objects.get(pk=opinion.pk).text == "同意"


def test_acting_for_a_leader_needs_a_delegation(standard_template, memo, org):
    route = start(memo, standard_template, org)
    [review] = pending(route)
    secretary = PersonFactory(full_name="秘书", roles=[RoleCode.SECRETARY])
    with pytest.raises(PermissionDenied):
        services.step_act(actor=secretary, step=review, action=StepAction.AGREE,
                          on_behalf_of=org["head"])
    assert not Opinion.objects.exists()


def test_opinion_under_delegation_records_both_names(standard_template, memo, org):
    """The delegation itself is the access app's; here it is granted by the policy so
    that the engine's part — recording both names, refusing non-delegable stages — shows."""
    from zhongshu.access import policy

    secretary = PersonFactory(full_name="秘书", roles=[RoleCode.SECRETARY])
    real_can = policy.can

    def can_with_delegation(person, action, obj=None):
        if action == WorkflowAction.STEP_ACT_ON_BEHALF:
            return person == secretary
        return real_can(person, action, obj)

    route = start(memo, standard_template, org)
    with mock.patch("zhongshu.workflow.services.can", can_with_delegation):
        [review] = pending(route)
        opinion = services.step_act(actor=secretary, step=review, action=StepAction.AGREE,
                                    on_behalf_of=org["head"], text="代处长同意")
        assert (opinion.author, opinion.on_behalf_of) == (secretary, org["head"])
        for step in pending(route):
            agree(step)
        [sign_off] = pending(route)
        with pytest.raises(services.WorkflowError, match="不得由他人代为处理"):
            services.step_act(actor=secretary, step=sign_off, action=StepAction.AGREE,
                              on_behalf_of=org["leader"])


def test_running_route_keeps_its_template_version(standard_template, memo, org, director):
    route = start(memo, standard_template, org)
    services.template_update(actor=director, template=standard_template, name="发文标准流程", stages=[
        stage("只需领导", StageMode.SINGLE, [{"kind": AssigneeKind.PERSON, "person": org["leader"].pk}]),
    ], note="简化")
    assert standard_template.current_version.number == 2
    assert route.template_version.number == 1
    agree(pending(route)[0])
    route.refresh_from_db()
    assert route.current_position == 1 and len(pending(route)) == 3
    new_route = start(Memo.objects.create(title="另一件", owner=org["drafter"]), standard_template, org)
    assert [s.assignee for s in pending(new_route)] == [org["leader"]]


def test_only_the_item_decides_who_may_start_a_route(standard_template, memo, org):
    with pytest.raises(PermissionDenied):
        services.route_start(actor=org["head"], obj=memo, template=standard_template, title="x")


def test_roles_in_units_resolve_to_every_holder(director, org, memo):
    unit = UnitFactory(name="督查室")
    s1 = PersonFactory(unit=unit, roles=[RoleCode.SUPERVISION_OFFICER])
    s2 = PersonFactory(unit=unit, roles=[RoleCode.SUPERVISION_OFFICER])
    PersonFactory(unit=unit)  # no role: not an assignee
    template = services.template_create(actor=director, purpose="memo_approval", code="role", name="督查", stages=[
        stage("督查员审核", StageMode.ANY, [{"kind": AssigneeKind.ROLE_IN_UNIT, "unit": unit.pk,
                                         "role": RoleCode.SUPERVISION_OFFICER}]),
    ])
    route = start(memo, template, org)
    assert {s.assignee for s in pending(route)} == {s1, s2}


def test_a_stage_without_anyone_to_act_is_refused_clearly(director, org, memo):
    headless = UnitFactory(name="无负责人单位")
    template = services.template_create(actor=director, purpose="memo_approval", code="headless", name="x", stages=[
        stage("审核", StageMode.SINGLE, [{"kind": AssigneeKind.UNIT_HEAD, "unit": headless.pk}]),
    ])
    with pytest.raises(services.WorkflowError, match="无负责人单位未设负责人"):
        start(memo, template, org)


def test_participants_are_everyone_on_the_route(standard_template, memo, org):
    route = start(memo, standard_template, org)
    agree(pending(route)[0])
    found = selectors.participants(memo)
    assert found.person_ids == {org["drafter"].pk, org["head"].pk} | {u.head_id for u in org["units"]}
    assert found.unit_ids == {org["dept"].pk} | {u.pk for u in org["units"]}
    other = Memo.objects.create(title="没有流转", owner=org["drafter"])
    assert selectors.participants(other).person_ids == frozenset()


def test_templates_are_managed_by_the_office_only(org):
    staff = PersonFactory()
    with pytest.raises(PermissionDenied):
        services.template_create(actor=staff, purpose="memo_approval", code="x", name="x", stages=[
            stage("a", StageMode.SINGLE, [{"kind": AssigneeKind.DRAFTER}])])


def test_template_validation_messages(director):
    with pytest.raises(services.WorkflowError, match="单人办理，只能指定一个办理人"):
        services.template_create(actor=director, purpose="memo_approval", code="bad", name="x", stages=[
            stage("a", StageMode.SINGLE, [{"kind": AssigneeKind.DRAFTER},
                                          {"kind": AssigneeKind.DRAFTER_UNIT_HEAD}])])
    with pytest.raises(services.WorkflowError, match="没有可退回的前序环节"):
        services.template_create(actor=director, purpose="memo_approval", code="bad", name="x", stages=[
            stage("a", StageMode.SINGLE, [{"kind": AssigneeKind.DRAFTER}],
                  actions=[StepAction.AGREE, StepAction.RETURN])])


@pytest.mark.postgres_only(reason="the append-only trigger is PostgreSQL's; on SQLite the "
                                   "model guard holds (test_opinions_are_immutable)")
def test_database_refuses_to_rewrite_an_opinion(standard_template, memo, org):
    from django.db import DatabaseError, connection, transaction

    route = start(memo, standard_template, org)
    opinion = agree(pending(route)[0], text="同意")
    for sql in ("UPDATE workflow_opinion SET text = 'x' WHERE id = %s",
                "DELETE FROM workflow_opinion WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [opinion.pk])
    assert Opinion.objects.get(pk=opinion.pk).text == "同意"
