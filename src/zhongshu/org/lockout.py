"""Sign-in lockouts (django-axes), seen and lifted by the system administrator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from zhongshu.access.policy import Action, can
from zhongshu.audit import services as audit

from .events import OrgEvent
from .models import Person


def _cooloff() -> dt.timedelta:
    value = axes_settings.AXES_COOLOFF_TIME
    return value if isinstance(value, dt.timedelta) else dt.timedelta(hours=float(value))


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """django-axes asks this for the failures that lock ``request``'s username from its
    address (``AXES_LOCKOUT_PARAMETERS``). When the address itself has failed too often,
    whatever the account names tried, 0: everything from it is refused until the
    cool-off ends."""
    ip = getattr(request, "axes_ip_address", None)
    if ip and address_failures(ip) >= settings.LOCKOUT_ADDRESS_FAILURES:
        return 0
    return settings.LOCKOUT_FAILURES


def address_failures(ip: str) -> int:
    return AccessAttempt.objects.filter(
        ip_address=ip, attempt_time__gte=timezone.now() - _cooloff(),
    ).aggregate(total=Sum("failures_since_start"))["total"] or 0


def _locking_attempts() -> QuerySet[AccessAttempt]:
    attempts: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.LOCKOUT_FAILURES,
        attempt_time__gte=timezone.now() - _cooloff(),
    )
    return attempts


def locked_usernames() -> list[str]:
    """Accounts locked now: few, so the person list can filter by them directly."""
    return list(_locking_attempts().values_list("username", flat=True).distinct())


def locked_until(usernames: Iterable[str]) -> dict[str, dt.datetime]:
    """For each account among ``usernames`` locked from some address, when its last
    lock ends (it can still sign in from an address that has not failed)."""
    attempts = _locking_attempts().filter(username__in=list(usernames)).values_list(
        "username", "attempt_time")
    result: dict[str, dt.datetime] = {}
    for username, attempt_time in attempts:
        until = attempt_time + _cooloff()
        if username not in result or until > result[username]:
            result[username] = until
    return result


def failures(username: str) -> int:
    return sum(AccessAttempt.objects.filter(username=username)
               .values_list("failures_since_start", flat=True))


@transaction.atomic
def account_unlock(*, actor: Person, person: Person) -> None:
    if not can(actor, Action.ACCOUNT_UNLOCK):
        raise PermissionDenied
    reset(username=person.username)
    audit.record(actor=actor, action=OrgEvent.ACCOUNT_UNLOCK, obj=person)
