"""Issue 11 §5: every change of a person or unit made on the system admin's pages is
audited with its old and new values. Before the fix the page's form had already copied
the new values onto the instance, so the service saw no change and recorded nothing."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, UnitFactory
from zhongshu.audit.models import AuditEvent
from zhongshu.org.events import OrgEvent
from zhongshu.org.models import RoleCode, UnitKind


@pytest.fixture
def office(db):
    root = UnitFactory(name="市委办公室", code="BGS", kind=UnitKind.ORGAN)
    return {
        "root": root,
        "secretariat": UnitFactory(name="秘书一处", code="MS1", parent=root),
        "jiyao": UnitFactory(name="机要室", code="JYS", parent=root),
    }


def _person_post(person, **overrides):
    data = {"username": person.username, "full_name": person.full_name, "unit": person.unit_id,
            "position": person.position, "email": person.email, "phone": person.phone,
            "sort_order": person.sort_order, "is_active": "on" if person.is_active else ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def _unit_post(unit, **overrides):
    data = {"name": unit.name, "short_name": unit.short_name, "code": unit.code, "kind": unit.kind,
            "parent": unit.parent_id or "", "issuer_code": unit.issuer_code,
            "sort_order": unit.sort_order, "is_active": "on" if unit.is_active else "",
            "head": unit.head_id or "", "leader_in_charge": unit.leader_in_charge_id or ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def _last(action, obj):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.pk)).order_by("-seq").first()


def test_moving_a_person_into_the_confidential_office_is_audited(admin_client, office):
    clerk = PersonFactory(username="xiaowang", full_name="小王", unit=office["secretariat"])
    response = admin_client.post(reverse("org:person_edit", args=[clerk.pk]),
                                 _person_post(clerk, unit=office["jiyao"].pk))
    assert response.status_code == 302
    event = _last(OrgEvent.PERSON_UPDATE, clerk)
    assert event is not None, "moving a person into 机要室 left no audit event"
    assert event.details["changes"]["unit"] == [
        {"id": office["secretariat"].pk, "name": "秘书一处"}, {"id": office["jiyao"].pk, "name": "机要室"}]
    assert event.actor_name == "系统管理员甲"


def test_renaming_a_person_is_audited(admin_client, office):
    person = PersonFactory(username="xiaoli", full_name="李小", unit=office["secretariat"])
    admin_client.post(reverse("org:person_edit", args=[person.pk]), _person_post(person, full_name="李晓"))
    event = _last(OrgEvent.PERSON_UPDATE, person)
    assert event is not None and event.details["changes"]["full_name"] == ["李小", "李晓"]


def test_renaming_a_unit_is_audited(admin_client, office):
    unit = office["secretariat"]
    response = admin_client.post(reverse("org:unit_edit", args=[unit.pk]), _unit_post(unit, name="秘书处"))
    assert response.status_code == 302
    event = _last(OrgEvent.UNIT_UPDATE, unit)
    assert event is not None, "renaming a unit left no audit event"
    assert event.details["changes"]["name"] == ["秘书一处", "秘书处"]


def test_changing_a_unit_head_is_audited(admin_client, office):
    unit = office["jiyao"]
    old = PersonFactory(full_name="老主任", unit=unit)
    new = PersonFactory(full_name="新主任", unit=unit)
    unit.head = old
    unit.save()
    admin_client.post(reverse("org:unit_edit", args=[unit.pk]), _unit_post(unit, head=new.pk))
    event = _last(OrgEvent.UNIT_UPDATE, unit)
    assert event is not None, "changing a unit's head left no audit event"
    assert event.details["changes"]["head"] == [{"id": old.pk, "name": "老主任"},
                                                {"id": new.pk, "name": "新主任"}]


def test_a_save_without_changes_records_nothing(admin_client, office):
    person = PersonFactory(full_name="不变", unit=office["secretariat"])
    before = AuditEvent.objects.count()
    admin_client.post(reverse("org:person_edit", args=[person.pk]), _person_post(person))
    assert AuditEvent.objects.filter(action=OrgEvent.PERSON_UPDATE).count() == 0
    assert AuditEvent.objects.count() == before


def test_deactivating_a_business_account_is_audited(admin_client, office):
    person = PersonFactory(full_name="离职者", unit=office["secretariat"], roles=[RoleCode.SECRETARY])
    admin_client.post(reverse("org:person_edit", args=[person.pk]), _person_post(person, is_active=""))
    event = _last(OrgEvent.PERSON_UPDATE, person)
    assert event is not None and event.details["changes"]["is_active"] == [True, False]
