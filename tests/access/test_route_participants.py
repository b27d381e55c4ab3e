"""Issue 11 §3: people on a route below the document's classification saw its title and
opinions on the route page, in their inbox and on the 办文 home, and one approved 核稿 of
a 机密 document through the route's own act URL while the document's pages refused him.

A route is given only to people cleared for the item; someone who holds its work from
before his clearance was lowered sees no title anywhere (route page, act URL, inbox,
办文 home, reminders, API) and cannot act. Before the fix the route page and the act
URL answered him, and his inbox and the home listed the title."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.documents.conftest import build_office, notice_spec
from tests.factories import PersonFactory
from zhongshu.access import services as access
from zhongshu.access.classification import Level
from zhongshu.documents import services
from zhongshu.inbox.models import Notification
from zhongshu.inbox.services import reminders_send
from zhongshu.org.models import Clearance, RoleCode
from zhongshu.workflow.inbox import MASKED_TITLE
from zhongshu.workflow.models import Step, StepStatus

TITLE = "关于某机密工程选址事项的通知"


@pytest.fixture
def demoted(db):
    """A 机密 draft waiting at its department head's 部门审核; then the security admin
    lowers the head's clearance to 一般 (秘密 at most)."""
    w = build_office()
    w.secadmin = PersonFactory(username="secadmin", full_name="保密管理员", unit=w.organ,
                               roles=[RoleCode.SECURITY_ADMIN], clearance=Clearance.CORE)
    w.doc = services.outgoing_create(actor=w.drafter, doc_type="通知", spec=notice_spec(TITLE),
                                     classification=Level.SECRET, secrecy_years=10)
    w.route = services.outgoing_submit(actor=w.drafter, document=w.doc)
    w.step = Step.objects.get(route=w.route, assignee=w.head, status=StepStatus.PENDING)
    access.person_clearance_set(actor=w.secadmin, person=w.head, clearance=Clearance.GENERAL,
                                reason="调离涉密岗位")
    w.head.refresh_from_db()
    return w


def test_the_route_page_and_its_act_url_refuse_him_as_the_document_does(client, demoted):
    client.force_login(demoted.head)
    assert client.get(reverse("documents:detail", args=[demoted.doc.pk])).status_code == 404
    response = client.get(reverse("workflow:route_detail", args=[demoted.route.pk]))
    assert response.status_code == 404 and TITLE not in response.content.decode()
    response = client.post(reverse("workflow:route_act", args=[demoted.route.pk]),
                           {"action": "agree", "text": "同意"})
    assert response.status_code == 404
    demoted.step.refresh_from_db()
    assert demoted.step.status == StepStatus.PENDING


def test_his_inbox_and_the_home_show_no_title(client, demoted):
    client.force_login(demoted.head)
    inbox = client.get(reverse("inbox:home")).content.decode()
    assert TITLE not in inbox and MASKED_TITLE in inbox
    for url in (reverse("documents:home"), reverse("home")):
        assert TITLE not in client.get(url).content.decode(), url


def test_reminders_to_him_carry_no_title(client, demoted):
    Step.objects.filter(pk=demoted.step.pk).update(due_date=dt.date(2026, 1, 5))
    reminders_send(today=dt.date(2026, 1, 6), days_before=0)
    notes = list(Notification.objects.filter(recipient=demoted.head))
    assert notes and all(TITLE not in n.title + n.body for n in notes)
    client.force_login(demoted.head)
    assert TITLE not in client.get(reverse("inbox:notifications")).content.decode()


def test_the_api_refuses_him(client, demoted):
    client.force_login(demoted.head)
    response = client.get(reverse("api:outgoing_detail", args=[demoted.doc.pk]))
    assert response.status_code == 404 and TITLE not in response.content.decode()
    response = client.get(reverse("api:outgoing_list"))
    assert TITLE not in response.content.decode()


def test_a_cleared_participant_still_sees_and_acts(client, demoted):
    # The drafter (重要) sees the route and the title; only the head was demoted.
    client.force_login(demoted.drafter)
    assert TITLE in client.get(reverse("workflow:route_detail", args=[demoted.route.pk])).content.decode()


def test_a_route_is_not_given_to_someone_uncleared(demoted):
    # The head, now 一般, cannot be given the review of another 机密 draft.
    doc = services.outgoing_create(actor=demoted.drafter, doc_type="通知", spec=notice_spec("关于另一机密事项的通知"),
                                   classification=Level.SECRET, secrecy_years=10)
    with pytest.raises(ValidationError, match="涉密等级"):
        services.outgoing_submit(actor=demoted.drafter, document=doc)


def test_reminders_sent_before_he_was_lowered_no_longer_show_the_title(client, demoted):
    # Sent while he was cleared for it (the title was his to read then).
    Notification.objects.create(recipient=demoted.head, kind="due_today", item_key=f"workflow.step:{demoted.step.pk}",
                                day=dt.date(2026, 1, 5), title=f"【今日到期】{TITLE}（部门审核）",
                                body=f"“{TITLE}”今天到期，请及时办理。")
    Notification.objects.create(recipient=demoted.head, kind="due_today", item_key="workflow.step:999999",
                                day=dt.date(2026, 1, 5), title="【今日到期】别的事项", body="")
    client.force_login(demoted.head)
    page = client.get(reverse("inbox:notifications")).content.decode()
    assert TITLE not in page and "不显示标题和内容" in page and "别的事项" in page
