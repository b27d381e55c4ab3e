"""How a route reads on a page (issue 10 §11): what happened, not a row for everyone who
was asked and had nothing to do once a colleague had acted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

register = template.Library()

CLOSED = "closed"  # StepStatus.CLOSED: another holder of an any-one stage acted first
OPEN = ("waiting", "pending")


def _state(p: Any) -> str:
    return str(p.get("state", "") if isinstance(p, dict) else getattr(p, "status", ""))


@register.filter
def acted(people: Iterable[Any]) -> list[Any]:
    """The people of a stage who did something (or still have to): not the closed ones."""
    return [p for p in people if _state(p) != CLOSED]


@register.filter
def closed_count(people: Iterable[Any]) -> int:
    return sum(1 for p in people if _state(p) == CLOSED)


@register.filter
def open_people(people: Iterable[Any]) -> list[Any]:
    return [p for p in people if _state(p) in OPEN]
