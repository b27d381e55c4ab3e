"""Sign-in lockouts (django-axes), seen and lifted by the system administrator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from axes.utils import reset
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhongshu.access.policy import Action, can
from zhongshu.audit import services as audit
from zhongshu.audit.events import Event

from .models import Person


def _cooloff() -> dt.timedelta:
    value = axes_settings.AXES_COOLOFF_TIME
    return value if isinstance(value, dt.timedelta) else dt.timedelta(hours=float(value))


def _locking_attempts():
    return AccessAttempt.objects.filter(
        failures_since_start__gte=axes_settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - _cooloff(),
    )


def locked_usernames() -> list[str]:
    """Accounts locked now: few, so the person list can filter by them directly."""
    return list(_locking_attempts().values_list("username", flat=True).distinct())


def locked_until(usernames: Iterable[str]) -> dict[str, dt.datetime]:
    """For each locked account among ``usernames``, when its lock ends."""
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
    audit.record(actor=actor, action=Event.ACCOUNT_UNLOCK, obj=person)
