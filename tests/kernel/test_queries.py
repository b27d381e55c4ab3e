"""kernel.queries.Probe: an EXISTS the planner keeps as a per-row probe."""

from django.db.models import OuterRef

from zhongshu.kernel.queries import Probe
from zhongshu.org.models import Person, Unit


def test_a_probe_filters_like_exists_and_ends_limit_1_offset_0(db):
    with_people = Unit.objects.create(name="有人的处", code="Q1", kind="department")
    Unit.objects.create(name="空的处", code="Q2", kind="department")
    Person.objects.create(username="probe1", full_name="测试员", unit=with_people)
    qs = Unit.objects.filter(Probe(Person.objects.filter(unit_id=OuterRef("pk"))), code__startswith="Q")
    # Django ends an EXISTS subquery with LIMIT 1; the template appends OFFSET 0 to it,
    # which both databases accept only in that order.
    assert "LIMIT 1 OFFSET 0)" in str(qs.query)
    assert list(qs.values_list("code", flat=True)) == ["Q1"]
