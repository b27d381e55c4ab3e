"""Every transition of 收文 and its refusals, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests import uploads
from tests.documents.incoming.helpers import (
    PDF,
    register,
    to_assigning,
    to_handling,
    to_instructing,
    to_proposing,
)
from zhongshu.access.policy import Action, can
from zhongshu.audit.models import AuditEvent
from zhongshu.documents.incoming import services
from zhongshu.documents.incoming.models import (
    EventKind,
    IncomingDocument,
    Instruction,
    Status,
    TaskKind,
)
from zhongshu.documents.incoming.selectors import circulations_of, extensions_of, tasks_of
from zhongshu.kernel.append_only import ImmutableRecord
from zhongshu.kernel.calendar import add_workdays
from zhongshu.kernel.sequences import current_value
from zhongshu.workflow.models import ExtensionStatus, Step, Task

E = services.IncomingError


def open_people(doc, kind):
    return set(tasks_of(doc).filter(kind=TaskKind(kind).code, status="open")
               .values_list("person__full_name", flat=True))


def deciders(ext):
    """Who has the decision on an extension request: the pending steps of its
    approval route (延期审批)."""
    return set(Step.objects.filter(route__purpose="extension_approval", route__object_id=ext.pk,
                                   status="pending").values_list("assignee__full_name", flat=True))


# --- registration -----------------------------------------------------------------

def test_register_numbers_from_the_units_own_gap_free_sequence(org):
    a = register(org)
    b = register(org, title="第二件")
    year = a.receipt_year
    assert (a.receipt_seq, b.receipt_seq) == (1, 2)
    assert b.receipt_number == f"收〔{year}〕2号"
    assert a.status == Status.INTAKE and a.received_by == org.secretary
    assert a.files.get().kind == "pdf"
    assert open_people(a, TaskKind.INTAKE) == {"秘书甲", "机要员乙", "主任丙"}
    assert AuditEvent.objects.filter(action="incoming.registered", object_id=str(a.pk)).exists()


def test_register_refuses_a_file_that_is_not_what_it_says_and_writes_nothing(org):
    before = current_value(f"receipt:{org.committee.pk}:{dt.date.today().year}")
    with pytest.raises(E, match="不是允许的格式"):
        register(org, files=[("来文.pdf", b"MZ\x90\x00 an executable")])
    with pytest.raises(E, match="扩展名与内容不符"):
        register(org, files=[("来文.docx", PDF)])
    with pytest.raises(E, match="请上传来文正文"):
        register(org, files=[])
    assert not IncomingDocument.objects.exists()
    # The numbers taken inside the failed transactions rolled back with them: no gap.
    assert current_value(f"receipt:{org.committee.pk}:{dt.date.today().year}") == before
    assert register(org).receipt_seq == 1


@pytest.mark.parametrize("kw, message", [
    ({"sender_unit": None, "sender_name": ""}, "请填写来文单位"),
    ({"title": "  "}, "请填写标题"),
    ({"doc_type": "poem"}, "文种无效"),
    ({"urgency": "soon"}, "紧急程度无效"),
    ({"classification": 2, "actor": "clerk"}, "保密期限"),
    ({"classification": 1, "secrecy_years": 5}, "非涉密事项不设保密期限"),
    ({"channel": "electronic"}, "由系统自动送达"),
])
def test_register_refuses_bad_metadata(org, kw, message):
    if "actor" in kw:
        kw = {**kw, "actor": getattr(org, kw["actor"])}
    with pytest.raises(E, match=message):
        register(org, **kw)
    assert not IncomingDocument.objects.exists()


def test_register_only_for_units_served_and_levels_cleared(org):
    with pytest.raises(PermissionDenied):
        register(org, actor=org.handler)  # no office role
    with pytest.raises(E, match="不能为“测试区委”登记收文"):
        register(org, recipient_unit=org.sub)
    with pytest.raises(E, match="机要员或办公室主任登记"):
        register(org, classification=2, secrecy_years=5)  # a secretary and a state secret
    with pytest.raises(E, match="涉密等级不能登记"):
        register(org, actor=org.liaison, recipient_unit=org.sub, classification=3, secrecy_years=5)
    doc = register(org, actor=org.clerk, classification=3, secrecy_years=10)
    assert doc.secrecy_mark == "机密★10年"
    assert open_people(doc, TaskKind.INTAKE) == {"机要员乙", "主任丙"}


def test_subordinate_liaison_registers_for_own_unit(org):
    doc = register(org, actor=org.liaison, recipient_unit=org.sub, sender_unit=None,
                   sender_name="省委办公厅", files=[("scan.png", uploads.png())])
    assert doc.receipt_number.endswith("1号") and doc.sender_display == "省委办公厅"
    assert open_people(doc, TaskKind.INTAKE) == {"联络员辛"}


# --- intake check ---------------------------------------------------------------

def test_intake_accept_moves_to_proposing(org):
    doc = to_proposing(org)
    assert doc.status == Status.PROPOSING
    assert open_people(doc, TaskKind.INTAKE) == set()
    assert open_people(doc, TaskKind.PROPOSE) == {"秘书甲", "机要员乙", "主任丙"}


def test_intake_return_needs_a_reason_and_ends_the_document(org):
    doc = register(org)
    with pytest.raises(E, match="请填写退回理由"):
        services.incoming_intake_check(actor=org.director, incoming=doc, accept=False)
    doc = services.incoming_intake_check(actor=org.director, incoming=doc, accept=False,
                                         reason="不符合行文规则：请示应一文一事。")
    assert doc.status == Status.RETURNED
    assert IncomingDocument.objects.get().return_reason.startswith("不符合行文规则")
    assert not Task.objects.filter(status="open").exists()
    with pytest.raises(E, match="本环节不允许该操作：该收文当前为“已退回”"):
        services.incoming_intake_check(actor=org.secretary, incoming=doc, accept=True)


def test_intake_by_someone_without_the_task(org):
    doc = register(org)
    with pytest.raises(PermissionDenied):
        services.incoming_intake_check(actor=org.outsider, incoming=doc, accept=True)
    with pytest.raises(PermissionDenied):  # a leader is not on the route yet
        services.incoming_intake_check(actor=org.leader, incoming=doc, accept=True)


# --- 拟办 ----------------------------------------------------------------------

def test_propose_to_a_leader(org):
    doc = to_instructing(org)
    assert doc.status == Status.INSTRUCTING and doc.instruct_leader == org.leader
    assert open_people(doc, TaskKind.INSTRUCT) == {"书记丁"}
    assert can(org.leader, Action.OBJECT_VIEW, doc)
    assert not can(org.leader2, Action.OBJECT_VIEW, doc)


def test_propose_without_leader_goes_to_assignment(org):
    doc = to_proposing(org)
    doc = services.incoming_propose(actor=org.secretary, incoming=doc, opinion="按惯例交督查处办理。")
    assert doc.status == Status.ASSIGNING
    assert open_people(doc, TaskKind.ASSIGN) == {"秘书甲", "机要员乙", "主任丙"}


def test_propose_refusals(org):
    doc = to_proposing(org)
    with pytest.raises(E, match="请填写拟办意见"):
        services.incoming_propose(actor=org.director, incoming=doc, opinion=" ")
    with pytest.raises(E, match="不是领导"):
        services.incoming_propose(actor=org.director, incoming=doc, opinion="呈阅", leader=org.handler)
    assert IncomingDocument.objects.get().status == Status.PROPOSING
    with pytest.raises(E, match="当前为“待初审”"):
        services.incoming_propose(actor=org.director, incoming=register(org), opinion="x")


def test_propose_refuses_a_leader_not_cleared(org):
    from zhongshu.org.models import Clearance

    org.leader2.clearance = Clearance.GENERAL
    org.leader2.save()
    doc = to_proposing(org, actor=org.clerk, classification=3, secrecy_years=10)
    with pytest.raises(E, match="涉密等级不能阅批"):
        services.incoming_propose(actor=org.clerk, incoming=doc, opinion="呈阅", leader=org.leader2)


# --- 批示 ----------------------------------------------------------------------

def test_instruction_is_recorded_immutably(org):
    doc = to_assigning(org)
    ins = Instruction.objects.get()
    assert (ins.leader, ins.kind, ins.during_circulation) == (org.leader, "actionable", False)
    assert doc.status == Status.ASSIGNING
    with pytest.raises(ImmutableRecord, match="批示一经记录不可修改"):
        ins.text = "改写"
        ins.save()
    with pytest.raises(ImmutableRecord, match="不可修改或删除"):
        ins.delete()


def test_instruction_refusals(org):
    doc = to_instructing(org)
    with pytest.raises(PermissionDenied):  # not a leader
        services.incoming_instruct(actor=org.director, incoming=doc, kind="guiding", text="阅")
    with pytest.raises(PermissionDenied):  # a leader outside the need-to-know
        services.incoming_instruct(actor=org.leader2, incoming=doc, kind="guiding", text="阅")
    with pytest.raises(E, match="请选择批示类型"):
        services.incoming_instruct(actor=org.leader, incoming=doc, kind="vague", text="阅")
    with pytest.raises(E, match="请填写批示内容"):
        services.incoming_instruct(actor=org.leader, incoming=doc, kind="guiding", text="")
    assert not Instruction.objects.exists()


def test_instruction_is_never_delegable(org):
    """A secretary with the leader's delegation still cannot instruct for the leader."""
    from django.utils import timezone

    from zhongshu.access.models import Delegation

    now = timezone.now()
    Delegation.objects.create(delegator=org.leader, delegate=org.director,
                              actions=["object.view", "opinion.prepare", "instruction.give"],
                              starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1))
    doc = to_instructing(org)
    assert not can(org.director, Action.INSTRUCT, doc, on_behalf_of=org.leader)
    with pytest.raises(PermissionDenied):
        services.incoming_instruct(actor=org.director, incoming=doc, kind="guiding", text="代批")


