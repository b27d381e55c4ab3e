"""Reads of the audit trail, always through the policy's ``visible``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhongshu.access.classification import Level, clearance_covers, highest_level
from zhongshu.access.policy import visible

from .models import AuditEvent

if TYPE_CHECKING:
    from zhongshu.org.models import Person


HIDDEN_REPR = "（密级高于本人涉密等级，不显示标题）"
HIDDEN_TEXT = "（不显示）"
# Objects whose name is an item's title though they have no level of their own. Their
# events carry the item's level since issue 11 §7; one recorded before (no level) is
# masked for everyone rather than guessed.
TITLED_WITHOUT_LEVEL = frozenset({"workflow.route", "workflow.step", "workflow.opinion",
                                  "workflow.task", "inbox.notification"})
# Keys of event details that may hold an item's words (a title, a file name, an
# opinion): masked with the title. Ids, numbers, levels and changes of state stay.
TEXT_KEYS = frozenset({"title", "name", "names", "subject_title", "text", "opinion", "summary",
                       "comment", "body", "units", "reason", "note", "old_title", "new_title"})


@dataclass
class EventFilter:
    q: str = ""
    action: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def events(viewer: Person, f: EventFilter) -> QuerySet[AuditEvent]:
    qs = visible(viewer, AuditEvent.objects.all())
    if f.q:
        # A title is searched only where the viewer may read it: otherwise the search
        # itself would tell which masked event bears the words typed.
        text = (Q(actor_name__icontains=f.q) | Q(on_behalf_of_name__icontains=f.q)
                | (Q(object_repr__icontains=f.q) & readable_q(viewer)) | Q(action__icontains=f.q))
        if _looks_like_ip(f.q):
            text |= Q(ip_address__startswith=f.q)
        qs = qs.filter(text)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    tz = timezone.get_current_timezone()
    if f.date_from:
        qs = qs.filter(occurred_at__gte=dt.datetime.combine(f.date_from, dt.time.min, tzinfo=tz))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1),
                                                           dt.time.min, tzinfo=tz))
    return qs.order_by("-seq")


def _looks_like_ip(text: str) -> bool:
    return all(ch in "0123456789abcdefABCDEF.:" for ch in text)


def readable_q(viewer: Person) -> Q:
    """Events whose title the viewer may read (the SQL twin of ``title_hidden``)."""
    return (Q(classification__lte=highest_level(viewer))
            | (Q(classification__isnull=True) & ~Q(object_type__in=TITLED_WITHOUT_LEVEL)))


def title_hidden(viewer: Person, event: AuditEvent) -> bool:
    if event.classification is None:
        return event.object_type in TITLED_WITHOUT_LEVEL
    return not clearance_covers(viewer, event.classification)


def shown_repr(viewer: Person, event: AuditEvent) -> str:
    """The object's title, unless its level is above what the viewer may see: the
    auditor and the admins read the trail, not the business content."""
    return HIDDEN_REPR if title_hidden(viewer, event) else event.object_repr


def _masked(value: Any, hide: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: _masked(v, hide or k in TEXT_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, hide) for v in value]
    if hide and isinstance(value, str) and value:
        return HIDDEN_TEXT
    return value


def shown_details(viewer: Person, event: AuditEvent) -> dict[str, Any]:
    """The event's details, with the words of an item above the viewer's clearance
    (titles, file names, opinions, reasons) masked as its title is."""
    if not title_hidden(viewer, event):
        return dict(event.details)
    masked: dict[str, Any] = _masked(event.details)
    return masked


def level_label(value: int | None) -> str:
    return str(Level(value).label) if value is not None and value in Level.values else ""
