"""Reads of 收文. Lists and pages take the viewer and show only what they may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from zhongshu.access.policy import visible
from zhongshu.kernel import kept
from zhongshu.kernel.queries import Probe
from zhongshu.kernel.urgency import URGENCY_RANK
from zhongshu.workflow.inbox import held_q
from zhongshu.workflow.models import Task, TaskBatch, TaskExtension, TaskStatus

from .models import IncomingDocument, IncomingEvent, Status, TaskKind, task_kind_of


def _doc_ct() -> int:
    return ContentType.objects.get_for_model(IncomingDocument).pk


def tasks_of(doc: IncomingDocument | None = None) -> QuerySet[Task]:
    """The shared task model's tasks of 收文 (of one document): for this app's own reads,
    after it has decided the viewer may see the document."""
    qs = Task.objects.filter(subject_type_id=_doc_ct(), kind__startswith="incoming.")
    return qs.filter(subject_id=doc.pk) if doc is not None else qs


def extensions_of(doc: IncomingDocument) -> QuerySet[TaskExtension]:
    return (TaskExtension.objects.filter(task__subject_type_id=_doc_ct(), task__subject_id=doc.pk)
            .select_related("requested_by", "decided_by").order_by("-requested_at", "-id"))


def circulations_of(doc: IncomingDocument) -> QuerySet[TaskBatch]:
    return (TaskBatch.objects.filter(subject_type_id=_doc_ct(), subject_id=doc.pk,
                                     kind=TaskKind.READ.code)
            .select_related("started_by").order_by("started_at", "id"))


def receipts_for_sources(sources: Iterable[Model]) -> dict[tuple[int | None, int | None], IncomingDocument]:
    """The incoming item each delivered copy became, keyed by (content type id, object id),
    so the sender can show who has signed for it (``received_at``/``received_by``), who
    returned it (``status``/``return_reason``) and who has not yet. Receipt facts only:
    the caller shows them to people who may see the sending side."""
    sources = list(sources)
    if not sources:
        return {}
    q = Q()
    for model in {type(s) for s in sources}:
        ct = ContentType.objects.get_for_model(model)
        q |= Q(source_type=ct, source_id__in=[s.pk for s in sources if type(s) is model])
    rows = (IncomingDocument.objects.filter(q)
            .select_related("received_by", "recipient_unit")
            .only("pk", "source_type_id", "source_id", "status", "received_at", "received_by",
                  "recipient_unit", "receipt_number", "return_reason", "copy_number"))
    return {(r.source_type_id, r.source_id): r for r in rows}




# --- the register (收文登记簿) ------------------------------------------------------

@dataclass(frozen=True)
class RegisterFilter:
    q: str = ""
    status: str = ""
    doc_type: str = ""
    urgency: str = ""
    sender: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    sort: str = "-received"


# The register's sortable columns (a unique column ends every order, so pages never
# overlap). "-" sorts descending; urgency sorts by rank, 特急 first.
SORTS = {
    "received": ("created_at",),
    "number": ("receipt_year", "receipt_seq"),
    "deadline": ("deadline",),
    "status": ("status",),
    "urgency": ("urgency_rank",),
}
_URGENCY_RANK = Case(*[When(urgency=u, then=Value(r)) for u, r in URGENCY_RANK.items()],
                     default=Value(len(URGENCY_RANK)), output_field=IntegerField())


def _order(sort: str) -> list:
    desc, key = sort.startswith("-"), sort.lstrip("-")
    if key not in SORTS:
        desc, key = True, "received"
    cols = [_ordered(c, desc) for c in SORTS[key]]
    return [*cols, "-id" if desc else "id"]


# Columns that may be empty sort their empty rows last. The others are ordered plainly:
# "created_at DESC NULLS LAST" would not match the index (PostgreSQL does not reason
# from NOT NULL), and the register would sort every visible row for each page.
_NULLABLE = {"receipt_year", "receipt_seq", "deadline"}


def _ordered(column: str, desc: bool):
    if column not in _NULLABLE:
        return F(column).desc() if desc else F(column).asc()
    return F(column).desc(nulls_last=True) if desc else F(column).asc(nulls_last=True)


def register(viewer: Any, f: RegisterFilter) -> QuerySet[IncomingDocument]:
    """The documents ``viewer`` may see, filtered and sorted for the register."""
    qs = visible(viewer, IncomingDocument.objects.all()).select_related(
        "sender_unit", "recipient_unit", "handling_unit")
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(receipt_number__icontains=f.q)
                       | Q(doc_number__icontains=f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.doc_type:
        qs = qs.filter(doc_type=f.doc_type)
    if f.urgency:
        qs = qs.filter(urgency=f.urgency)
    if f.sender:
        qs = qs.filter(Q(sender_name__icontains=f.sender) | Q(sender_unit__name__icontains=f.sender))
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(f.date_from, dt.time.min, tz))
    if f.date_to:
        qs = qs.filter(created_at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1),
                                                          dt.time.min, tz))
    if f.overdue:
        qs = qs.filter(status=Status.HANDLING, deadline__lt=timezone.localdate())
    if f.sort.lstrip("-") == "urgency":
        qs = qs.annotate(urgency_rank=_URGENCY_RANK)
    return qs.order_by(*_order(f.sort))


class StepHolders(NamedTuple):
    """Who holds one open step of a document: ``names`` (all of them, or the first few
    when the caller asked for fewer) and how many hold it in all (``total``)."""

    label: str
    names: list[str]
    total: int


def open_tasks_by_document(doc_ids: Iterable[int], *, shown: int | None = None
                           ) -> dict[int, list[StepHolders]]:
    """Where each document is: for each, the open steps and who holds them (one query for
    a page of documents). With ``shown``, each step names only its first ``shown``
    holders and counts the rest in the database: an open office step is held by every
    secretary of the unit, a page of new documents by a thousand task rows."""
    grouped: dict[int, dict[str, StepHolders]] = {}
    labels = {kind.code: str(kind.label) for kind in TaskKind}  # each translated once
    step = [F("subject_id"), F("kind")]
    qs = (tasks_of().filter(subject_id__in=list(doc_ids), status=TaskStatus.OPEN)
          # a unit's task (协办) is held by the unit
          .annotate(holder=Coalesce("person__full_name", "unit__name"),
                    holders=Window(Count("id"), partition_by=step)))
    if shown is not None:
        qs = qs.annotate(rank=Window(RowNumber(), partition_by=step,
                                     order_by=[F("position").asc(), F("id").asc()])
                         ).filter(rank__lte=shown)
    for doc_id, kind, name, count in (qs.order_by("subject_id", "kind", "position", "id")
                                      .values_list("subject_id", "kind", "holder", "holders")):
        label = labels.get(kind, kind)
        steps = grouped.setdefault(doc_id, {})
        steps.setdefault(label, StepHolders(label, [], count)).names.append(name)
    return {d: list(steps.values()) for d, steps in grouped.items()}


@dataclass(frozen=True)
class RegisterRow:
    """One line of the 收文登记簿, on the page and in the API: the document, where it is
    (each open step with who holds it), who has not read it, and whether it is late."""

    doc: IncomingDocument
    holders: list[StepHolders]
    unread: list[str]
    overdue: bool


def register_rows(docs: Iterable[IncomingDocument], *, today: dt.date | None = None,
                  holders_shown: int | None = None) -> list[RegisterRow]:
    """The register's lines for a page of documents (two queries, whatever the page size);
    ``holders_shown`` as :func:`open_tasks_by_document`'s ``shown``."""
    docs = list(docs)
    ids = [d.pk for d in docs]
    holders = open_tasks_by_document(ids, shown=holders_shown)
    unread = unread_by_document(ids)
    today = today or timezone.localdate()
    return [RegisterRow(d, holders.get(d.pk, []), unread.get(d.pk, []),
                        bool(d.status == Status.HANDLING and d.deadline and d.deadline < today))
            for d in docs]


