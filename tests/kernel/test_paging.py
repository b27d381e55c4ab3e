"""The registers' paginator counts at most ``cap`` rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhongshu.kernel.paging import CappedPaginator
from zhongshu.org.models import Unit


@pytest.fixture
def units(db):
    return Unit.objects.bulk_create([Unit(name=f"单位{i:02d}", code=f"P{i:02d}", kind="department") for i in range(25)])


def test_below_the_cap_counts_exactly(units):
    p = CappedPaginator(Unit.objects.filter(code__startswith="P").order_by("code"), 10, cap=100)
    assert p.count == 25 and p.num_pages == 3 and not p.capped
    assert [u.code for u in p.page(3).object_list] == ["P20", "P21", "P22", "P23", "P24"]


def test_above_the_cap_stops_counting(units):
    qs = Unit.objects.filter(code__startswith="P").order_by("code")
    p = CappedPaginator(qs, 5, cap=12)
    with CaptureQueriesContext(connection) as queries:
        assert p.count == 12
    assert p.capped and p.num_pages == 3
    # One COUNT over a LIMITed subquery, not a count of every row.
    sql = queries[0]["sql"].upper()
    assert len(queries) == 1 and "LIMIT" in sql and "ORDER BY" not in sql


def test_exactly_the_cap_is_not_capped(units):
    p = CappedPaginator(Unit.objects.filter(code__startswith="P"), 5, cap=25)
    assert p.count == 25 and not p.capped


def test_lists_are_capped_too():
    p = CappedPaginator(list(range(30)), 10, cap=20)
    assert p.count == 20 and p.capped and p.num_pages == 2
