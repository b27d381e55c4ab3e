"""Reads of the audit trail, always through the policy's ``visible``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from zhongshu.access.classification import Level, clearance_covers
from zhongshu.access.policy import visible

from .models import AuditEvent

if TYPE_CHECKING:
    from zhongshu.org.models import Person


HIDDEN_REPR = "（密级高于本人涉密等级，不显示标题）"


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
        text = (Q(actor_name__icontains=f.q) | Q(on_behalf_of_name__icontains=f.q)
                | Q(object_repr__icontains=f.q) | Q(action__icontains=f.q))
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


def shown_repr(viewer: Person, event: AuditEvent) -> str:
    """The object's title, unless its level is above what the viewer may see: the
    auditor and the admins read the trail, not the business content."""
    if event.classification is not None and not clearance_covers(viewer, event.classification):
        return HIDDEN_REPR
    return event.object_repr


def level_label(value: int | None) -> str:
    return str(Level(value).label) if value is not None and value in Level.values else ""
