"""Every write of the task model (交办 and what follows): giving tasks to people or units,
taking one's task, accepting or returning it, reporting progress, holding replies,
extension requests and completion requests (both decided on approval routes), closing,
sending back, cancelling and changing a due date — each with its timeline entry and
audit event, in the caller's transaction.

The item's app decides who may give and what the item does about it; this module keeps
the task's own rules: only a holder acts, only cleared people hold work on a classified
item, a due date never moves without a record, first to act closes the others' copies.
Concurrency: a task is claimed with a conditional ``UPDATE … WHERE status IN (…)``; two
people acting at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from zhongshu.access.classification import clearance_covers
from zhongshu.audit.services import record
from zhongshu.kernel import files as kfiles
from zhongshu.kernel import filestore
from zhongshu.kernel.calendar import WorkCalendar
from zhongshu.kernel.urgency import Urgency
from zhongshu.org.models import Person, Unit

from . import registry
from .deadlines import Due, due_in
from .events import RefusalCode, WorkflowEvent
from .inbox import held_q
from .models import (
    ACTIVE_TASK_STATUSES,
    ExtensionStatus,
    ReportKind,
    ReportState,
    Task,
    TaskBatch,
    TaskEvent,
    TaskEventKind,
    TaskExtension,
    TaskFile,
    TaskReport,
    TaskRole,
    TaskStatus,
)
from .services import WorkflowError

MAX_WORKDAYS = 365
TEXT_MAX = 5000


class TaskError(WorkflowError):
    """A refused task action, with a Chinese message and a ``RefusalCode``."""

    def __init__(self, message: Any, code: str = RefusalCode.TASK_STATE) -> None:
        super().__init__(message, code=code)


# --- helpers -------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitHolder:
    unit: Unit
    role: str = TaskRole.NONE


Holder = Person | UnitHolder


def _spec(kind: str, subject: Model | None = None) -> registry.TaskKindSpec:
    spec = registry.task_kind(kind)
    if spec is None or (subject is not None and spec.model != registry.label_of(type(subject))):
        raise TaskError(f"未知的任务类别：{kind}")
    return spec


def _hooks(subject: Model | None) -> registry.ItemHooks:
    hooks = registry.item_hooks(type(subject) if subject is not None else None)
    if hooks is None:
        raise PermissionDenied
    return hooks


def _level(subject: Model | None) -> int | None:
    return _hooks(subject).classification(subject)


def _event(task: Task, kind: str, actor: Person | None, text: str = "", **details: Any) -> TaskEvent:
    event = TaskEvent.objects.create(task=task, kind=kind, actor=actor, text=text, details=details)
    _hooks(task.subject).task_changed(task, event)
    return event


def _audit(actor: Person | None, action: str, task: Task, **details: Any) -> None:
    record(actor=actor, action=action, obj=task, classification=_level(task.subject),
           details={"kind": task.kind, "subject": f"{task.subject_type_id}:{task.subject_id}",
                    **details})


def _text(text: str, label: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise TaskError(f"请填写{label}。")
    if len(text) > TEXT_MAX:
        raise TaskError(f"{label}不能超过 {TEXT_MAX} 字。")
    return text


def workdays_value(n: Any, label: str) -> int:
    try:
        value = int(n)
    except (TypeError, ValueError):
        raise TaskError(f"{label}应为 1 至 {MAX_WORKDAYS} 个工作日。") from None
    if not 1 <= value <= MAX_WORKDAYS:
        raise TaskError(f"{label}应为 1 至 {MAX_WORKDAYS} 个工作日。")
    return value


def _due(workdays: int | None, date: dt.date | None, start: dt.date,
         calendar: WorkCalendar | None = None) -> Due | None:
    if workdays:
        return due_in(start, workdays_value(workdays, "办理时限"), calendar)
    if date is not None:
        if date < start:
            raise TaskError("办理时限不能早于今天。")
        return Due(date)
    return None


def may_hold(person: Person, subject: Model | None) -> bool:
    """Whether ``person`` may be given (or act on) work on ``subject``: active and
    cleared for its classification."""
    return person.is_active and clearance_covers(person, _level(subject))


def is_contact(person: Person, task: Task) -> bool:
    """The person holds the task: it is his, or his unit's and he is its contact."""
    if task.person_id is not None:
        return task.person_id == person.pk
    return Task.objects.filter(held_q(person), pk=task.pk).exists()


# --- giving --------------------------------------------------------------------------

