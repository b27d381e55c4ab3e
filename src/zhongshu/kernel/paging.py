"""Pagination for registers that may hold millions of rows.

Django's ``Paginator`` counts every matching row before it shows the first page. On a
register filtered by need-to-know that count costs as much as reading the whole visible
set, on every request (docs/benchmarks/documents.md). ``CappedPaginator`` counts at most
``cap`` rows: beyond that the page says "more than N" and asks for a narrower filter,
as search engines and mail clients do. With ``kept_key`` (``kernel.kept.key``) the
count is kept until the next write to the office's records, so paging through a
register or coming back to it does not count again."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from . import kept

REGISTER_COUNT_CAP = 10_000


def capped_count(rows: Any, cap: int) -> int:
    """min(number of rows, cap + 1), without counting further than that.

    SELECT COUNT(*) FROM (… LIMIT cap + 1): the database stops after cap + 1 rows.
    Unordered: which rows are counted does not change the result, and an ORDER BY would
    make the database walk the list's order index past every row a narrow filter rejects
    instead of using the filter's own index."""
    if hasattr(rows, "count") and hasattr(rows, "query"):
        return int(rows.order_by()[: cap + 1].count())
    return min(len(rows), cap + 1)


class CappedPaginator(Paginator[Any]):
    def __init__(self, object_list: Any, per_page: int | str, *, cap: int | None = None,
                 kept_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = REGISTER_COUNT_CAP if cap is None else cap
        self.kept_key = kept_key

    @cached_property
    def _capped_count(self) -> int:
        if self.kept_key is None:
            return capped_count(self.object_list, self.cap)
        return kept.kept(f"{self.kept_key}:cap{self.cap}",
                         lambda: capped_count(self.object_list, self.cap))

    @cached_property
    def count(self) -> int:
        return min(self._capped_count, self.cap)

    @property
    def capped(self) -> bool:
        """True when there are more rows than were counted: only the first ``cap``
        can be paged through."""
        return self._capped_count > self.cap
