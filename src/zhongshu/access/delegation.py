"""Delegation lookups: is there an active delegation from a leader to this person for
this action right now? Which actions may be delegated is declared in ``policy``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .models import Delegation

if TYPE_CHECKING:
    from zhongshu.org.models import Person



def active_delegations(*, delegate: Person, delegator: Person | None = None,
                       at: dt.datetime | None = None) -> QuerySet[Delegation]:
    now = at or timezone.now()
    qs = Delegation.objects.filter(delegate_id=delegate.pk, revoked_at__isnull=True,
                                   starts_at__lte=now, ends_at__gt=now)
    if delegator is not None:
        qs = qs.filter(delegator_id=delegator.pk)
    return qs.select_related("delegator")


def active_delegation(*, delegate: Person, delegator: Person, action: str,
                      at: dt.datetime | None = None) -> Delegation | None:
    # Few rows per pair; the action list is checked here rather than with a JSON
    # containment lookup, which SQLite does not offer.
    for delegation in active_delegations(delegate=delegate, delegator=delegator, at=at):
        if str(action) in delegation.actions:
            return delegation
    return None


def has_received_delegation(person: Person) -> bool:
    """Whether the person acts for a leader now (the navigation shows his delegations)."""
    return active_delegations(delegate=person).exists()
