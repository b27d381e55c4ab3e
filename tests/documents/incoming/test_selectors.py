"""Reads: the timeline's durations and the receipts the sender sees."""

import datetime as dt

import pytest

from tests.documents.incoming.helpers import to_handling
from zhongshu.documents.incoming import selectors
from zhongshu.documents.incoming.models import IncomingEvent


@pytest.mark.parametrize("td, text", [
    (dt.timedelta(seconds=20), "不到1分钟"),
    (dt.timedelta(minutes=3), "3分钟"),
    (dt.timedelta(hours=5), "5小时"),
    (dt.timedelta(hours=5, minutes=12), "5小时12分钟"),
    (dt.timedelta(days=2), "2天"),
    (dt.timedelta(days=2, hours=3, minutes=40), "2天3小时"),
])
def test_duration_text(td, text):
    assert selectors.duration_text(td) == text


def test_timeline_and_stage_durations(org):
    doc = to_handling(org)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    # Spread the recorded steps out in time, as they would be in an office.
    for i, event in enumerate(doc.events.order_by("id")):
        IncomingEvent.objects.filter(pk=event.pk).update(at=start + dt.timedelta(hours=3 * i))
    for kind, hours in (("intake", 3), ("propose", 26)):
        selectors.tasks_of(doc).filter(kind=f"incoming.{kind}").update(
            created_at=start, done_at=start + dt.timedelta(hours=hours))
    entries = selectors.timeline(doc)
    assert [e.event.kind for e in entries] == ["registered", "accepted", "proposed", "instructed", "assigned"]
    assert entries[0].took is None and entries[1].took_text == "3小时"
    durations = dict(selectors.stage_durations(doc))
    assert durations["初审"] == "3小时" and durations["拟办"] == "1天2小时"


def test_route_diagram_shows_done_current_skipped_and_todo(org):
    from tests.documents.incoming.helpers import to_proposing
    from zhongshu.documents.incoming import services

    doc = to_proposing(org)
    stages = selectors.route(doc)
    assert [(s.label, s.state) for s in stages] == [
        ("签收登记", "done"), ("初审", "done"), ("拟办", "current"), ("批示", "todo"),
        ("交办", "todo"), ("办结", "todo")]
    assert stages[0].who == "秘书甲" and stages[2].waiting_for == ["秘书甲", "机要员乙", "主任丙"]
    services.incoming_propose(actor=org.director, incoming=doc, opinion="直接交办")
    doc.refresh_from_db()
    states = [(s.label, s.state) for s in selectors.route(doc)]
    assert states[2:5] == [("拟办", "done"), ("批示", "skipped"), ("交办", "current")]


def test_route_of_a_returned_document(org):
    from tests.documents.incoming.helpers import register
    from zhongshu.documents.incoming import services

    doc = services.incoming_intake_check(actor=org.secretary, incoming=register(org), accept=False,
                                         reason="不属于本机关职责")
    assert [(s.label, s.state) for s in selectors.route(doc)][:3] == [
        ("签收登记", "done"), ("初审（退回）", "done"), ("拟办", "todo")]
