"""Year end (issue 10 §4): on 2026-12-28, with 2027's arrangement not entered, 交办 with
30 working days and a stage deadline into January both work — provisional, and shown so
— and are counted again when the administrator enters 2027. No page answers 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.documents.conftest import notice_spec
from tests.documents.helpers import pending
from tests.factories import PersonFactory
from tests.kernel.test_calendar_year_end import ARRANGEMENT_2027
from zhongshu.documents import doctypes, routing, services
from zhongshu.kernel import services as kernel
from zhongshu.kernel.calendar_import import parse_arrangement
from zhongshu.org.models import RoleCode
from zhongshu.workflow import services as workflow

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 28)


@pytest.fixture
def on_2026_12_28(monkeypatch):
    now = dt.datetime(2026, 12, 28, 10, 0, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    monkeypatch.setattr(timezone, "now", lambda: now)


def test_a_stage_deadline_into_2027_is_provisional_then_exact(office, on_2026_12_28,
                                                             django_capture_on_commit_callbacks):
    office.secretary.roles.add(*office.secretary.roles.model.objects.filter(
        code=RoleCode.OFFICE_DIRECTOR))
    template = routing.ensure_template(doctypes.BY_NAME["通知"])
    stages = [{"key": s.key, "name": s.name, "mode": s.mode, "assignees": s.assignees,
               "actions": s.actions, "deadline_workdays": s.deadline_workdays,
               "delegable": s.delegable} for s in template.current_version.stages.all()]
    stages[1]["deadline_workdays"] = 10  # 部门审核 within ten working days
    workflow.template_update(actor=office.secretary, template=template, name=template.name,
                             stages=stages)
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(),
                                   sign_off_leader=office.leader)
    services.outgoing_submit(actor=office.drafter, document=doc)
    [step] = pending(doc)
    assert step.stage_key == "department_review" and step.due_provisional
    # 12-29, 12-30, 12-31, then 2027 less 1 January: the tenth is 12 January.
    assert step.due_date == dt.date(2027, 1, 12)
    sysadmin = PersonFactory(roles=[RoleCode.SYSTEM_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        kernel.calendar_year_import(actor=sysadmin, arrangement=parse_arrangement(ARRANGEMENT_2027, 2027),
                                    source="国办发明电")
    step.refresh_from_db()
    # 1–3 January off as entered: the tenth working day is still 12 January, now exact.
    assert (step.due_date, step.due_provisional) == (dt.date(2027, 1, 12), False)