@transaction.atomic
def give(*, actor: Person | None, subject: Model, kind: str, holders: Sequence[Holder],
         title: str = "", due_workdays: int | None = None, due_date: dt.date | None = None,
         first_to_act: bool = False, sequential: bool = False, as_batch: bool = False,
         urgency: str = Urgency.NORMAL,
         importance: int = 0, parent: Task | None = None, report_every: int | None = None,
         today: dt.date | None = None, audit: bool = True) -> list[Task]:
    """Give ``kind`` work on ``subject`` to people and units. With ``first_to_act`` the
    tasks are one piece of work offered to all of them (the first to act closes the
    others); with ``as_batch`` they form a batch (a 传阅), ``sequential`` taken one after
    another; otherwise each holder has his own task (all must act). Every person given
    work must be cleared for the subject; the app has already decided the actor may give.
    ``audit=False`` when the app records the step in its own audit event (收文's steps)."""
    _spec(kind, subject)
    holders = list(dict.fromkeys(holders))
    if not holders:
        raise TaskError("请选择办理人或办理单位。")
    for holder in holders:
        if isinstance(holder, Person) and not may_hold(holder, subject):
            raise TaskError(f"{holder}的账号已停用或涉密等级不能办理该密级的事项。")
    if urgency not in Urgency.values:
        raise TaskError("紧急程度无效。")
    if report_every is not None:
        report_every = workdays_value(report_every, "进展报送周期")
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    due = _due(due_workdays, due_date, today, calendar)
    now = timezone.now()
    ct = ContentType.objects.get_for_model(type(subject))
    batch = None
    if as_batch or sequential:
        if actor is None:
            raise TaskError("传阅须由经办人发起。")
        batch = TaskBatch.objects.create(subject_type=ct, subject_id=subject.pk, kind=kind,
                                         started_by=actor, sequential=sequential,
                                         due_date=due.date if due else None)
    group = secrets.randbits(62) if first_to_act and len(holders) > 1 else None
    tasks = []
    for position, holder in enumerate(holders):
        waiting = sequential and position > 0
        task = Task(
            subject_type=ct, subject_id=subject.pk, kind=kind, title=(title or str(subject))[:300],
            person=holder if isinstance(holder, Person) else None,
            unit=holder.unit if isinstance(holder, UnitHolder) else None,
            role=holder.role if isinstance(holder, UnitHolder) else TaskRole.NONE,
            group=group, batch=batch, parent=parent, position=position,
            status=TaskStatus.WAITING if waiting else TaskStatus.OPEN,
            urgency=urgency, importance=importance, created_at=now, given_by=actor,
            activated_at=None if waiting else now,
            due_date=due.date if due else None, due_provisional=bool(due and due.provisional),
            due_workdays=due_workdays if due_workdays else None,
            due_from=today if due_workdays else None, report_every=report_every,
            next_report_due=due_in(today, report_every, calendar).date if report_every else None)
        tasks.append(task)
    tasks = Task.objects.bulk_create(tasks)
    if group is None:
        # Offers to a group are transient (the copies of those who did not act go); a
        # task that stays has its timeline from the start.
        TaskEvent.objects.bulk_create(
            TaskEvent(task=t, kind=TaskEventKind.GIVEN, actor=actor, at=now,
                      details={"due": t.due_date.isoformat() if t.due_date else None,
                               "holder": t.holder_name}) for t in tasks)
    if audit:
        record(actor=actor, action=WorkflowEvent.TASK_GIVE, obj=subject,
               details={"kind": kind, "holders": [t.holder_name for t in tasks],
                        "due": due.date.isoformat() if due else None,
                        "provisional": bool(due and due.provisional)})
    return tasks


# --- taking and finishing -----------------------------------------------------------

def take(*, actor: Person, subject: Model, kind: str,
         statuses: Sequence[str] = ACTIVE_TASK_STATUSES) -> Task:
    """The actor's task of ``kind`` on ``subject`` (his own, or his unit's as contact),
    locked for the caller's transaction; refused with the reason when there is none."""
    _spec(kind, subject)
    ct = ContentType.objects.get_for_model(type(subject))
    # FOR UPDATE OF the task only: the contact test joins the unit (an outer join that
    # PostgreSQL will not lock).
    task = (Task.objects.select_for_update(of=("self",))
            .filter(held_q(actor), subject_type=ct, subject_id=subject.pk, kind=kind,
                    status__in=list(statuses))
            .order_by("position", "id").first())
    if task is None:
        label = registry.task_kind(kind).label  # type: ignore[union-attr]
        raise TaskError(f"本环节不允许该操作：您在该事项上没有待处理的“{label}”任务。",
                        code=RefusalCode.NOT_ALLOWED)
    if not may_hold(actor, subject):
        raise PermissionDenied
    task.subject = subject
    return task


