"""Outgoing documents through their services: every transition and every refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.documents.conftest import notice_spec
from tests.documents.helpers import act, agree_until, pending
from zhongshu.access.classification import Level
from zhongshu.access.models import Delegation
from zhongshu.access.policy import Action, can
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import selectors, services
from zhongshu.documents.actions import DocumentAction
from zhongshu.documents.incoming import services as incoming
from zhongshu.documents.models import (
    DraftVersion,
    ImmutableRecord,
    OutgoingDocument,
    OutgoingStatus,
)
from zhongshu.inbox.models import Notification
from zhongshu.kernel.models import VoidedNumber
from zhongshu.workflow.models import Step
from zhongshu.workflow.services import WorkflowError

YEAR = timezone.localdate().year


def draft(office, doc_type="通知", spec=None, **meta):
    return services.outgoing_create(actor=office.drafter, doc_type=doc_type,
                                    spec=spec or notice_spec(), **meta)


def edit(doc, actor, base, **changes):
    spec = {**doc.current_version.spec, **changes}
    return services.outgoing_save(actor=actor, document=doc, spec=spec, base_version=base)


def to_distribution(office, doc, units=True):
    if units:
        services.outgoing_distribution_set(actor=office.drafter, document=doc,
                                           main_units=[office.county], cc_units=[office.bureau],
                                           externals=[("省委办公厅", "confidential", "cc")])
    agree_until(doc, "分发")


def test_draft_is_saved_as_first_version_with_its_author_and_proofreading(office):
    doc = draft(office)
    version = doc.current_version
    assert (version.number, version.author, version.is_side) == (1, office.drafter, False)
    assert doc.status == OutgoingStatus.DRAFT and doc.issuer_code == "示委办发"
    assert isinstance(version.findings, list)
    assert can(office.drafter, Action.OBJECT_VIEW, doc)
    assert not can(office.outsider, Action.OBJECT_VIEW, doc)
    assert AuditEvent.objects.filter(action="documents.outgoing.create", object_id=str(doc.pk)).exists()


@pytest.mark.parametrize(("doc_type", "spec", "reason"), [
    ("通知", notice_spec(body=[]), "正文不能为空"),
    ("请示", notice_spec(main_recipients="市委，市政府", notes="联系人：陈科员，电话：0771-1234567"), "只能主送一个"),
    ("请示", notice_spec(main_recipients="市委"), "联系人"),
    ("纪要", notice_spec(seal=True), "不加盖印章"),
])
def test_bad_drafts_are_refused_with_the_reason_and_nothing_is_written(office, doc_type, spec, reason):
    with pytest.raises(ValidationError) as exc:
        draft(office, doc_type=doc_type, spec=spec)
    assert any(reason in m for m in exc.value.messages)
    assert OutgoingDocument.objects.count() == 0 and DraftVersion.objects.count() == 0


def test_a_request_with_one_recipient_and_contact_details_is_accepted(office):
    doc = draft(office, doc_type="请示", spec=notice_spec(
        title="关于申请经费的请示", main_recipients="市委", notes="联系人：陈科员，电话：0771-1234567"))
    assert doc.doc_type == "请示"


def test_secret_draft_needs_a_secrecy_period(office):
    with pytest.raises(ValidationError):
        draft(office, classification=Level.SECRET)
    doc = draft(office, classification=Level.SECRET, secrecy_years=10)
    assert doc.secrecy_mark == "机密★10年" and doc.classified_on is not None


def test_every_save_is_a_new_immutable_version(office):
    doc = draft(office)
    result = edit(doc, office.drafter, doc.current_version_id, title="关于做好年底工作的通知")
    doc.refresh_from_db()
    assert result.conflict is None and result.version.number == 2
    assert doc.title == "关于做好年底工作的通知" and doc.current_version == result.version
    with pytest.raises(ImmutableRecord):
        result.version.save()
    with pytest.raises(ImmutableRecord):
        result.version.delete()


def test_second_of_two_simultaneous_saves_is_refused_and_kept_for_merging(office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    doc.refresh_from_db()
    base = doc.current_version_id
    # The department head edits; the drafter cannot (no step of theirs is open).
    assert not can(office.drafter, DocumentAction.EDIT, doc)
    first = edit(doc, office.head, base, notes="第一位修改")
    # The same reviewer in a second tab, still on the old version.
    doc.refresh_from_db()
    second = edit(doc, office.head, base, notes="第二位修改")
    assert first.conflict is None
    assert second.conflict is not None and second.version.is_side
    assert "已另存为" in second.conflict.messages[0]
    doc.refresh_from_db()
    assert doc.current_version == first.version
    texts = {v.spec.get("notes") for v in doc.versions.all()}
    assert {"第一位修改", "第二位修改"} <= texts  # both texts remain in history
    # Merging: a save based on the latest version goes through.
    merged = edit(doc, office.head, doc.current_version_id, notes="第一位修改；第二位修改")
    assert merged.conflict is None and merged.version.parent == first.version


def test_tracked_changes_name_each_author(office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    spec = doc.current_version.spec
    body = list(spec["body"])
    body[0] = {"type": "paragraph", "text": "为做好年终各项工作，经研究，现就有关事项通知如下。"}
    services.outgoing_save(actor=office.head, document=doc, spec={**spec, "body": body},
                           base_version=doc.current_version_id)
    doc.refresh_from_db()
    tracked = selectors.tracked(doc)
    assert set(tracked["summary"]) == {"陈科员", "张处长"}
    assert tracked["summary"]["张处长"]["inserted"] == len("经研究，")
    # The character diff may align the comma either side of the insertion.
    assert sorted("".join(s.text for s in tracked["segments"] if s.inserted_by == "张处长")) == sorted("经研究，")


def test_submit_starts_the_types_route_and_refuses_twice(office):
    doc = draft(office)
    route = services.outgoing_submit(actor=office.drafter, document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.ROUTING
    assert route.template_version.template.code == "outgoing-tongzhi"
    assert [(s.stage_name, s.assignee) for s in pending(doc)] == [("部门审核", office.head)]
    with pytest.raises(ValidationError):
        services.outgoing_submit(actor=office.drafter, document=doc)
    with pytest.raises(PermissionDenied):
        services.outgoing_submit(actor=office.head, document=draft(office))


def test_proofreading_errors_stop_a_draft_before_review(office):
    doc = draft(office, spec=notice_spec(body=[{"type": "paragraph", "text": "请于（12月31日前报送。"}]))
    assert any(f["severity"] == "error" for f in doc.current_version.findings)
    with pytest.raises(ValidationError, match="公文校对"):
        services.outgoing_submit(actor=office.drafter, document=doc)
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.DRAFT and services.current_route(doc) is None


def test_full_route_numbers_prints_distributes_and_archives(office):
    doc = draft(office, countersign_units=[office.policy])
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核", "agree_opinion", text="同意，请办公室核稿。")
    act(doc, "核稿")
    assert [(s.stage_name, s.assignee) for s in pending(doc)] == [("会签", office.policy_head)]
    act(doc, "会签")
    assert [(s.stage_name, s.assignee) for s in pending(doc)] == [("签发", office.leader)]
    act(doc, "签发", "agree_opinion", text="同意印发。")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.SIGNED_OFF and doc.signed_off_by == office.leader
    assert doc.doc_number == ""  # numbered at the 编号 stage by default
    act(doc, "复核")
    act(doc, "编号")
    doc.refresh_from_db()
    assert doc.doc_number == f"示委办发〔{YEAR}〕1号"
    services.outgoing_distribution_set(actor=office.secretary, document=doc, main_units=[office.county],
                                       cc_units=[office.bureau], externals=[("省委办公厅", "confidential", "cc")])
    act(doc, "用印")
    act(doc, "印制")
    doc.refresh_from_db()
    copies = sorted(d.copy_number for d in doc.deliveries.all())
    assert copies == [1, 2, 3] and doc.copies_printed == 4
    act(doc, "分发")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.DISTRIBUTED
    rows = selectors.delivery_rows(doc)
    assert all(r.delivery.delivered_at for r in rows)
    internal = [r for r in rows if r.delivery.is_internal]
    assert {r.incoming.recipient_unit for r in internal} == {office.county, office.bureau}
    assert not any(r.received for r in internal)
    assert {r.incoming.copy_number for r in internal} == {r.delivery.copy_number for r in internal}
    act(doc, "归档")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.ARCHIVED and doc.archived_at


def test_countersign_is_skipped_without_units_and_minutes_skip_sealing(office):
    doc = draft(office, doc_type="纪要", spec=notice_spec(title="专题会议纪要", seal=False, signature=[]))
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    act(doc, "核稿")
    assert pending(doc)[0].stage_name == "签发"
    stages = services.current_route(doc).template_version.stages.values_list("name", flat=True)
    assert "用印" not in stages


def test_sign_off_is_never_delegated(office):
    now = timezone.now()
    Delegation.objects.create(delegator=office.leader, delegate=office.secretary,
                              actions=["object.view", "opinion.prepare"],
                              starts_at=now - timezone.timedelta(days=1), ends_at=now + timezone.timedelta(days=1))
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "签发")
    step = pending(doc)[0]
    with pytest.raises(WorkflowError, match="不得由他人代为处理"):
        services.outgoing_act(actor=office.secretary, document=doc, step=step, action="agree",
                              on_behalf_of=office.leader)
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.ROUTING and doc.signed_off_by is None


def test_only_a_leader_may_be_named_to_sign_off(office):
    with pytest.raises(ValidationError, match="签发人须为领导"):
        draft(office, sign_off_leader=office.head)


def test_a_leader_without_clearance_cannot_sign_off_a_secret_document(office):
    office.other_leader.clearance = "general"
    office.other_leader.save()
    doc = draft(office, classification=Level.SECRET, secrecy_years=5, sign_off_leader=office.other_leader)
    services.outgoing_submit(actor=office.drafter, document=doc)
    # The route never reaches him: the stage before 签发 cannot be completed, and says why.
    with pytest.raises(ValidationError, match="涉密等级不能办理该密级的事项"):
        agree_until(doc, "签发")
    assert not any(s.assignee == office.other_leader for s in pending(doc))
    # Even a step forced upon him (e.g. by an old template) is refused at the act.
    step = pending(doc)[0]
    Step.objects.filter(pk=step.pk).update(assignee=office.other_leader, stage_key="sign_off")
    step.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.outgoing_act(actor=office.other_leader, document=doc, step=step, action="agree")


def test_return_with_opinion_goes_back_to_the_drafter_who_edits_and_resends(office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    with pytest.raises(ValidationError, match="须填写意见"):
        act(doc, "核稿", "return", return_to=0)
    act(doc, "核稿", "return", return_to=0, text="请补充完成时限。")
    assert [(s.stage_name, s.assignee) for s in pending(doc)] == [("拟稿", office.drafter)]
    assert can(office.drafter, DocumentAction.EDIT, doc)
    edit(doc, office.drafter, doc.current_version_id, notes="完成时限见表")
    act(doc, "拟稿")
    assert pending(doc)[0].stage_name == "部门审核"


def test_reject_ends_the_route(office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核", "reject", text="不宜发文。")
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.REJECTED and pending(doc) == []


def test_number_can_be_given_at_sign_off_when_configured(office, settings):
    settings.DOCUMENTS_NUMBER_STAGE = "sign_off"
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "签发")
    act(doc, "签发")
    doc.refresh_from_db()
    assert doc.doc_number == f"示委办发〔{YEAR}〕1号" and doc.numbered_at


def test_voided_number_is_recorded_and_a_new_one_given(office):
    first, second = draft(office), draft(office, spec=notice_spec("关于另一事项的通知"))
    for doc in (first, second):
        services.outgoing_submit(actor=office.drafter, document=doc)
        agree_until(doc, "用印")
    first.refresh_from_db()
    assert first.doc_number.endswith("〕1号")
    with pytest.raises(ValidationError):
        services.outgoing_number_void(actor=office.secretary, document=first, reason=" ")
    with pytest.raises(PermissionDenied):
        services.outgoing_number_void(actor=office.drafter, document=first, reason="印错")
    new = services.outgoing_number_void(actor=office.secretary, document=first, reason="文号印错")
    assert new == f"示委办发〔{YEAR}〕3号"
    voided = VoidedNumber.objects.get()
    assert voided.value == 1 and "文号印错" in voided.reason
    register = selectors.number_register(office.secretary)
    assert list(register["voided"]) == [voided]
    assert sorted(d.doc_seq for d in register["documents"]) == [2, 3]


def test_distribution_without_recipients_is_refused_and_nothing_half_written(office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    # Copies follow the list: printing is refused without one, before anything is sent.
    agree_until(doc, "印制")
    step = pending(doc)[0]
    with pytest.raises(WorkflowError, match="分发名单为空"):
        act(doc, "印制")
    step.refresh_from_db()
    doc.refresh_from_db()
    assert step.status == "pending" and doc.status != OutgoingStatus.DISTRIBUTED


def test_distribution_list_is_checked(office):
    doc = draft(office)
    with pytest.raises(ValidationError, match="既主送又抄送"):
        services.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=[office.county],
                                           cc_units=[office.county])
    with pytest.raises(ValidationError, match="分发渠道"):
        services.outgoing_distribution_set(actor=office.drafter, document=doc,
                                           externals=[("省委", "electronic", "main")])
    with pytest.raises(PermissionDenied):
        services.outgoing_distribution_set(actor=office.outsider, document=doc, main_units=[office.county])


def test_receipts_reminders_and_need_to_know(office):
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    assert not can(office.county_secretary, Action.OBJECT_VIEW, doc)
    to_distribution(office, doc)
    act(doc, "分发")
    doc.refresh_from_db()
    # A recipient receives its copy as 收文 and never sees the sender's page (issue 10 §8).
    assert not can(office.county_secretary, Action.OBJECT_VIEW, doc)
    assert not can(office.county_head, Action.OBJECT_VIEW, doc)
    assert can(office.secretary, Action.OBJECT_VIEW, doc)
    rows = {r.delivery.recipient_name: r for r in selectors.delivery_rows(doc)}
    incoming.incoming_confirm_receipt(actor=office.county_secretary, incoming=rows["示例县委办公室"].incoming)
    rows = {r.delivery.recipient_name: r for r in selectors.delivery_rows(doc)}
    assert rows["示例县委办公室"].received and not rows["示例市财政局"].received
    assert not rows["省委办公厅"].delivery.is_internal and rows["省委办公厅"].delivery.channel == "confidential"
    with pytest.raises(PermissionDenied):
        services.outgoing_chase(actor=office.outsider, document=doc)
    count = services.outgoing_chase(actor=office.drafter, document=doc)
    notes = Notification.objects.filter(item_key__startswith="documents.delivery:")
    # The chase reaches whoever holds the 签收 (the bureau's secretary), not its head.
    assert count == 1 and {n.recipient for n in notes} == {office.bureau_head}
    assert can(office.bureau_head, Action.OBJECT_VIEW, bureau_incoming := rows["示例市财政局"].incoming)
    assert notes.get().url == f"/documents/incoming/{bureau_incoming.pk}/"
    services.outgoing_chase(actor=office.drafter, document=doc)  # same day: no duplicate
    assert notes.count() == 1
    bureau = rows["示例市财政局"]
    incoming.incoming_confirm_receipt(actor=office.bureau_head, incoming=bureau.incoming)
    with pytest.raises(ValidationError, match="均已签收"):
        services.outgoing_chase(actor=office.drafter, document=doc)


def test_download_of_a_classified_document_is_watermarked_and_audited(office):
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    data = services.outgoing_download(actor=office.drafter, document=doc, fmt="pdf")
    assert data.startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="object.download", object_id=str(doc.pk)).get()
    assert event.details == {"format": "pdf", "version": 1}
    with pytest.raises(PermissionDenied):
        services.outgoing_download(actor=office.outsider, document=doc, fmt="pdf")
    with pytest.raises(ValidationError):
        services.outgoing_download(actor=office.drafter, document=doc, fmt="exe")


def test_every_type_has_its_default_template_seeded_by_command(office):
    from django.core.management import call_command

    from zhongshu.documents import doctypes
    from zhongshu.workflow.models import RouteTemplate

    call_command("documents_templates")
    call_command("documents_templates")  # idempotent
    templates = RouteTemplate.objects.filter(code__startswith="outgoing-")
    assert templates.count() == len(doctypes.KINDS) == 17
    memo = templates.get(code="outgoing-qianbao").current_version.stages.values_list("name", flat=True)
    assert list(memo) == ["拟稿", "部门审核", "核稿", "会签", "签发", "归档"]
    keys = templates.get(code="outgoing-qianbao").current_version.stages.values_list("key", flat=True)
    assert list(keys) == ["drafting", "department_review", "review", "countersign", "sign_off",
                          "archiving"]
    minutes = templates.get(code="outgoing-jiyao").current_version.stages.values_list("name", flat=True)
    assert "用印" not in minutes and "编号" in minutes
    sign_off = templates.get(code="outgoing-tongzhi").current_version.stages.get(name="签发")
    assert sign_off.delegable is False


def test_acting_from_the_generic_route_page_still_numbers_the_document(client, office, settings):
    """The inbox links a step to the workflow's route page; acting there runs the same
    document hooks (sign-off rights, numbering)."""
    from django.urls import reverse

    settings.DOCUMENTS_NUMBER_STAGE = "sign_off"
    doc = draft(office)
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "签发")
    route = services.current_route(doc)
    client.force_login(office.leader)
    client.post(reverse("workflow:route_act", args=[route.pk]), {"action": "agree", "text": ""})
    doc.refresh_from_db()
    assert doc.status == OutgoingStatus.SIGNED_OFF and doc.doc_number == f"示委办发〔{YEAR}〕1号"
