"""The registration interface between the inbox and the apps that put work in it.

The inbox imports no app. Each app that has work waiting for people implements a
``Provider`` and registers it from its ``AppConfig.ready``::

    from zhongshu.inbox import registry
    registry.register(MyProvider())

This module imports nothing from any app (only the kernel's urgency vocabulary), so
registering costs an app no dependency on the inbox's models or views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.urgency import Urgency, urgency_rank

if TYPE_CHECKING:
    from zhongshu.org.models import Person



class Box(models.TextChoices):
    TODO = "todo", _("待办")
    TOREAD = "toread", _("待阅")


@dataclass(frozen=True)
class InboxItem:
    """One thing waiting for (or done by) one person.

    ``key`` is stable and unique across apps ("workflow.step:42"): reminders are sent
    once per person, item key, day and kind.
    """

    key: str
    kind: str
    kind_label: str
    box: str
    title: str
    url: str
    urgency: str = Urgency.NORMAL
    deadline: dt.date | None = None
    importance: int = 0
    created: dt.datetime | None = None
    done_at: dt.datetime | None = None

    def is_overdue(self, today: dt.date) -> bool:
        return self.deadline is not None and self.deadline < today

    def sort_key(self, today: dt.date) -> tuple[Any, ...]:
        """特急 > 加急 > 普通, then overdue first, then the nearest deadline, then the
        more important, then the oldest."""
        return (urgency_rank(self.urgency), 0 if self.is_overdue(today) else 1,
                self.deadline or dt.date.max, -self.importance,
                self.created.timestamp() if self.created else 0.0, self.key)


class Provider(Protocol):
    kind: str
    label: str

    def open_items(self, person: Person) -> Iterable[InboxItem]:
        """Everything waiting for ``person`` (待办 and 待阅), only what they may see."""

    def open_counts(self, person: Person) -> dict[str, int]:
        """``{Box.TODO: n, Box.TOREAD: m}`` cheaply, for the navigation."""

    def done_items(self, person: Person, box: str, *, limit: int) -> Iterable[InboxItem]:
        """At most ``limit`` items the person has finished in ``box`` (已办 / 已阅),
        newest first, with ``done_at`` set."""

    def due_items(self, *, until: dt.date) -> Iterable[tuple[Person, InboxItem]]:
        """(person, item) for every open item of anyone whose deadline is on or before
        ``until``: the reminder job's input."""

    # Optional:
    #   ``kinds() -> list[tuple[str, str]]``: the item kinds the provider's items carry,
    #     when it gives more than one (the routing engine: one per route purpose), for
    #     the inbox's filter;
    #   ``chase(today) -> int``: reminders by the provider's own rules (the task model's
    #     reminders as data), called by the daily reminder job; returns how many it sent;
    #   ``open_count_querysets(person) -> dict[str, list[QuerySet]]``: the querysets
    #     whose row counts add up to ``open_counts``, per box; the page shell then
    #     counts every provider and the unread notifications in one query;
    #   ``hidden_keys(person, keys) -> set[str]``: of the item keys given (a person's
    #     notifications), those whose item is now above the person's clearance: their
    #     notifications are shown without title or text (issue 11 §3).


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.kind] = provider


def unregister(kind: str) -> None:
    _providers.pop(kind, None)


def providers() -> list[Provider]:
    return list(_providers.values())


def hidden_keys(person: Any, keys: Iterable[str]) -> set[str]:
    """The keys whose item ``person`` may no longer read the title of, by any provider."""
    keys = list(keys)
    hidden: set[str] = set()
    for p in _providers.values():
        ask = getattr(p, "hidden_keys", None)
        if callable(ask) and keys:
            hidden |= set(ask(person, keys))
    return hidden


def provider_kinds(provider: Provider) -> list[tuple[str, str]]:
    """The item kinds ``provider`` declares with its optional ``kinds()``, if any."""
    listed = getattr(provider, "kinds", None)
    return list(listed()) if callable(listed) else []


def kinds() -> list[tuple[str, str]]:
    """Every item kind the inbox may be filtered by, once each, in registration order."""
    seen: dict[str, str] = {}
    for p in _providers.values():
        listed = provider_kinds(p) or [(p.kind, p.label)]
        for code, label in listed:
            seen.setdefault(code, str(label))
    return list(seen.items())