def _claim(task: Task, expected: Sequence[str], **fields: Any) -> None:
    updated = Task.objects.filter(pk=task.pk, status__in=list(expected)).update(**fields)
    if updated != 1:
        raise TaskError("该任务已由他人处理或状态已变化，请刷新后查看。", code=RefusalCode.NOT_PENDING)
    for name, value in fields.items():
        setattr(task, name, value)


def _close_group(task: Task, now: dt.datetime) -> None:
    if task.group is None:
        return
    others = Task.objects.filter(group=task.group, status__in=ACTIVE_TASK_STATUSES).exclude(pk=task.pk)
    spec = registry.task_kind(task.kind)
    if spec is not None and spec.close_siblings:
        # The colleagues' copies are not evidence (the task says who acted), and keeping
        # them would multiply the table by the size of the office. A copy that gathered
        # a record of its own (a reminder) is kept, cancelled.
        others.filter(events__isnull=True, reminder_log__isnull=True).delete()
    others.update(status=TaskStatus.CANCELLED, done_at=now)


def _advance_batch(task: Task, now: dt.datetime) -> None:
    if task.batch_id is None:
        return
    batch = TaskBatch.objects.select_for_update().get(pk=task.batch_id)
    if batch.sequential:
        following = (Task.objects.select_for_update()
                     .filter(batch=batch, status=TaskStatus.WAITING).order_by("position", "id").first())
        if following is not None:
            Task.objects.filter(pk=following.pk, status=TaskStatus.WAITING).update(
                status=TaskStatus.OPEN, activated_at=now)
    if not Task.objects.filter(batch=batch, status__in=[TaskStatus.WAITING, *ACTIVE_TASK_STATUSES]).exists():
        TaskBatch.objects.filter(pk=batch.pk, finished_at__isnull=True).update(finished_at=now)


@transaction.atomic
def finish(*, actor: Person, task: Task, comment: str = "",
           event: str = TaskEventKind.DONE, audit: bool = True, **details: Any) -> Task:
    """The holder has done the task (签收, 批示, 已阅 …): it is done, the group's other
    copies go, the next reader of a sequential batch gets his turn."""
    now = timezone.now()
    comment = _text(comment, "意见", required=False)
    _claim(task, ACTIVE_TASK_STATUSES, status=TaskStatus.DONE, done_at=now, done_by=actor,
           comment=comment)
    _close_group(task, now)
    _advance_batch(task, now)
    _event(task, event, actor, comment, **details)
    if audit:
        _audit(actor, WorkflowEvent.TASK_ACT, task, event=str(event))
    return task


def _holder_task(actor: Person, task: Task) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not is_contact(actor, task) or not may_hold(actor, task.subject):
        raise PermissionDenied
    return task


@transaction.atomic
def accept(*, actor: Person, task: Task) -> Task:
    """The unit accepts the task (接收): it is now being worked on."""
    task = _holder_task(actor, task)
    if not _spec(task.kind).accept:
        raise TaskError("该类任务无需接收。")
    now = timezone.now()
    _claim(task, [TaskStatus.OPEN], status=TaskStatus.ACCEPTED, accepted_at=now)
    _close_group(task, now)
    _event(task, TaskEventKind.ACCEPTED, actor)
    _audit(actor, WorkflowEvent.TASK_ACCEPT, task)
    return task


@transaction.atomic
def return_task(*, actor: Person, task: Task, reason: str) -> Task:
    """The unit returns the task instead of accepting it, with its reason (退回)."""
    task = _holder_task(actor, task)
    reason = _text(reason, "退回理由")
    now = timezone.now()
    _claim(task, [TaskStatus.OPEN], status=TaskStatus.RETURNED, done_at=now, done_by=actor,
           comment=reason)
    _close_group(task, now)
    _event(task, TaskEventKind.RETURNED, actor, reason)
    _audit(actor, WorkflowEvent.TASK_RETURN, task, reason=reason)
    return task


def _working(task: Task) -> None:
    spec = _spec(task.kind)
    expected = [TaskStatus.ACCEPTED] if spec.accept else list(ACTIVE_TASK_STATUSES)
    if task.status not in expected:
        raise TaskError("本环节不允许该操作：请先接收任务。" if task.status == TaskStatus.OPEN
                        else "本环节不允许该操作：该任务当前不在办理中。",
                        code=RefusalCode.NOT_ALLOWED)


