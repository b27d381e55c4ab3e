"""Every write of 督查督办. A service takes the acting person, asks the policy, changes
the data in one transaction and records the audit event; the task's own life (accept,
report, extend, complete, review) is the shared task model's (``workflow.tasking``),
whose events reach this app through ``items.MatterItem.task_changed`` and keep the
ledger row and its light in step.

Entry points for other apps: ``decision_register`` (the meetings module's decisions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from zhongshu.access.classification import CLASSIFIED_FROM, Level, clearance_covers
from zhongshu.access.policy import Action, can
from zhongshu.audit.services import record
from zhongshu.kernel import files as kfiles
from zhongshu.kernel import filestore, notify
from zhongshu.kernel.calendar import WorkCalendar
from zhongshu.kernel.urgency import Urgency
from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow import chasing, tasking
from zhongshu.workflow.models import (
    ExtensionStatus,
    ReportState,
    Task,
    TaskEvent,
    TaskExtension,
    TaskReport,
    TaskRole,
    TaskStatus,
)
from zhongshu.workflow.tasking import TaskError, UnitHolder

from .actions import SupervisionAction as A
from .lights import LightRule
from .models import (
    ACTIONABLE_KINDS,
    TASK_KIND,
    Feedback,
    InstructionKind,
    InstructionOrigin,
    InstructionRecord,
    LedgerRow,
    Light,
    Matter,
    MatterStatus,
    Milestone,
    SourceKind,
    WeeklyReport,
)


class SupervisionError(ValidationError):
    """A refused request, with a Chinese message for the page or the API."""


def _audit(actor: Person | None, action: str, obj: Any, **details: Any) -> None:
    record(actor=actor, action=f"supervision.{action}", obj=obj,
           classification=getattr(obj, "classification", None), details=details)


def _required(text: str, label: str, limit: int = 5000) -> str:
    text = (text or "").strip()
    if not text:
        raise SupervisionError(f"请填写{label}。")
    if len(text) > limit:
        raise SupervisionError(f"{label}不能超过 {limit} 字。")
    return text


def _require(actor: Person, action: A, obj: Any = None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied


def _classified(level: int, years: int | None, long_term: bool) -> dict[str, Any]:
    try:
        level = Level(int(level))
    except (TypeError, ValueError):
        raise SupervisionError("密级无效。") from None
    if level < CLASSIFIED_FROM:
        return {"classification": level, "secrecy_years": None, "secrecy_long_term": False,
                "classified_on": None}
    if not long_term and not (years and 1 <= int(years) <= 30):
        raise SupervisionError("涉密事项须填写保密期限（1 至 30 年）或选择长期。")
    return {"classification": level, "secrecy_years": None if long_term else int(years or 0),
            "secrecy_long_term": bool(long_term), "classified_on": timezone.localdate()}


# --- the 批示件 register ------------------------------------------------------------

def instructions_sync() -> int:
    """Take every leader's instruction recorded on a 收文 into the register (once):
    its document, classification and secrecy period come with it. Idempotent."""
    from zhongshu.documents.incoming.models import Instruction

    missing = (Instruction.objects.filter(supervision_record__isnull=True)
               .select_related("incoming").order_by("id")[:5000])
    rows = [InstructionRecord(
        origin=InstructionOrigin.INCOMING, incoming_instruction=i, incoming=i.incoming,
        leader_id=i.leader_id, kind=i.kind, text=i.text, document_title=i.incoming.title[:300],
        given_at=i.given_at, classification=i.incoming.classification,
        secrecy_years=i.incoming.secrecy_years, secrecy_long_term=i.incoming.secrecy_long_term,
        classified_on=i.incoming.classified_on, owner_unit_id=i.incoming.owner_unit_id,
        registered_by_id=i.leader_id) for i in missing]
    InstructionRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def instruction_register(*, actor: Person, leader: Person, kind: str, text: str,
                         document_title: str, given_on: dt.date | None = None,
                         classification: int = Level.INTERNAL, secrecy_years: int | None = None,
                         secrecy_long_term: bool = False,
                         scan: tuple[str, bytes] | None = None) -> InstructionRecord:
    """批示件登记: an instruction given on paper, entered with its scan."""
    _require(actor, A.MANAGE)
    if kind not in InstructionKind.values:
        raise SupervisionError("请选择批示类型（批办性、指导性或参阅性）。")
    if not leader.has_role(RoleCode.LEADER):
        raise SupervisionError(f"{leader}不是领导，不能登记为批示领导。")
    fields = _classified(classification, secrecy_years, secrecy_long_term)
    if not clearance_covers(actor, fields["classification"]):
        raise SupervisionError("您的涉密等级不能登记该密级的批示件。")
    today = timezone.localdate()
    given_on = given_on or today
    if given_on > today:
        raise SupervisionError("批示日期不能晚于今天。")
    record_ = InstructionRecord(
        origin=InstructionOrigin.PAPER, leader=leader, kind=kind,
        text=_required(text, "批示内容"), document_title=_required(document_title, "批示件标题", 300),
        given_at=timezone.make_aware(dt.datetime.combine(given_on, dt.time(9))),
        owner_unit=actor.unit, registered_by=actor, **fields)
    if scan is not None:
        name, data = scan
        try:
            found = kfiles.check_upload(name, data, allowed=kfiles.DOCUMENT_KINDS)
        except kfiles.UnacceptableFile as exc:
            raise SupervisionError(str(exc)) from None
        record_.scan_name, record_.scan_type = name[:200], found.content_type
        record_.scan_blob = filestore.put(data)
    record_.save()
    _audit(actor, "instruction.register", record_, kind=kind, leader=leader.pk)
    return record_


@transaction.atomic
def instruction_circulate(*, actor: Person, instruction: InstructionRecord,
                          readers: Sequence[Person]) -> int:
    """参阅性: the instruction goes to the named readers to read; no task is created."""
    _require(actor, A.MANAGE)
    if instruction.kind != InstructionKind.REFERENCE:
        raise SupervisionError("只有参阅性批示直接传阅；批办性、指导性批示请立项交办。")
    readers = [p for p in readers if p.is_active]
    if not readers:
        raise SupervisionError("请选择传阅人员。")
    refused = [str(p) for p in readers if not clearance_covers(p, instruction.classification)]
    if refused:
        raise SupervisionError(f"{'、'.join(refused)}的涉密等级不能阅知该批示。")
    instruction.readers.add(*readers)
    today = timezone.localdate()
    for p in readers:
        notify.send(notify.Notice(recipient=p, kind="manual", day=today,
                                  key=f"supervision.instruction:{instruction.pk}",
                                  title=f"【批示传阅】{instruction.document_title}",
                                  body=f"{instruction.leader}批示：{instruction.text}",
                                  url=reverse("supervision:register")))
    _audit(actor, "instruction.circulate", instruction, readers=[p.pk for p in readers])
    return len(readers)


def flag_threshold(today: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    """批必查: an instruction given before this day has had a whole working day (the
    first working day after it has ended) — the last working day before ``today``."""
    return (calendar or WorkCalendar.load()).due_date(today, -1).date


def instructions_flag(*, today: dt.date | None = None) -> int:
    """Flag to the supervision office every actionable instruction that still has no
    task after one working day. Set-based; each instruction is flagged once."""
    today = today or timezone.localdate()
    before = timezone.make_aware(dt.datetime.combine(flag_threshold(today), dt.time.min))
    ct = ContentType.objects.get_for_model(Matter)
    given = Exists(Task.objects.filter(subject_type_id=ct.pk, kind=TASK_KIND,
                                       subject_id=OuterRef("pk")))
    has_task = Exists(Matter.objects.filter(instruction_id=OuterRef("pk")).filter(given))
    stale = (InstructionRecord.objects.filter(kind__in=ACTIONABLE_KINDS, flagged_at__isnull=True,
                                              given_at__lt=before)
             .filter(~has_task))
    with transaction.atomic():
        # The daily job may run on several hosts at once: each run locks the rows it
        # reads and skips those another run holds, so every instruction is flagged,
        # counted and audited by one run (SQLite serialises the runs instead).
        ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True)[:10_000])
        if not ids:
            return 0
        InstructionRecord.objects.filter(pk__in=ids).update(flagged_at=timezone.now())
        record(actor=None, action="supervision.instruction.flag",
               details={"day": today.isoformat(), "instructions": ids[:200], "count": len(ids)})
    officers = Person.objects.filter(roles__code=RoleCode.SUPERVISION_OFFICER, is_active=True)
    for officer in officers:
        notify.send(notify.Notice(recipient=officer, kind="escalated", day=today,
                                  key=f"supervision.flag:{today.isoformat()}",
                                  title=f"【批必查】{len(ids)} 件领导批示超过一个工作日未立项交办",
                                  url=reverse("supervision:register") + "?flagged=1"))
    return len(ids)


# --- matters ------------------------------------------------------------------------

def _matter_fields(*, title: str, requirement: str, importance: int, urgency: str) -> dict[str, Any]:
    if urgency not in Urgency.values:
        raise SupervisionError("紧急程度无效。")
    try:
        importance = int(importance)
    except (TypeError, ValueError):
        importance = -1
    if importance not in (0, 1, 2):
        raise SupervisionError("重要程度无效。")
    return {"title": _required(title, "督办事项名称", 300),
            "requirement": (requirement or "").strip()[:5000],
            "importance": importance, "urgency": urgency}


@transaction.atomic
def matter_open(*, actor: Person, source: str, title: str, requirement: str = "",
                instruction: InstructionRecord | None = None, leader: Person | None = None,
                classification: int = Level.INTERNAL, secrecy_years: int | None = None,
                secrecy_long_term: bool = False, importance: int = 0,
                urgency: str = Urgency.NORMAL, source_ref: str = "", source_title: str = "",
                proposer: str = "", reply_due: dt.date | None = None,
                plan_year: int | None = None) -> Matter:
    """立项: a matter from one source. One made from an instruction inherits its
    classification: it may be raised, never lowered here (that is a declassification)."""
    _require(actor, A.MANAGE)
    if source not in SourceKind.values:
        raise SupervisionError("请选择督办事项来源。")
    if instruction is not None:
        if not can(actor, Action.OBJECT_VIEW, instruction):
            raise PermissionDenied
        if instruction.kind == InstructionKind.REFERENCE:
            raise SupervisionError("参阅性批示只传阅，不立项交办。")
        source, leader = SourceKind.INSTRUCTION, instruction.leader
        if int(classification) < instruction.classification:
            classification = instruction.classification
            secrecy_years, secrecy_long_term = instruction.secrecy_years, instruction.secrecy_long_term
    elif source == SourceKind.INSTRUCTION:
        raise SupervisionError("领导批示类事项请从批示件登记簿立项。")
    fields = _classified(classification, secrecy_years, secrecy_long_term)
    if not clearance_covers(actor, fields["classification"]):
        raise SupervisionError("您的涉密等级不能办理该密级的事项。")
    if source in (SourceKind.NPC, SourceKind.CPPCC) and not (proposer or "").strip():
        raise SupervisionError("请填写提出建议或提案的代表、委员。")
    source_ref = (source_ref or "").strip()[:100]
    if actor.unit is None:  # the matter's owner unit is required
        raise SupervisionError("您的账号没有所属单位，不能立项。")
    if source_ref and Matter.objects.filter(source=source, source_ref=source_ref).exists():
        raise SupervisionError(f"来源编号“{source_ref}”已立项，请勿重复登记。")
    matter = Matter.objects.create(
        source=source, instruction=instruction, leader=leader, source_ref=source_ref,
        source_title=(source_title or "").strip()[:300], proposer=(proposer or "").strip()[:100],
        reply_due=reply_due, plan_year=plan_year, owner_unit=actor.unit, registered_by=actor,
        **fields, **_matter_fields(title=title, requirement=requirement, importance=importance,
                                   urgency=urgency))
    _audit(actor, "matter.open", matter, source=source, instruction=instruction.pk if instruction else None)
    return matter


def _check_unit(unit: Unit, matter: Matter) -> None:
    if not unit.is_active:
        raise SupervisionError(f"{unit.name}已停用，不能交办。")
    if matter.classification >= CLASSIFIED_FROM:
        contacts = [p for p in ([unit.head] if unit.head_id else [])
                    + list(Person.objects.filter(unit=unit, roles__code=RoleCode.LIAISON_OFFICER,
                                                 is_active=True))
                    if p is not None and clearance_covers(p, matter.classification)]
        if not contacts:
            raise SupervisionError(f"{unit.name}没有涉密等级足以办理该事项的负责人或联络员。")


def _row_for(task: Task, matter: Matter, rule: LightRule | None = None) -> LedgerRow:
    rule = rule or LightRule.for_day(timezone.localdate())
    assert task.unit_id is not None  # supervision tasks are held by units (UnitHolder)
    return LedgerRow(
        task=task, matter=matter, unit_id=task.unit_id, role=task.role, leader_id=matter.leader_id,
        source=matter.source, classification=matter.classification, title=task.title,
        status=task.status, importance=task.importance,
        created_on=timezone.localtime(task.created_at).date(), due_date=task.due_date,
        next_report_due=task.next_report_due, light=rule.of(task.due_date, task.next_report_due))


@transaction.atomic
def task_give(*, actor: Person, matter: Matter, lead: Unit, co_units: Iterable[Unit] = (),
              due_workdays: int | None = None, due_date: dt.date | None = None,
              report_every: int | None = None, urgency: str | None = None,
              importance: int | None = None, parent: Task | None = None,
              today: dt.date | None = None) -> list[Task]:
    """交办: the matter to a lead unit (牵头) and co-units (协办), one task each, due in
    working days or on a date, with a progress-report period."""
    if parent is None:
        _require(actor, A.MANAGE)
    if not can(actor, Action.OBJECT_VIEW, matter):
        raise PermissionDenied
    if matter.status != MatterStatus.OPEN:
        raise SupervisionError("该督办事项已办结、合并或撤销，不能再交办。")
    co = [u for u in dict.fromkeys(co_units) if u.pk != lead.pk]
    if not due_workdays and due_date is None:
        raise SupervisionError("请填写办理时限（工作日数或日期）。")
    for unit in [lead, *co]:
        _check_unit(unit, matter)
    holders = [UnitHolder(lead, TaskRole.LEAD), *(UnitHolder(u, TaskRole.CO) for u in co)]
    tasks = tasking.give(actor=actor, subject=matter, kind=TASK_KIND, holders=holders,
                         title=matter.title, due_workdays=due_workdays, due_date=due_date,
                         urgency=urgency or matter.urgency,
                         importance=matter.importance if importance is None else importance,
                         report_every=report_every or None, parent=parent, today=today)
    rule = LightRule.for_day(today or timezone.localdate())
    LedgerRow.objects.bulk_create([_row_for(t, matter, rule) for t in tasks])
    return tasks


@transaction.atomic
def task_split(*, actor: Person, task: Task, units: Iterable[Unit],
               due_date: dt.date | None = None) -> list[Task]:
    """分解: the lead unit (or the office) splits its task into sub-tasks for units
    (its departments, subordinate bodies); each is followed like any other task."""
    task = Task.objects.get(pk=task.pk)
    if not (can(actor, A.TASK_ACT, task) or can(actor, A.MANAGE)):
        raise PermissionDenied
    if task.status not in (TaskStatus.OPEN, TaskStatus.ACCEPTED):
        raise SupervisionError("只有办理中的任务可以分解。")
    units = [u for u in dict.fromkeys(units) if u.pk != task.unit_id]
    if not units:
        raise SupervisionError("请选择分解到的单位。")
    matter = Matter.objects.get(pk=task.subject_id)
    due = due_date or task.due_date
    if due is None:
        raise SupervisionError("请填写分解任务的办理时限。")
    if task.due_date and due > task.due_date:
        raise SupervisionError("分解任务的时限不能晚于原任务的时限。")
    children = task_give(actor=actor, matter=matter, lead=units[0], co_units=[],
                         due_date=due, report_every=task.report_every, parent=task)
    for unit in units[1:]:
        children += task_give(actor=actor, matter=matter, lead=unit, due_date=due,
                              report_every=task.report_every, parent=task)
    _audit(actor, "task.split", matter, task=task.pk, children=[c.pk for c in children])
    return children


@transaction.atomic
def matter_merge(*, actor: Person, keep: Matter, duplicate: Matter, reason: str) -> Matter:
    """合并重复事项: the duplicate is marked merged into ``keep``; its open tasks are
    cancelled with a record that names the matter kept. Both histories stay."""
    _require(actor, A.MANAGE)
    reason = _required(reason, "合并理由", 500)
    if keep.pk == duplicate.pk:
        raise SupervisionError("不能与自身合并。")
    for m in (keep, duplicate):
        if not can(actor, Action.OBJECT_VIEW, m):
            raise PermissionDenied
    duplicate = Matter.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.status != MatterStatus.OPEN or keep.status != MatterStatus.OPEN:
        raise SupervisionError("只能合并两项督办中的事项。")
    ct = ContentType.objects.get_for_model(Matter)
    open_tasks = Task.objects.filter(subject_type=ct, subject_id=duplicate.pk, kind=TASK_KIND,
                                     status__in=[TaskStatus.OPEN, TaskStatus.ACCEPTED])
    for t in open_tasks:
        tasking.cancel(actor=actor, task=t, reason=f"并入督办事项“{keep.title}”（#{keep.pk}）：{reason}")
    Matter.objects.filter(pk=duplicate.pk).update(status=MatterStatus.MERGED, merged_into=keep,
                                                  closed_at=timezone.now())
    duplicate.status, duplicate.merged_into = MatterStatus.MERGED, keep
    _audit(actor, "matter.merge", keep, duplicate=duplicate.pk, reason=reason)
    _audit(actor, "matter.merged", duplicate, into=keep.pk, reason=reason)
    return keep


@transaction.atomic
def milestone_add(*, actor: Person, matter: Matter, title: str, due_date: dt.date) -> Milestone:
    _require(actor, A.MANAGE)
    m = Milestone.objects.create(matter=matter, title=_required(title, "节点目标", 300),
                                 due_date=due_date)
    _audit(actor, "milestone.add", matter, milestone=m.pk)
    return m


# --- meeting decisions (called by the meetings module) --------------------------

@transaction.atomic
def decision_register(*, actor: Person, meeting: str, decision_ref: str, title: str,
                      requirement: str, lead_unit: Unit, co_units: Iterable[Unit] = (),
                      due_workdays: int | None = None, due_date: dt.date | None = None,
                      leader: Person | None = None, classification: int = Level.INTERNAL,
                      secrecy_years: int | None = None, secrecy_long_term: bool = False,
                      report_every: int | None = None,
                      importance: int = 1) -> Matter:
    """A meeting decision (会议议定事项) becomes a matter with its tasks. Idempotent on
    ``decision_ref`` (a stable key of the meetings module, e.g. "meeting:12:decision:3"):
    calling again returns the matter already registered and gives nothing twice."""
    ref = _required(decision_ref, "议定事项编号", 100)
    existing = Matter.objects.filter(source=SourceKind.MEETING, source_ref=ref).first()
    if existing is not None:
        return existing
    matter = matter_open(actor=actor, source=SourceKind.MEETING, title=title,
                         requirement=requirement, leader=leader, classification=classification,
                         secrecy_years=secrecy_years, secrecy_long_term=secrecy_long_term,
                         importance=importance, source_ref=ref, source_title=meeting)
    task_give(actor=actor, matter=matter, lead=lead_unit, co_units=co_units,
              due_workdays=due_workdays, due_date=due_date, report_every=report_every)
    return matter


# --- 人大建议、政协提案 -----------------------------------------------------------

@transaction.atomic
def proposal_reply(*, actor: Person, matter: Matter, text: str, document: Any = None) -> Matter:
    """The reply to the deputy or member (答复), with the reply document if issued."""
    if not matter.is_proposal:
        raise SupervisionError("只有人大建议、政协提案需要答复代表委员。")
    if not (can(actor, A.MANAGE) or _is_lead_contact(actor, matter)):
        raise PermissionDenied
    Matter.objects.filter(pk=matter.pk).update(reply_text=_required(text, "答复内容"),
                                               reply_document=document, replied_at=timezone.now(),
                                               feedback="", feedback_note="")
    matter.refresh_from_db()
    _audit(actor, "proposal.reply", matter, round=matter.handling_round)
    return matter


def _is_lead_contact(actor: Person, matter: Matter) -> bool:
    ct = ContentType.objects.get_for_model(Matter)
    lead = Task.objects.filter(subject_type=ct, subject_id=matter.pk, kind=TASK_KIND,
                               role=TaskRole.LEAD).order_by("-id").first()
    return lead is not None and can(actor, A.TASK_ACT, lead)


@transaction.atomic
def proposal_feedback(*, actor: Person, matter: Matter, feedback: str, note: str = "",
                      due_workdays: int = 20) -> Matter:
    """The proposer's view of the reply (满意/基本满意/不满意), entered by the office.
    Unsatisfied: a second handling — the lead and co-units get new tasks."""
    _require(actor, A.MANAGE)
    if not matter.is_proposal or not matter.replied_at:
        raise SupervisionError("请先答复代表委员，再登记其意见。")
    if feedback not in Feedback.values:
        raise SupervisionError("请选择代表委员的意见（满意、基本满意或不满意）。")
    note = (note or "").strip()[:500]
    if feedback == Feedback.UNSATISFIED and not note:
        raise SupervisionError("不满意时请填写代表委员的具体意见，作为再次办理的要求。")
    Matter.objects.filter(pk=matter.pk).update(feedback=feedback, feedback_note=note)
    matter.refresh_from_db()
    _audit(actor, "proposal.feedback", matter, feedback=feedback, round=matter.handling_round)
    if feedback == Feedback.UNSATISFIED:
        if matter.handling_round >= 2:
            raise SupervisionError("该件已再次办理过一次；请由督查室研究后另行立项。")
        ct = ContentType.objects.get_for_model(Matter)
        previous = list(Task.objects.filter(subject_type=ct, subject_id=matter.pk, kind=TASK_KIND,
                                            parent__isnull=True).select_related("unit"))
        lead = next((t.unit for t in previous if t.role == TaskRole.LEAD), None)
        if lead is None:
            raise SupervisionError("该件没有牵头单位，无法再次交办。")
        Matter.objects.filter(pk=matter.pk).update(handling_round=2, status=MatterStatus.OPEN,
                                                   closed_at=None)
        matter.refresh_from_db()
        task_give(actor=actor, matter=matter, lead=lead,
                  co_units=[t.unit for t in previous if t.role == TaskRole.CO and t.unit],
                  due_workdays=due_workdays)
    return matter


# --- the task's life: checked here, done by the task model -----------------------

def _task(task: Task) -> Task:
    task = Task.objects.select_related("unit").get(pk=task.pk)
    if task.kind != TASK_KIND:
        raise PermissionDenied
    return task


def _acting(actor: Person, task: Task) -> Task:
    task = _task(task)
    if not can(actor, A.TASK_ACT, task):
        raise PermissionDenied
    return task


def task_accept(*, actor: Person, task: Task) -> Task:
    return tasking.accept(actor=actor, task=_acting(actor, task))


def task_return(*, actor: Person, task: Task, reason: str) -> Task:
    return tasking.return_task(actor=actor, task=_acting(actor, task), reason=reason)


def task_report(*, actor: Person, task: Task, text: str, files: Sequence[tuple[str, bytes]] = (),
                today: dt.date | None = None) -> TaskReport:
    return tasking.report(actor=actor, task=_acting(actor, task), text=text, files=files, today=today)


def task_holding_reply(*, actor: Person, task: Task, text: str,
                       files: Sequence[tuple[str, bytes]] = ()) -> TaskReport:
    return tasking.holding_reply(actor=actor, task=_acting(actor, task), text=text, files=files)


def task_extension_request(*, actor: Person, task: Task, reason: str, workdays: int | None = None,
                           until: dt.date | None = None) -> TaskExtension:
    return tasking.extension_request(actor=actor, task=_acting(actor, task), reason=reason,
                                     workdays=workdays, until=until)


def task_request_completion(*, actor: Person, task: Task, text: str,
                            files: Sequence[tuple[str, bytes]] = ()) -> TaskReport:
    task = _acting(actor, task)
    if not files and not TaskReport.objects.filter(task=task, files__isnull=False).exists():
        raise SupervisionError("申请办结须附办理结果的佐证材料（文件、照片或报告）。")
    return tasking.request_completion(actor=actor, task=task, text=text, files=files)


def _decide(actor: Person, obj: Any, approve: bool, note: str, refusal: str) -> None:
    from zhongshu.workflow import services as routes
    from zhongshu.workflow.selectors import pending_step_of

    step = pending_step_of(actor, obj)
    if step is None:
        raise TaskError(f"本环节不允许该操作：{refusal}")
    note = (note or "").strip()
    if not approve and not note:
        raise SupervisionError("退回或不同意时请填写意见。")
    routes.step_act(actor=actor, step=step, text=note,
                    action=("agree_opinion" if note else "agree") if approve else "reject")


@transaction.atomic
def task_review(*, actor: Person, task: Task, approve: bool, note: str = "") -> Task:
    """督查室's review of a completion request: close the task, or send it back to the
    unit with an opinion (the unit reports again and asks again)."""
    task = _task(task)
    if not can(actor, A.TASK_REVIEW, task):
        raise PermissionDenied
    entry = (TaskReport.objects.filter(task=task, kind="completion", state=ReportState.PENDING)
             .order_by("-id").first())
    if entry is None or task.status != TaskStatus.REVIEW:
        raise TaskError("本环节不允许该操作：该任务没有待审核的办结申请。")
    _decide(actor, entry, approve, note, "您不是该办结申请的审核人。")
    return Task.objects.get(pk=task.pk)


@transaction.atomic
def extension_decide(*, actor: Person, extension: TaskExtension, approve: bool,
                     note: str = "") -> TaskExtension:
    ext = TaskExtension.objects.select_related("task").get(pk=extension.pk)
    if not can(actor, A.TASK_REVIEW, ext.task):
        raise PermissionDenied
    if ext.status != ExtensionStatus.PENDING:
        raise TaskError("本环节不允许该操作：该延期申请已经审批。")
    _decide(actor, ext, approve, note, "您不是该延期申请的审批人。")
    ext.refresh_from_db()
    return ext


def holding_decide(*, actor: Person, report: TaskReport, approve: bool, note: str = "") -> None:
    if not can(actor, A.TASK_REVIEW, report.task):
        raise PermissionDenied
    _decide(actor, report, approve, note, "您不是该阶段性答复的审核人。")


def task_remind(*, actor: Person, task: Task, message: str) -> int:
    """催办 by hand, with a message, to the unit's contacts; recorded and counted."""
    task = _task(task)
    if not can(actor, A.MANAGE) or not can(actor, Action.OBJECT_VIEW, task.subject):
        raise PermissionDenied
    if task.status not in (TaskStatus.OPEN, TaskStatus.ACCEPTED):
        raise SupervisionError("该任务已不在办理中，无需催办。")
    return chasing.remind(actor=actor, task=task, message=message)


