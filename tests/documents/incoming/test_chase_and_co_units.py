"""催收 reaches whoever holds the 签收 (the receiving unit's 收发 contact or liaison, not its
head) with a link they may open; 交办 to a lead unit and co-units on the shared task model."""

from django.urls import reverse

from tests.documents.incoming.helpers import to_assigning
from tests.documents.incoming.test_contract import deliver
from zhongshu.access.policy import Action, can
from zhongshu.documents.incoming import receipts, services
from zhongshu.documents.incoming.models import Status
from zhongshu.documents.incoming.selectors import tasks_of
from zhongshu.inbox.models import Notification
from zhongshu.workflow.models import TaskStatus


def page(client, person, url):
    client.force_login(person)
    return client.get(url)


# --- 催收 -------------------------------------------------------------------------------

def test_a_chase_reaches_the_liaison_who_signs_not_the_head(org, memo, client):
    # The committee sends to 测试区委: its liaison officer holds the 签收; its head does not.
    doc = deliver(org, memo, sender_unit=org.committee, recipient_unit=org.sub)
    assert receipts.receipt_holders(doc) == [org.liaison]
    people = receipts.receipt_chase(actor=org.secretary, incoming=doc, title="【催收】关于做好防汛工作的通知",
                                    body="尚未签收，请及时签收。")
    assert people == [org.liaison]
    [note] = Notification.objects.all()
    assert note.recipient == org.liaison and note.kind == "overdue"
    assert not Notification.objects.filter(recipient=org.sub_head).exists()
    # The link opens a page the liaison may see — by the policy and in fact — with the 签收.
    assert note.url == reverse("incoming:detail", args=[doc.pk])
    assert can(org.liaison, Action.OBJECT_VIEW, doc)
    html = page(client, org.liaison, note.url).content.decode()
    assert "关于做好防汛工作的通知" in html and 'name="op" value="receive"' in html
    # The head would not have been able to open it anyway.
    assert page(client, org.sub_head, note.url).status_code == 404
    # The timeline says who was chased.
    assert doc.events.filter(kind="chased", details__people=["联络员辛"]).exists()
    # A second chase the same day adds no second notice.
    receipts.receipt_chase(actor=org.secretary, incoming=doc, title="【催收】", body="")
    assert Notification.objects.count() == 1


def test_no_chase_once_signed_for(org, memo):
    doc = deliver(org, memo, sender_unit=org.committee, recipient_unit=org.sub)
    services.incoming_confirm_receipt(actor=org.liaison, incoming=doc)
    doc.refresh_from_db()
    assert receipts.receipt_chase(actor=org.secretary, incoming=doc, title="t", body="") == []
    assert not Notification.objects.exists()


def test_a_classified_chase_reaches_only_those_cleared_to_sign(org, memo):
    # In the committee's office a 机密 copy goes to the confidential clerk and the director,
    # never the ordinary secretary.
    doc = deliver(org, memo, classification=3, secrecy_years=10)
    holders = receipts.receipt_holders(doc)
    assert set(holders) == {org.clerk, org.director} and org.secretary not in holders
    receipts.receipt_chase(actor=None, incoming=doc, title="【催收】", body="")
    assert set(Notification.objects.values_list("recipient__full_name", flat=True)) == {"机要员乙", "主任丙"}


# --- 交办 to a lead unit and co-units ----------------------------------------------------

