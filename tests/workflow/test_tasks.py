"""The one task model (issue 9 §3), through an app the platform does not know: the test
app ``workflow_sample`` gives follow-up work on a memo to a lead unit and a co-unit.
Its liaison officers see it, accept or return it, report progress, ask for more time and
for completion — decided on routes — and are chased by the kind's reminder rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import checks
from django.core.exceptions import PermissionDenied

from tests import uploads
from tests.factories import PersonFactory
from tests.workflow_sample.hooks import SampleAction
from tests.workflow_sample.models import Memo
from zhongshu.access import registry as access_registry
from zhongshu.access.policy import can
from zhongshu.inbox import selectors as inbox
from zhongshu.inbox.models import Notification
from zhongshu.inbox.registry import Box
from zhongshu.kernel.calendar import add_workdays
from zhongshu.org.models import RoleCode
from zhongshu.workflow import chasing, tasking
from zhongshu.workflow import services as routes
from zhongshu.workflow.models import (
    ReminderRule,
    Step,
    Task,
    TaskEvent,
    TaskExtension,
    TaskReminder,
    TaskRole,
    TaskStatus,
)
from zhongshu.workflow.tasking import TaskError, UnitHolder

pytestmark = pytest.mark.django_db

KIND = "sample.follow_up"
GIVEN = dt.date(2026, 6, 15)  # a Monday


@pytest.fixture
def work(org):
    lead, co, other = org["units"]
    liaison = PersonFactory(full_name="财政局联络员", unit=lead, roles=[RoleCode.LIAISON_OFFICER])
    co_liaison = PersonFactory(full_name="发改委联络员", unit=co, roles=[RoleCode.LIAISON_OFFICER])
    lead.leader_in_charge = org["leader"]
    lead.save()
    memo = Memo.objects.create(title="关于落实年度重点工作的签报", owner=org["drafter"])
    tasks = tasking.give(actor=org["drafter"], subject=memo, kind=KIND, title=memo.title,
                         holders=[UnitHolder(lead, TaskRole.LEAD), UnitHolder(co, TaskRole.CO)],
                         due_workdays=10, report_every=5, today=GIVEN)
    return {"memo": memo, "lead": lead, "co": co, "other": other, "liaison": liaison,
            "co_liaison": co_liaison, "task": tasks[0], "co_task": tasks[1], **org}


def titles(person, box=Box.TODO):
    return [i.title for i in inbox.inbox_open(person, box, today=GIVEN)]


def test_a_unit_task_reaches_its_liaison_and_head_only(work):
    task = work["task"]
    assert (task.unit, task.role, task.status) == (work["lead"], "lead", TaskStatus.OPEN)
    assert task.due_date == add_workdays(GIVEN, 10) and task.next_report_due == add_workdays(GIVEN, 5)
    expected = "关于落实年度重点工作的签报（跟踪落实）·财政局"
    assert titles(work["liaison"]) == [expected]
    assert titles(work["lead"].head) == [expected]
    assert titles(work["co_liaison"]) == ["关于落实年度重点工作的签报（跟踪落实）·发改委"]
    assert titles(work["other"].head) == [] and titles(work["drafter"]) == []
    [item] = inbox.inbox_open(work["liaison"], Box.TODO, today=GIVEN)
    assert item.url == f"/sample/memos/{work['memo'].pk}/" and item.kind == "sample"
    assert list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True)) == ["given"]


def test_accept_or_return_then_only_the_holder_works_on_it(work):
    task, co_task = work["task"], work["co_task"]
    with pytest.raises(TaskError, match="请先接收任务"):
        tasking.report(actor=work["liaison"], task=task, text="已开始调研。")
    tasking.accept(actor=work["liaison"], task=task)
    with pytest.raises(TaskError, match="已由他人处理"):
        tasking.accept(actor=work["lead"].head, task=task)
    with pytest.raises(PermissionDenied):
        tasking.accept(actor=work["co_liaison"], task=task)
    with pytest.raises(TaskError, match="请填写退回理由"):
        tasking.return_task(actor=work["co_liaison"], task=co_task, reason="")
    tasking.return_task(actor=work["co_liaison"], task=co_task, reason="不属于本单位职责。")
    co_task.refresh_from_db()
    assert co_task.status == TaskStatus.RETURNED and co_task.comment == "不属于本单位职责。"
    entry = tasking.report(actor=work["liaison"], task=task, text="已完成调研，正在起草方案。",
                           files=[("进展.pdf", uploads.pdf("进展"))], today=GIVEN)
    task.refresh_from_db()
    assert task.next_report_due == add_workdays(GIVEN, 5) and task.last_report_at is not None
    assert entry.files.get().name == "进展.pdf"
    assert list(task.events.values_list("kind", flat=True)) == ["given", "accepted", "reported"]


def test_completion_is_reviewed_on_a_route_sent_back_once_then_closed(work):
    task, liaison, owner = work["task"], work["liaison"], work["drafter"]
    tasking.accept(actor=liaison, task=task)
    tasking.request_completion(actor=liaison, task=task, text="方案已印发。",
                               files=[("方案.pdf", uploads.pdf("方案"))])
    task.refresh_from_db()
    assert task.status == TaskStatus.REVIEW and titles(liaison) == []
    # The reviewer sees a 办结审核 in his inbox, on the memo's own page.
    [item] = inbox.inbox_open(owner, Box.TODO, today=GIVEN)
    assert item.kind == "completion_review" and item.kind_label == "办结审核"
    assert item.url == f"/sample/memos/{work['memo'].pk}/"
    step = Step.objects.get(assignee=owner, status="pending")
    routes.step_act(actor=owner, step=step, action="reject", text="请补充资金落实情况。")
    task.refresh_from_db()
    assert task.status == TaskStatus.ACCEPTED
    sent_back = task.events.get(kind="sent_back")
    assert sent_back.text == "请补充资金落实情况。" and sent_back.actor == owner
    tasking.request_completion(actor=liaison, task=task, text="资金已到位，方案已印发。")
    step = Step.objects.get(assignee=owner, status="pending")
    routes.step_act(actor=owner, step=step, action="agree_opinion", text="同意办结。")
    task.refresh_from_db()
    assert (task.status, task.done_by, task.comment) == (TaskStatus.DONE, liaison,
                                                         "资金已到位，方案已印发。")
    assert list(task.reports.values_list("kind", "state")) == [
        ("completion", "refused"), ("completion", "approved")]


def test_the_requester_never_reviews_his_own_completion(work):
    """The memo's owner also holds the unit's liaison role: the review route refuses to
    give him his own request; the other reviewer takes it."""
    reviewer = PersonFactory(full_name="督查员", roles=[RoleCode.SUPERVISION_OFFICER])
    task = work["task"]
    owner = work["drafter"]
    owner.unit = work["lead"]
    owner.save()
    owner.roles.add(*owner.roles.model.objects.filter(code=RoleCode.LIAISON_OFFICER))
    tasking.accept(actor=owner, task=task)
    tasking.request_completion(actor=owner, task=task, text="已办结。")
    assert set(Step.objects.filter(status="pending").values_list("assignee", flat=True)) == {reviewer.pk}


def test_an_extension_moves_the_due_date_only_when_approved(work):
    task, liaison, owner = work["task"], work["liaison"], work["drafter"]
    tasking.accept(actor=liaison, task=task)
    old = task.due_date
    ext = tasking.extension_request(actor=liaison, task=task, workdays=3, reason="需征求意见。")
    with pytest.raises(TaskError, match="已有一项延期申请等待审批"):
        tasking.extension_request(actor=liaison, task=task, workdays=1, reason="再延")
    step = Step.objects.get(assignee=owner, status="pending", route__purpose="extension_approval")
    routes.step_act(actor=owner, step=step, action="agree")
    task.refresh_from_db()
    ext.refresh_from_db()
    assert ext.status == "approved" and task.due_date == ext.new_due == add_workdays(old, 3)
    approved = task.events.get(kind="extension_approved")
    assert approved.details["due"] == task.due_date.isoformat() and approved.actor == owner
    # A refused one leaves the date as it was, with the record.
    ext2 = tasking.extension_request(actor=liaison, task=task, until=task.due_date + dt.timedelta(days=30),
                                     reason="再延一个月。")
    step = Step.objects.get(assignee=owner, status="pending", route__purpose="extension_approval")
    routes.step_act(actor=owner, step=step, action="reject", text="不同意。")
    before = task.due_date
    task.refresh_from_db()
    assert task.due_date == before and TaskExtension.objects.get(pk=ext2.pk).status == "refused"
    assert task.events.filter(kind="extension_refused", text="不同意。").exists()


def test_reminder_rules_chase_the_right_people_once_a_day(work):
    task, lead = work["task"], work["lead"]
    tasking.accept(actor=work["liaison"], task=task)
    due = task.due_date
    # Two working days before the due date: the holder — the liaison and the unit's head.
    before = chasing.chase_all(today=add_workdays(GIVEN, 8))
    assert before.sent >= 2
    chased = set(TaskReminder.objects.filter(task=task, rule__trigger="before_due")
                 .values_list("recipient__full_name", flat=True))
    assert chased == {"财政局联络员", "财政局负责人"}
    assert chasing.chase_all(today=add_workdays(GIVEN, 8)).sent == 0  # once a day
    # The day after the due date: the unit's head; three working days late: its leader.
    chasing.chase_all(today=add_workdays(due, 1))
    assert set(TaskReminder.objects.filter(task=task, rule__trigger="overdue")
               .values_list("recipient__full_name", flat=True)) == {"财政局负责人"}
    chasing.chase_all(today=add_workdays(due, 3))
    escalated = TaskReminder.objects.get(task=task, rule__trigger="overdue_days")
    assert escalated.recipient == work["leader"]
    assert Notification.objects.filter(recipient=work["leader"], kind="escalated").exists()
    task.refresh_from_db()
    assert task.reminders == TaskReminder.objects.filter(task=task).count()
    # The rules are data the office edits: a rule switched off chases nobody.
    ReminderRule.objects.filter(kind=KIND, trigger="overdue_days").update(active=False)
    other = tasking.give(actor=work["drafter"], subject=work["memo"], kind=KIND,
                         holders=[UnitHolder(lead, TaskRole.LEAD)], due_date=due, today=GIVEN)[0]
    chasing.chase_all(today=add_workdays(due, 3))
    assert not TaskReminder.objects.filter(task=other, rule__trigger="overdue_days").exists()
    # Manual 催办 with a message goes to the holder and is on the timeline.
    sent = chasing.remind(actor=work["drafter"], task=task, message="请于本周五前报送结果。")
    assert sent == 2 and task.events.filter(kind="reminded", text="请于本周五前报送结果。").exists()
    assert Notification.objects.filter(recipient=work["liaison"], kind="manual").exists()


def test_first_to_act_closes_the_others_copies(org, work):
    memo = work["memo"]
    people = [org["head"], org["drafter"], org["leader"]]
    tasks = tasking.give(actor=None, subject=memo, kind=KIND, holders=people, first_to_act=True,
                         today=GIVEN)
    assert len({t.group for t in tasks}) == 1
    tasking.accept(actor=org["leader"], task=tasks[2])
    remaining = Task.objects.filter(group=tasks[0].group)
    assert list(remaining.values_list("person", "status")) == [(org["leader"].pk, "accepted")]


def test_a_new_apps_action_is_decided_by_its_own_registration(work):
    memo = work["memo"]
    assert can(work["drafter"], SampleAction.FOLLOW_UP_GIVE, memo)
    assert not can(work["liaison"], SampleAction.FOLLOW_UP_GIVE, memo)
    assert not can(work["drafter"], "sample.nobody_declared_this")


def test_the_system_check_refuses_an_action_without_a_decision_or_with_two():
    from enum import StrEnum

    class Broken(StrEnum):
        UNDECIDED = "broken.undecided"
        TWICE = "broken.twice"
        BAD_PATH = "broken.bad_path"

    access_registry.register(access_registry.AppPolicy(
        app="broken", actions=Broken, roles={Broken.TWICE: {RoleCode.LEADER}},
        rules={Broken.TWICE: lambda p, o: True, Broken.BAD_PATH: "zhongshu.nowhere.rule"}))
    try:
        errors = [e.msg for e in checks.run_checks() if e.id == "access.E001"]
        assert any("broken.undecided" in e and "no decision" in e for e in errors)
        assert any("broken.twice" in e and "2 decisions" in e for e in errors)
        assert any("broken.bad_path" in e and "does not resolve" in e for e in errors)
    finally:
        access_registry.unregister("broken")
    assert not [e for e in checks.run_checks() if e.id == "access.E001"]
