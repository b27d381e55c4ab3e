"""A committee's office with a supervision office (two officers, a director in charge),
two districts, three bureaus that inspect them, and an outsider."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.factories import PersonFactory, UnitFactory
from zhongshu.inspections import services
from zhongshu.inspections.models import InspectionPlan, PlanForm
from zhongshu.org.models import Person, RoleCode, Unit, UnitKind

R = RoleCode


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.committee = UnitFactory(name="示例市委", kind=UnitKind.ORGAN, sort_order=1)
    w.office = UnitFactory(name="市委办公室", kind=UnitKind.ORGAN, parent=w.committee, sort_order=2)
    w.ducha = UnitFactory(name="督查室", kind=UnitKind.DEPARTMENT, parent=w.office, sort_order=3)
    w.dongcheng = UnitFactory(name="东城区委", kind=UnitKind.SUBORDINATE, parent=w.committee, sort_order=10)
    w.xicheng = UnitFactory(name="西城区委", kind=UnitKind.SUBORDINATE, parent=w.committee, sort_order=11)
    w.emergency = UnitFactory(name="市应急管理局", kind=UnitKind.SUBORDINATE, parent=w.committee, sort_order=20)
    w.housing = UnitFactory(name="市住房城乡建设局", kind=UnitKind.SUBORDINATE, parent=w.committee, sort_order=21)
    w.commerce = UnitFactory(name="市商务局", kind=UnitKind.SUBORDINATE, parent=w.committee, sort_order=22)
    w.director = PersonFactory(username="zhuren", full_name="周主任", unit=w.office,
                               roles=[R.OFFICE_DIRECTOR])
    w.officer = PersonFactory(username="ducha", full_name="吴督查", unit=w.ducha,
                              roles=[R.SUPERVISION_OFFICER])
    w.officer2 = PersonFactory(username="ducha2", full_name="钱督查", unit=w.ducha,
                               roles=[R.SUPERVISION_OFFICER])
    w.leader = PersonFactory(username="shuji", full_name="陈书记", unit=w.committee, roles=[R.LEADER])
    w.ducha.head = w.officer
    w.ducha.leader_in_charge = w.director
    w.ducha.save()
    w.em_clerk = PersonFactory(username="yingji", full_name="应急局联络员", unit=w.emergency,
                               roles=[R.LIAISON_OFFICER])
    w.housing_clerk = PersonFactory(username="zhujian", full_name="住建局联络员", unit=w.housing,
                                    roles=[R.LIAISON_OFFICER])
    w.commerce_clerk = PersonFactory(username="shangwu", full_name="商务局联络员", unit=w.commerce)
    w.district_staff = PersonFactory(username="dongcheng", full_name="东城区委联络员", unit=w.dongcheng,
                                     roles=[R.LIAISON_OFFICER])
    w.outsider = PersonFactory(username="outsider", full_name="无关人员", unit=w.xicheng)
    w.sysadmin = PersonFactory(username="sysadmin", full_name="系统管理员", unit=w.office,
                               roles=[R.SYSTEM_ADMIN])
    return w


@pytest.fixture
def w(db) -> SimpleNamespace:
    return build_world()


def make_plan(actor: Person, organiser: Unit, topic: str, units: list[Unit], starts: dt.date,
              ends: dt.date, form: str = PlanForm.INSPECT, **extra: str) -> InspectionPlan:
    return services.plan_create(actor=actor, topic=topic, organiser=organiser, units=units,
                                starts_on=starts, ends_on=ends, form=form, **extra)


def approve(plan: InspectionPlan, w: SimpleNamespace, actor: Person | None = None) -> None:
    """Submit and take the plan through both stages of its route."""
    from zhongshu.workflow.models import StepAction
    from zhongshu.workflow.selectors import pending_step_of

    services.plan_submit(actor=actor or plan.registered_by, plan=plan)
    for person in (w.officer, w.officer2, w.director):
        step = pending_step_of(person, plan)
        if step is not None:
            from zhongshu.workflow.services import step_act

            step_act(actor=person, step=step, action=StepAction.AGREE)
    plan.refresh_from_db()