def test_assign_to_a_lead_unit_and_co_units(org, client):
    doc = to_assigning(org)
    url = reverse("incoming:detail", args=[doc.pk])
    html = page(client, org.secretary, url).content.decode()
    assert 'id="assign-co"' in html and "协办单位" in html
    client.force_login(org.secretary)
    r = client.post(reverse("incoming:act", args=[doc.pk]), {
        "op": "assign", "handling_unit": org.dept.pk, "co_units": [org.sub.pk, org.dept.pk],
        "workdays": "5"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["已交办，协办单位：测试区委。"]
    doc.refresh_from_db()
    assert doc.status == Status.HANDLING and doc.handling_unit == org.dept and doc.handler == org.handler
    [assist] = tasks_of(doc).filter(kind="incoming.assist")
    assert assist.unit == org.sub and assist.role == "co" and assist.person is None
    assert assist.due_date == doc.deadline and assist.parent.kind == "incoming.handle"
    # The co-unit's liaison acts for it (the shared task model's unit contact) and may see it.
    html = page(client, org.liaison, url).content.decode()
    assert 'id="assist"' in html and "主办单位：督查处" in html
    r = client.post(reverse("incoming:act", args=[doc.pk]), {"op": "assist", "text": ""}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["请填写协办意见。"]
    r = client.post(reverse("incoming:act", args=[doc.pk]), {"op": "assist", "text": "区委同意配合。"},
                    follow=True)
    assert [str(m) for m in r.context["messages"]] == ["协办意见已提交。"]
    assist.refresh_from_db()
    assert assist.status == TaskStatus.DONE and assist.done_by == org.liaison
    html = page(client, org.handler, url).content.decode()
    assert 'id="assists"' in html and "区委同意配合。" in html and 'id="draft-reply"' in html
    # The co-unit helps; it does not answer the sender for the recipient unit.
    html = page(client, org.liaison, url).content.decode()
    assert 'id="draft-reply"' not in html
    r = client.post(reverse("incoming:draft_reply", args=[doc.pk]), {"kind": "approval"}, follow=True)
    assert "答复由收文单位办公室或承办单位起草" in " ".join(str(m) for m in r.context["messages"])
    # Someone of neither unit still sees nothing.
    assert page(client, org.outsider, url).status_code == 404


def test_open_co_unit_tasks_end_with_the_document(org):
    doc = to_assigning(org)
    services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept, workdays=5,
                             co_units=[org.sub])
    services.incoming_complete(actor=org.handler, incoming=doc, summary="已办结。")
    assert tasks_of(doc).get(kind="incoming.assist").status == TaskStatus.CANCELLED


def test_an_external_unit_cannot_be_a_co_unit(org):
    doc = to_assigning(org)
    try:
        services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept,
                                 workdays=5, co_units=[org.external])
    except services.IncomingError as exc:
        assert exc.messages == ["省委办公厅不能作为协办单位。"]
    else:  # pragma: no cover
        raise AssertionError("refused")
    doc.refresh_from_db()
    assert doc.status == Status.ASSIGNING


def test_the_register_names_the_co_unit_holding_its_part(org, client):
    doc = to_assigning(org)
    services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept, workdays=5,
                             co_units=[org.sub])
    client.force_login(org.secretary)
    html = client.get(reverse("incoming:register")).content.decode()
    assert "测试区委" in html and "None" not in html


def test_the_senders_chase_reaches_the_liaison_and_its_link_opens(office, client):
    """Through the sending side's own 催收 (documents.services.outgoing_chase): the county's
    liaison officer, who holds the 签收, is reminded — its head is not — and the link opens
    the incoming copy, which the policy lets him see."""
    from tests.documents.conftest import notice_spec
    from tests.documents.helpers import act, agree_until
    from tests.documents.incoming.liaison import liaison_of
    from zhongshu.documents import selectors as outgoing_selectors
    from zhongshu.documents import services as outgoing

    liaison = liaison_of(office.county)
    doc = outgoing.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    outgoing.outgoing_submit(actor=office.drafter, document=doc)
    outgoing.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=[office.county])
    agree_until(doc, "分发")
    act(doc, "分发")
    [row] = [r for r in outgoing_selectors.delivery_rows(doc) if r.delivery.is_internal]
    assert liaison in receipts.receipt_holders(row.incoming)
    outgoing.outgoing_chase(actor=office.drafter, document=doc)
    notes = list(Notification.objects.filter(item_key__startswith="documents.delivery:"))
    recipients = {n.recipient for n in notes}
    assert liaison in recipients and office.county_head not in recipients
    for note in notes:
        assert note.url == reverse("incoming:detail", args=[row.incoming.pk])
        assert can(note.recipient, Action.OBJECT_VIEW, row.incoming)
        assert page(client, note.recipient, note.url).status_code == 200
    assert page(client, office.county_head, notes[0].url).status_code == 404
