"""A small office for 督查督办's tests: the supervision office, a leader, a lead unit and
a co-unit (each with its head and liaison officer), and an unrelated unit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import PersonFactory, UnitFactory
from zhongshu.org.models import Clearance, Person, RoleCode, Unit, UnitKind

R = RoleCode


@dataclass
class Office:
    officer: Person
    leader: Person
    lead: Unit
    lead_head: Person
    lead_liaison: Person
    co: Unit
    co_liaison: Person
    other: Unit
    other_liaison: Person
    director: Person
    lead_leader: Person


def _unit(name: str, code: str, **kw) -> Unit:
    return UnitFactory(name=name, code=code, kind=UnitKind.SUBORDINATE, **kw)


@pytest.fixture
def office(db) -> Office:
    dc = UnitFactory(name="督查室", code="T-DC", kind=UnitKind.DEPARTMENT)
    officer = PersonFactory(username="ducha", full_name="吴督查", unit=dc,
                            roles=[R.SUPERVISION_OFFICER], clearance=Clearance.IMPORTANT)
    director = PersonFactory(username="zhuren", full_name="周主任", unit=dc,
                             roles=[R.OFFICE_DIRECTOR], clearance=Clearance.IMPORTANT)
    committee = UnitFactory(name="市委", code="T-SW", kind=UnitKind.ORGAN)
    leader = PersonFactory(username="shuji", full_name="陈书记", unit=committee,
                           roles=[R.LEADER], clearance=Clearance.CORE)
    lead_leader = PersonFactory(username="fenguan", full_name="杨分管", unit=committee,
                                roles=[R.LEADER], clearance=Clearance.CORE)
    units = []
    for name, code in (("东城区委", "T-DCQ"), ("西城区委", "T-XCQ"), ("南湖区委", "T-NHQ")):
        unit = _unit(name, code, leader_in_charge=lead_leader)
        head = PersonFactory(full_name=f"{name}书记", unit=unit, clearance=Clearance.IMPORTANT)
        liaison = PersonFactory(full_name=f"{name}联络员", unit=unit, roles=[R.LIAISON_OFFICER],
                                clearance=Clearance.GENERAL)
        unit.head = head
        unit.save()
        units.append((unit, head, liaison))
    (lead, lead_head, lead_liaison), (co, _, co_liaison), (other, _, other_liaison) = units
    return Office(officer=officer, leader=leader, lead=lead, lead_head=lead_head,
                  lead_liaison=lead_liaison, co=co, co_liaison=co_liaison, other=other,
                  other_liaison=other_liaison, director=director, lead_leader=lead_leader)


def open_matter(office: Office, *, title: str = "推进老旧小区改造", due_date=None, due_workdays=None,
                today=None, report_every=None, classification: int = 1, secrecy_years=None, **kw):
    from zhongshu.supervision import services

    matter = services.matter_open(actor=office.officer, source="office", title=title,
                                  requirement="年底前完成改造任务。", leader=office.leader,
                                  classification=classification, secrecy_years=secrecy_years, **kw)
    tasks = services.task_give(actor=office.officer, matter=matter, lead=office.lead,
                               co_units=[office.co], due_date=due_date,
                               due_workdays=due_workdays, today=today, report_every=report_every)
    return matter, tasks


