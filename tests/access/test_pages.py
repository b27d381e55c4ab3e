"""The access pages, as their users meet them."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhongshu.access.models import Delegation, ForwardRequest, ForwardStatus, Grant
from zhongshu.audit.models import AuditEvent
from zhongshu.org.models import Clearance


def login(client, person):
    client.force_login(person)
    return client


def test_security_admin_sets_a_clearance(client, world):
    login(client, world.secadmin)
    html = client.get(reverse("access:clearance_list"), {"q": "普通"}).content.decode()
    assert "普通职员" in html and "有权无授权" not in html
    url = reverse("access:clearance_edit", args=[world.staff.pk])
    response = client.post(url, {"clearance": Clearance.GENERAL, "reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(url, {"clearance": Clearance.GENERAL, "reason": "任命为机要岗位"})
    assert response.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.clearance == Clearance.GENERAL
    assert AuditEvent.objects.filter(action="access.clearance.set", actor=world.secadmin).exists()


def test_security_admin_cannot_change_own_clearance(client, world):
    login(client, world.secadmin)
    url = reverse("access:clearance_edit", args=[world.secadmin.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"clearance": "none", "reason": "x"}).status_code == 403
    world.secadmin.refresh_from_db()
    assert world.secadmin.clearance == Clearance.CORE


def test_security_admin_manages_grants_of_an_object(client, world):
    login(client, world.secadmin)
    label, pk = "access_testapp.dossier", world.dossier.pk
    response = client.get(reverse("access:grant_list"), {"model": label, "object_id": pk})
    url = reverse("access:object_grants", args=[label, pk])
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert "有权有授权" in html and "机密★10年" in html
    # a person whose clearance is too low is refused with a message
    response = client.post(url, {"person": "staff", "reason": "参阅"})
    assert "涉密等级不足" in response.content.decode()
    response = client.post(url, {"person": "cu", "reason": "参与起草",
                                 "expires_at": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    # 机密: the grant takes effect on the owner unit leader's approval (issue 11 §4).
    assert not Grant.objects.filter(person=world.cleared_ungranted).exists()
    from zhongshu.access.models import ForwardRequest
    from zhongshu.access.services import forward_decide

    forward_decide(actor=world.leader, request=ForwardRequest.objects.get(), approve=True)
    grant = Grant.objects.get(person=world.cleared_ungranted)
    assert grant.granted_by == world.leader and grant.expires_at is not None
    response = client.post(reverse("access:grant_revoke", args=[grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == world.secadmin
    assert "撤销" in client.get(url).content.decode()


def test_security_admin_cannot_grant_to_themself(client, world):
    login(client, world.secadmin)
    url = reverse("access:object_grants", args=["access_testapp.dossier", world.dossier.pk])
    response = client.post(url, {"person": "secadmin", "reason": "自己看"})
    assert "不能为自己授权" in response.content.decode()
    assert not Grant.objects.filter(person=world.secadmin).exists()


def test_grant_page_of_a_missing_object_is_404(client, world):
    login(client, world.secadmin)
    assert client.get(reverse("access:object_grants", args=["access_testapp.dossier", 99999])).status_code == 404
    assert client.get(reverse("access:object_grants", args=["org.person", world.staff.pk])).status_code == 404


def test_leader_delegates_to_a_secretary(client, world):
    login(client, world.leader)
    start = timezone.localtime()
    data = {"delegate": world.secretary.pk, "actions": ["object.view", "opinion.prepare"],
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"), "note": "出差"}
    assert client.post(reverse("access:delegation_list"), data).status_code == 302
    delegation = Delegation.objects.filter(note="出差").get()
    assert delegation.actions == ["object.view", "opinion.prepare"]
    html = client.get(reverse("access:delegation_list")).content.decode()
    assert "签发、批示不得委托" in html and "拟办意见" in html
    # sign-off is not even offered, and is refused if posted
    response = client.post(reverse("access:delegation_list"), {**data, "actions": ["document.sign_off"]})
    assert response.status_code == 200 and Delegation.objects.count() == 2
    assert client.post(reverse("access:delegation_revoke", args=[delegation.pk])).status_code == 302
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_sign_off_is_refused_by_the_service_with_a_chinese_message(world):
    import pytest

    from zhongshu.access import services
    from zhongshu.org.services import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.delegation_create(actor=world.leader, delegate=world.secretary,
                                   actions=["document.sign_off", "object.view"],
                                   starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(days=1))
    assert "签发、批示由领导本人办理，不得委托" in str(exc.value)


def test_secretary_sees_received_delegations_but_cannot_delegate(client, world):
    login(client, world.secretary)
    html = client.get(reverse("access:delegation_list")).content.decode()
    assert "王主任" in html and "设立委托" not in html
    assert client.post(reverse("access:delegation_list"), {}).status_code == 403
    # and cannot revoke someone else's delegation: it is not theirs to see
    assert client.post(reverse("access:delegation_revoke", args=[world.delegation.pk])).status_code == 404


def test_forwarding_a_classified_object_needs_the_owner_units_leader(client, world):
    login(client, world.cleared_granted)
    url = reverse("access:forward_create", args=["access_testapp.dossier", world.dossier.pk])
    assert "须经定密单位负责人或分管领导批准" in client.get(url).content.decode()
    response = client.post(url, {"person": "cu", "reason": "请其提出意见"})
    fr = ForwardRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("access:forward_detail", args=[fr.pk])
    assert fr.status == ForwardStatus.PENDING and fr.requested_by == world.cleared_granted
    from zhongshu.access.policy import Action, can

    assert not can(world.cleared_ungranted, Action.OBJECT_VIEW, world.dossier)
    # the requester cannot decide; an unrelated person cannot even see the request
    assert "审批意见" not in client.get(reverse("access:forward_detail", args=[fr.pk])).content.decode()
    assert client.post(reverse("access:forward_detail", args=[fr.pk]), {"decision": "approve"}).status_code == 403
    login(client, world.staff)
    assert client.get(reverse("access:forward_detail", args=[fr.pk])).status_code == 404
    # the head of the owner unit sees it waiting and approves
    login(client, world.leader)
    assert f"#{fr.pk}" in client.get(reverse("access:forward_list")).content.decode()
    response = client.post(reverse("access:forward_detail", args=[fr.pk]),
                           {"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    fr.refresh_from_db()
    assert fr.status == ForwardStatus.APPROVED and fr.decided_by == world.leader
    assert can(world.cleared_ungranted, Action.OBJECT_VIEW, world.dossier)
    assert Grant.objects.get(person=world.cleared_ungranted).forward_request == fr
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["access.grant.add", "access.forward.approve"]
    assert "access.forward.request" in actions
    # a second decision is refused
    response = client.post(reverse("access:forward_detail", args=[fr.pk]), {"decision": "reject", "note": "x"})
    assert response.status_code == 403


def test_rejection_needs_a_reason_and_grants_nothing(client, world):
    from zhongshu.access import services

    fr = services.object_share(actor=world.clerk, obj=world.dossier, person=world.cleared_ungranted,
                               reason="参阅")
    login(client, world.leader)
    url = reverse("access:forward_detail", args=[fr.pk])
    assert "不予批准时请说明理由" in client.post(url, {"decision": "reject"}).content.decode()
    assert client.post(url, {"decision": "reject", "note": "无必要"}).status_code == 302
    fr.refresh_from_db()
    assert fr.status == ForwardStatus.REJECTED
    assert not Grant.objects.filter(person=world.cleared_ungranted).exists()


def test_forward_page_of_an_invisible_object_is_404(client, world):
    for person in (world.cleared_ungranted, world.granted_uncleared, world.sysadmin):
        login(client, person)
        url = reverse("access:forward_create", args=["access_testapp.dossier", world.dossier.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"person": "staff", "reason": "x"}).status_code == 404
    assert not ForwardRequest.objects.exists()


def test_unclassified_objects_are_shared_without_approval(world):
    from tests.access.testapp.models import Dossier
    from zhongshu.access import services

    internal = Dossier.objects.create(title="内部通知", classification=1, owner_unit=world.office,
                                      registered_by=world.clerk)
    result = services.object_share(actor=world.clerk, obj=internal, person=world.staff, reason="知悉")
    assert isinstance(result, Grant) and result.granted_by == world.clerk