def task_due_change(*, actor: Person, task: Task, reason: str, workdays: int | None = None,
                    until: dt.date | None = None) -> Task:
    """督查室 sets a new due date itself, with the reason recorded on the timeline."""
    task = _task(task)
    _require(actor, A.MANAGE)
    if not can(actor, Action.OBJECT_VIEW, task.subject):
        raise PermissionDenied
    return tasking.due_change(actor=actor, task=task, reason=reason, workdays=workdays, until=until)


# --- the ledger row follows the task (items.MatterItem.task_changed) --------------

_OPEN = (TaskStatus.WAITING, TaskStatus.OPEN, TaskStatus.ACCEPTED, TaskStatus.REVIEW)


def row_sync(task: Task, event: TaskEvent | None = None, *, today: dt.date | None = None) -> None:
    """Copy the task's state to its ledger row and recompute its light; close the matter
    when its last task is done."""
    today = today or timezone.localdate()
    fresh = Task.objects.filter(pk=task.pk).values(
        "status", "due_date", "next_report_due", "done_at", "subject_id").first()
    if fresh is None:
        return
    fields: dict[str, Any] = {"status": fresh["status"], "due_date": fresh["due_date"],
                              "next_report_due": fresh["next_report_due"]}
    if fresh["status"] in _OPEN:
        fields["light"] = LightRule.for_day(today).of(fresh["due_date"], fresh["next_report_due"])
        fields["closed_on"] = None
    else:
        fields["light"] = Light.NONE
        fields["closed_on"] = (timezone.localtime(fresh["done_at"]).date()
                               if fresh["done_at"] else today)
    LedgerRow.objects.filter(pk=task.pk).update(**fields)
    if fresh["status"] == TaskStatus.DONE:
        ct = ContentType.objects.get_for_model(Matter)
        still_open = Task.objects.filter(subject_type=ct, subject_id=fresh["subject_id"],
                                         kind=TASK_KIND, status__in=_OPEN).exists()
        if not still_open:
            Matter.objects.filter(pk=fresh["subject_id"], status=MatterStatus.OPEN).update(
                status=MatterStatus.CLOSED, closed_at=timezone.now())


