"""Issue 11 §6: a reviewer lowered 机密 to 内部 while saving a version, and the audit said
only "save, version 2". Saving never changes the level now; 变更密级 / 降密 / 解密 is its
own action for the item's 定密责任人, with a reason, recorded with the old and new level;
nobody creates an item above his own clearance.

Before the fix ``test_a_reviewer_cannot_lower_the_level_by_saving`` (service and page)
lowered the level, and ``test_nobody_creates_above_his_clearance`` created the draft."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.documents.conftest import build_office, notice_spec
from tests.documents.test_pages import form_data
from tests.factories import PersonFactory
from zhongshu.access.classification import Level
from zhongshu.access.models import Grant
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import classification, services
from zhongshu.documents.models import OutgoingDocument
from zhongshu.org.models import Clearance

TITLE = "关于某机密事项的通知"


@pytest.fixture
def office(db):
    w = build_office()
    w.dept.leader_in_charge = w.leader  # the 副主任 in charge: cleared 核心
    w.dept.save()
    return w


def _secret_draft(office, level=Level.SECRET):
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(TITLE),
                                   classification=level, secrecy_years=10 if level >= Level.CONFIDENTIAL else None)
    services.outgoing_submit(actor=office.drafter, document=doc)  # now at the head's 部门审核
    return OutgoingDocument.objects.get(pk=doc.pk)


def _save(doc, actor, **meta):
    return services.outgoing_save(actor=actor, document=doc, spec=doc.current_version.spec,
                                  base_version=doc.current_version_id, **meta)


def test_a_reviewer_cannot_lower_the_level_by_saving(office):
    doc = _secret_draft(office)
    with pytest.raises(ValidationError, match="保存稿件不改变密级"):
        _save(doc, office.head, classification=Level.INTERNAL, secrecy_years=None)
    doc.refresh_from_db()
    assert doc.classification == Level.SECRET and doc.versions.count() == 1
    # Repeating the current level (the editor always posts it) saves the text.
    _save(doc, office.head, classification=Level.SECRET, secrecy_years=10, secrecy_long_term=False)
    doc.refresh_from_db()
    assert doc.classification == Level.SECRET and doc.versions.count() == 2


def test_the_editor_page_refuses_a_changed_level_with_a_message(client, office):
    doc = _secret_draft(office)
    client.force_login(office.head)
    response = client.post(reverse("documents:edit", args=[doc.pk]), form_data(
        title=TITLE, classification="1", base_version=doc.current_version_id))
    assert response.status_code == 200 and "保存稿件不改变密级" in response.content.decode()
    doc.refresh_from_db()
    assert doc.classification == Level.SECRET and doc.versions.count() == 1


def test_nobody_creates_above_his_clearance(office):
    general = PersonFactory(username="general", full_name="一般涉密人员", unit=office.dept,
                            clearance=Clearance.GENERAL)
    with pytest.raises(ValidationError, match="不能拟制绝密文件"):
        services.outgoing_create(actor=general, doc_type="通知", spec=notice_spec(),
                                 classification=Level.TOP_SECRET, secrecy_long_term=True)
    assert not OutgoingDocument.objects.exists()
    services.outgoing_create(actor=general, doc_type="通知", spec=notice_spec(),
                             classification=Level.CONFIDENTIAL, secrecy_years=5)


def test_the_responsible_person_lowers_it_with_a_reason_as_its_own_event(client, office):
    doc = _secret_draft(office)
    client.force_login(office.head)  # head of the owner unit (定密单位): its 定密责任人
    url = reverse("documents:reclassify", args=["outgoing", doc.pk])
    page = client.get(url).content.decode()
    assert "变更密级" in page and "机密★10年" in page
    response = client.post(url, {"classification": "1", "reason": ""})
    assert "请填写变更密级的理由" in response.content.decode()
    response = client.post(url, {"classification": "1", "reason": "经审查不属于国家秘密"})
    assert response.status_code == 302 and response.url == reverse("documents:detail", args=[doc.pk])
    doc.refresh_from_db()
    assert (doc.classification, doc.secrecy_years, doc.classified_on) == (Level.INTERNAL, None, None)
    event = AuditEvent.objects.get(action="documents.classification.declassify")
    assert event.actor_id == office.head.pk and event.classification == Level.SECRET
    assert event.details["old_level"] == Level.SECRET and event.details["new_level"] == Level.INTERNAL
    assert event.details["old_mark"] == "机密★10年" and event.details["reason"] == "经审查不属于国家秘密"


def test_others_may_not_change_the_level(client, office):
    doc = _secret_draft(office)
    url = reverse("documents:reclassify", args=["outgoing", doc.pk])
    client.force_login(office.drafter)  # sees it, is not its 定密责任人
    assert client.get(url).status_code == 403
    assert client.post(url, {"classification": "1", "reason": "想降"}).status_code == 403
    client.force_login(office.outsider)  # does not see it
    assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        classification.document_reclassify(actor=office.drafter, document=doc, classification=1, reason="x")
    doc.refresh_from_db()
    assert doc.classification == Level.SECRET
    assert not AuditEvent.objects.filter(action__startswith="documents.classification").exists()


def test_not_above_ones_own_clearance_nor_unchanged(office):
    doc = _secret_draft(office)
    with pytest.raises(ValidationError, match="高于本人涉密等级"):  # the head is cleared 重要
        classification.document_reclassify(actor=office.head, document=doc, classification=Level.TOP_SECRET,
                                           secrecy_long_term=True, reason="升级")
    with pytest.raises(ValidationError, match="均未改变"):
        classification.document_reclassify(actor=office.head, document=doc, classification=Level.SECRET,
                                           secrecy_years=10, reason="无变化")
    with pytest.raises(ValidationError, match="不超过 20 年|不超过 20"):
        classification.document_reclassify(actor=office.head, document=doc, classification=Level.SECRET,
                                           secrecy_years=25, reason="延长")


def test_raising_is_refused_while_someone_uncleared_holds_its_work(office):
    doc = _secret_draft(office, level=Level.INTERNAL)
    # The leader in charge of the drafting department sees it by a grant.
    Grant.objects.create(content_type=ContentType.objects.get_for_model(doc), object_id=doc.pk,
                         person=office.leader, reason="分管", granted_by=office.leader)
    # The head (重要: up to 机密) holds the 部门审核 step; 绝密 would leave him work he
    # may not see.
    with pytest.raises(ValidationError, match="张处长"):
        classification.document_reclassify(actor=office.leader, document=doc, classification=Level.TOP_SECRET,
                                           secrecy_long_term=True, reason="涉及核心机密")
    changed = classification.document_reclassify(actor=office.leader, document=doc,
                                                 classification=Level.SECRET, secrecy_years=20,
                                                 reason="涉及重要事项")
    assert changed.secrecy_mark == "机密★20年" and changed.classified_on is not None
    event = AuditEvent.objects.get(action="documents.classification.change")
    assert (event.details["old_level"], event.details["new_level"]) == (Level.INTERNAL, Level.SECRET)


def test_an_incoming_document_is_reclassified_the_same_way(client, office):
    from tests import uploads
    from zhongshu.documents.incoming import services as incoming

    doc = incoming.incoming_register(actor=office.secretary, recipient_unit=office.organ,
                                     title="关于某事项的来函", doc_type="函", sender_name="省委办公厅",
                                     files=[("来文.pdf", uploads.pdf("来函"))])
    url = reverse("documents:reclassify", args=["incoming", doc.pk])
    client.force_login(office.secretary)  # registered it: sees it, is not its 定密责任人
    assert client.get(url).status_code == 403
    # The head of the recipient organ (its 定密单位) sees it once it reaches him; here by a grant.
    Grant.objects.create(content_type=ContentType.objects.get_for_model(doc), object_id=doc.pk,
                         person=office.leader, reason="呈阅", granted_by=office.secretary)
    client.force_login(office.leader)
    response = client.post(url, {"classification": "2", "secrecy_years": "5", "reason": "来文涉及工作秘密以上内容"})
    assert response.status_code == 302 and response.url == reverse("incoming:detail", args=[doc.pk])
    doc.refresh_from_db()
    assert doc.secrecy_mark == "秘密★5年"
    assert AuditEvent.objects.filter(action="documents.classification.change", object_id=str(doc.pk)).exists()
