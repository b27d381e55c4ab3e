"""A small organisation for 收文: a committee with its office (a secretary, a confidential
clerk, the director), two leaders, a handling department and a subordinate unit."""

from types import SimpleNamespace

import pytest
from django.db import connection

from tests.factories import PersonFactory, UnitFactory
from tests.workflow_sample.models import Memo
from zhongshu.org.models import Clearance, RoleCode, UnitKind

R = RoleCode


@pytest.fixture(autouse=True)
def _postgres_only(request):
    marker = request.node.get_closest_marker("postgres_only")
    if marker and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so requests cannot overlap")


def build_org() -> SimpleNamespace:
    w = SimpleNamespace()
    w.committee = UnitFactory(name="测试市委", kind=UnitKind.ORGAN)
    w.office = UnitFactory(name="测试市委办公室", kind=UnitKind.ORGAN, parent=w.committee)
    w.ms1 = UnitFactory(name="秘书处", kind=UnitKind.DEPARTMENT, parent=w.office)
    w.jy = UnitFactory(name="机要室", kind=UnitKind.DEPARTMENT, parent=w.office)
    w.dept = UnitFactory(name="督查处", kind=UnitKind.DEPARTMENT, parent=w.office)
    w.sub = UnitFactory(name="测试区委", kind=UnitKind.SUBORDINATE, parent=w.committee)
    w.external = UnitFactory(name="省委办公厅", kind=UnitKind.EXTERNAL)
    w.secretary = PersonFactory(full_name="秘书甲", unit=w.ms1, roles=[R.SECRETARY],
                                clearance=Clearance.IMPORTANT)
    w.clerk = PersonFactory(full_name="机要员乙", unit=w.jy, roles=[R.CONFIDENTIAL_CLERK],
                            clearance=Clearance.CORE)
    w.director = PersonFactory(full_name="主任丙", unit=w.office, roles=[R.OFFICE_DIRECTOR],
                               clearance=Clearance.CORE)
    w.leader = PersonFactory(full_name="书记丁", unit=w.committee, roles=[R.LEADER],
                             clearance=Clearance.CORE)
    w.leader2 = PersonFactory(full_name="副书记戊", unit=w.committee, roles=[R.LEADER],
                              clearance=Clearance.CORE)
    w.handler = PersonFactory(full_name="处长己", unit=w.dept, clearance=Clearance.IMPORTANT)
    w.dept.head = w.handler
    w.dept.save()
    w.sub_head = PersonFactory(full_name="区委负责人庚", unit=w.sub, clearance=Clearance.IMPORTANT)
    w.liaison = PersonFactory(full_name="联络员辛", unit=w.sub, roles=[R.LIAISON_OFFICER],
                              clearance=Clearance.GENERAL)
    w.sub.head = w.sub_head
    w.sub.save()
    w.outsider = PersonFactory(full_name="无关人员壬", unit=w.dept, clearance=Clearance.CORE)
    w.outsider_unit = UnitFactory(name="其他单位", kind=UnitKind.SUBORDINATE)
    w.outsider.unit = w.outsider_unit
    w.outsider.save()
    return w


@pytest.fixture
def org(db):
    return build_org()


@pytest.fixture
def memo(org):
    """A stand-in for the outgoing side's delivery row."""
    return Memo.objects.create(title="送达记录", owner=org.leader)
