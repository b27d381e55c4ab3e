"""Issue 11 §11: refusals are audited. A tester's 932 refused attempts wrote no event;
now a refusal on an object (403, or 404 by policy on an object's URL) writes one
``access.denied`` event, and a loop is throttled per person and window so it cannot
flood the chain: a few events one by one, one "throttled" event, then the window's
count. Before the fix none of these tests found any event."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhongshu.audit import denials
from zhongshu.audit.models import AuditEvent, Outcome


def _denied():
    return AuditEvent.objects.filter(action__startswith="access.denied").order_by("seq")


def _forward_page(world):
    return reverse("access:forward_create", args=["access_testapp.dossier", world.dossier.pk])


def test_a_404_on_a_hidden_object_is_one_event(client, world):
    client.force_login(world.staff)  # outside the dossier's need-to-know
    assert client.get(_forward_page(world)).status_code == 404
    [event] = _denied()
    assert (event.action, event.outcome, event.actor_id) == ("access.denied", Outcome.DENIED, world.staff.pk)
    assert event.details["status"] == 404 and event.details["view"] == "access:forward_create"
    assert event.details["ids"]["object_id"] == world.dossier.pk
    assert event.details["method"] == "GET" and event.details["path"] == _forward_page(world)
    # The refusal names no title: the dossier's title never reaches the trail this way.
    assert world.dossier.title not in str(event.details) + event.object_repr


def test_a_403_is_recorded(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("audit:event_list")).status_code == 403
    [event] = _denied()
    assert event.details["status"] == 403 and event.details["view"] == "audit:event_list"


def test_an_api_refusal_is_recorded(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("api:incoming_detail", args=[987654]))
    assert response.status_code == 404
    assert [e.details["view"] for e in _denied()] == ["api:incoming_detail"]


def test_what_is_not_a_refusal_on_an_object_is_not_recorded(client, world):
    client.logout()
    client.get(_forward_page(world))  # anonymous: sent to sign in
    client.force_login(world.staff)
    assert client.get("/no-such-page/").status_code == 404  # no object named
    assert client.get(reverse("home")).status_code == 200
    assert not _denied().exists()


def test_a_loop_of_refusals_is_throttled_then_counted(client, world):
    client.force_login(world.staff)
    tries = 60
    for _ in range(tries):
        assert client.get(_forward_page(world)).status_code == 404
    events = list(_denied())
    assert len(events) == denials.RECORDED_PER_WINDOW + 1
    assert [e.action for e in events][-1] == "access.denied.throttled"
    # Once the window is over, its count is written once.
    later = timezone.now() + denials.WINDOW + dt.timedelta(seconds=1)
    assert denials.summarise(now=later) == 1
    assert denials.summarise(now=later) == 0
    summary = AuditEvent.objects.get(action="access.denied.summary")
    assert summary.details["count"] == tries and summary.details["person_id"] == world.staff.pk
    assert summary.details["counted_only"] == tries - denials.RECORDED_PER_WINDOW - 1


def test_windows_are_per_person(client, world):
    for person in (world.staff, world.cleared_ungranted):
        client.force_login(person)
        for _ in range(denials.RECORDED_PER_WINDOW):
            client.get(_forward_page(world))
    assert _denied().filter(action="access.denied").count() == 2 * denials.RECORDED_PER_WINDOW
