"""Every write of 收文. Each service takes the acting person (``None`` only for the system's
electronic delivery), asks the policy, changes the status with a conditional update
under a row lock inside one transaction, appends the timeline and records the audit
event in that same transaction — so a refused or failed action leaves nothing behind.

Status path (docs/incoming.md):
待签收 →(签收)→ 待初审 →(初审)→ 待拟办 →(拟办)→ 待批示 →(批示)→ 待交办 →(交办)→ 办理中 →(办结)→ 已办结;
初审 may return the document (已退回); 拟办 without a leader goes straight to 待交办;
a document kept for reference may be closed at 待交办. Circulation (传阅) runs alongside
from 待拟办 on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from zhongshu.access.classification import CLASSIFIED_FROM, Level, clearance_covers
from zhongshu.access.policy import Action, can
from zhongshu.audit.services import record, record_access
from zhongshu.documents import doctypes
from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.kernel import files as kfiles
from zhongshu.kernel import filestore
from zhongshu.kernel.files import FileDownload
from zhongshu.kernel.models import StoredFile
from zhongshu.kernel.sequences import next_value
from zhongshu.kernel.urgency import Urgency
from zhongshu.layout import stamp
from zhongshu.org.models import Person, RoleCode, Unit, UnitKind
from zhongshu.workflow import tasking
from zhongshu.workflow.events import RefusalCode
from zhongshu.workflow.models import (
    ACTIVE_TASK_STATUSES,
    ExtensionStatus,
    Task,
    TaskBatch,
    TaskExtension,
    TaskRole,
)

from . import replies, rules
from .models import (
    Channel,
    EventKind,
    IncomingDocument,
    IncomingEvent,
    IncomingFile,
    Instruction,
    InstructionKind,
    Status,
    TaskKind,
)

ACCEPTED_FILES = kfiles.DOCUMENT_KINDS
RECEIPT_PREFIX = "收"
MAX_WORKDAYS = 365


class IncomingError(ValidationError):
    """An action refused for a reason the user can act on; the message is Chinese.
    Refusals about the document's or the step's state carry ``RefusalCode.NOT_ALLOWED``
    (``StepRefused``): the API answers them with 409, by code."""


class StepRefused(IncomingError):
    """The document's state or the person's steps do not allow this now."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=RefusalCode.NOT_ALLOWED)


class CannotDownload(IncomingError):
    """A file that fails the checks on download, or a classified one that cannot carry the
    viewer's watermark, is not handed out."""


def _not_now(doc: IncomingDocument, what: str) -> IncomingError:
    return StepRefused(f"本环节不允许该操作：该收文当前为“{doc.get_status_display()}”，不能{what}。")


# --- helpers ------------------------------------------------------------------------

def _lock(doc: IncomingDocument) -> IncomingDocument:
    """Re-read the document under a row lock (PostgreSQL; SQLite's IMMEDIATE transaction
    already holds the write lock), so two people acting at once are serialised and the
    second sees the first one's status."""
    return IncomingDocument.objects.select_for_update(of=("self",)).select_related(
        "recipient_unit", "handling_unit").get(pk=doc.pk)


def _set_status(doc: IncomingDocument, expected: Iterable[str], new: str, **fields: Any) -> None:
    updated = IncomingDocument.objects.filter(pk=doc.pk, status__in=list(expected)).update(
        status=new, **fields)
    if updated != 1:  # pragma: no cover - the row lock makes this unreachable
        raise _not_now(doc, "继续办理")
    doc.status = new
    for name, value in fields.items():
        setattr(doc, name, value)


def _event(doc: IncomingDocument, event_kind: str, actor: Person | None, opinion: str = "",
           **details: Any) -> IncomingEvent:
    kind = event_kind
    event = IncomingEvent.objects.create(incoming=doc, kind=kind, actor=actor, opinion=opinion,
                                         details=details)
    record(actor=actor, action=f"incoming.{kind}", obj=doc,
           details={"status": doc.status, **({"opinion": opinion} if opinion else {}), **details})
    return event


