"""Reads of the term list."""

from __future__ import annotations

from django.db import DatabaseError
from django.db.models import Q, QuerySet

from .models import ProofreadTerm
from .terms import DEFAULT_TERMS, Term


def active_terms() -> list[Term]:
    """The active term list as the engine takes it, read once per call."""
    rows = ProofreadTerm.objects.filter(active=True).values_list(
        "term", "replacement", "note", "severity")
    return [Term(*row) for row in rows]


def active_terms_or_default() -> tuple[list[Term], bool]:
    """For the command line: the database list, or the built-in one when there is no
    database yet (then the flag is False so the caller can say so)."""
    try:
        return active_terms(), True
    except DatabaseError:
        return list(DEFAULT_TERMS), False


def term_search(q: str = "", *, include_inactive: bool = True) -> QuerySet[ProofreadTerm]:
    qs = ProofreadTerm.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    if q:
        qs = qs.filter(Q(term__icontains=q) | Q(replacement__icontains=q) | Q(note__icontains=q))
    return qs.order_by("-active", "term")
