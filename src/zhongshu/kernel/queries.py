"""Query pieces with no business rules in them."""

from __future__ import annotations

from django.db.models import Exists


class Probe(Exists):
    """``EXISTS (…)`` tested row by row as the outer query walks its index.

    For an EXISTS that correlates by equality PostgreSQL also plans a "hashed SubPlan"
    (the whole set of matching ids, built before the first row) and picks it whenever
    the outer relation is large, ignoring the LIMIT above: for a register keeper on
    161,000 steps that is ~0.6 s before the first page row (decision 0901). ``OFFSET 0``
    is the documented way to keep the planner from rewriting a subquery: the probe
    stays a per-row index lookup. SQLite evaluates correlated EXISTS row by row anyway.

    The template relies on Django ending an EXISTS subquery with ``LIMIT 1`` (SQLite
    accepts ``OFFSET`` only after a ``LIMIT``); tests/kernel/test_queries.py checks it.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"