# --- 交办 ----------------------------------------------------------------------

def test_assign_sets_deadline_in_working_days(org):
    from django.utils import timezone

    doc = to_handling(org, workdays=5)
    assert doc.status == Status.HANDLING and doc.handling_unit == org.dept
    assert doc.deadline == add_workdays(timezone.localdate(), 5)
    task = tasks_of(doc).get(kind=TaskKind.HANDLE.code)
    assert (task.person, task.due_date, task.status) == (org.handler, doc.deadline, "open")
    assert task.due_workdays == 5 and not task.due_provisional
    # The handling unit's staff are inside the need-to-know.
    colleague = type(org.handler).objects.create(username="colleague", full_name="同事", unit=org.dept)
    assert can(colleague, Action.OBJECT_VIEW, doc)


@pytest.mark.parametrize("workdays", [0, 400, "x"])
def test_assign_refuses_bad_deadline(org, workdays):
    doc = to_assigning(org)
    with pytest.raises(E, match="办理时限应为"):
        services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept,
                                 workdays=workdays)
    assert IncomingDocument.objects.get().status == Status.ASSIGNING


def test_assign_refuses_handler_outside_unit_and_unit_without_head(org):
    doc = to_assigning(org)
    with pytest.raises(E, match="不属于督查处"):
        services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept,
                                 workdays=3, handler=org.liaison)
    with pytest.raises(E, match="没有负责人"):
        services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.jy, workdays=3)
    doc = services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.sub,
                                   workdays=3, handler=org.liaison)
    assert doc.handler == org.liaison