def lights_recompute(*, today: dt.date | None = None, warn: int | None = None) -> int:
    """Every open task's light for ``today``, in one UPDATE (the daily job); returns how
    many lights changed."""
    rule = LightRule.for_day(today or timezone.localdate(), warn)
    # Only the rows whose light changes are written: on a normal day a few per cent, and
    # an unchanged row costs no new row version and no index entries (PostgreSQL).
    lit = rule.expression()
    return (LedgerRow.objects.filter(status__in=list(_OPEN)).exclude(light=lit)
            .update(light=rule.expression()))


# --- 督办周报 -----------------------------------------------------------------------

def weekly_report(*, today: dt.date | None = None) -> WeeklyReport | None:
    """Compile the overdue tasks for the leadership (office directors and leaders in
    the supervision office's chain); once per week (Monday's date)."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    if WeeklyReport.objects.filter(week_of=monday).exists():
        return None
    rows = list(LedgerRow.objects.filter(status__in=list(_OPEN), due_date__lt=today)
                .select_related("unit").order_by("unit__sort_order", "due_date")[:500])
    body = [{"task": r.pk, "matter": r.matter_id, "title": r.title, "unit": r.unit.name,
             "due": r.due_date.isoformat() if r.due_date else "", "classification": r.classification}
            for r in rows]
    report, created = WeeklyReport.objects.get_or_create(
        week_of=monday, defaults={"overdue": len(rows), "body": body})
    if not created:
        return None
    readers = Person.objects.filter(Q(roles__code=RoleCode.OFFICE_DIRECTOR)
                                    | Q(roles__code=RoleCode.SUPERVISION_OFFICER),
                                    is_active=True).distinct()
    for p in readers:
        notify.send(notify.Notice(recipient=p, kind="escalated", day=today,
                                  key=f"supervision.weekly:{monday.isoformat()}",
                                  title=f"【督办周报】{monday:%Y-%m-%d} 当周超期任务 {len(rows)} 项",
                                  url=reverse("supervision:weekly", args=[report.pk])))
    record(actor=None, action="supervision.weekly", details={"week": monday.isoformat(),
                                                             "overdue": len(rows)})
    return report


def daily(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: take new instructions into the register, flag 批必查, recompute
    every light, compile the weekly report on the week's first run. (Reminders are the
    task kind's rules, sent by ``zhongshu reminders``.)"""
    today = today or timezone.localdate()
    out = {"synced": instructions_sync(), "flagged": instructions_flag(today=today),
           "lights": lights_recompute(today=today)}
    report = weekly_report(today=today)
    out["weekly"] = report.overdue if report else -1
    return out