# Steps the whole office is offered at once: the first to act takes it (docs/incoming.md).
OFFICE_STEPS = frozenset({TaskKind.RECEIVE, TaskKind.INTAKE, TaskKind.PROPOSE, TaskKind.ASSIGN})


def _give_tasks(doc: IncomingDocument, kind: TaskKind, people: Iterable[Person], *,
                actor: Person | None = None, workdays: int | None = None) -> list[Task]:
    """The step's tasks on the shared task model: an office step is one piece of work
    offered to every eligible person of the office (first to act); the others are each
    person's own."""
    people = list(people)
    # The step's own audit event (incoming.<step>) is recorded by the service.
    return tasking.give(actor=actor, subject=doc, kind=TaskKind(kind).code, holders=people,
                        title=doc.title, urgency=doc.urgency, due_workdays=workdays,
                        first_to_act=kind in OFFICE_STEPS and len(people) > 1, audit=False)


def _office_people(doc: IncomingDocument) -> list[Person]:
    people = rules.office_people(doc.recipient_unit, doc.classification)
    if not people:
        head = doc.recipient_unit.head
        if head is not None and head.is_active and clearance_covers(head, doc.classification):
            people = [head]
    if not people:
        raise IncomingError(f"收文单位“{doc.recipient_unit.name}”没有可以办理该密级收文的人员，"
                            "请先在单位中配置秘书或机要员。")
    return people


def _take_task(actor: Person, doc: IncomingDocument, kind: TaskKind, what: str,
               expected_status: str | None) -> Task:
    """The actor's open task of ``kind``; refuse with the reason when there is none."""
    if not can(actor, Action.OBJECT_VIEW, doc):
        raise PermissionDenied
    if expected_status is not None and doc.status != expected_status:
        raise _not_now(doc, what)
    try:
        task = tasking.take(actor=actor, subject=doc, kind=TaskKind(kind).code)
    except tasking.TaskError:
        raise StepRefused(f"本环节不允许该操作：您在该收文上没有待处理的“{TaskKind(kind).label}”事项。") from None
    if not can(actor, IncomingAction.STEP, task):  # pragma: no cover - same facts as above
        raise PermissionDenied
    return task


def _finish_task(actor: Person, task: Task, comment: str = "") -> None:
    """Mark ``task`` done: a shared office step's colleagues' copies go, and the next
    reader of a sequential circulation gets his turn."""
    tasking.finish(actor=actor, task=task, comment=comment, audit=False)


