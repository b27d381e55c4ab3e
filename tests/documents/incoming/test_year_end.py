"""Year end (issue 10 §4): on 2026-12-28, with 2027's arrangement not entered, 交办 with
30 working days works — provisional, and shown so
— and are counted again when the administrator enters 2027. No page answers 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.documents.incoming.helpers import to_assigning
from tests.factories import PersonFactory
from tests.kernel.test_calendar_year_end import ARRANGEMENT_2027
from zhongshu.documents.incoming import services as incoming
from zhongshu.documents.incoming.selectors import tasks_of
from zhongshu.kernel import services as kernel
from zhongshu.kernel.calendar_import import parse_arrangement
from zhongshu.org.models import RoleCode

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 28)


@pytest.fixture
def on_2026_12_28(monkeypatch):
    now = dt.datetime(2026, 12, 28, 10, 0, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    monkeypatch.setattr(timezone, "now", lambda: now)


def test_assignment_of_30_working_days_is_provisional_then_exact(org, on_2026_12_28, client,
                                                                   django_capture_on_commit_callbacks):
    doc = to_assigning(org)
    doc = incoming.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept,
                                   workdays=30)
    # Weekdays less 2027's statutory holidays the package knows: 15 February.
    assert (doc.deadline, doc.deadline_provisional) == (dt.date(2027, 2, 15), True)
    task = tasks_of(doc).get(kind="incoming.handle")
    assert (task.due_date, task.due_provisional, task.due_workdays) == (doc.deadline, True, 30)
    client.force_login(org.handler)
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "2027-02-15" in page and "暂定" in page

    sysadmin = PersonFactory(roles=[RoleCode.SYSTEM_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        kernel.calendar_year_import(actor=sysadmin, arrangement=parse_arrangement(ARRANGEMENT_2027, 2027),
                                    source="国办发明电")
    doc.refresh_from_db()
    task.refresh_from_db()
    # The entered arrangement (a longer Spring Festival, a Sunday worked): 16 February.
    assert (doc.deadline, doc.deadline_provisional) == (dt.date(2027, 2, 16), False)
    assert (task.due_date, task.due_provisional) == (dt.date(2027, 2, 16), False)
    assert doc.events.filter(kind="deadline_recomputed").exists()
    assert task.events.filter(kind="due_changed").get().details["old"] == "2027-02-15"
    page = client.get(reverse("incoming:detail", args=[doc.pk])).content.decode()
    assert "2027-02-16" in page and "暂定" not in page
