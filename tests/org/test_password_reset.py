"""Issue 11 §2: a password reset by the system administrator let him sign in as anyone
and read a 机密 draft. Now a reset gives a one-time password that opens nothing but the
change-password page; the person is told there who reset it and when; the auditor sees
the reset as its own event with its reason; resetting a person cleared 重要 or 核心 needs
the security administrator's approval first. Before the fix the person page set any
password directly and the account opened in full (these tests failed: the reset page
did not exist and the old password field was on the form)."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from zhongshu.audit.models import AuditEvent
from zhongshu.org import services as org
from zhongshu.org.events import OrgEvent
from zhongshu.org.models import Clearance, PasswordResetRequest, Person, ResetStatus
from zhongshu.org.services import PermissionDenied, ValidationError


def _reset_on_page(client, sysadmin, person, reason="本人遗忘密码，已电话核实"):
    client.force_login(sysadmin)
    response = client.post(reverse("org:person_reset_password", args=[person.pk]),
                           {"action": "reset", "reason": reason})
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(r'<p class="one-time"><code>([^<]+)</code>', html)
    assert match, html
    client.logout()
    return match.group(1)


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_reset_password_opens_only_the_change_password_page(client, world):
    one_time = _reset_on_page(client, world.sysadmin, world.granted_uncleared)
    assert _sign_in(client, "gu", PASSWORD).status_code == 200  # the old password is gone
    assert _sign_in(client, "gu", one_time).status_code == 302
    change = reverse("org:password_change")
    for url in (reverse("home"), reverse("inbox:home"), reverse("org:profile"),
                reverse("access:forward_list"), reverse("access:delegation_list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == change, url
    fragment = client.get(reverse("inbox:home"), HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == change
    api = client.get("/api/documents")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    page = client.get(change).content.decode()
    assert "您的密码已于" in page and "由 系统管理员甲 重置" in page
    # The one-time password cannot be kept as the new one.
    same = client.post(change, {"new_password1": one_time, "new_password2": one_time})
    assert "新密码不能与一次性密码相同" in same.content.decode()
    done = client.post(change, {"new_password1": "Own-Choice-Pass-2026", "new_password2": "Own-Choice-Pass-2026"})
    assert done.status_code == 302 and done["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    person = Person.objects.get(username="gu")
    assert not person.must_change_password and person.password_reset_by == world.sysadmin
    assert "由 系统管理员甲 重置" in client.get(reverse("org:profile")).content.decode()
    changed = AuditEvent.objects.filter(action=OrgEvent.PERSON_PASSWORD_CHANGE_OWN).get()
    assert changed.details == {"one_time_password_replaced": True}


def test_the_auditor_sees_the_reset_as_its_own_event_with_its_reason(client, world):
    _reset_on_page(client, world.sysadmin, world.staff, reason="调岗后遗忘密码")
    event = AuditEvent.objects.get(action=OrgEvent.PERSON_PASSWORD_RESET)
    assert event.actor_id == world.sysadmin.pk and event.object_id == str(world.staff.pk)
    assert event.details["reason"] == "调岗后遗忘密码" and event.details["request_id"] is None
    client.force_login(world.auditor)
    html = client.get(reverse("audit:event_list"), {"action": OrgEvent.PERSON_PASSWORD_RESET}).content.decode()
    assert "普通职员" in html and "系统管理员甲" in html


def test_a_new_account_starts_with_a_one_time_password(client, world):
    client.force_login(world.sysadmin)
    client.post(reverse("org:person_create"), {
        "username": "newbie", "full_name": "新人", "unit": world.office.pk, "sort_order": 1,
        "is_active": "on", "password": "Initial-Pass-2026"})
    assert Person.objects.get(username="newbie").must_change_password
    client.logout()
    _sign_in(client, "newbie", "Initial-Pass-2026")
    assert client.get(reverse("home"))["Location"] == reverse("org:password_change")


def test_an_existing_persons_password_is_not_on_the_person_form(client, world):
    client.force_login(world.sysadmin)
    html = client.get(reverse("org:person_edit", args=[world.staff.pk])).content.decode()
    assert 'name="password"' not in html and "重置密码" in html
    with pytest.raises(PermissionDenied):
        org.person_set_password(actor=world.sysadmin, person=world.staff, password="Other-Pass-2026x")


def test_resetting_a_person_cleared_important_needs_the_security_admins_approval(client, world):
    target = world.cleared_granted  # 重要涉密人员
    assert target.clearance == Clearance.IMPORTANT
    with pytest.raises(ValidationError, match="须先经安全保密管理员批准"):
        org.person_password_reset(actor=world.sysadmin, person=target, reason="遗忘")
    client.force_login(world.sysadmin)
    url = reverse("org:person_reset_password", args=[target.pk])
    html = client.get(url).content.decode()
    assert "须先经安全保密管理员批准" in html and "提交审批申请" in html and 'value="reset"' not in html
    forged = client.post(url, {"action": "reset", "reason": "遗忘"})
    assert "须先经安全保密管理员批准" in forged.content.decode()
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and not target.must_change_password
    client.post(url, {"action": "request", "reason": "本人遗忘密码，已当面核实"})
    request = PasswordResetRequest.objects.get()
    assert request.status == ResetStatus.PENDING and request.requested_by == world.sysadmin
    assert "等待安全保密管理员审批" in client.get(url).content.decode()

    # The security admin sees it and decides.
    client.force_login(world.secadmin)
    listing = client.get(reverse("access:password_reset_list")).content.decode()
    assert "有权有授权" in listing and "本人遗忘密码，已当面核实" in listing
    detail = reverse("access:password_reset_detail", args=[request.pk])
    assert "重置原因" in client.get(detail).content.decode()
    response = client.post(detail, {"decision": "approve", "note": "已核实"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ResetStatus.APPROVED and request.decided_by == world.secadmin

    # Now the system admin may reset, once.
    one_time = _reset_on_page(client, world.sysadmin, target)
    target.refresh_from_db()
    assert target.check_password(one_time) and target.must_change_password
    request.refresh_from_db()
    assert request.status == ResetStatus.USED
    event = AuditEvent.objects.get(action=OrgEvent.PERSON_PASSWORD_RESET)
    assert event.details["request_id"] == request.pk and event.details["approved_by_id"] == world.secadmin.pk
    with pytest.raises(ValidationError):
        org.person_password_reset(actor=world.sysadmin, person=target, reason="再来一次")
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert [a for a in actions if a.startswith("org.password_reset") or a == OrgEvent.PERSON_PASSWORD_RESET] == [
        OrgEvent.PASSWORD_RESET_REQUEST, OrgEvent.PASSWORD_RESET_APPROVE, OrgEvent.PERSON_PASSWORD_RESET]


def test_a_refusal_needs_a_reason_and_leaves_the_password(client, world):
    request = org.password_reset_request(actor=world.sysadmin, person=world.cleared_granted, reason="遗忘")
    client.force_login(world.secadmin)
    detail = reverse("access:password_reset_detail", args=[request.pk])
    assert "不予批准时请说明理由" in client.post(detail, {"decision": "reject", "note": ""}).content.decode()
    client.post(detail, {"decision": "reject", "note": "未核实本人身份"})
    request.refresh_from_db()
    assert request.status == ResetStatus.REJECTED
    assert AuditEvent.objects.filter(action=OrgEvent.PASSWORD_RESET_REJECT).get().details["note"] == "未核实本人身份"
    with pytest.raises(ValidationError):
        org.person_password_reset(actor=world.sysadmin, person=world.cleared_granted, reason="遗忘")


def test_nobody_resets_an_administrator_or_himself_on_the_pages(client, world):
    client.force_login(world.sysadmin)
    for target in (world.secadmin, world.auditor, world.sysadmin):
        assert client.get(reverse("org:person_reset_password", args=[target.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            org.person_password_reset(actor=world.sysadmin, person=target, reason="试图")
    # The security admin approves; she does not reset, nor approve a request about herself.
    with pytest.raises(PermissionDenied):
        org.person_password_reset(actor=world.secadmin, person=world.staff, reason="试图")
