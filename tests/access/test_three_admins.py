"""Issue 11 §1: 三员分立 defeated by one administrator. The tester's path — the system
admin creates a second security admin with a password he knows, uses it to raise a
机要室 clerk he also created to 核心, and reads 机密 documents through the clerk — is
replayed here step by step, through the pages and the services; every step is refused.
Before the fix the second security admin was created and the clerk read the document."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.access.testapp.models import Dossier
from tests.factories import PASSWORD, PersonFactory
from zhongshu.access import admins
from zhongshu.access import services as access
from zhongshu.access.classification import Level
from zhongshu.access.events import AccessEvent
from zhongshu.access.policy import Action, can
from zhongshu.audit.models import AuditEvent
from zhongshu.org import services as org
from zhongshu.org.models import Clearance, Person, Role, RoleCode
from zhongshu.org.services import PermissionDenied, ValidationError


@pytest.fixture
def secret_dossier(world):
    return Dossier.objects.create(
        title="机密：某重大部署的实施方案", classification=Level.SECRET, secrecy_years=20,
        classified_on=dt.date(2026, 1, 5), owner_unit=world.office, registered_by=world.leader)


def test_the_testers_attack_path_is_refused_at_every_step(client, world, secret_dossier):
    client.force_login(world.sysadmin)
    security_role = Role.objects.get(code=RoleCode.SECURITY_ADMIN)
    clerk_role = Role.objects.get(code=RoleCode.CONFIDENTIAL_CLERK)

    # 1. A second security admin, with a password the system admin knows: the page has
    #    no roles to give, and a forged "roles" field is ignored.
    response = client.post(reverse("org:person_create"), {
        "username": "secadmin2", "full_name": "假保密员", "unit": world.office.pk, "sort_order": 1,
        "is_active": "on", "password": "Known-Passw0rd-2026", "roles": [security_role.pk]})
    assert response.status_code == 302
    fake = Person.objects.get(username="secadmin2")
    assert not fake.roles.exists()
    assert not can(fake, Action.CLEARANCE_SET)
    assert list(Person.objects.filter(roles__code=RoleCode.SECURITY_ADMIN)) == [world.secadmin]
    # … nor through the service the page calls, nor by changing an existing account.
    with pytest.raises(ValidationError) as exc:
        org.person_create(actor=world.sysadmin, username="secadmin3", full_name="假保密员",
                          unit=world.office, roles=[RoleCode.SECURITY_ADMIN])
    assert admins.ADMIN_ROLE_INSTALL_ONLY in str(exc.value)
    with pytest.raises(ValidationError):
        org.person_update(actor=world.sysadmin, person=fake, roles=[RoleCode.SECURITY_ADMIN])
    assert not fake.roles.exists()

    # 2. A 机要室 clerk of his own, raised to 核心: the role and the clearance are not his.
    response = client.post(reverse("org:person_create"), {
        "username": "clerk2", "full_name": "自建机要员", "unit": world.office.pk, "sort_order": 1,
        "is_active": "on", "password": "Known-Passw0rd-2026", "roles": [clerk_role.pk],
        "clearance": Clearance.CORE})
    clerk = Person.objects.get(username="clerk2")
    assert not clerk.roles.exists() and clerk.clearance == Clearance.NONE
    with pytest.raises(ValidationError) as exc:
        org.person_update(actor=world.sysadmin, person=clerk, roles=[RoleCode.CONFIDENTIAL_CLERK])
    assert admins.ROLES_NOT_YOURS in str(exc.value)
    with pytest.raises(ValidationError):
        org.person_update(actor=world.sysadmin, person=clerk, clearance=Clearance.CORE)
    assert client.get(reverse("access:clearance_edit", args=[clerk.pk])).status_code == 403
    response = client.post(reverse("access:clearance_edit", args=[clerk.pk]),
                           {"clearance": Clearance.CORE, "reason": "岗位需要"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        access.person_clearance_set(actor=world.sysadmin, person=clerk, clearance=Clearance.CORE,
                                    reason="岗位需要")
    with pytest.raises(PermissionDenied):
        access.person_roles_set(actor=world.sysadmin, person=clerk,
                                roles=[RoleCode.CONFIDENTIAL_CLERK], reason="岗位需要")

    # 3. Taking over the real security admin: her account is not his to change.
    response = client.post(reverse("org:person_edit", args=[world.secadmin.pk]), {
        "username": "secadmin", "full_name": world.secadmin.full_name, "unit": world.office.pk,
        "sort_order": 1, "is_active": "on", "password": "Known-Passw0rd-2026"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        org.person_set_password(actor=world.sysadmin, person=world.secadmin, password="Known-Passw0rd-2026")
    with pytest.raises(PermissionDenied):
        org.person_password_reset(actor=world.sysadmin, person=world.secadmin, reason="忘记密码")
    with pytest.raises(ValidationError):
        org.person_update(actor=world.sysadmin, person=world.secadmin, is_active=False)
    world.secadmin.refresh_from_db()
    assert world.secadmin.check_password(PASSWORD) and world.secadmin.is_active

    # 4. Reading 机密 through the clerk: nothing was raised, so nothing is visible.
    clerk.refresh_from_db()
    assert not can(clerk, Action.OBJECT_VIEW, secret_dossier)
    assert not Dossier.objects.none().exists()
    assert AuditEvent.objects.filter(action__in=[AccessEvent.CLEARANCE_SET, AccessEvent.ROLES_SET]).count() == 0


def test_the_system_admin_gives_no_content_role_at_all(world):
    for code in admins.CONTENT_ROLES:
        with pytest.raises(ValidationError):
            org.person_update(actor=world.sysadmin, person=world.staff, roles=[code])
    assert {RoleCode.LEADER, RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY, RoleCode.CONFIDENTIAL_CLERK,
            RoleCode.SUPERVISION_OFFICER, RoleCode.INFORMATION_OFFICER, RoleCode.DUTY_OFFICER,
            RoleCode.LIAISON_OFFICER, RoleCode.ARCHIVIST} <= admins.CONTENT_ROLES
    assert not admins.CONTENT_ROLES & admins.ADMIN_ROLES


def test_no_administrator_gives_or_takes_an_administrator_role(world):
    # The security admin, who gives roles, cannot give an administrator role …
    with pytest.raises(ValidationError):
        access.person_roles_set(actor=world.secadmin, person=world.staff,
                                roles=[RoleCode.SECURITY_ADMIN], reason="试图")
    # … nor a business role to an administrator, nor change an administrator's clearance.
    for target in (world.sysadmin, world.auditor):
        with pytest.raises(ValidationError) as exc:
            access.person_roles_set(actor=world.secadmin, person=target,
                                    roles=[RoleCode.CONFIDENTIAL_CLERK], reason="试图")
        assert admins.ADMIN_ACCOUNT_LOCKED in str(exc.value)
        with pytest.raises(ValidationError):
            access.person_clearance_set(actor=world.secadmin, person=target, clearance=Clearance.CORE,
                                        reason="试图")
    # Nor can the system itself hand out an administrator role outside installation.
    with pytest.raises(ValidationError):
        org.person_update(actor=None, person=world.staff, roles=[RoleCode.AUDITOR])
    assert not world.staff.roles.exists()


def test_an_administrator_account_never_holds_a_business_role(world):
    assert admins.separation_error([RoleCode.AUDITOR, RoleCode.ARCHIVIST]) == admins.ADMIN_NO_BUSINESS_ROLE
    with pytest.raises(ValidationError):
        org.person_create(actor=None, username="mix", full_name="兼任", unit=world.office,
                          roles=[RoleCode.AUDITOR, RoleCode.ARCHIVIST])


def test_an_administrator_heads_no_unit(world):
    with pytest.raises(ValidationError) as exc:
        org.unit_update(actor=world.sysadmin, unit=world.other, head=world.sysadmin)
    assert "管理员账号不能担任单位负责人" in str(exc.value)
    with pytest.raises(ValidationError):
        org.unit_update(actor=world.sysadmin, unit=world.other, leader_in_charge=world.secadmin)


def test_the_security_admin_gives_roles_on_her_page_and_it_is_audited(client, world):
    client.force_login(world.secadmin)
    url = reverse("access:clearance_edit", args=[world.staff.pk])
    html = client.get(url).content.decode()
    assert "业务角色" in html and 'value="confidential_clerk"' in html
    assert 'value="security_admin"' not in html and 'value="system_admin"' not in html
    response = client.post(url, {"clearance": Clearance.IMPORTANT, "roles": ["confidential_clerk"],
                                 "reason": "调入机要室（市委办〔2026〕5号）"})
    assert response.status_code == 302
    world.staff.refresh_from_db()
    assert world.staff.clearance == Clearance.IMPORTANT
    assert set(world.staff.roles.values_list("code", flat=True)) == {"confidential_clerk"}
    event = AuditEvent.objects.get(action=AccessEvent.ROLES_SET)
    assert event.details == {"old": [], "new": ["confidential_clerk"],
                             "reason": "调入机要室（市委办〔2026〕5号）"}
    assert event.actor_id == world.secadmin.pk
    listing = client.get(reverse("access:clearance_list"), {"q": "普通职员"}).content.decode()
    assert "机要员" in listing


def test_an_administrator_account_is_read_only_on_both_admins_pages(client, world):
    client.force_login(world.sysadmin)
    html = client.get(reverse("org:person_edit", args=[world.auditor.pk])).content.decode()
    assert "zhongshu admins" in html and 'name="full_name"' not in html
    client.force_login(world.secadmin)
    html = client.get(reverse("access:clearance_edit", args=[world.auditor.pk])).content.decode()
    assert "zhongshu admins" in html and 'name="clearance"' not in html
    response = client.post(reverse("access:clearance_edit", args=[world.auditor.pk]),
                           {"clearance": Clearance.CORE, "reason": "试图"})
    world.auditor.refresh_from_db()
    assert world.auditor.clearance == Clearance.GENERAL
    assert response.status_code == 200


def test_a_business_person_cannot_be_made_an_administrator_by_import(world):
    from tests.access.test_separation import _workbook
    from zhongshu.org import importer

    parsed = importer.parse(_workbook([["x9", "某", "BGS", "", "安全保密管理员", "", "", "", 1, ""],
                                       ["x8", "某乙", "BGS", "", "机要员", "", "", "", 2, ""]]),
                            actor=world.sysadmin)
    messages = [e.message for e in parsed.errors]
    assert admins.ADMIN_ROLE_INSTALL_ONLY in messages
    assert any("角色由安全保密管理员授予" in m for m in messages)
    _ = PersonFactory  # the world's people come from factories
