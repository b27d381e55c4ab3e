"""催办: reminders and escalation of tasks, as data (``ReminderRule`` per task kind).

The daily job asks each active rule which open tasks it applies to today — by date
thresholds computed once from the working-day calendar, so each rule is one query, not a
walk over every task — resolves who is chased (the holder: a person, or a unit's
contacts; the unit's head; its leader in charge; whoever gave the task), and records each
reminder once per rule, person and day (a unique constraint decides between workers).
A manual 催办 with a message is recorded the same way, without a rule.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from zhongshu.access.classification import clearance_covers
from zhongshu.audit.services import record
from zhongshu.kernel import notify
from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar
from zhongshu.org.models import Person

from . import registry
from .events import WorkflowEvent
from .models import (
    ACTIVE_TASK_STATUSES,
    ReminderRule,
    ReminderTarget,
    ReminderTrigger,
    Task,
    TaskEvent,
    TaskEventKind,
    TaskReminder,
)

log = logging.getLogger(__name__)

# Notification kinds (inbox.NotificationKind values) by trigger.
_NOTICE_KIND: dict[str, str] = {
    ReminderTrigger.BEFORE_DUE: "due_soon", ReminderTrigger.DUE_TODAY: "due_today",
    ReminderTrigger.OVERDUE: "overdue", ReminderTrigger.OVERDUE_DAYS: "escalated",
    ReminderTrigger.REPORT_DUE: "report_due",
}


@dataclass
class ChaseRun:
    considered: int = 0
    sent: int = 0
    skipped: int = 0
    by_rule: dict[int, int] = field(default_factory=dict)


def rules_for(kind: str) -> list[ReminderRule]:
    """The kind's rules, created from its declared defaults the first time they are
    asked for (the office edits them afterwards; an edited or removed default is never
    put back)."""
    rules = list(ReminderRule.objects.filter(kind=kind))
    spec = registry.task_kind(kind)
    if not rules and spec is not None and spec.reminders:
        ReminderRule.objects.bulk_create(
            [ReminderRule(kind=kind, trigger=d.trigger, days=d.days, target=d.target)
             for d in spec.reminders], ignore_conflicts=True)
        rules = list(ReminderRule.objects.filter(kind=kind))
    return [r for r in rules if r.active]


def _shift(calendar: WorkCalendar, day: dt.date, workdays: int) -> dt.date:
    """``day`` moved by ``workdays`` working days (negative: back); weekdays only for a
    year the calendar does not know, so the job never stops at a year's end."""
    if workdays == 0:
        return day
    step = 1 if workdays > 0 else -1
    left, current = abs(workdays), day
    while left:
        current += dt.timedelta(days=step)
        try:
            working = calendar.is_workday(current)
        except CalendarYearUnknown:
            working = current.weekday() < 5
        if working:
            left -= 1
    return current


def tasks_for_rule(rule: ReminderRule, today: dt.date, calendar: WorkCalendar) -> QuerySet[Task]:
    """The open tasks ``rule`` applies to today. Each trigger fires on one day per task
    (before due: N working days left; due today; overdue: the first working day after;
    overdue N: N working days after; report due: the day the next report falls
    due, and each working day after while it is late)."""
    qs = Task.objects.filter(kind=rule.kind, status__in=ACTIVE_TASK_STATUSES)
    # Rules fire on working days only (``chase_all``), when exactly N working days lie
    # after today up to the due date (before) or after the due date up to today
    # (overdue N): a window of dates, so a due date on a day off is chased once too.
    if rule.trigger == ReminderTrigger.BEFORE_DUE:
        days = max(rule.days, 1)
        return qs.filter(due_date__gte=_shift(calendar, today, days),
                         due_date__lt=_shift(calendar, today, days + 1))
    if rule.trigger == ReminderTrigger.DUE_TODAY:
        return qs.filter(due_date=today)
    if rule.trigger == ReminderTrigger.OVERDUE:
        return qs.filter(due_date__lt=today, due_date__gte=_shift(calendar, today, -1))
    if rule.trigger == ReminderTrigger.OVERDUE_DAYS:
        days = max(rule.days, 1)
        return qs.filter(due_date__gte=_shift(calendar, today, -days),
                         due_date__lt=_shift(calendar, today, -days + 1))
    return qs.filter(next_report_due__isnull=False, next_report_due__lte=today)


def recipients(task: Task, target: str) -> list[Person]:
    """Who a reminder of ``target`` goes to, cleared for the task's item."""
    people: list[Person] = []
    unit = task.unit
    if target == ReminderTarget.HOLDER:
        if task.person is not None:
            people = [task.person]
        elif unit is not None:
            spec = registry.task_kind(task.kind)
            roles = spec.contact_roles if spec else frozenset()
            people = list(Person.objects.filter(unit=unit, is_active=True, roles__code__in=roles)
                          .distinct().order_by("sort_order", "id"))
            if unit.head_id and all(p.pk != unit.head_id for p in people) and unit.head is not None:
                people.append(unit.head)
    elif target == ReminderTarget.UNIT_HEAD:
        holder_unit = unit or (task.person.unit if task.person is not None else None)
        people = [holder_unit.head] if holder_unit and holder_unit.head is not None else []
    elif target == ReminderTarget.UNIT_LEADER:
        holder_unit = unit or (task.person.unit if task.person is not None else None)
        people = ([holder_unit.leader_in_charge]
                  if holder_unit and holder_unit.leader_in_charge is not None else [])
    elif target == ReminderTarget.GIVER and task.given_by is not None:
        people = [task.given_by]
    hooks = registry.item_hooks(task.subject_type.model_class())
    level = hooks.classification(task.subject) if hooks else None
    return [p for p in people if p is not None and p.is_active and clearance_covers(p, level)]