# --- 通报 ----------------------------------------------------------------------------

def circular_draft(*, actor: Person, date_from: dt.date, date_to: dt.date,
                   today: dt.date | None = None) -> Any:
    """One click: a 通报 listing each unit's results for the period, as an outgoing draft
    of the documents module (its own service: issuing organ, layout, route and all)."""
    from zhongshu.documents import services as documents

    from . import selectors

    _require(actor, A.STATS)
    if date_to < date_from:
        raise SupervisionError("统计期间的结束日期不能早于开始日期。")
    result = selectors.stats(actor, date_from, date_to, today=today)
    if not result.units:
        raise SupervisionError("该期间没有督办任务，无需通报。")
    period = f"{date_from.year}年{date_from.month}月{date_from.day}日至{date_to.year}年{date_to.month}月{date_to.day}日"
    total = result.totals
    table = [["单位", "交办任务", "已办结", "按期办结率", "超期", "平均超期（工作日）", "被催办"]]
    for u in result.units:
        table.append([u.name, str(u.received), str(u.closed),
                      f"{u.on_time_rate}%" if u.on_time_rate is not None else "—", str(u.overdue),
                      str(u.late_days) if u.late_days is not None else "—", str(u.reminders)])
    worst = sorted((u for u in result.units if u.overdue), key=lambda u: -u.overdue)[:5]
    body: list[dict[str, Any]] = [
        {"type": "paragraph",
         "text": f"现将{period}督查督办事项办理情况通报如下。"},
        {"type": "heading", "level": 1, "text": "总体情况"},
        {"type": "paragraph",
         "text": f"期间共交办督办任务{total.received}项，已办结{total.closed}项，"
                 f"其中按期办结{total.on_time}项；超期{total.overdue}项，累计催办{total.reminders}次。"},
        {"type": "heading", "level": 1, "text": "各单位办理情况"},
        {"type": "table", "rows": table, "header": True},
    ]
    if worst:
        body += [{"type": "heading", "level": 1, "text": "存在的问题"},
                 {"type": "paragraph",
                  "text": "、".join(u.name for u in worst) + "等单位存在超期未办结事项，请抓紧办理，按要求报送进展。"}]
    body += [{"type": "heading", "level": 1, "text": "工作要求"},
             {"type": "paragraph",
              "text": "各单位要坚持批必查、查必清、清必办、办必果，对照台账逐项推进，确保按期办结。"}]
    title = f"关于{date_from.year}年{date_from.month}月至{date_to.month}月督查督办事项办理情况的通报" \
        if date_from.year == date_to.year else f"关于{period}督查督办事项办理情况的通报"
    spec = {"title": title, "main_recipients": "各有关单位", "body": body,
            "signature": [actor.unit.name if actor.unit else ""], "seal": True}
    doc = documents.outgoing_create(actor=actor, doc_type="通报", spec=spec, title=title)
    _audit(actor, "circular.draft", doc, date_from=date_from.isoformat(), date_to=date_to.isoformat())
    return doc