def unread_by_document(doc_ids: Iterable[int]) -> dict[int, list[str]]:
    """Who has not yet read each document in circulation (waiting or open)."""
    out: dict[int, list[str]] = {}
    for doc_id, name in (tasks_of().filter(
            subject_id__in=list(doc_ids), kind=TaskKind.READ.code,
            status__in=[TaskStatus.OPEN, TaskStatus.WAITING])
            .order_by("subject_id", "batch_id", "position").values_list(
                "subject_id", "person__full_name")):
        out.setdefault(doc_id, []).append(name)
    return out


def pending_receipts(viewer: Any) -> QuerySet[IncomingDocument]:
    """The viewer's 待签收 list."""
    ids = tasks_of().filter(person=viewer, kind=TaskKind.RECEIVE.code,
                            status=TaskStatus.OPEN).values("subject_id")
    return visible(viewer, IncomingDocument.objects.filter(pk__in=ids)).select_related(
        "sender_unit", "recipient_unit").order_by("-created_at", "-id")


def pending_count(viewer: Any) -> int:
    """How many wait in the viewer's 待签收 (the register's badge), kept until the next
    write (``kernel.kept``); the query is built only when it counts: building it costs a
    few milliseconds of need-to-know rules."""
    return kept.kept(kept.key("incoming-pending", viewer.pk), lambda: pending_receipts(viewer).count())