def _store_files(report: TaskReport, files: Sequence[tuple[str, bytes]]) -> None:
    for name, data in files:
        try:
            kind = kfiles.check_upload(name, data, allowed=kfiles.DOCUMENT_KINDS)
        except kfiles.UnacceptableFile as exc:
            raise TaskError(str(exc)) from None
        TaskFile.objects.create(report=report, name=name[:200], kind=kind.code,
                                content_type=kind.content_type, size=len(data), blob=filestore.put(data))


@transaction.atomic
def report(*, actor: Person, task: Task, text: str,
           files: Sequence[tuple[str, bytes]] = (), today: dt.date | None = None) -> TaskReport:
    """办理进展: a progress report; the next one falls due a reporting period later."""
    task = _holder_task(actor, task)
    _working(task)
    text = _text(text, "办理进展")
    entry = TaskReport.objects.create(task=task, kind=ReportKind.PROGRESS, author=actor, text=text)
    _store_files(entry, files)
    today = today or timezone.localdate()
    fields: dict[str, Any] = {"last_report_at": timezone.now()}
    if task.report_every:
        fields["next_report_due"] = due_in(today, task.report_every).date
    Task.objects.filter(pk=task.pk).update(**fields)
    for name, value in fields.items():
        setattr(task, name, value)
    _event(task, TaskEventKind.REPORTED, actor, text, report=entry.pk, files=len(files))
    _audit(actor, WorkflowEvent.TASK_REPORT, task, report=entry.pk)
    return entry


@transaction.atomic
def holding_reply(*, actor: Person, task: Task, text: str,
                  files: Sequence[tuple[str, bytes]] = ()) -> TaskReport:
    """阶段性答复: where the matter cannot be finished yet. Some kinds need it approved
    (the report then waits for the reviewers); others record it at once."""
    task = _holder_task(actor, task)
    _working(task)
    spec = _spec(task.kind)
    text = _text(text, "答复内容")
    state = ReportState.PENDING if spec.holding_needs_approval else ReportState.RECORDED
    entry = TaskReport.objects.create(task=task, kind=ReportKind.HOLDING, author=actor, text=text,
                                      state=state)
    _store_files(entry, files)
    _event(task, TaskEventKind.HOLDING_REPLY, actor, text, report=entry.pk)
    _audit(actor, WorkflowEvent.TASK_HOLDING_REPLY, task, report=entry.pk)
    if spec.holding_needs_approval and spec.review_purpose:
        _start_approval(actor=actor, item=entry, task=task, purpose=spec.review_purpose)
    return entry


@transaction.atomic
def request_completion(*, actor: Person, task: Task, text: str,
                       files: Sequence[tuple[str, bytes]] = ()) -> TaskReport:
    """申请办结 with the result and its evidence. A kind with a review purpose waits for
    the review route (the reviewers close it or send it back); otherwise it is done."""
    task = _holder_task(actor, task)
    _working(task)
    spec = _spec(task.kind)
    text = _text(text, "办理结果")
    if spec.review_purpose is None:
        entry = TaskReport.objects.create(task=task, kind=ReportKind.COMPLETION, author=actor,
                                          text=text)
        _store_files(entry, files)
        now = timezone.now()
        _claim(task, ACTIVE_TASK_STATUSES, status=TaskStatus.DONE, done_at=now, done_by=actor,
               comment=text)
        _close_group(task, now)
        _event(task, TaskEventKind.CLOSED, actor, text, report=entry.pk)
        _audit(actor, WorkflowEvent.TASK_CLOSE, task, report=entry.pk)
        return entry
    entry = TaskReport.objects.create(task=task, kind=ReportKind.COMPLETION, author=actor, text=text,
                                      state=ReportState.PENDING)
    _store_files(entry, files)
    _claim(task, ACTIVE_TASK_STATUSES, status=TaskStatus.REVIEW)
    _event(task, TaskEventKind.COMPLETION_REQUESTED, actor, text, report=entry.pk)
    _audit(actor, WorkflowEvent.TASK_COMPLETION_REQUEST, task, report=entry.pk)
    _start_approval(actor=actor, item=entry, task=task, purpose=spec.review_purpose)
    return entry


def _start_approval(*, actor: Person, item: Model, task: Task, purpose: str) -> None:
    from . import approvals
    from . import services as routes

    template = approvals.ensure_template(purpose, task.kind)
    routes.route_start(actor=actor, obj=item, template=template,
                       title=f"{task.title}（{registry.purpose(purpose).label}）",  # type: ignore[union-attr]
                       urgency=task.urgency, importance=task.importance)


