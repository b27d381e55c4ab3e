"""Issue 11 §4 and §10. §4: the security admin read any document by granting it to her
own unit. A grant whose holder includes the granter is refused, and grants of classified
items need the owner unit leader's approval, both audited. §10: her grants pages showed
the title of any object, private drafts included; they show kind, number and
classification, and the title only within her own clearance and need-to-know. Before
the fix the grant to her own unit took effect at once and the page's heading was the
title (these tests failed)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.access.testapp.models import Dossier
from zhongshu.access import services as access
from zhongshu.access.classification import Level
from zhongshu.access.events import AccessEvent
from zhongshu.access.models import ForwardPurpose, ForwardRequest, ForwardStatus, Grant
from zhongshu.access.policy import Action, can
from zhongshu.audit.models import AuditEvent
from zhongshu.org.services import ValidationError

LABEL = "access_testapp.dossier"


def _grants_url(obj):
    return reverse("access:object_grants", args=[LABEL, obj.pk])


def test_a_grant_to_the_granters_own_unit_is_refused(client, world):
    assert world.secadmin.unit == world.office
    client.force_login(world.secadmin)
    response = client.post(_grants_url(world.dossier), {"unit": world.office.pk, "reason": "工作需要"})
    assert response.status_code == 200
    assert access.GRANT_INCLUDES_GRANTER in response.content.decode()
    assert not Grant.objects.filter(unit=world.office).exists()
    assert not ForwardRequest.objects.exists()
    assert not can(world.secadmin, Action.OBJECT_VIEW, world.dossier)
    with pytest.raises(ValidationError):
        access.grant_add(actor=world.secadmin, obj=world.dossier, person=world.secadmin, reason="x")


def test_a_classified_grant_waits_for_the_owner_unit_leaders_approval(client, world):
    client.force_login(world.secadmin)
    response = client.post(_grants_url(world.dossier), {"person": "cu", "reason": "参与起草"}, follow=True)
    assert "已提交定密单位领导审批" in response.content.decode()
    assert "待定密单位领导审批的授权" in response.content.decode()
    request = ForwardRequest.objects.get()
    assert request.purpose == ForwardPurpose.GRANT and request.status == ForwardStatus.PENDING
    assert not Grant.objects.filter(person=world.cleared_ungranted).exists()
    assert not can(world.cleared_ungranted, Action.OBJECT_VIEW, world.dossier)
    asked = AuditEvent.objects.get(action=AccessEvent.GRANT_REQUEST)
    assert asked.actor_id == world.secadmin.pk and asked.details["person_id"] == world.cleared_ungranted.pk

    # The owner unit's head (the leader) sees it waiting and approves it.
    client.force_login(world.leader)
    assert f"#{request.pk}" in client.get(reverse("access:forward_list")).content.decode()
    detail = reverse("access:forward_detail", args=[request.pk])
    html = client.get(detail).content.decode()
    assert f"授权申请 #{request.pk}" in html and "参与起草" in html
    assert client.post(detail, {"decision": "approve", "note": "同意"}).status_code == 302
    grant = Grant.objects.get(person=world.cleared_ungranted)
    assert grant.forward_request == request and grant.granted_by == world.leader
    assert can(world.cleared_ungranted, Action.OBJECT_VIEW, world.dossier)
    approved = AuditEvent.objects.get(action=AccessEvent.FORWARD_APPROVE)
    assert approved.actor_id == world.leader.pk and approved.details["purpose"] == "grant"
    assert AuditEvent.objects.filter(action=AccessEvent.GRANT_ADD).count() == 1


def test_the_approver_cannot_approve_a_grant_that_includes_himself(world):
    world.secadmin.unit = world.other
    world.secadmin.save()
    request = access.grant_add(actor=world.secadmin, obj=world.dossier, unit=world.office, reason="全办知悉")
    assert isinstance(request, ForwardRequest)
    with pytest.raises(ValidationError, match="包含审批人本人"):
        access.forward_decide(actor=world.leader, request=request, approve=True)
    assert not Grant.objects.filter(unit=world.office).exists()


def test_a_refused_grant_needs_a_reason_and_grants_nothing(world):
    request = access.grant_add(actor=world.secadmin, obj=world.dossier, person=world.cleared_ungranted,
                               reason="参与起草")
    with pytest.raises(ValidationError):
        access.forward_decide(actor=world.leader, request=request, approve=False)
    access.forward_decide(actor=world.leader, request=request, approve=False, note="无需知悉")
    assert not Grant.objects.filter(person=world.cleared_ungranted).exists()
    assert AuditEvent.objects.get(action=AccessEvent.FORWARD_REJECT).details["note"] == "无需知悉"


def test_an_unclassified_grant_takes_effect_at_once(world):
    memo = Dossier.objects.create(title="内部通知", classification=Level.INTERNAL, owner_unit=world.office,
                                  registered_by=world.clerk)
    grant = access.grant_add(actor=world.secadmin, obj=memo, person=world.staff, reason="知悉",
                             expires_at=None)
    assert isinstance(grant, Grant) and can(world.staff, Action.OBJECT_VIEW, memo)


def test_an_approval_keeps_the_requested_expiry(world):
    later = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    request = access.grant_add(actor=world.secadmin, obj=world.dossier, person=world.cleared_ungranted,
                               reason="限期知悉", expires_at=later)
    access.forward_decide(actor=world.leader, request=request, approve=True)
    assert Grant.objects.get(person=world.cleared_ungranted).expires_at == later


def test_grant_pages_show_kind_number_and_level_but_no_title_outside_her_reach(client, world):
    draft = Dossier.objects.create(title="某人的私人草稿标题", classification=Level.INTERNAL,
                                   owner_unit=world.other, registered_by=world.staff)
    dossier_type = ContentType.objects.get_for_model(Dossier)
    Grant.objects.create(content_type=dossier_type, object_id=draft.pk, person=world.cleared_granted,
                         reason="测试", granted_by=world.secadmin)
    client.force_login(world.secadmin)
    for obj in (world.dossier, draft):
        html = client.get(_grants_url(obj)).content.decode()
        assert str(obj) not in html
        assert "测试卷宗" in html and f"#{obj.pk}" in html
        assert str(Level(obj.classification).label) in html
        assert "标题不显示" in html
    listing = client.get(reverse("access:grant_list")).content.decode()
    assert "关于某重大事项的请示" not in listing and "某人的私人草稿标题" not in listing
    assert "机密" in listing and "内部" in listing and "测试卷宗" in listing
    # Within her clearance and need-to-know, she sees the title.
    Grant.objects.create(content_type=dossier_type, object_id=world.dossier.pk,
                         person=world.secadmin, reason="经批准知悉", granted_by=world.leader)
    assert "关于某重大事项的请示" in client.get(_grants_url(world.dossier)).content.decode()