# --- one document --------------------------------------------------------------------

def document_get(viewer: Any, pk: int) -> IncomingDocument | None:
    """One document if ``viewer`` may see it; None for invisible and missing alike."""
    return visible(viewer, IncomingDocument.objects.select_related(
        "sender_unit", "recipient_unit", "handling_unit", "handler", "received_by",
        "instruct_leader")).filter(pk=pk).first()


@dataclass(frozen=True)
class ExtensionDecision:
    """An extension request waiting for the viewer's decision (his pending step on its
    approval route)."""

    extension: TaskExtension

    @property
    def extension_id(self) -> int:
        return self.extension.pk


def my_open_tasks(viewer: Any, doc: IncomingDocument) -> dict[str, Any]:
    """The viewer's open steps on the document, by step (``receive`` … ``read``), and
    ``extension`` when an extension request waits for his decision."""
    from zhongshu.workflow.selectors import pending_step_of

    tasks: dict[str, Any] = {}
    for t in tasks_of(doc).filter(held_q(viewer), status=TaskStatus.OPEN).order_by("-position", "-id"):
        kind = task_kind_of(t.kind)
        if kind is not None:
            tasks[kind.value] = t
    for ext in extensions_of(doc).filter(status="pending"):
        if pending_step_of(viewer, ext) is not None:
            tasks["extension"] = ExtensionDecision(ext)
    return tasks