# --- handling, extension, completion -------------------------------------------------

def test_holding_reply_is_on_the_timeline(org):
    doc = to_handling(org)
    services.incoming_holding_reply(actor=org.handler, incoming=doc, text="已完成调研，正在起草答复。")
    assert doc.events.filter(kind=EventKind.HOLDING_REPLY, actor=org.handler).exists()
    with pytest.raises(E, match="没有待处理的“承办”事项"):
        services.incoming_holding_reply(actor=org.secretary, incoming=doc, text="x")
    with pytest.raises(E, match="请填写答复内容"):
        services.incoming_holding_reply(actor=org.handler, incoming=doc, text="")


def test_extension_approved_moves_the_deadline(org):
    doc = to_handling(org, workdays=5)
    old = doc.deadline
    ext = services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=3,
                                              reason="需征求财政意见。")
    assert deciders(ext) == {"主任丙"}
    with pytest.raises(E, match="已有一项延期申请"):
        services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=1, reason="再延")
    with pytest.raises(E, match="不是该延期申请的审批人"):
        services.incoming_decide_extension(actor=org.secretary, extension=ext, approve=True)
    ext = services.incoming_decide_extension(actor=org.director, extension=ext, approve=True,
                                             note="同意。")
    doc.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED
    assert doc.deadline == ext.new_due == add_workdays(old, 3)
    assert tasks_of(doc).get(kind=TaskKind.HANDLE.code).due_date == doc.deadline
    assert deciders(ext) == set()
    assert doc.events.filter(kind=EventKind.EXTENSION_APPROVED, actor=org.director).exists()
    with pytest.raises(E, match="已经审批"):
        services.incoming_decide_extension(actor=org.director, extension=ext, approve=False, note="x")