# --- decisions on approval routes (called by approvals' after_act) -------------------

def completion_decided(*, entry: TaskReport, approved: bool, actor: Person, note: str) -> None:
    task = Task.objects.select_for_update().get(pk=entry.task_id)
    now = timezone.now()
    TaskReport.objects.filter(pk=entry.pk, state=ReportState.PENDING).update(
        state=ReportState.APPROVED if approved else ReportState.REFUSED, decided_by=actor,
        decided_at=now, decision_note=note)
    if entry.kind == ReportKind.HOLDING:
        kind = TaskEventKind.HOLDING_REPLY
        _event(task, kind, actor, note, report=entry.pk, approved=approved)
        return
    if approved:
        _claim(task, [TaskStatus.REVIEW], status=TaskStatus.DONE, done_at=now,
               done_by=entry.author, comment=entry.text)
        _event(task, TaskEventKind.CLOSED, actor, note, report=entry.pk)
        _audit(actor, WorkflowEvent.TASK_CLOSE, task, report=entry.pk)
    else:
        _claim(task, [TaskStatus.REVIEW], status=TaskStatus.ACCEPTED
               if _spec(task.kind).accept else TaskStatus.OPEN)
        _event(task, TaskEventKind.SENT_BACK, actor, note, report=entry.pk)
        _audit(actor, WorkflowEvent.TASK_SEND_BACK, task, report=entry.pk, note=note)


def extension_decided(*, ext: TaskExtension, approved: bool, actor: Person, note: str) -> None:
    task = Task.objects.select_for_update().get(pk=ext.task_id)
    now = timezone.now()
    if ext.status != ExtensionStatus.PENDING:
        return
    if not approved:
        TaskExtension.objects.filter(pk=ext.pk, status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.REFUSED, decided_by=actor, decided_at=now, note=note[:500])
        _event(task, TaskEventKind.EXTENSION_REFUSED, actor, note, extension=ext.pk)
        _audit(actor, WorkflowEvent.TASK_EXTENSION_DECIDE, task, extension=ext.pk, approved=False)
        return
    if ext.workdays:
        due = due_in(ext.old_due or timezone.localdate(), ext.workdays)
    else:
        due = Due(ext.requested_due)  # type: ignore[arg-type]
    TaskExtension.objects.filter(pk=ext.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED, decided_by=actor, decided_at=now, note=note[:500],
        new_due=due.date)
    _set_due(task, due, actor=actor, kind=TaskEventKind.EXTENSION_APPROVED, text=note,
             extension=ext.pk, old=ext.old_due.isoformat() if ext.old_due else None)
    _audit(actor, WorkflowEvent.TASK_EXTENSION_DECIDE, task, extension=ext.pk, approved=True,
           due=due.date.isoformat())


def _set_due(task: Task, due: Due, *, actor: Person | None, kind: str, text: str = "",
             **details: Any) -> None:
    Task.objects.filter(pk=task.pk).update(due_date=due.date, due_provisional=due.provisional,
                                           due_workdays=None, due_from=None)
    task.due_date, task.due_provisional = due.date, due.provisional
    _event(task, kind, actor, text, due=due.date.isoformat(), provisional=due.provisional,
           **details)


# --- extensions, due dates, cancelling ---------------------------------------------

@transaction.atomic
def extension_request(*, actor: Person, task: Task, reason: str, workdays: int | None = None,
                      until: dt.date | None = None) -> TaskExtension:
    """申请延期: asks for ``workdays`` more working days (or a later date); an approval
    route of the kind's extension purpose decides, and only then does the date move."""
    task = _holder_task(actor, task)
    _working(task)
    spec = _spec(task.kind)
    if spec.extension_purpose is None:
        raise TaskError("该类任务不能申请延期。", code=RefusalCode.NOT_ALLOWED)
    reason = _text(reason, "延期理由")[:500]
    if workdays is not None:
        workdays = workdays_value(workdays, "延期")
    elif until is None:
        raise TaskError("请填写延期的工作日数或延至日期。")
    elif task.due_date and until <= task.due_date:
        raise TaskError("延至日期应晚于原办理时限。")
    if task.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise TaskError("本环节不允许该操作：已有一项延期申请等待审批。", code=RefusalCode.NOT_ALLOWED)
    ext = TaskExtension.objects.create(task=task, requested_by=actor, workdays=workdays,
                                       requested_due=until, reason=reason, old_due=task.due_date)
    _event(task, TaskEventKind.EXTENSION_REQUESTED, actor, reason, extension=ext.pk,
           workdays=workdays, until=until.isoformat() if until else None)
    _audit(actor, WorkflowEvent.TASK_EXTENSION_REQUEST, task, extension=ext.pk)
    _start_approval(actor=actor, item=ext, task=task, purpose=spec.extension_purpose)
    return ext


