"""Every read of 督查督办 that leaves the app, always for a viewer and only what he may
see (``access.policy.visible``): the ledger, the 批示件 register, the statistics, the
leader's view and a unit's task list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zhongshu.access.policy import visible
from zhongshu.org.models import Person
from zhongshu.workflow.models import Task, TaskEvent, TaskReport

from .models import (
    TASK_KIND,
    InstructionKind,
    InstructionRecord,
    LedgerRow,
    Light,
    Matter,
    SourceKind,
)
from .rules import contact_units

OPEN_STATUSES = ("waiting", "open", "accepted", "review")
STATUS_LABELS = {"open": "待接收", "accepted": "办理中", "review": "待审核", "done": "已办结",
                 "returned": "已退回", "cancelled": "已取消", "waiting": "未开始"}

# The ledger's columns: key → (label, sort expression or "").
COLUMNS: dict[str, tuple[str, str]] = {
    "title": ("督办事项", "title"),
    "source": ("来源", "source"),
    "leader": ("交办领导", ""),
    "unit": ("办理单位", "unit__sort_order"),
    "role": ("角色", ""),
    "created": ("交办日期", "created_on"),
    "due": ("办理时限", "due_date"),
    "status": ("状态", "status"),
    "light": ("督办灯", "light"),
    "reminders": ("催办次数", ""),
    "closed": ("办结日期", "closed_on"),
}
DEFAULT_COLUMNS = ("title", "source", "unit", "role", "due", "status", "light")
SORTS = {k: v for k, (_, v) in COLUMNS.items() if v}


@dataclass(frozen=True)
class LedgerFilter:
    source: str = ""
    leader: int | None = None
    unit: int | None = None
    status: str = ""  # "open", "done" or a task status
    light: str = ""
    kind: str = ""  # role: lead / co
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    sort: str = "due"
    columns: tuple[str, ...] = DEFAULT_COLUMNS

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LedgerFilter:
        """From a query string (page or API); anything malformed is ignored, never 500."""
        def num(name: str) -> int | None:
            try:
                value = int(str(params.get(name) or ""))
            except ValueError:
                return None
            return value if value > 0 else None

        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(str(params.get(name) or ""))
            except ValueError:
                return None

        cols: Any = params.getlist("cols") if hasattr(params, "getlist") else params.get("cols", [])
        if isinstance(cols, str):
            cols = cols.split(",")
        cols = tuple(c for c in cols if c in COLUMNS) or DEFAULT_COLUMNS
        sort = str(params.get("sort") or "due")
        if sort.lstrip("-") not in SORTS:
            sort = "due"
        source = str(params.get("source") or "")
        light = str(params.get("light") or "")
        kind = str(params.get("kind") or "")
        status = str(params.get("status") or "")
        return cls(source=source if source in SourceKind.values else "",
                   leader=num("leader"), unit=num("unit"),
                   status=status if status in ("open", "done", *STATUS_LABELS) else "",
                   light=light if light in Light.values else "",
                   kind=kind if kind in ("lead", "co") else "",
                   date_from=day("date_from"), date_to=day("date_to"),
                   q=str(params.get("q") or "").strip()[:100], sort=sort, columns=cols)


def ledger(viewer: Person, f: LedgerFilter) -> QuerySet[LedgerRow]:
    """The ledger rows ``viewer`` may see, filtered and sorted — the page's main query."""
    qs = visible(viewer, LedgerRow.objects.all())
    if f.source:
        qs = qs.filter(source=f.source)
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    if f.unit:
        qs = qs.filter(unit_id=f.unit)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.light:
        # Only open tasks have a coloured light: the status index narrows the search.
        qs = qs.filter(light=f.light, status__in=OPEN_STATUSES)
    if f.kind:
        qs = qs.filter(role=f.kind)
    if f.date_from:
        qs = qs.filter(created_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_on__lte=f.date_to)
    if f.q:
        qs = qs.filter(title__icontains=f.q)
    key = f.sort.lstrip("-")
    order = SORTS.get(key, "due_date")
    desc = f.sort.startswith("-")
    # Plain ASC/DESC (no NULLS LAST): the indexes serve the order both ways; a supervised
    # task always has a due date.
    return qs.order_by(F(order).desc() if desc else F(order).asc(),
                       "-task_id" if desc else "task_id")


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    light: str = ""


