"""Simultaneous requests on PostgreSQL, where they really overlap. (SQLite serialises
writers; the same guard is tested sequentially in test_engine.)"""

import threading

import pytest
from django.db import connection

from tests.workflow.conftest import pending, start
from zhongshu.workflow import services
from zhongshu.workflow.models import Opinion, Step, StepAction


def _race(calls):
    """Run the calls in threads released together; return each one's outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except services.StepNotPending:
            outcomes[index] = "refused"
        except Exception as exc:  # reported by the assertion below
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_agrees_by_the_same_person_produce_one_opinion(standard_template, memo, org):
    route = start(memo, standard_template, org)
    [review] = pending(route)
    # Both requests loaded the step while it was still pending.
    copies = [Step.objects.get(pk=review.pk), Step.objects.get(pk=review.pk)]
    outcomes = _race([
        lambda s=s: services.step_act(actor=org["head"], step=s, action=StepAction.AGREE)
        for s in copies
    ])
    assert sorted(outcomes) == ["ok", "refused"]
    assert Opinion.objects.filter(step=review).count() == 1
    route.refresh_from_db()
    assert route.current_position == 1
    assert Step.objects.filter(route=route, position=1).count() == 3


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_last_two_countersigners_agreeing_at_once_advance_the_route_once(standard_template, memo, org):
    route = start(memo, standard_template, org)
    services.step_act(actor=org["head"], step=pending(route)[0], action=StepAction.AGREE)
    first, second, third = pending(route)
    services.step_act(actor=first.assignee, step=first, action=StepAction.AGREE)
    outcomes = _race([
        lambda s=s: services.step_act(actor=s.assignee, step=s, action=StepAction.AGREE)
        for s in (second, third)
    ])
    assert outcomes == ["ok", "ok"]
    route.refresh_from_db()
    assert route.current_position == 2
    assert [s.assignee for s in pending(route)] == [org["leader"]]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_agree_requests_through_the_page_record_one_opinion(standard_template, memo, org):
    from django.test import Client
    from django.urls import reverse

    route = start(memo, standard_template, org)
    url = reverse("workflow:route_act", args=[route.pk])
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(org["head"])
    responses = []
    outcomes = _race([
        lambda c=c: responses.append(c.post(url, {"action": StepAction.AGREE}, follow=True))
        for c in clients
    ])
    assert outcomes == ["ok", "ok"]
    pages = sorted(r.content.decode() for r in responses)
    assert sum("已办理。" in p for p in pages) == 1
    assert sum(("没有待办理的环节" in p) or ("已经办理或已被他人处理" in p) for p in pages) == 1
    assert Opinion.objects.filter(route=route).count() == 1