def extensions_lapse(task: Task, *, note: str) -> None:
    """Pending requests of a task that is closed lapse, and their routes end: nothing is
    left waiting on finished work."""
    from .models import Route, RouteStatus, StepStatus

    pending = list(task.extensions.filter(status=ExtensionStatus.PENDING).values_list("pk", flat=True))
    if not pending:
        return
    now = timezone.now()
    TaskExtension.objects.filter(pk__in=pending).update(status=ExtensionStatus.LAPSED,
                                                        decided_at=now, note=note[:500])
    ct = ContentType.objects.get_for_model(TaskExtension)
    routes = Route.objects.filter(content_type=ct, object_id__in=pending, status=RouteStatus.RUNNING)
    from .models import Step

    Step.objects.filter(route__in=routes, status__in=[StepStatus.PENDING, StepStatus.WAITING]).update(
        status=StepStatus.CLOSED)
    routes.update(status=RouteStatus.REJECTED, current_position=None, finished_at=now)


@transaction.atomic
def due_change(*, actor: Person, task: Task, reason: str, workdays: int | None = None,
               until: dt.date | None = None) -> Task:
    """The giver sets a new due date himself, with the reason on record (the app has
    decided he may)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    reason = _text(reason, "变更理由")
    due = _due(workdays, until, timezone.localdate())
    if due is None:
        raise TaskError("请填写新的办理时限。")
    old = task.due_date
    _set_due(task, due, actor=actor, kind=TaskEventKind.DUE_CHANGED, text=reason,
             old=old.isoformat() if old else None)
    _audit(actor, WorkflowEvent.TASK_DUE_CHANGE, task, old=old, new=due.date)
    return task


@transaction.atomic
def cancel(*, actor: Person | None, task: Task, reason: str) -> Task:
    task = Task.objects.select_for_update().get(pk=task.pk)
    reason = _text(reason, "取消理由")
    _claim(task, [TaskStatus.WAITING, *ACTIVE_TASK_STATUSES], status=TaskStatus.CANCELLED,
           done_at=timezone.now())
    extensions_lapse(task, note="任务已取消，申请不再审批。")
    _event(task, TaskEventKind.CANCELLED, actor, reason)
    _audit(actor, WorkflowEvent.TASK_CANCEL, task, reason=reason)
    return task


def recompute_provisional(*, years: set[int] | None = None) -> int:
    """Due dates counted provisionally over a year now known are counted again: a task's
    from its start and working days (recorded on its timeline, and its item told), a
    step's from its stage's time limit. Idempotent. Returns how many dates moved."""
    from .models import Step

    calendar = WorkCalendar.load()
    moved = 0
    tasks = Task.objects.filter(due_provisional=True, due_workdays__isnull=False,
                                due_from__isnull=False)
    for task in tasks.select_related("subject_type").iterator(chunk_size=500):
        due = due_in(task.due_from, task.due_workdays, calendar)  # type: ignore[arg-type]
        if due.provisional:
            continue  # still runs into a year nobody entered
        with transaction.atomic():
            old = task.due_date
            Task.objects.filter(pk=task.pk).update(due_date=due.date, due_provisional=False)
            task.due_date, task.due_provisional = due.date, False
            moved += int(due.date != old)
            _event(task, TaskEventKind.DUE_CHANGED, None, "节假日安排录入后重新计算办理时限",
                   due=due.date.isoformat(), old=old.isoformat() if old else None,
                   provisional=False, recomputed=True)
    steps = Step.objects.filter(due_provisional=True, activated_at__isnull=False)
    for step in steps.select_related("route__template_version").iterator(chunk_size=500):
        stage = step.route.template_version.stages.filter(position=step.position).first()
        if stage is None or not stage.deadline_workdays:
            continue
        start = timezone.localtime(step.activated_at).date()
        due = due_in(start, stage.deadline_workdays, calendar)
        if due.provisional:
            continue
        Step.objects.filter(pk=step.pk).update(due_date=due.date, due_provisional=False)
        moved += int(due.date != step.due_date)
    return moved
