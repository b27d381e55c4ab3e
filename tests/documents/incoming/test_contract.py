"""The contract with the outgoing side: electronic delivery, 签收, receipts by source."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from tests import uploads
from tests.workflow_sample.models import Memo
from zhongshu.access.policy import Action, can
from zhongshu.documents.incoming import selectors, services
from zhongshu.documents.incoming.models import IncomingDocument, Status, TaskKind
from zhongshu.documents.incoming.selectors import tasks_of
from zhongshu.workflow.models import Task


def deliver(org, source, **kw):
    args = dict(source=source, sender_unit=org.sub, recipient_unit=org.committee,
                title="关于做好防汛工作的通知", doc_type="通知", doc_number="测委发〔2026〕3号",
                urgency="urgent", classification=1, secrecy_years=None, secrecy_long_term=False,
                copy_number=7, spec={"title": "关于做好防汛工作的通知"})
    args.update(kw)
    return services.incoming_receive_electronic(**args)


def test_delivery_waits_in_office_pending_receipt_list(org, memo):
    doc = deliver(org, memo)
    assert doc.status == Status.PENDING_RECEIPT and doc.receipt_number == ""
    people = set(tasks_of(doc).filter(kind=TaskKind.RECEIVE.code, status="open")
                 .values_list("person__full_name", flat=True))
    # The committee's office: its secretary, clerk and director; not the subordinate
    # unit's liaison officer, not the leaders.
    assert people == {"秘书甲", "机要员乙", "主任丙"}
    assert can(org.secretary, Action.OBJECT_VIEW, doc)
    assert not can(org.liaison, Action.OBJECT_VIEW, doc)
    assert doc.owner_unit == org.sub and doc.copy_number == 7


def test_classified_delivery_goes_to_clerk_and_director_only(org, memo):
    doc = deliver(org, memo, classification=3, secrecy_years=10)
    people = set(tasks_of(doc).values_list("person__full_name", flat=True))
    assert people == {"机要员乙", "主任丙"}
    assert not can(org.secretary, Action.OBJECT_VIEW, doc)


def test_delivery_is_idempotent_per_source(org, memo):
    assert deliver(org, memo).pk == deliver(org, memo).pk
    assert IncomingDocument.objects.count() == 1


def test_confirm_receipt_numbers_and_closes_colleagues_tasks(org, memo):
    doc = deliver(org, memo)
    doc = services.incoming_confirm_receipt(actor=org.secretary, incoming=doc)
    assert doc.status == Status.INTAKE
    assert doc.received_by == org.secretary and doc.received_at is not None
    assert doc.receipt_number.startswith("收〔") and doc.receipt_number.endswith("1号")
    statuses = dict(tasks_of(doc).filter(kind=TaskKind.RECEIVE.code)
                    .values_list("person__full_name", "status"))
    # The colleagues' copies are gone; they still see the document as its office.
    assert statuses == {"秘书甲": "done"}
    assert can(org.clerk, Action.OBJECT_VIEW, doc) and can(org.director, Action.OBJECT_VIEW, doc)
    with pytest.raises(services.IncomingError, match="本环节不允许该操作"):
        services.incoming_confirm_receipt(actor=org.clerk, incoming=doc)


def test_outsider_cannot_confirm(org, memo):
    doc = deliver(org, memo)
    with pytest.raises(PermissionDenied):
        services.incoming_confirm_receipt(actor=org.outsider, incoming=doc)
    assert IncomingDocument.objects.get().status == Status.PENDING_RECEIPT


def test_receipts_for_sources(org, memo):
    other = Memo.objects.create(title="第二份", owner=org.leader)
    third = Memo.objects.create(title="未送达", owner=org.leader)
    a = deliver(org, memo)
    deliver(org, other, recipient_unit=org.sub, copy_number=8)
    services.incoming_confirm_receipt(actor=org.director, incoming=a)
    receipts = selectors.receipts_for_sources([memo, other, third])
    ct = ContentType.objects.get_for_model(Memo).pk
    assert set(receipts) == {(ct, memo.pk), (ct, other.pk)}
    assert receipts[(ct, memo.pk)].received_by == org.director
    assert receipts[(ct, other.pk)].received_at is None
    assert selectors.receipts_for_sources([]) == {}


def test_recipient_without_anyone_to_receive_is_refused(org, memo):
    from tests.factories import UnitFactory

    empty = UnitFactory(name="空单位", kind="subordinate")
    with pytest.raises(services.IncomingError, match="没有可以办理"):
        deliver(org, memo, recipient_unit=empty)
    assert not IncomingDocument.objects.exists()


def test_delivery_refuses_bad_input_and_writes_nothing(org, memo):
    with pytest.raises(services.IncomingError, match="须注明来文单位"):
        deliver(org, memo, sender_unit=None)
    with pytest.raises(services.IncomingError, match="保密期限"):
        deliver(org, memo, classification=2, secrecy_years=None)
    with pytest.raises(services.IncomingError, match="文件“附件.exe”不是允许的格式"):
        deliver(org, memo, attachments=[("附件.exe", b"MZ\x90")])
    assert not IncomingDocument.objects.exists() and not Task.objects.exists()


def test_delivery_keeps_attachments_and_the_structured_text(org, memo):
    doc = deliver(org, memo, attachments=[("附件1.pdf", uploads.pdf("附件"))])
    assert doc.spec == {"title": "关于做好防汛工作的通知"}
    assert list(doc.files.values_list("name", "is_attachment")) == [("附件1.pdf", True)]


def test_the_office_sees_its_documents_even_if_it_joined_later(org, memo):
    from tests.factories import PersonFactory
    from zhongshu.org.models import Clearance, RoleCode

    doc = deliver(org, memo)
    secret = deliver(org, Memo.objects.create(title="二", owner=org.leader), classification=2,
                     secrecy_years=5)
    newcomer = PersonFactory(unit=org.ms1, roles=[RoleCode.SECRETARY], clearance=Clearance.CORE)
    clerk = PersonFactory(unit=org.jy, roles=[RoleCode.CONFIDENTIAL_CLERK], clearance=Clearance.CORE)
    assert can(newcomer, Action.OBJECT_VIEW, doc)
    assert not can(newcomer, Action.OBJECT_VIEW, secret)  # secrets are the clerks'
    assert can(clerk, Action.OBJECT_VIEW, secret)
    assert not can(org.liaison, Action.OBJECT_VIEW, doc)  # another unit's office