def _required(text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise IncomingError(f"请填写{label}。")
    return text


def _workdays(n: Any, label: str) -> int:
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise IncomingError(f"{label}应为 1 至 {MAX_WORKDAYS} 个工作日。") from None
    if not 1 <= n <= MAX_WORKDAYS:
        raise IncomingError(f"{label}应为 1 至 {MAX_WORKDAYS} 个工作日。")
    return n


def _check_vocabulary(doc_type: str, urgency: str, classification: int) -> None:
    if doc_type not in doctypes.BY_NAME:
        raise IncomingError("文种无效。")
    if urgency not in Urgency.values:
        raise IncomingError("紧急程度无效。")
    if classification not in Level.values:
        raise IncomingError("密级无效。")


def _store_files(doc: IncomingDocument, files: Sequence[tuple[str, bytes]], *,
                 attachment: bool, reply: bool = False, stored: Sequence[StoredFile] = ()) -> None:
    """``stored``, when given, holds the files' objects already in the file store (a
    sender's attachments): each copy points at them instead of hashing the bytes again."""
    for i, (name, data) in enumerate(files):
        try:
            kind = kfiles.check_upload(name, data, allowed=ACCEPTED_FILES)
        except kfiles.UnacceptableFile as exc:
            raise IncomingError(str(exc)) from None
        blob = stored[i] if stored else filestore.put(data)
        IncomingFile.objects.create(incoming=doc, name=name[:200], kind=kind.code,
                                    content_type=kind.content_type, size=len(data), blob=blob,
                                    is_attachment=attachment, is_reply=reply)


def _number(doc: IncomingDocument) -> None:
    """收文号 from the recipient unit's own gap-free sequence for the year."""
    year = timezone.localdate().year
    seq = next_value(f"receipt:{doc.recipient_unit_id}:{year}")
    doc.receipt_year, doc.receipt_seq = year, seq
    doc.receipt_number = f"{RECEIPT_PREFIX}〔{year}〕{seq}号"


def _classified_fields(classification: int, secrecy_years: int | None,
                       secrecy_long_term: bool) -> dict:
    # Taken as given, so that Classified.clean refuses an inconsistent period.
    return {"classification": classification, "secrecy_years": secrecy_years or None,
            "secrecy_long_term": bool(secrecy_long_term),
            "classified_on": timezone.localdate() if classification >= CLASSIFIED_FROM else None}


def _validate(doc: IncomingDocument) -> None:
    try:
        doc.clean()  # secrecy period against the level (Classified.clean)
    except ValidationError as exc:
        raise IncomingError(exc.messages) from None
    if not doc.title.strip():
        raise IncomingError("请填写标题。")


# --- intake -------------------------------------------------------------------------

@transaction.atomic
def incoming_receive_electronic(*, source: Model, sender_unit: Unit, recipient_unit: Unit,
                                title: str, doc_type: str, doc_number: str, urgency: str,
                                classification: int, secrecy_years: int | None,
                                secrecy_long_term: bool, copy_number: int | None,
                                spec: dict | None = None,
                                files: Sequence[tuple[str, bytes]] = (),
                                attachments: Sequence[tuple[str, bytes]] = (),
                                attachments_stored: Sequence[StoredFile] = ()) -> IncomingDocument:
    """The system delivers one copy to ``recipient_unit`` (electronic exchange): it waits
    at once in the 待签收 list of the unit's office. Called again for the same source, it
    returns the existing item. The 收文号 is given on 签收, when the unit takes custody.
    ``attachments_stored``: the attachments' objects in the file store, in order, when
    the sender has them there (every copy then points at the one object)."""
    if attachments_stored and len(attachments_stored) != len(attachments):
        raise ValueError("attachments_stored must match attachments")
    ct = ContentType.objects.get_for_model(type(source))
    existing = IncomingDocument.objects.filter(source_type=ct, source_id=source.pk).first()
    if existing is not None:
        return existing
    classification = int(classification)
    _check_vocabulary(doc_type, urgency, classification)
    if sender_unit is None:
        raise IncomingError("电子交换的来文须注明来文单位。")
    doc = IncomingDocument(
        source_type=ct, source_id=source.pk, channel=Channel.ELECTRONIC,
        sender_unit=sender_unit, sender_name=sender_unit.name,
        recipient_unit=recipient_unit, copy_number=copy_number, title=title.strip(),
        doc_type=doc_type, doc_number=doc_number or "", urgency=urgency, spec=spec,
        status=Status.PENDING_RECEIPT,
        # The sender classified it (定密单位); the recipient cannot declassify it.
        owner_unit=sender_unit,
        **_classified_fields(classification, secrecy_years, secrecy_long_term))
    _validate(doc)
    receivers = _office_people(doc)
    # 登记人 until someone signs for it: the first of the receiving office, replaced by
    # the person who signs (签收人) — never anyone outside the recipient unit.
    doc.registered_by = receivers[0]
    doc.save()
    # The issued document itself (PDF and OFD of the copy), then its attachments.
    _store_files(doc, files, attachment=False)
    _store_files(doc, attachments, attachment=True, stored=attachments_stored)
    _give_tasks(doc, TaskKind.RECEIVE, receivers)
    _event(doc, EventKind.DELIVERED, None, copy_number=copy_number,
           sender=doc.sender_display)
    return doc


@transaction.atomic
def incoming_confirm_receipt(*, actor: Person, incoming: IncomingDocument) -> IncomingDocument:
    """签收: the unit takes custody; the 收文号 is given and the document goes to 初审."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.RECEIVE, "签收", Status.PENDING_RECEIPT)
    _finish_task(actor, task)
    _number(doc)
    now = timezone.now()
    _set_status(doc, [Status.PENDING_RECEIPT], Status.INTAKE, received_at=now, received_by=actor,
                registered_by=actor, receipt_year=doc.receipt_year, receipt_seq=doc.receipt_seq,
                receipt_number=doc.receipt_number)
    _give_tasks(doc, TaskKind.INTAKE, _office_people(doc), actor=actor)
    _event(doc, EventKind.RECEIVED, actor, receipt_number=doc.receipt_number)
    return doc


@transaction.atomic
def incoming_register(*, actor: Person, recipient_unit: Unit, title: str, doc_type: str,
                      doc_number: str = "", sender_unit: Unit | None = None,
                      sender_name: str = "", urgency: str = Urgency.NORMAL,
                      classification: int = Level.INTERNAL, secrecy_years: int | None = None,
                      secrecy_long_term: bool = False, copy_number: int | None = None,
                      channel: str = Channel.PAPER, files: Sequence[tuple[str, bytes]] = (),
                      attachments: Sequence[tuple[str, bytes]] = ()) -> IncomingDocument:
    """登记: a document received on paper or by another channel, with its scan or file."""
    if not can(actor, IncomingAction.REGISTER):
        raise PermissionDenied
    try:
        classification = int(classification)
    except (TypeError, ValueError):
        raise IncomingError("密级无效。") from None
    _check_vocabulary(doc_type, urgency, classification)
    what = rules.Registration(recipient_unit, classification)
    if not can(actor, IncomingAction.REGISTER, what):
        raise IncomingError(rules.registration_refusal(actor, what))
    if channel not in (Channel.PAPER, Channel.OTHER):
        raise IncomingError("来文方式无效：电子交换的来文由系统自动送达。")
    if sender_unit is None and not (sender_name or "").strip():
        raise IncomingError("请填写来文单位。")
    if not files:
        raise IncomingError("请上传来文正文（PDF、OFD、DOCX 或图片）。")
    doc = IncomingDocument(
        channel=channel, sender_unit=sender_unit,
        sender_name=(sender_name or "").strip() or (sender_unit.name if sender_unit else ""),
        recipient_unit=recipient_unit, copy_number=copy_number, title=(title or "").strip(),
        doc_type=doc_type, doc_number=(doc_number or "").strip(), urgency=urgency,
        status=Status.INTAKE, owner_unit=sender_unit or recipient_unit, registered_by=actor,
        received_at=timezone.now(), received_by=actor,
        **_classified_fields(classification, secrecy_years, secrecy_long_term))
    _validate(doc)
    _number(doc)
    doc.save()
    _store_files(doc, files, attachment=False)
    _store_files(doc, attachments, attachment=True)
    _give_tasks(doc, TaskKind.INTAKE, _office_people(doc), actor=actor)
    _event(doc, EventKind.REGISTERED, actor, receipt_number=doc.receipt_number)
    return doc


@transaction.atomic
def incoming_intake_check(*, actor: Person, incoming: IncomingDocument, accept: bool,
                          reason: str = "") -> IncomingDocument:
    """初审: accept for handling, or return to the sender with a reason."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.INTAKE, "初审", Status.INTAKE)
    if accept:
        _finish_task(actor, task, reason.strip())
        _set_status(doc, [Status.INTAKE], Status.PROPOSING)
        _give_tasks(doc, TaskKind.PROPOSE, _office_people(doc), actor=actor)
        _event(doc, EventKind.ACCEPTED, actor, reason.strip())
    else:
        reason = _required(reason, "退回理由")[:500]
        _finish_task(actor, task, reason)
        _set_status(doc, [Status.INTAKE], Status.RETURNED, return_reason=reason)
        _event(doc, EventKind.RETURNED, actor, reason)
    return doc


# --- proposal, instruction, assignment ----------------------------------------------

@transaction.atomic
def incoming_propose(*, actor: Person, incoming: IncomingDocument, opinion: str,
                     leader: Person | None = None) -> IncomingDocument:
    """拟办: the office's proposed handling, sent to a leader for instruction or, without a
    leader, straight on to assignment."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.PROPOSE, "拟办", Status.PROPOSING)
    opinion = _required(opinion, "拟办意见")
    if leader is not None:
        if not leader.is_active or not leader.has_role(RoleCode.LEADER):
            raise IncomingError(f"{leader}不是领导，不能呈批。")
        if not clearance_covers(leader, doc.classification):
            raise IncomingError(f"{leader}的涉密等级不能阅批该密级的文件。")
    _finish_task(actor, task, opinion)
    if leader is not None:
        _set_status(doc, [Status.PROPOSING], Status.INSTRUCTING, instruct_leader=leader)
        _give_tasks(doc, TaskKind.INSTRUCT, [leader], actor=actor)
    else:
        _set_status(doc, [Status.PROPOSING], Status.ASSIGNING)
        _give_tasks(doc, TaskKind.ASSIGN, _office_people(doc), actor=actor)
    _event(doc, EventKind.PROPOSED, actor, opinion,
           leader=str(leader) if leader is not None else "")
    return doc


@transaction.atomic
def incoming_instruct(*, actor: Person, incoming: IncomingDocument, kind: str,
                      text: str) -> Instruction:
    """批示: the leader's own act, never delegable (Action.INSTRUCT); recorded as an
    immutable Instruction. The document then goes to the office for assignment."""
    doc = _lock(incoming)
    if not can(actor, Action.INSTRUCT, doc):
        raise PermissionDenied
    task = _take_task(actor, doc, TaskKind.INSTRUCT, "批示", Status.INSTRUCTING)
    if kind not in InstructionKind.values:
        raise IncomingError("请选择批示类型（批办性、指导性或参阅性）。")
    text = _required(text, "批示内容")
    instruction = Instruction.objects.create(incoming=doc, leader=actor, kind=kind, text=text)
    _finish_task(actor, task, text)
    _set_status(doc, [Status.INSTRUCTING], Status.ASSIGNING)
    _give_tasks(doc, TaskKind.ASSIGN, _office_people(doc), actor=actor)
    _event(doc, EventKind.INSTRUCTED, actor, text, kind=kind, instruction_id=instruction.pk)
    return instruction


def tasks_open_of(doc: IncomingDocument, kind: TaskKind) -> list[Task]:
    ct = ContentType.objects.get_for_model(IncomingDocument)
    return list(Task.objects.filter(subject_type=ct, subject_id=doc.pk, kind=kind.code,
                                    status__in=ACTIVE_TASK_STATUSES))


@transaction.atomic
def incoming_assign(*, actor: Person, incoming: IncomingDocument, handling_unit: Unit,
                    workdays: int | str, handler: Person | None = None,
                    opinion: str = "", co_units: Sequence[Unit] = ()) -> IncomingDocument:
    """交办: a handling unit (承办单位, the lead: its head or the named handler answers and
    closes) and a deadline in working days; optionally co-units (协办单位), each given a
    协办 task of the shared task model, held by the unit (its head and liaison officer act
    for it) with the same deadline."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.ASSIGN, "交办", Status.ASSIGNING)
    workdays = _workdays(workdays, "办理时限")
    co_units = list(dict.fromkeys(u for u in co_units if u.pk != handling_unit.pk))
    for unit in co_units:
        if not unit.is_active or unit.kind not in (UnitKind.DEPARTMENT, UnitKind.SUBORDINATE):
            raise IncomingError(f"{unit.name}不能作为协办单位。")
    if handler is not None and handler.unit_id != handling_unit.pk:
        raise IncomingError(f"{handler}不属于{handling_unit.name}。")
    person = handler or handling_unit.head
    if person is None or not person.is_active:
        raise IncomingError(f"{handling_unit.name}没有负责人，请指定承办人。")
    if not clearance_covers(person, doc.classification):
        raise IncomingError(f"{person}的涉密等级不能办理该密级的文件。")
    _finish_task(actor, task, opinion.strip())
    [handle] = _give_tasks(doc, TaskKind.HANDLE, [person], actor=actor, workdays=workdays)
    deadline = handle.due_date
    assert deadline is not None  # given with 1 or more working days
    if co_units:
        tasking.give(actor=actor, subject=doc, kind=TaskKind.ASSIST.code,
                     holders=[tasking.UnitHolder(u, TaskRole.CO) for u in co_units],
                     title=doc.title, urgency=doc.urgency, due_workdays=workdays, parent=handle,
                     audit=False)
    _set_status(doc, [Status.ASSIGNING], Status.HANDLING, handling_unit=handling_unit,
                handler=person, deadline=deadline, deadline_provisional=handle.due_provisional)
    _event(doc, EventKind.ASSIGNED, actor, opinion.strip(), handling_unit=handling_unit.name,
           handler=str(person), workdays=workdays, deadline=deadline.isoformat(),
           provisional=handle.due_provisional, co_units=[u.name for u in co_units])
    return doc


# --- handling ---------------------------------------------------------------------

@transaction.atomic
def incoming_assist(*, actor: Person, incoming: IncomingDocument, text: str) -> IncomingEvent:
    """协办意见: a co-unit's contact gives its part to the lead unit; its 协办 task closes."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.ASSIST, "提交协办意见", Status.HANDLING)
    text = _required(text, "协办意见")
    _finish_task(actor, task, text)
    return _event(doc, EventKind.ASSISTED, actor, text, unit=task.unit.name if task.unit is not None else "")


@transaction.atomic
def incoming_holding_reply(*, actor: Person, incoming: IncomingDocument, text: str) -> IncomingEvent:
    """阶段性答复: progress so far, when the matter cannot be finished yet."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.HANDLE, "阶段性答复", Status.HANDLING)
    text = _required(text, "答复内容")
    tasking.holding_reply(actor=actor, task=task, text=text)
    return _event(doc, EventKind.HOLDING_REPLY, actor, text)


def _extension_deciders(doc: IncomingDocument) -> list[Person]:
    """The recipient unit's office directors (the decision this app records: a simple
    approve/refuse by the office director; docs/decisions/0600)."""
    directors = [p for p in Person.objects.filter(
        is_active=True, unit_id__in=rules.office_units(doc.recipient_unit),
        roles__code=RoleCode.OFFICE_DIRECTOR).distinct().order_by("sort_order", "id")
        if clearance_covers(p, doc.classification)]
    head = doc.recipient_unit.head if not directors else None
    if head is not None:
        directors = [head]
    if not directors:
        raise IncomingError("收文单位没有办公室主任或负责人，无法审批延期。")
    return directors


@transaction.atomic
def incoming_request_extension(*, actor: Person, incoming: IncomingDocument, workdays: int | str,
                               reason: str) -> TaskExtension:
    """申请延期: the handler asks for more working days; the recipient unit's office
    director decides on the approval route (延期审批) of the shared task model."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.HANDLE, "申请延期", Status.HANDLING)
    workdays = _workdays(workdays, "延期")
    reason = _required(reason, "延期理由")[:500]
    try:
        ext = tasking.extension_request(actor=actor, task=task, workdays=workdays, reason=reason)
    except tasking.TaskError as exc:
        if exc.refusal == RefusalCode.NOT_ALLOWED:
            raise StepRefused("；".join(exc.messages)) from None
        raise IncomingError(exc.messages) from None
    _event(doc, EventKind.EXTENSION_REQUESTED, actor, reason, workdays=workdays,
           extension_id=ext.pk)
    return ext


@transaction.atomic
def incoming_decide_extension(*, actor: Person, extension: TaskExtension, approve: bool,
                              note: str = "") -> TaskExtension:
    """The office director's decision, as his act on the request's approval route: agree
    (with an opinion if he writes one) or refuse with a reason. The task model moves the
    deadline and tells the document (``IncomingItem.task_changed``)."""
    from zhongshu.workflow import services as routes
    from zhongshu.workflow.selectors import pending_step_of

    ext = TaskExtension.objects.select_related("task").get(pk=extension.pk)
    doc = _lock(IncomingDocument(pk=ext.task.subject_id))
    if not can(actor, Action.OBJECT_VIEW, doc):
        raise PermissionDenied
    if ext.status != ExtensionStatus.PENDING:
        raise StepRefused("本环节不允许该操作：该延期申请已经审批。")
    step = pending_step_of(actor, ext)
    if step is None:
        raise StepRefused("本环节不允许该操作：您不是该延期申请的审批人。")
    note = (note or "").strip()
    if not approve:
        note = _required(note, "不同意延期的理由")
    routes.step_act(actor=actor, step=step, text=note,
                    action=("agree_opinion" if note else "agree") if approve else "reject")
    ext.refresh_from_db()
    return ext


def deadline_moved(*, task: Task, event: Any) -> None:
    """The handling task's due date moved — an extension approved on its route, or a
    provisional date counted again once its year was entered: the document's deadline
    follows, and its timeline says why."""
    doc = _lock(IncomingDocument(pk=task.subject_id))
    IncomingDocument.objects.filter(pk=doc.pk).update(deadline=task.due_date,
                                                      deadline_provisional=task.due_provisional)
    deadline = task.due_date.isoformat() if task.due_date else ""
    if event.details.get("recomputed"):
        _event(doc, EventKind.DEADLINE_RECOMPUTED, None, event.text, deadline=deadline)
        return
    _event(doc, EventKind.EXTENSION_APPROVED, event.actor, event.text,
           extension_id=event.details.get("extension"), deadline=deadline)


def extension_refused(*, task: Task, event: Any) -> None:
    doc = _lock(IncomingDocument(pk=task.subject_id))
    _event(doc, EventKind.EXTENSION_REFUSED, event.actor, event.text,
           extension_id=event.details.get("extension"))


@transaction.atomic
def incoming_complete(*, actor: Person, incoming: IncomingDocument, summary: str,
                      reply_files: Sequence[tuple[str, bytes]] = ()) -> IncomingDocument:
    """办结 with a summary of the result (the reply) and, optionally, the reply file(s)
    (答复文件, checked as any upload). The handler closes a document in handling; the
    office may close one at 待交办 that needs no handling (阅知). The sending unit's
    liaison is told, with a link to the reply page (``replies.notify_sender``)."""
    doc = _lock(incoming)
    if doc.status == Status.HANDLING:
        task = _take_task(actor, doc, TaskKind.HANDLE, "办结", Status.HANDLING)
    elif doc.status == Status.ASSIGNING:
        if not can(actor, IncomingAction.OFFICE, doc):
            raise PermissionDenied
        task = _take_task(actor, doc, TaskKind.ASSIGN, "办结", Status.ASSIGNING)
    else:
        if not can(actor, Action.OBJECT_VIEW, doc):
            raise PermissionDenied
        raise _not_now(doc, "办结")
    summary = _required(summary, "办理结果")
    _finish_task(actor, task, summary)
    now = timezone.now()
    # A pending extension request lapses: nothing is left waiting on a closed document.
    tasking.extensions_lapse(task, note="文件已办结，申请不再审批。")
    _store_files(doc, reply_files, attachment=False, reply=True)
    # 协办 tasks still open end with the document.
    for assist in tasks_open_of(doc, TaskKind.ASSIST):
        tasking.cancel(actor=actor, task=assist, reason="文件已办结。")
    _set_status(doc, [Status.HANDLING, Status.ASSIGNING], Status.COMPLETED, completed_at=now,
                summary=summary)
    told = replies.notify_sender(doc)
    _event(doc, EventKind.COMPLETED, actor, summary, reply_files=[n for n, _d in reply_files],
           sender_told=told)
    return doc


# --- circulation --------------------------------------------------------------------

CIRCULATION_STATUSES = (Status.PROPOSING, Status.INSTRUCTING, Status.ASSIGNING, Status.HANDLING,
                        Status.COMPLETED)


@transaction.atomic
def circulation_start(*, actor: Person, incoming: IncomingDocument, readers: Sequence[Person],
                      sequential: bool = False, workdays: int | str | None = None) -> TaskBatch:
    """传阅: the office sends the document to readers, one after another or all at once
    (a batch of 传阅 tasks on the shared task model)."""
    doc = _lock(incoming)
    if not can(actor, IncomingAction.OFFICE, doc):
        raise PermissionDenied
    if doc.status not in CIRCULATION_STATUSES:
        raise _not_now(doc, "传阅")
    readers = list(dict.fromkeys(readers))
    if not readers:
        raise IncomingError("请选择传阅人。")
    for reader in readers:
        if not reader.is_active:
            raise IncomingError(f"{reader}的账号已停用。")
        if not clearance_covers(reader, doc.classification):
            raise IncomingError(f"{reader}的涉密等级不能阅读该密级的文件。")
    days = _workdays(workdays, "传阅时限") if workdays else None
    tasks = tasking.give(actor=actor, subject=doc, kind=TaskKind.READ.code, holders=readers,
                         title=doc.title, urgency=doc.urgency, due_workdays=days,
                         as_batch=True, sequential=sequential, audit=False)
    batch = tasks[0].batch
    assert batch is not None  # given as_batch=True
    _event(doc, EventKind.CIRCULATED, actor, readers=[str(r) for r in readers],
           sequential=sequential, circulation_id=batch.pk)
    return batch


@transaction.atomic
def circulation_mark_read(*, actor: Person, incoming: IncomingDocument, comment: str = "",
                          instruction_kind: str | None = None) -> Task:
    """已阅, with an optional comment; a leader may instead give an instruction (阅示),
    recorded as an Instruction like any other."""
    doc = _lock(incoming)
    task = _take_task(actor, doc, TaskKind.READ, "阅文", None)
    comment = (comment or "").strip()
    instruction = None
    if instruction_kind:
        if not can(actor, Action.INSTRUCT, doc):
            raise StepRefused("本环节不允许该操作：只有领导可以阅示。")
        if instruction_kind not in InstructionKind.values:
            raise IncomingError("请选择批示类型（批办性、指导性或参阅性）。")
        instruction = Instruction.objects.create(
            incoming=doc, leader=actor, kind=instruction_kind,
            text=_required(comment, "阅示内容"), during_circulation=True)
    _finish_task(actor, task, comment)
    details: dict[str, Any] = {"circulation_id": task.batch_id}
    if instruction is not None:
        details.update(instruction_id=instruction.pk, kind=instruction_kind)
    _event(doc, EventKind.READ, actor, comment, **details)
    return task


# --- downloading a file ------------------------------------------------------------

def incoming_file_download(*, actor: Person, incoming: IncomingDocument,
                           file: IncomingFile) -> FileDownload:
    """One file of a document, for the page and the API alike. Every file is checked again
    before it is handed out (a file stored before intake checked files may be a bomb or a
    damaged PDF); every file of a classified document is stamped with the viewer's name and
    the time — PDF, DOCX and OFD in their own format, a scan as the PDF it is stamped into
    — and one that cannot be stamped is not served at all (decision 0605); the download is
    audited."""
    if not can(actor, Action.OBJECT_DOWNLOAD, incoming):
        raise PermissionDenied
    if file.incoming_id != incoming.pk:
        raise IncomingError("该文件不属于这份收文。")
    try:
        out = stamp.download_copy(bytes(file.content), name=file.name, kind=file.kind,
                                  content_type=file.content_type, classified=incoming.is_classified,
                                  viewer_name=actor.full_name)
    except kfiles.UnacceptableFile as exc:
        raise CannotDownload(str(exc)) from None
    except stamp.CannotWatermark as exc:
        raise CannotDownload(stamp.refusal(file.name, exc)) from None
    record_access(actor=actor, obj=incoming, download=True, details={"file": file.name})
    return out
