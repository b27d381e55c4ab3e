"""Reads: the timeline's durations and the receipts the sender sees."""

import datetime as dt

import pytest

from tests.documents.incoming.helpers import to_handling
from zhongshu.documents.incoming import selectors
from zhongshu.documents.incoming.models import IncomingEvent, IncomingTask


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
        IncomingTask.objects.filter(incoming=doc, kind=kind).update(
            created_at=start, done_at=start + dt.timedelta(hours=hours))
    entries = selectors.timeline(doc)
    assert [e.event.kind for e in entries] == ["registered", "accepted", "proposed", "instructed", "assigned"]
    assert entries[0].took is None and entries[1].took_text == "3小时"
    durations = dict(selectors.stage_durations(doc))
    assert durations["初审"] == "3小时" and durations["拟办"] == "1天2小时"