def _notice_text(task: Task, trigger: str, today: dt.date, message: str = "") -> tuple[str, str]:
    due = f"{task.due_date.year}年{task.due_date.month}月{task.due_date.day}日" if task.due_date else ""
    title = task.title or str(task)
    holder = task.holder_name
    if message:
        return f"【催办】{title}", message
    if trigger == ReminderTrigger.REPORT_DUE:
        return f"【进展报送】{title}", f"“{title}”（{holder}）应报送办理进展，请及时报送。"
    if trigger in (ReminderTrigger.OVERDUE, ReminderTrigger.OVERDUE_DAYS):
        days = (today - task.due_date).days if task.due_date else 0
        return (f"【超期催办】{title}",
                f"“{title}”（{holder}）的办理时限为{due}，已超期{days}天，请督促尽快办结。")
    if trigger == ReminderTrigger.DUE_TODAY:
        return f"【今日到期】{title}", f"“{title}”（{holder}）今天（{due}）到期，请及时办理。"
    return f"【即将到期】{title}", f"“{title}”（{holder}）将于{due}到期，请及时办理。"


def _url(task: Task) -> str:
    model = task.subject_type.model_class()
    hooks = registry.item_hooks(model) if model is not None else None
    return hooks.url(task.subject_id) if hooks else reverse("inbox:home")


def _send_one(task: Task, rule: ReminderRule | None, person: Person, today: dt.date, *,
              sender: Person | None = None, message: str = "") -> bool:
    trigger = rule.trigger if rule else ""
    try:
        with transaction.atomic():
            TaskReminder.objects.create(task=task, rule=rule, recipient=person, sender=sender,
                                        day=today, message=message[:500])
            Task.objects.filter(pk=task.pk).update(reminders=F("reminders") + 1,
                                                   last_reminded_at=timezone.now())
    except IntegrityError:
        return False  # another worker sent this one today
    title, body = _notice_text(task, trigger, today, message)
    kind = _NOTICE_KIND.get(trigger, "manual") if rule else "manual"
    notify.send(notify.Notice(recipient=person, kind=kind, day=today, title=title, body=body,
                              url=_url(task),
                              key=f"workflow.task:{task.pk}:{rule.pk if rule else 'manual'}"))
    return True


def chase_all(*, today: dt.date | None = None) -> ChaseRun:
    """Apply every active rule of every registered task kind for ``today``. Idempotent:
    a second run the same day, or several workers at once, send nothing twice."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    run = ChaseRun()
    if not calendar.day_status(today).is_workday:
        # Nobody is chased on a day off: the next working day's windows cover it (a job
        # run every calendar day would otherwise chase one due date on several days).
        return run
    for spec in registry.task_kinds():
        for rule in rules_for(spec.code):
            tasks = tasks_for_rule(rule, today, calendar).select_related(
                "person__unit", "unit__head", "unit__leader_in_charge", "given_by", "subject_type")
            for task in tasks.iterator(chunk_size=500):
                for person in recipients(task, rule.target):
                    run.considered += 1
                    if _send_one(task, rule, person, today):
                        run.sent += 1
                        run.by_rule[rule.pk] = run.by_rule.get(rule.pk, 0) + 1
                    else:
                        run.skipped += 1
    if run.sent:
        record(actor=None, action=WorkflowEvent.TASK_REMIND, details={
            "day": today.isoformat(), "sent": run.sent, "rules": {str(k): v for k, v in run.by_rule.items()}})
    return run


@transaction.atomic
def remind(*, actor: Person, task: Task, message: str, today: dt.date | None = None) -> int:
    """催办 by hand: the holder (the person, or the unit's contacts) gets ``message``;
    recorded on the task's timeline. The app has decided the actor may chase."""
    message = (message or "").strip()
    if not message:
        from .tasking import TaskError

        raise TaskError("请填写催办内容。")
    today = today or timezone.localdate()
    task = Task.objects.select_related("person", "unit__head", "subject_type").get(pk=task.pk)
    people = recipients(task, ReminderTarget.HOLDER)
    sent = sum(_send_one(task, None, p, today, sender=actor, message=message) for p in people)
    TaskEvent.objects.create(task=task, kind=TaskEventKind.REMINDED, actor=actor, text=message,
                             details={"to": [str(p) for p in people]})
    record(actor=actor, action=WorkflowEvent.TASK_REMIND, obj=task,
           details={"to": [p.pk for p in people], "message": message[:200]})
    return sent


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=ACTIVE_TASK_STATUSES, due_date__lt=today)