def ledger_cells(rows: list[LedgerRow], columns: tuple[str, ...], matter_url: str) -> list[tuple[LedgerRow, list[Cell]]]:
    """The page's cells, computed here rather than by a chain of template conditions per
    cell (the page renders 50 rows × up to 11 columns). ``matter_url`` has ``0`` where
    the matter's id goes."""
    sources = dict(SourceKind.choices)
    out = []
    for r in rows:
        cells = []
        for k in columns:
            if k == "title":
                cells.append(Cell(r.title, matter_url.replace("/0/", f"/{r.matter_id}/")))
            elif k == "source":
                cells.append(Cell(str(sources.get(r.source, r.source))))
            elif k == "leader":
                cells.append(Cell(str(r.leader) if r.leader_id else "—"))
            elif k == "unit":
                cells.append(Cell(r.unit.short_name or r.unit.name))
            elif k == "role":
                cells.append(Cell("牵头" if r.role == "lead" else "协办"))
            elif k == "created":
                cells.append(Cell(r.created_on.isoformat()))
            elif k == "due":
                cells.append(Cell(r.due_date.isoformat() if r.due_date else "—"))
            elif k == "status":
                cells.append(Cell(r.status_label))  # type: ignore[attr-defined]
            elif k == "light":
                cells.append(Cell(r.light_label, light=r.light))  # type: ignore[attr-defined]
            elif k == "reminders":
                cells.append(Cell(str(r.reminder_count)))  # type: ignore[attr-defined]
            elif k == "closed":
                cells.append(Cell(r.closed_on.isoformat() if r.closed_on else "—"))
        out.append((r, cells))
    return out


def ledger_page_rows(rows: list[LedgerRow]) -> list[LedgerRow]:
    """Fill in the page's columns from other tables, one query each for the page."""
    ids = [r.pk for r in rows]
    reminders = dict(Task.objects.filter(pk__in=ids).values_list("pk", "reminders"))
    lights = dict(Light.choices)
    for r in rows:
        r.reminder_count = reminders.get(r.pk, 0)  # type: ignore[attr-defined]
        r.status_label = STATUS_LABELS.get(r.status, r.status)  # type: ignore[attr-defined]
        r.light_label = lights.get(r.light, "")  # type: ignore[attr-defined]
    return rows


def matter_get(viewer: Person, pk: int) -> Matter | None:
    return visible(viewer, Matter.objects.filter(pk=pk)).select_related(
        "leader", "instruction", "merged_into", "registered_by").first()


def matter_tasks(matter: Matter) -> list[Task]:
    ct = ContentType.objects.get_for_model(Matter)
    return list(Task.objects.filter(subject_type=ct, subject_id=matter.pk, kind=TASK_KIND)
                .select_related("unit", "parent").order_by("parent_id", "position", "id"))


def task_timeline(task: Task) -> list[TaskEvent]:
    return list(TaskEvent.objects.filter(task=task).select_related("actor").order_by("at", "id"))


def task_reports(task: Task) -> list[TaskReport]:
    return list(TaskReport.objects.filter(task=task).select_related("author")
                .prefetch_related("files").order_by("created_at", "id"))


def task_get(viewer: Person, pk: int) -> Task | None:
    """A supervised task, when its matter is visible to ``viewer``."""
    task = Task.objects.filter(pk=pk, kind=TASK_KIND).select_related("unit").first()
    if task is None or matter_get(viewer, task.subject_id) is None:
        return None
    return task


def register(viewer: Person, *, flagged: bool = False, kind: str = "",
             leader: int | None = None) -> QuerySet[InstructionRecord]:
    """The 批示件 register: every instruction the viewer may see, newest first, with
    whether it has become a matter."""
    qs = visible(viewer, InstructionRecord.objects.all())
    if flagged:
        qs = qs.filter(flagged_at__isnull=False).exclude(Exists(Matter.objects.filter(instruction_id=OuterRef("pk"))))
    if kind in InstructionKind.values:
        qs = qs.filter(kind=kind)
    if leader:
        qs = qs.filter(leader_id=leader)
    return qs.select_related("leader", "incoming").annotate(
        matter_count=Count("matters", distinct=True)).order_by("-given_at", "-id")


def my_tasks(viewer: Person) -> QuerySet[LedgerRow]:
    """A unit contact's supervised tasks: open first, by due date."""
    units = contact_units(viewer)
    qs = visible(viewer, LedgerRow.objects.filter(unit_id__in=units))
    # Open (no closing date) first: PostgreSQL puts NULLs last in an ascending order.
    return qs.select_related("unit").order_by(F("closed_on").asc(nulls_first=True),
                                              F("due_date").asc(nulls_last=True), "task_id")


# --- statistics ----------------------------------------------------------------------

@dataclass
class UnitStats:
    unit_id: int
    name: str
    received: int = 0
    closed: int = 0
    on_time: int = 0
    overdue: int = 0
    late_days: float | None = None
    reminders: int = 0
    short: str = ""

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.closed, 1) if self.closed else None


