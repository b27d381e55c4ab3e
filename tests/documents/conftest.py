"""An organ issuing documents: a drafting department, the office's secretaries, a
leader who signs off, a unit that countersigns, and two recipient units."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.factories import PersonFactory, UnitFactory
from zhongshu.org.models import Clearance, RoleCode, UnitKind

R = RoleCode


def build_office() -> SimpleNamespace:
    w = SimpleNamespace()
    w.organ = UnitFactory(name="示例市委办公室", kind=UnitKind.ORGAN, issuer_code="示委办发")
    w.dept = UnitFactory(name="综合处", kind=UnitKind.DEPARTMENT, parent=w.organ)
    w.policy = UnitFactory(name="政研室", kind=UnitKind.DEPARTMENT, parent=w.organ)
    w.county = UnitFactory(name="示例县委办公室", kind=UnitKind.SUBORDINATE, parent=w.organ)
    w.bureau = UnitFactory(name="示例市财政局", kind=UnitKind.SUBORDINATE, parent=w.organ)
    w.leader = PersonFactory(username="leader", full_name="王书记", unit=w.organ, roles=[R.LEADER],
                             clearance=Clearance.CORE)
    w.other_leader = PersonFactory(username="leader2", full_name="赵副书记", unit=w.organ,
                                   roles=[R.LEADER], clearance=Clearance.CORE)
    w.secretary = PersonFactory(username="secretary", full_name="李秘书", unit=w.organ,
                                roles=[R.SECRETARY], clearance=Clearance.IMPORTANT)
    w.head = PersonFactory(username="head", full_name="张处长", unit=w.dept, clearance=Clearance.IMPORTANT)
    w.drafter = PersonFactory(username="drafter", full_name="陈科员", unit=w.dept, clearance=Clearance.IMPORTANT)
    w.colleague = PersonFactory(username="colleague", full_name="周科员", unit=w.dept,
                                clearance=Clearance.IMPORTANT)
    w.policy_head = PersonFactory(username="policyhead", full_name="刘主任", unit=w.policy,
                                  clearance=Clearance.IMPORTANT)
    w.county_secretary = PersonFactory(username="countysec", full_name="县办秘书", unit=w.county,
                                       roles=[R.SECRETARY], clearance=Clearance.IMPORTANT)
    w.county_head = PersonFactory(username="countyhead", full_name="县办主任", unit=w.county,
                                  clearance=Clearance.IMPORTANT)
    w.bureau_head = PersonFactory(username="bureauhead", full_name="局办主任", unit=w.bureau,
                                  roles=[R.SECRETARY], clearance=Clearance.IMPORTANT)
    w.outsider = PersonFactory(username="outsider", full_name="无关人员", unit=w.bureau,
                               clearance=Clearance.CORE)
    w.organ.leader_in_charge = w.leader
    w.organ.head = w.leader
    w.organ.save()
    w.dept.head = w.head
    w.dept.save()
    w.policy.head = w.policy_head
    w.policy.save()
    w.county.head = w.county_head
    w.county.save()
    w.bureau.head = w.bureau_head
    w.bureau.save()
    return w


@pytest.fixture
def office(db):
    return build_office()


def notice_spec(title: str = "关于做好年终工作的通知", **extra) -> dict:
    spec = {
        "title": title, "main_recipients": "各县委办公室，市直各单位",
        "body": [{"type": "paragraph", "text": "为做好年终各项工作，现就有关事项通知如下。"},
                 {"type": "heading", "level": 1, "text": "提高认识"},
                 {"type": "paragraph", "text": "各单位要高度重视，认真抓好落实。"},
                 {"type": "table", "rows": [["单位", "完成时间"], ["县委办", "12月31日"]], "header": True}],
        "signature": ["示例市委办公室"], "seal": True,
    }
    spec.update(extra)
    return spec
