import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.workflow.conftest import pending, start
from zhongshu.inbox import selectors
from zhongshu.inbox.registry import Box
from zhongshu.kernel.urgency import Urgency
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import StepAction

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 17)


def test_items_are_ordered_by_urgency_then_overdue_then_deadline_then_importance(fake_provider):
    person = PersonFactory()
    add = fake_provider.add
    add(person, "A 普通 远期", deadline=TODAY + dt.timedelta(days=30))
    add(person, "B 加急 无期限", urgency=Urgency.URGENT)
    add(person, "C 特急", urgency=Urgency.EXTRA_URGENT, deadline=TODAY + dt.timedelta(days=5))
    add(person, "D 特急 超期", urgency=Urgency.EXTRA_URGENT, deadline=TODAY - dt.timedelta(days=1))
    add(person, "E 普通 超期", deadline=TODAY - dt.timedelta(days=3))
    add(person, "F 普通 近期 一般", deadline=TODAY + dt.timedelta(days=2), importance=0)
    add(person, "G 普通 近期 重要", deadline=TODAY + dt.timedelta(days=2), importance=5)
    add(person, "H 待阅", box=Box.TOREAD)
    titles = [i.title[0] for i in selectors.inbox_open(person, Box.TODO, today=TODAY)]
    assert titles == ["D", "C", "B", "E", "G", "F", "A"]
    assert [i.title for i in selectors.inbox_open(person, Box.TOREAD, today=TODAY)] == ["H 待阅"]
    assert selectors.inbox_counts(person) == {"todo": 7, "toread": 1}


def test_a_pending_step_is_todo_and_moves_to_done_when_acted(standard_template, memo, org):
    route = start(memo, standard_template, org, urgency=Urgency.URGENT)
    head = org["head"]
    [item] = selectors.inbox_open(head, Box.TODO)
    # The step is shown as its item's own kind and opens the item's own page.
    assert item.kind == "memo_approval" and item.kind_label == "签报审批"
    assert item.urgency == Urgency.URGENT
    assert item.url == f"/sample/memos/{memo.pk}/" and route.object_id == memo.pk
    assert "处长审核" in item.title and item.deadline is not None
    assert selectors.inbox_open(org["drafter"], Box.TODO) == []

    workflow.step_act(actor=head, step=pending(route)[0], action=StepAction.AGREE)
    assert selectors.inbox_open(head, Box.TODO) == []
    [done] = selectors.inbox_done(head, Box.TODO, limit=10)
    assert done.key == item.key and done.done_at is not None
    assert len(selectors.inbox_open(org["units"][0].head, Box.TODO)) == 1


def test_inbox_page_tabs_counts_and_kind_filter(client, fake_provider, standard_template, memo, org):
    start(memo, standard_template, org)
    head = org["head"]
    fake_provider.add(head, "请阅：季度工作简报", box=Box.TOREAD)
    fake_provider.add(head, "特急：防汛值班安排", urgency=Urgency.EXTRA_URGENT)
    client.force_login(head)

    page = client.get(reverse("inbox:home")).content.decode()
    assert page.index("特急：防汛值班安排") < page.index(memo.title), "特急 comes first"
    assert "请阅：季度工作简报" not in page
    assert "待办 (2)" in page and "待阅 (1)" in page

    page = client.get(reverse("inbox:home"), {"tab": "toread"}).content.decode()
    assert "请阅：季度工作简报" in page and memo.title not in page

    # Each step carries its route's purpose, so the filter tells approvals apart.
    assert '<option value="memo_approval"' in page and "签报审批" in page
    page = client.get(reverse("inbox:home"), {"kind": "memo_approval"}).content.decode()
    assert memo.title in page and "防汛值班安排" not in page
    page = client.get(reverse("inbox:home"), {"kind": "fake"}).content.decode()
    assert memo.title not in page and "防汛值班安排" in page


def test_inbox_page_paginates(client, fake_provider):
    person = PersonFactory()
    for n in range(25):
        fake_provider.add(person, f"事项{n:02d}", deadline=TODAY + dt.timedelta(days=n))
    client.force_login(person)
    first = client.get(reverse("inbox:home")).content.decode()
    second = client.get(reverse("inbox:home"), {"page": "2"}).content.decode()
    assert "事项00" in first and "事项19" in first and "事项20" not in first
    assert "事项20" in second and "事项24" in second and "事项00" not in second
    assert "第 2 / 2 页" in second


def test_done_tab_lists_what_the_person_did(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    client.force_login(org["head"])
    assert memo.title not in client.get(reverse("inbox:home"), {"tab": "done"}).content.decode()
    client.post(reverse("workflow:route_act", args=[route.pk]), {"action": "agree"})
    page = client.get(reverse("inbox:home"), {"tab": "done"}).content.decode()
    assert memo.title in page
    assert memo.title not in client.get(reverse("inbox:home")).content.decode()


def test_navigation_and_home_show_the_counts(client, standard_template, memo, org):
    start(memo, standard_template, org)
    client.force_login(org["head"])
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="待办件数">1</span>' in page
    assert "<strong>1</strong> 件待办" in page
    client.force_login(org["drafter"])
    page = client.get(reverse("home")).content.decode()
    assert 'aria-label="待办件数">0</span>' in page


def test_inbox_requires_sign_in(client):
    response = client.get(reverse("inbox:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