def test_extension_refused_needs_a_reason_and_keeps_deadline(org):
    doc = to_handling(org)
    ext = services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=3, reason="忙")
    with pytest.raises(E, match="不同意延期的理由"):
        services.incoming_decide_extension(actor=org.director, extension=ext, approve=False)
    ext = services.incoming_decide_extension(actor=org.director, extension=ext, approve=False,
                                             note="时限不能延后。")
    assert ext.status == ExtensionStatus.REFUSED
    assert IncomingDocument.objects.get().deadline == doc.deadline


def test_extension_refusals(org):
    doc = to_handling(org)
    with pytest.raises(E, match="延期应为"):
        services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=0, reason="x")
    with pytest.raises(E, match="请填写延期理由"):
        services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=2, reason="")
    services.incoming_complete(actor=org.handler, incoming=doc, summary="办结")
    with pytest.raises(E, match="当前为“已办结”，不能申请延期"):
        services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=2, reason="x")


def test_complete_by_handler_with_summary(org):
    doc = to_handling(org)
    services.incoming_request_extension(actor=org.handler, incoming=doc, workdays=3, reason="忙")
    with pytest.raises(E, match="请填写办理结果"):
        services.incoming_complete(actor=org.handler, incoming=doc, summary="")
    doc = services.incoming_complete(actor=org.handler, incoming=doc,
                                     summary="已答复区委：同意安排专项经费 50 万元。")
    assert doc.status == Status.COMPLETED and doc.completed_at is not None
    assert not Task.objects.filter(status="open").exists()
    # The pending extension lapsed, and nobody is left with its decision.
    ext = extensions_of(doc).get()
    assert ext.status == ExtensionStatus.LAPSED and deciders(ext) == set()
    with pytest.raises(E, match="当前为“已办结”，不能办结"):
        services.incoming_complete(actor=org.handler, incoming=doc, summary="again")


def test_office_closes_a_reference_document_at_assignment(org):
    doc = to_proposing(org)
    doc = services.incoming_propose(actor=org.secretary, incoming=doc, opinion="阅知即可。")
    doc = services.incoming_complete(actor=org.director, incoming=doc, summary="已阅知，存档。")
    assert doc.status == Status.COMPLETED
    with pytest.raises(PermissionDenied):
        services.incoming_complete(actor=org.handler, incoming=to_assigning(org), summary="x")


# --- circulation -------------------------------------------------------------------

def test_parallel_circulation_with_comment_and_read_and_instruct(org):
    doc = to_handling(org)
    circ = services.circulation_start(actor=org.secretary, incoming=doc,
                                      readers=[org.leader, org.leader2], workdays=2)
    assert open_people(doc, TaskKind.READ) == {"书记丁", "副书记戊"}
    assert can(org.leader2, Action.OBJECT_VIEW, doc)
    services.circulation_mark_read(actor=org.leader2, incoming=doc, comment="已阅。")
    services.circulation_mark_read(actor=org.leader, incoming=doc, comment="请抓紧落实。",
                                   instruction_kind="actionable")
    ins = Instruction.objects.get(during_circulation=True)
    assert (ins.leader, ins.text) == (org.leader, "请抓紧落实。")
    circ.refresh_from_db()
    assert circ.finished_at is not None
    with pytest.raises(E, match="没有待处理的“传阅”事项"):
        services.circulation_mark_read(actor=org.leader, incoming=doc)


def test_sequential_circulation_opens_one_reader_at_a_time(org):
    doc = to_proposing(org)
    services.circulation_start(actor=org.director, incoming=doc, sequential=True,
                               readers=[org.leader2, org.leader])
    assert open_people(doc, TaskKind.READ) == {"副书记戊"}
    with pytest.raises(E, match="没有待处理的“传阅”事项"):
        services.circulation_mark_read(actor=org.leader, incoming=doc)
    services.circulation_mark_read(actor=org.leader2, incoming=doc)
    assert open_people(doc, TaskKind.READ) == {"书记丁"}


def test_circulation_refusals(org):
    doc = register(org)
    with pytest.raises(E, match="当前为“待初审”，不能传阅"):
        services.circulation_start(actor=org.secretary, incoming=doc, readers=[org.leader])
    doc = services.incoming_intake_check(actor=org.secretary, incoming=doc, accept=True)
    with pytest.raises(E, match="请选择传阅人"):
        services.circulation_start(actor=org.secretary, incoming=doc, readers=[])
    with pytest.raises(PermissionDenied):
        services.circulation_start(actor=org.handler, incoming=doc, readers=[org.leader])
    services.circulation_start(actor=org.secretary, incoming=doc, readers=[org.handler])
    with pytest.raises(E, match="只有领导可以阅示"):
        services.circulation_mark_read(actor=org.handler, incoming=doc, comment="x",
                                       instruction_kind="guiding")
    services.circulation_start(actor=org.secretary, incoming=doc, readers=[org.leader])
    with pytest.raises(E, match="请填写阅示内容"):
        services.circulation_mark_read(actor=org.leader, incoming=doc, instruction_kind="guiding")
    assert not Instruction.objects.exists()


