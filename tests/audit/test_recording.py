"""Every write, sign-in and permission change leaves an event, in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from tests.factories import PASSWORD, PersonFactory
from zhongshu.access import services as access
from zhongshu.access.models import Grant
from zhongshu.audit import services as audit
from zhongshu.audit.models import AuditEvent, Outcome
from zhongshu.kernel import services as kernel
from zhongshu.org import services as org
from zhongshu.org.lockout import account_unlock


def last(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def test_sign_in_failure_and_sign_out_are_recorded_with_address(client, world):
    client.post(reverse("login"), {"username": "staff", "password": "wrong-password"},
                REMOTE_ADDR="10.1.2.3")
    failed = last("auth.sign_in_failed")
    assert failed.outcome == Outcome.FAILURE and failed.actor_id is None
    assert failed.actor_name == "未登录用户" and failed.details == {"username": "staff"}
    assert failed.object_id == str(world.staff.pk) and failed.ip_address == "10.1.2.3"
    client.post(reverse("login"), {"username": "staff", "password": PASSWORD}, REMOTE_ADDR="10.1.2.4")
    signed_in = last("auth.sign_in")
    assert signed_in.actor_id == world.staff.pk and signed_in.ip_address == "10.1.2.4"
    client.post(reverse("logout"))
    assert last("auth.sign_out").actor_id == world.staff.pk


def test_org_writes_record_who_changed_what(world):
    admin = world.sysadmin
    unit = org.unit_create(actor=admin, name="信息科", code="XXK", kind="department")
    org.unit_update(actor=admin, unit=unit, name="信息处", parent=world.office)
    event = last("org.unit.update")
    assert event.actor_id == admin.pk and event.actor_name == "系统管理员甲"
    assert event.details["changes"]["name"] == ["信息科", "信息处"]
    assert event.details["changes"]["parent"][1]["id"] == world.office.pk
    person = org.person_create(actor=None, username="new1", full_name="新人", unit=unit,
                               roles=["secretary"], password="Long-Enough-Pass-1")
    assert last("org.person.create").details["roles"] == ["secretary"]
    # Roles are the security admin's (三员分立); the system (actor=None) stands in here.
    org.person_update(actor=None, person=person, roles=["secretary", "archivist"])
    assert last("org.person.update").details["changes"]["roles"] == [["secretary"], ["archivist", "secretary"]]
    org.person_update(actor=admin, person=person, position="科员")
    assert last("org.person.update").details["changes"] == {"position": ["", "科员"]}
    org.person_password_reset(actor=admin, person=person, reason="遗忘密码")
    assert last("org.person.password_reset").object_id == str(person.pk)
    assert last("org.person.password_reset").details["reason"] == "遗忘密码"
    account_unlock(actor=admin, person=person)
    assert last("org.account.unlock").actor_id == admin.pk


def test_an_unchanged_update_records_nothing(world):
    before = AuditEvent.objects.count()
    org.unit_update(actor=world.sysadmin, unit=world.office, name=world.office.name)
    assert AuditEvent.objects.count() == before


def test_calendar_changes_are_recorded(world):
    day = dt.date(2026, 10, 10)
    kernel.calendar_override_set(actor=world.sysadmin, day=day, is_workday=True, note="调休")
    kernel.calendar_override_remove(actor=world.sysadmin, day=day)
    kernel.calendar_year_declare(actor=world.sysadmin, year=2031, source="国办发明电")
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))[-3:]
    assert actions == ["kernel.calendar.override_set", "kernel.calendar.override_remove",
                       "kernel.calendar.year_declare"]


def test_event_and_change_roll_back_together(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        org.unit_create(actor=world.sysadmin, name="临时", code="TMP", kind="department")
        raise RuntimeError
    assert AuditEvent.objects.count() == before
    # and the chain is still whole
    audit.record(actor=None, action="test.after_rollback")
    from zhongshu.audit.chain import verify

    assert verify().ok


def test_refused_writes_record_nothing(world):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        org.unit_create(actor=world.staff, name="越权", code="YQ", kind="department")
    assert AuditEvent.objects.count() == before


def test_clearance_and_grant_changes_are_recorded(world):
    access.person_clearance_set(actor=world.secadmin, person=world.staff, clearance="general",
                                reason="岗位调整")
    event = last("access.clearance.set")
    assert event.details == {"old": "none", "new": "general", "reason": "岗位调整"}
    request = access.grant_add(actor=world.secadmin, obj=world.dossier, person=world.cleared_ungranted,
                               reason="参与起草")
    assert last("access.grant.request").details["request_id"] == request.pk
    # A classified grant takes effect on the owner unit leader's approval (issue 11 §4).
    access.forward_decide(actor=world.leader, request=request, approve=True)
    grant = Grant.objects.get(forward_request=request)
    event = last("access.grant.add")
    assert event.classification == 3 and event.object_repr == world.dossier.title
    assert event.details["person_id"] == world.cleared_ungranted.pk
    access.grant_revoke(actor=world.secadmin, grant=grant)
    assert last("access.grant.revoke").details["grant_id"] == grant.pk


def test_reading_a_classified_object_is_recorded_with_both_names(world):
    event = audit.record_access(actor=world.secretary, obj=world.dossier, on_behalf_of=world.leader)
    assert event.action == "object.view" and event.classification == 3
    assert (event.actor_name, event.on_behalf_of_name) == ("李秘书", "王主任")
    from tests.access.testapp.models import Dossier

    internal = Dossier.objects.create(title="内部件", classification=1, owner_unit=world.office,
                                      registered_by=world.clerk)
    assert audit.record_access(actor=world.clerk, obj=internal, download=True) is None


def test_import_is_recorded(world):
    from zhongshu.org import importer

    parsed = importer.parse(importer.template_workbook(), actor=world.sysadmin)
    assert parsed.errors == []
    importer.apply(parsed, actor=world.sysadmin)
    event = last("org.import.apply")
    assert event.details["people_created"] == 1 and event.actor_id == world.sysadmin.pk
    assert last("org.person.create").details["username"] == "zhangsan"


def test_own_password_change_is_recorded(client, world):
    person = PersonFactory(username="self1")
    client.force_login(person)
    response = client.post(reverse("org:profile"), {
        "old_password": PASSWORD, "new_password1": "Brand-New-Pass-77", "new_password2": "Brand-New-Pass-77"})
    assert response.status_code == 302
    assert last("org.person.password_change_own").actor_id == person.pk


@pytest.mark.django_db
def test_a_recorded_event_is_never_saved_again_or_deleted():
    from zhongshu.kernel.append_only import ImmutableRecord

    event = audit.record(actor=None, action="test.append_only", object_repr="事项")
    event.action = "test.rewritten"
    with pytest.raises(ImmutableRecord, match="审计事件只能追加"):
        event.save()
    with pytest.raises(ImmutableRecord):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.append_only"