@dataclass
class Stats:
    date_from: dt.date
    date_to: dt.date
    units: list[UnitStats] = field(default_factory=list)
    months: list[tuple[str, int, int]] = field(default_factory=list)  # (YYYY-MM, received, closed)

    @property
    def totals(self) -> UnitStats:
        t = UnitStats(0, "合计")
        for u in self.units:
            t.received += u.received
            t.closed += u.closed
            t.on_time += u.on_time
            t.overdue += u.overdue
            t.reminders += u.reminders
        return t


def stats(viewer: Person, date_from: dt.date, date_to: dt.date,
          today: dt.date | None = None) -> Stats:
    """Per unit, for tasks given in the period: received, closed, closed on time, overdue
    (open past due, or closed late), average working days late of those closed late,
    reminders received — over what the viewer may see."""
    today = today or timezone.localdate()
    rows = visible(viewer, LedgerRow.objects.filter(created_on__gte=date_from,
                                                    created_on__lte=date_to))
    late = Q(closed_on__isnull=False, due_date__isnull=False, closed_on__gt=F("due_date"))
    per_unit = (rows.values("unit_id", "unit__name", "unit__short_name", "unit__sort_order")
                .annotate(received=Count("pk"),
                          closed=Count("pk", filter=Q(status="done")),
                          on_time=Count("pk", filter=Q(status="done") & ~late),
                          overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today) | late),
                          reminders=Sum("task__reminders"))
                .order_by("unit__sort_order", "unit_id"))
    result = Stats(date_from, date_to)
    late_days = _late_workdays(rows.filter(late))
    for r in per_unit:
        days = late_days.get(r["unit_id"])
        result.units.append(UnitStats(
            unit_id=r["unit_id"], name=r["unit__name"], received=r["received"], closed=r["closed"],
            on_time=r["on_time"], overdue=r["overdue"], reminders=r["reminders"] or 0,
            late_days=round(sum(days) / len(days), 1) if days else None,
            short=r["unit__short_name"] or r["unit__name"]))
    months = (rows.annotate(m=TruncMonth("created_on")).values("m")
              .annotate(received=Count("pk"), closed=Count("pk", filter=Q(status="done")))
              .order_by("m"))
    result.months = [(m["m"].strftime("%Y-%m"), m["received"], m["closed"]) for m in months]
    return result


def _late_workdays(rows: QuerySet[LedgerRow]) -> dict[int, list[int]]:
    from zhongshu.kernel.calendar import WorkCalendar

    cal = WorkCalendar.load()
    out: dict[int, list[int]] = {}
    for unit_id, due, closed in rows.values_list("unit_id", "due_date", "closed_on").iterator():
        assert due is not None and closed is not None  # the late rows: both dates are set
        out.setdefault(unit_id, []).append(cal.workday_count(due, closed).days)
    return out


# --- the leader's view --------------------------------------------------------------

@dataclass
class LeaderView:
    instructions: list[InstructionRecord]
    red: list[LedgerRow]
    due_this_week: list[LedgerRow]
    counts: dict[str, int]
    progress: dict[int, dict[str, int]]


def leader_view(viewer: Person, today: dt.date | None = None) -> LeaderView:
    """The leader's own instructions and how each is going, what is red, what is due
    this week — only rows of his instructions."""
    today = today or timezone.localdate()
    rows = visible(viewer, LedgerRow.objects.filter(leader_id=viewer.pk))
    week_end = today + dt.timedelta(days=6 - today.weekday())
    red = list(rows.filter(light=Light.RED).select_related("unit").order_by("due_date")[:50])
    due = list(rows.filter(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=week_end)
               .select_related("unit").order_by("due_date")[:50])
    counts = {k: v for k, v in rows.filter(status__in=OPEN_STATUSES).values_list("light")
              .annotate(n=Count("pk")).order_by()}
    counts["done"] = rows.filter(status="done").count()
    instructions = list(visible(viewer, InstructionRecord.objects.filter(leader_id=viewer.pk))
                        .select_related("incoming").order_by("-given_at", "-id")[:30])
    progress: dict[int, dict[str, int]] = {}
    per = (rows.filter(matter__instruction_id__in=[i.pk for i in instructions])
           .values("matter__instruction_id", "status", "light").annotate(n=Count("pk")).order_by())
    for p in per:
        d = progress.setdefault(p["matter__instruction_id"], {"tasks": 0, "done": 0, "red": 0})
        d["tasks"] += p["n"]
        if p["status"] == "done":
            d["done"] += p["n"]
        if p["light"] == Light.RED:
            d["red"] += p["n"]
    return LeaderView(instructions, red, due, counts, progress)