def duration_text(td: dt.timedelta) -> str:
    """A span as the office says it: 2天3小时, 5小时12分钟, 3分钟, 不到1分钟."""
    minutes = int(td.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"
    return f"{mins}分钟" if mins else "不到1分钟"


@dataclass
class TimelineEntry:
    event: IncomingEvent
    took: dt.timedelta | None  # since the previous entry: how long that stage took

    @property
    def took_text(self) -> str:
        return duration_text(self.took) if self.took is not None else ""


def timeline(doc: IncomingDocument) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    previous = None
    for e in doc.events.select_related("actor").order_by("at", "id"):
        out.append(TimelineEntry(e, e.at - previous if previous else None))
        previous = e.at
    return out


def circulations(doc: IncomingDocument) -> list[tuple[TaskBatch, list[Task]]]:
    readers: dict[int, list[Task]] = {}
    for t in (tasks_of(doc).filter(kind=TaskKind.READ.code)
              .select_related("person").order_by("batch_id", "position")):
        readers.setdefault(t.batch_id, []).append(t)  # type: ignore[arg-type]
    return [(c, readers.get(c.pk, [])) for c in circulations_of(doc)]


def stage_durations(doc: IncomingDocument) -> list[tuple[str, str]]:
    """How long each finished step took, from its tasks (first given → done)."""
    rows: dict[str, tuple[dt.datetime, Any]] = {}
    for kind, created, done in (tasks_of(doc).filter(status=TaskStatus.DONE)
                                .exclude(kind=TaskKind.READ.code)
                                .values_list("kind", "created_at", "done_at")):
        start, end = rows.get(kind, (created, done))
        rows[kind] = (min(start, created), max(end, done))
    return [(str(k.label), duration_text(rows[k.code][1] - rows[k.code][0]))
            for k in TaskKind if k.code in rows]


# --- the route as a diagram ---------------------------------------------------------

@dataclass
class RouteStage:
    label: str
    state: str  # done / current / skipped / todo
    who: str = ""
    at: dt.datetime | None = None
    took: str = ""
    waiting_for: list[str] | None = None


# (label, the events that finish the stage, the status while the stage is open)
_STAGES = [
    ("签收登记", ("received", "registered"), Status.PENDING_RECEIPT),
    ("初审", ("accepted", "returned"), Status.INTAKE),
    ("拟办", ("proposed",), Status.PROPOSING),
    ("批示", ("instructed",), Status.INSTRUCTING),
    ("交办", ("assigned",), Status.ASSIGNING),
    ("办结", ("completed",), Status.HANDLING),
]
_ORDER: list[str] = [Status.PENDING_RECEIPT, Status.INTAKE, Status.PROPOSING, Status.INSTRUCTING,
          Status.ASSIGNING, Status.HANDLING, Status.COMPLETED]


def route(doc: IncomingDocument) -> list[RouteStage]:
    """The main path of the document, stage by stage: who finished each and when, how long
    it took, where it stands now and who it waits for."""
    events: dict[str, Any] = {}
    for e in doc.events.select_related("actor").order_by("at", "id"):
        events.setdefault(e.kind, e)
    holders = {h.label: h.names for h in open_tasks_by_document([doc.pk]).get(doc.pk, [])}
    position = _ORDER.index(doc.status) if doc.status in _ORDER else None
    previous = doc.created_at
    out = []
    for index, (label, kinds, open_status) in enumerate(_STAGES):
        event = next((events[k] for k in kinds if k in events), None)
        if event is not None:
            took = duration_text(event.at - previous) if previous else ""
            out.append(RouteStage(label if event.kind != "returned" else "初审（退回）", "done",
                                  str(event.actor or "系统"), event.at, took))
            previous = event.at
        elif doc.status == open_status:
            waiting = [n for k, names in holders.items() if k != "传阅" for n in names]
            out.append(RouteStage(label, "current", waiting_for=waiting))
        elif position is not None and position > index:
            out.append(RouteStage(label, "skipped"))
        else:
            out.append(RouteStage(label, "todo"))
    return out


# --- statistics ----------------------------------------------------------------------

@dataclass
class Waiting:
    """Where one open document waits: its oldest open task's stage, since when, until
    which deadline, and everyone holding a task of that kind now."""

    incoming: IncomingDocument
    stage: str
    since: dt.datetime
    deadline: dt.date | None
    holders: list[str]


def oldest_open(viewer: Any, *, year: int | None = None, limit: int = 10) -> list[Waiting]:
    """The ``limit`` visible documents whose current step has waited longest (being
    handled or circulated: any open task, 传阅 included), oldest first.

    Walks open tasks by ``activated_at`` through the (status, activated_at) index with
    ORDER BY … LIMIT, instead of ranking every document: open tasks are a small, recent
    part of the table, and the walk stops once ``limit`` documents are found."""
    docs = visible(viewer, IncomingDocument.objects.all())
    if year:
        docs = docs.filter(created_at__year=year)
    # Visibility is probed per open task (a few thousand) rather than as ``IN (visible
    # set)``, which the database would build in full first: 80,000 rows for a keeper.
    tasks = (tasks_of().filter(Probe(docs.filter(pk=OuterRef("subject_id"))),
                               status=TaskStatus.OPEN, activated_at__isnull=False)
             .order_by("activated_at", "id"))
    first = first_per_key(tasks, "subject_id", limit)
    if not first:
        return []
    titles = IncomingDocument.objects.in_bulk([t.subject_id for t in first])
    holders: dict[tuple[int, str], list[str]] = {}
    deadlines: dict[tuple[int, str], dt.date] = {}
    for doc_id, kind, name, deadline in (
            tasks_of().filter(subject_id__in=list(titles), status=TaskStatus.OPEN)
            .order_by("subject_id", "position", "id")
            .values_list("subject_id", "kind", Coalesce("person__full_name", "unit__name"), "due_date")):
        holders.setdefault((doc_id, kind), []).append(name)
        if deadline and ((doc_id, kind) not in deadlines or deadline < deadlines[(doc_id, kind)]):
            deadlines[(doc_id, kind)] = deadline

    def label(code: str) -> str:
        kind = task_kind_of(code)
        return str(kind.label) if kind else code

    return [Waiting(titles[t.subject_id], label(t.kind), t.activated_at,
                    deadlines.get((t.subject_id, t.kind)), holders.get((t.subject_id, t.kind), []))
            for t in first]


def first_per_key(rows: QuerySet, key: str, limit: int) -> list:
    """The first row of each of the first ``limit`` distinct ``key`` values of the ordered
    ``rows``, read in growing slices (one document may hold many open rows: a shared
    office step gives one to every secretary)."""
    found: dict[Any, Any] = {}
    offset, size = 0, limit * 4
    while len(found) < limit:
        chunk = list(rows[offset:offset + size])
        for row in chunk:
            found.setdefault(getattr(row, key), row)
            if len(found) == limit:
                break
        if len(chunk) < size:
            break
        offset, size = offset + size, size * 2
    return list(found.values())


# --- the handling slip (文件处理签) ------------------------------------------------------

def proposals(doc: IncomingDocument) -> list[IncomingEvent]:
    """The 拟办意见 given on the document, oldest first (shown above the 批示 box)."""
    return list(doc.events.filter(kind="proposed").select_related("actor").order_by("at", "id"))


def assists(doc: IncomingDocument) -> list[Task]:
    """The co-units' 协办 tasks (协办单位), in the order given."""
    return list(tasks_of(doc).filter(kind=TaskKind.ASSIST.code).select_related("unit", "done_by")
                .order_by("position", "id"))