def test_circulation_refuses_reader_not_cleared(org):
    doc = to_proposing(org, actor=org.clerk, classification=3, secrecy_years=10)
    with pytest.raises(E, match="联络员辛的涉密等级不能阅读"):
        services.circulation_start(actor=org.clerk, incoming=doc, readers=[org.leader, org.liaison])
    assert not circulations_of(doc).exists()


# --- the inbox and reminders ---------------------------------------------------------

def test_inbox_lists_todo_and_toread_and_chases_due_items(org):
    """收文's steps reach the inbox through the shared task model's provider, with the
    document's page; reminders of 承办 and 传阅 come from their kinds' rules."""
    from zhongshu.inbox.models import Notification
    from zhongshu.workflow.inbox import TaskInboxProvider

    p = TaskInboxProvider()
    doc = to_handling(org, workdays=1)
    services.circulation_start(actor=org.secretary, incoming=doc, readers=[org.handler], workdays=1)
    items = {i.box: i for i in p.open_items(org.handler)}
    assert set(items) == {"todo", "toread"}
    assert items["todo"].title.endswith("（承办）") and items["todo"].url == f"/documents/incoming/{doc.pk}/"
    assert items["todo"].kind == "incoming" and items["todo"].kind_label == "收文"
    assert p.open_counts(org.handler) == {"todo": 1, "toread": 1}
    # Due today: one reminder for each of the two tasks, once however often the job runs.
    assert p.chase(doc.deadline) == 2 and p.chase(doc.deadline) == 0
    assert set(Notification.objects.filter(recipient=org.handler).values_list("kind", flat=True)) == {"due_today"}
    services.circulation_mark_read(actor=org.handler, incoming=doc)
    assert [i.title for i in p.done_items(org.handler, "toread", limit=5)] == [f"{doc.title}（传阅）"]
    assert [i.title for i in p.done_items(org.secretary, "todo", limit=9)] == [
        f"{doc.title}（交办）", f"{doc.title}（初审）"]


def test_reminder_job_reminds_overdue_handler(org, settings):
    from django.utils import timezone

    from zhongshu.inbox.models import Notification
    from zhongshu.inbox.services import reminders_send

    doc = to_handling(org, workdays=1)
    IncomingDocument.objects.filter(pk=doc.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    tasks_of(doc).filter(kind=TaskKind.HANDLE.code).update(
        due_date=timezone.localdate() - dt.timedelta(days=1))
    org.handler.email = "handler@example.org"
    org.handler.save()
    reminders_send(today=timezone.localdate())
    assert Notification.objects.filter(recipient=org.handler, item_key__startswith="workflow.task:",
                                       kind="overdue").exists()
    assert not Notification.objects.filter(recipient=org.secretary).exists()


# --- timeline and atomicity ---------------------------------------------------------

def test_every_step_is_on_the_timeline_and_in_the_audit_trail(org):
    doc = to_handling(org)
    services.incoming_complete(actor=org.handler, incoming=doc, summary="办结")
    kinds = list(doc.events.values_list("kind", flat=True))
    assert kinds == ["registered", "accepted", "proposed", "instructed", "assigned", "completed"]
    actions = set(AuditEvent.objects.filter(object_type="incoming.incomingdocument",
                                            object_id=str(doc.pk)).values_list("action", flat=True))
    assert actions == {f"incoming.{k}" for k in kinds}


def test_failure_after_the_status_change_leaves_nothing_half_written(org, monkeypatch):
    doc = to_instructing(org)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_event", boom)
    with pytest.raises(RuntimeError):
        services.incoming_instruct(actor=org.leader, incoming=doc, kind="guiding", text="同意")
    doc.refresh_from_db()
    assert doc.status == Status.INSTRUCTING
    assert not Instruction.objects.exists()
    assert open_people(doc, TaskKind.INSTRUCT) == {"书记丁"}
    assert not tasks_of(doc).filter(kind=TaskKind.ASSIGN.code).exists()
