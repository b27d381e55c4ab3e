"""The life of a supervised task through the services: sources, giving, accepting,
reporting, completion with evidence, review, send-back, extensions, merge, split, 批必查."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.uploads import pdf
from zhongshu.access.classification import Level
from zhongshu.audit.models import AuditEvent
from zhongshu.supervision import services
from zhongshu.supervision.models import (
    LedgerRow,
    Matter,
    MatterStatus,
)
from zhongshu.workflow.models import Task, TaskEvent, TaskExtension

from .conftest import open_matter

D = dt.date


def _lead(tasks):
    return next(t for t in tasks if t.role == "lead")


def test_give_makes_one_task_per_unit_with_ledger_rows(office):
    matter, tasks = open_matter(office, due_workdays=10, today=D(2026, 9, 24))
    assert [(t.unit, t.role) for t in tasks] == [(office.lead, "lead"), (office.co, "co")]
    # 10 working days from Sep 24: 28, 29, 30, Oct 8, 9, 10, 12, 13, 14, 15.
    assert {t.due_date for t in tasks} == {D(2026, 10, 15)}
    rows = LedgerRow.objects.filter(matter=matter)
    assert {(r.unit_id, r.status, r.leader_id) for r in rows} == {
        (office.lead.pk, "open", office.leader.pk), (office.co.pk, "open", office.leader.pk)}
    assert AuditEvent.objects.filter(action="supervision.matter.open").count() == 1


def test_full_life_cycle_send_back_once_then_close(office):
    matter, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = _lead(tasks)
    services.task_accept(actor=office.lead_liaison, task=task)
    services.task_report(actor=office.lead_liaison, task=task, text="已完成摸底调查。")
    with pytest.raises(ValidationError, match="佐证材料"):
        services.task_request_completion(actor=office.lead_liaison, task=task, text="已完成。")
    services.task_request_completion(actor=office.lead_liaison, task=task, text="改造完成。",
                                     files=[("验收报告.pdf", pdf("验收报告"))])
    assert Task.objects.get(pk=task.pk).status == "review"
    assert LedgerRow.objects.get(pk=task.pk).status == "review"
    with pytest.raises(ValidationError, match="意见"):
        services.task_review(actor=office.officer, task=task, approve=False, note="")
    services.task_review(actor=office.officer, task=task, approve=False, note="请补充验收照片。")
    assert Task.objects.get(pk=task.pk).status == "accepted"
    services.task_request_completion(actor=office.lead_liaison, task=task, text="补充了照片。",
                                     files=[("照片.pdf", pdf("照片"))])
    services.task_review(actor=office.officer, task=task, approve=True)
    row = LedgerRow.objects.get(pk=task.pk)
    assert (row.status, row.light) == ("done", "none")
    kinds = list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True))
    assert kinds == ["given", "accepted", "reported", "completion_requested", "sent_back",
                     "completion_requested", "closed"]
    # The co-unit still works: the matter stays open until its last task closes.
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.OPEN
    co = next(t for t in tasks if t.role == "co")
    services.task_accept(actor=office.co_liaison, task=co)
    services.task_request_completion(actor=office.co_liaison, task=co, text="配合完成。",
                                     files=[("说明.pdf", pdf())])
    services.task_review(actor=office.officer, task=co, approve=True)
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.CLOSED


def test_only_the_units_contacts_act_and_only_the_office_reviews(office):
    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = _lead(tasks)
    for outsider in (office.co_liaison, office.other_liaison, office.officer):
        with pytest.raises(PermissionDenied):
            services.task_accept(actor=outsider, task=task)
    services.task_accept(actor=office.lead_head, task=task)  # the head acts for his unit too
    services.task_request_completion(actor=office.lead_liaison, task=task, text="完成。",
                                     files=[("a.pdf", pdf())])
    with pytest.raises(PermissionDenied):
        services.task_review(actor=office.lead_liaison, task=task, approve=True)


def test_returned_with_a_reason(office):
    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = _lead(tasks)
    with pytest.raises(ValidationError, match="退回理由"):
        services.task_return(actor=office.lead_liaison, task=task, reason=" ")
    services.task_return(actor=office.lead_liaison, task=task, reason="不属于本单位职责。")
    assert LedgerRow.objects.get(pk=task.pk).status == "returned"


def test_extension_needs_approval_and_due_date_moves_only_with_a_record(office):
    _, tasks = open_matter(office, due_date=D(2026, 10, 9), today=D(2026, 9, 1))
    task = _lead(tasks)
    services.task_accept(actor=office.lead_liaison, task=task)
    ext = services.task_extension_request(actor=office.lead_liaison, task=task,
                                          reason="需等待省里批复。", workdays=3)
    assert Task.objects.get(pk=task.pk).due_date == D(2026, 10, 9)
    services.extension_decide(actor=office.officer, extension=ext, approve=True, note="同意。")
    # Three working days after Oct 9: Oct 10 (Sat, 调休), 12, 13.
    assert Task.objects.get(pk=task.pk).due_date == D(2026, 10, 13)
    assert LedgerRow.objects.get(pk=task.pk).due_date == D(2026, 10, 13)
    assert TaskExtension.objects.get(pk=ext.pk).status == "approved"
    assert TaskEvent.objects.filter(task=task, kind="extension_approved").exists()
    services.task_due_change(actor=office.officer, task=task, reason="领导要求提前。",
                             until=D(2030, 1, 4))
    ev = TaskEvent.objects.filter(task=task, kind="due_changed").get()
    assert ev.details["old"] == "2026-10-13" and ev.text == "领导要求提前。"


def test_holding_reply_is_approved_by_the_office(office):
    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = _lead(tasks)
    services.task_accept(actor=office.lead_liaison, task=task)
    entry = services.task_holding_reply(actor=office.lead_liaison, task=task, text="需跨年度实施。")
    assert entry.state == "pending"
    services.holding_decide(actor=office.officer, report=entry, approve=True)
    entry.refresh_from_db()
    assert entry.state == "approved"


def test_manual_remind_with_a_message_is_recorded_and_counted(office):
    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = _lead(tasks)
    assert services.task_remind(actor=office.officer, task=task, message="请本周内报送进展。") == 2
    task.refresh_from_db()
    assert task.reminders == 2
    assert TaskEvent.objects.filter(task=task, kind="reminded", text="请本周内报送进展。").exists()
    with pytest.raises(PermissionDenied):
        services.task_remind(actor=office.lead_liaison, task=task, message="x")


def test_split_into_sub_units_and_merge_duplicates_keeping_history(office):
    from tests.factories import UnitFactory

    sub = UnitFactory(name="东城区住建局", code="T-DCQ-ZJ", parent=office.lead)
    matter, tasks = open_matter(office, due_date=D(2030, 12, 31))
    task = _lead(tasks)
    services.task_accept(actor=office.lead_liaison, task=task)
    [child] = services.task_split(actor=office.lead_liaison, task=task, units=[sub])
    assert (child.parent_id, child.unit_id, child.due_date) == (task.pk, sub.pk, D(2030, 12, 31))
    assert LedgerRow.objects.filter(pk=child.pk, matter=matter).exists()
    with pytest.raises(ValidationError, match="不能晚于"):
        services.task_split(actor=office.lead_liaison, task=task, units=[sub], due_date=D(2031, 1, 5))
    dup, dup_tasks = open_matter(office, title="老旧小区改造（重复）", due_date=D(2030, 12, 31))
    services.matter_merge(actor=office.officer, keep=matter, duplicate=dup, reason="同一事项。")
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into_id) == ("merged", matter.pk)
    assert set(Task.objects.filter(pk__in=[t.pk for t in dup_tasks]).values_list("status", flat=True)) == {"cancelled"}
    assert TaskEvent.objects.filter(task__in=dup_tasks, kind="given").count() == 2  # history kept
    assert TaskEvent.objects.filter(task__in=dup_tasks, kind="cancelled",
                                    text__contains=f"#{matter.pk}").count() == 2


def test_paper_instruction_with_scan_and_bibicha(office):
    rec = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="actionable", text="请督查室跟踪落实。",
        document_title="关于某事的报告", given_on=D(2026, 9, 29), scan=("批示件.pdf", pdf("批示")))
    assert rec.scan_name == "批示件.pdf" and rec.registered_by == office.officer
    ref = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="reference", text="阅。",
        document_title="情况通报", given_on=D(2026, 9, 29))
    late = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="actionable", text="抓紧办。",
        document_title="节前报告", given_on=D(2026, 9, 30))
    # Given on Sep 29 (Tue): its working day is Sep 30, so it is flagged once that has
    # passed. Given on Sep 30: its working day is Oct 8 — the holiday does not count.
    assert services.instructions_flag(today=D(2026, 9, 30)) == 0
    assert services.instructions_flag(today=D(2026, 10, 1)) == 1
    assert services.instructions_flag(today=D(2026, 10, 8)) == 0
    assert services.instructions_flag(today=D(2026, 10, 9)) == 1
    late.refresh_from_db()
    assert late.flagged_at is not None
    rec.refresh_from_db()
    ref.refresh_from_db()
    assert rec.flagged_at is not None and ref.flagged_at is None
    with pytest.raises(ValidationError, match="参阅性"):
        services.matter_open(actor=office.officer, source="instruction", title="x", instruction=ref)
    assert services.instruction_circulate(actor=office.officer, instruction=ref,
                                          readers=[office.director]) == 1
    assert not Matter.objects.exists()


def test_an_instruction_with_a_task_is_not_flagged(office):
    rec = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="guiding", text="抓紧落实。",
        document_title="报告", given_on=D(2026, 9, 29))
    matter = services.matter_open(actor=office.officer, source="instruction", title="落实",
                                  instruction=rec)
    services.task_give(actor=office.officer, matter=matter, lead=office.lead, due_workdays=5)
    assert services.instructions_flag(today=D(2026, 10, 8)) == 0


def test_classification_is_inherited_and_never_lowered(office):
    rec = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="actionable", text="落实。",
        document_title="涉密报告", given_on=D(2026, 9, 29), classification=Level.CONFIDENTIAL,
        secrecy_years=10)
    matter = services.matter_open(actor=office.officer, source="instruction", title="落实",
                                  instruction=rec, classification=Level.INTERNAL)
    assert (matter.classification, matter.secrecy_years) == (Level.CONFIDENTIAL, 10)


def test_classified_matter_refuses_a_unit_without_a_cleared_contact(office):
    matter = services.matter_open(actor=office.officer, source="office", title="涉密事项",
                                  classification=Level.SECRET, secrecy_years=10)
    # The co-unit's head is 重要 (secret is covered); its liaison is 一般.
    services.task_give(actor=office.officer, matter=matter, lead=office.lead, due_workdays=5)
    from tests.factories import PersonFactory, UnitFactory

    weak = UnitFactory(name="乡镇", code="T-XZ")
    PersonFactory(unit=weak, roles=["liaison_officer"])
    with pytest.raises(ValidationError, match="涉密等级"):
        services.task_give(actor=office.officer, matter=matter, lead=weak, due_workdays=5)


def test_meeting_decision_register_is_idempotent(office):
    kw = dict(actor=office.officer, meeting="市委常委会第12次会议", decision_ref="meeting:12:3",
              title="研究制定营商环境实施方案", requirement="一个月内出台。", lead_unit=office.lead,
              co_units=[office.co], due_workdays=20, leader=office.leader)
    first = services.decision_register(**kw)
    second = services.decision_register(**kw)
    assert first.pk == second.pk and first.source == "meeting"
    assert LedgerRow.objects.filter(matter=first).count() == 2


def test_proposal_reply_feedback_and_second_handling(office):
    matter = services.matter_open(actor=office.officer, source="npc", title="关于增设公交线路的建议",
                                  proposer="王代表", source_ref="2026-NPC-015")
    services.task_give(actor=office.officer, matter=matter, lead=office.lead, co_units=[office.co],
                       due_workdays=20)
    with pytest.raises(ValidationError, match="请先答复"):
        services.proposal_feedback(actor=office.officer, matter=matter, feedback="satisfied")
    services.proposal_reply(actor=office.lead_liaison, matter=matter, text="已调整线路。")
    with pytest.raises(ValidationError, match="具体意见"):
        services.proposal_feedback(actor=office.officer, matter=matter, feedback="unsatisfied")
    services.proposal_feedback(actor=office.officer, matter=matter, feedback="unsatisfied",
                               note="站点仍不方便。")
    matter.refresh_from_db()
    assert matter.handling_round == 2
    assert LedgerRow.objects.filter(matter=matter).count() == 4
    with pytest.raises(ValidationError, match="重复登记"):
        services.matter_open(actor=office.officer, source="npc", title="重复", proposer="王代表",
                             source_ref="2026-NPC-015")


def test_weekly_report_once_a_week(office):
    open_matter(office, due_date=D(2026, 9, 30), today=D(2026, 9, 1))
    report = services.weekly_report(today=D(2026, 10, 12))
    assert report is not None and report.overdue == 2 and report.week_of == D(2026, 10, 12)
    assert services.weekly_report(today=D(2026, 10, 14)) is None


def test_circular_draft_is_an_outgoing_draft_of_the_documents_app(office):
    from zhongshu.documents.models import OutgoingDocument

    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    today = dt.date.today()
    doc = services.circular_draft(actor=office.officer, date_from=today.replace(month=1, day=1),
                                  date_to=today)
    doc = OutgoingDocument.objects.get(pk=doc.pk)
    assert doc.doc_type == "通报" and "督查督办事项办理情况的通报" in doc.title
    spec = doc.current_version.spec
    table = next(b for b in spec["body"] if b.get("type") == "table")
    assert ["东城区委", "1", "0", "—", "0", "—", "0"] in table["rows"]
    with pytest.raises(PermissionDenied):
        services.circular_draft(actor=office.lead_liaison, date_from=today, date_to=today)


def test_need_to_know_a_unit_sees_only_its_tasks(office):
    from zhongshu.supervision import selectors

    open_matter(office, title="甲事项", due_date=D(2030, 12, 31))
    services.matter_open(actor=office.officer, source="office", title="乙事项")
    other = services.matter_open(actor=office.officer, source="office", title="丙事项（南湖）")
    services.task_give(actor=office.officer, matter=other, lead=office.other, due_workdays=5)
    f = selectors.LedgerFilter()
    assert {r.title for r in selectors.ledger(office.lead_liaison, f)} == {"甲事项"}
    assert {r.title for r in selectors.ledger(office.other_liaison, f)} == {"丙事项（南湖）"}
    assert {r.title for r in selectors.ledger(office.leader, f)} == {"甲事项"}
    assert selectors.ledger(office.officer, f).count() == 3
    assert selectors.matter_get(office.other_liaison, Matter.objects.get(title="甲事项").pk) is None


def test_classified_title_never_reaches_a_unit_contact_below_its_level(office):
    from zhongshu.supervision import selectors

    matter = services.matter_open(actor=office.officer, source="office", title="机密事项",
                                  classification=Level.CONFIDENTIAL, secrecy_years=5)
    services.task_give(actor=office.officer, matter=matter, lead=office.lead, due_workdays=5)
    # The lead unit's liaison is cleared 一般 (秘密 covered); make one below it.
    office.lead_liaison.clearance = "none"
    office.lead_liaison.save()
    assert not selectors.ledger(office.lead_liaison, selectors.LedgerFilter()).exists()
    assert selectors.ledger(office.lead_head, selectors.LedgerFilter()).count() == 1



@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_daily_run_at_once_leaves_the_first_runs_instructions_alone(office):
    """The daily job on two hosts at once: while one run holds the instructions it is
    flagging, the other skips them instead of flagging, counting and auditing them again."""
    import threading

    from django.db import connection, transaction

    from zhongshu.supervision.models import InstructionRecord

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises the two runs")
    rec = services.instruction_register(
        actor=office.officer, leader=office.leader, kind="actionable", text="请督查室跟踪落实。",
        document_title="关于某事的报告", given_on=D(2026, 9, 29))
    holding, release = threading.Event(), threading.Event()

    def first_run():  # stands for the other host's run, between its read and its commit
        try:
            with transaction.atomic():
                list(InstructionRecord.objects.select_for_update().filter(pk=rec.pk))
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=first_run)
    other.start()
    try:
        assert holding.wait(timeout=30)
        assert services.instructions_flag(today=D(2026, 10, 9)) == 0
    finally:
        release.set()
        other.join(timeout=30)
    rec.refresh_from_db()
    assert rec.flagged_at is None  # left to the run that holds it
    assert not AuditEvent.objects.filter(action="supervision.instruction.flag").exists()
    assert services.instructions_flag(today=D(2026, 10, 9)) == 1
    assert AuditEvent.objects.filter(action="supervision.instruction.flag").count() == 1
