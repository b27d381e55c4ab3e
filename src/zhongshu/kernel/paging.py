"""Pagination for registers that may hold millions of rows.

Django's ``Paginator`` counts every matching row before it shows the first page. On a
register filtered by need-to-know that count costs as much as reading the whole visible
set, on every request (docs/benchmarks/documents.md). ``CappedPaginator`` counts at most
``cap`` rows: beyond that the page says "more than N" and asks for a narrower filter,
as search engines and mail clients do. It counts at first only ``step`` rows (1,000:
34 pages of 30) and further, a step at a time up to ``cap``, when a page beyond them is
asked for: a count is most of what a register costs when it is not kept (after each
write, decision 1330), and the first pages are what the office reads. With ``kept_key`` (``kernel.kept.key``) the
count is kept until the next write to the office's records, so paging through a
register or coming back to it does not count again."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import kept

REGISTER_COUNT_CAP = 10_000  # the furthest a register counts
REGISTER_COUNT_STEP = 1_000  # how far it counts for its first pages


def capped_count(rows: Any, cap: int) -> int:
    """min(number of rows, cap + 1), without counting further than that.

    SELECT COUNT(*) FROM (… LIMIT cap + 1): the database stops after cap + 1 rows.
    Unordered: which rows are counted does not change the result, and an ORDER BY would
    make the database walk the list's order index past every row a narrow filter rejects
    instead of using the filter's own index."""
    if hasattr(rows, "count") and hasattr(rows, "query"):
        return int(rows.order_by()[: cap + 1].count())
    return min(len(rows), cap + 1)


def api_total(rows: Any) -> dict[str, Any]:
    """The API's total of a list: at most ``REGISTER_COUNT_CAP`` rows at once (its clients
    page by offset up to the cap), ``capped`` when there are more."""
    n = capped_count(rows, REGISTER_COUNT_CAP)
    return {"count": min(n, REGISTER_COUNT_CAP), "capped": n > REGISTER_COUNT_CAP}


class CappedPaginator(Paginator[Any]):
    def __init__(self, object_list: Any, per_page: int | str, *, cap: int | None = None,
                 step: int | None = None, kept_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = REGISTER_COUNT_CAP if cap is None else cap
        self.reach = min(self.cap, REGISTER_COUNT_STEP if step is None else step)
        self.step = self.reach
        self.kept_key = kept_key

    def validate_number(self, number: Any) -> int:
        """Count far enough for the page asked for (a step past its last row, up to the
        cap) before Django checks that the page exists."""
        try:
            wanted = int(number) * int(self.per_page)
        except (TypeError, ValueError, OverflowError):
            wanted = 0
        reach = min(self.cap, (wanted // self.step + 1) * self.step) if self.step > 0 else self.cap
        if reach > self.reach:
            self.reach = reach
            for name in ("_capped_count", "count", "num_pages"):
                self.__dict__.pop(name, None)
        return super().validate_number(number)

    @cached_property
    def _capped_count(self) -> int:
        if self.kept_key is None:
            return capped_count(self.object_list, self.reach)
        return kept.kept(f"{self.kept_key}:cap{self.reach}",
                         lambda: capped_count(self.object_list, self.reach))

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.reach)

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted: only the first ``reach``
        can be paged through until a later page is asked for."""
        return self._capped_count > self.reach
