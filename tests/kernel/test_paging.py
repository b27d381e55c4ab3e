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


def test_the_first_pages_count_a_step_and_later_pages_count_further(units):
    qs = Unit.objects.filter(code__startswith="P").order_by("code")
    p = CappedPaginator(qs, 5, cap=20, step=8)
    page = p.get_page(1)
    assert (p.count, p.capped, p.num_pages) == (8, True, 2)
    assert len(page.object_list) == 5
    # The last counted page asks for rows past the step: the count goes a step further.
    page = p.get_page(2)
    assert (p.count, p.capped, p.num_pages) == (16, True, 4)
    assert [u.code for u in page.object_list] == ["P05", "P06", "P07", "P08", "P09"]
    # Never past the cap, however far the page number.
    p = CappedPaginator(qs, 5, cap=20, step=8)
    page = p.get_page(999)
    assert (p.count, p.capped, page.number) == (20, True, 4)
    p = CappedPaginator(qs, 5, cap=100, step=8)
    assert p.get_page(4).number == 4 and (p.count, p.capped) == (24, True)
    assert p.get_page(6).number == 5 and (p.count, p.capped) == (25, False)


def test_a_bad_page_number_is_the_first_or_the_last_page(units):
    qs = Unit.objects.filter(code__startswith="P").order_by("code")
    # Not a number: the first page. Below 1: the last counted page (Django's get_page),
    # which counts a step further. A huge number: a far page, counted up to the cap.
    for number, (count, shown) in {"abc": (8, 1), None: (8, 1), "-3": (16, 2),
                                   "9" * 400: (20, 4)}.items():
        p = CappedPaginator(qs, 5, cap=20, step=8)
        assert (p.count if p.get_page(number).number == shown else None) == count, number
