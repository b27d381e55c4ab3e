"""三员分立: no person holds two admin roles; the system admin does not set clearances."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tests.factories import UnitFactory
from zhongshu.access.admins import ADMIN_ROLE_INSTALL_ONLY, SEPARATION_MESSAGE, separation_error
from zhongshu.org import importer
from zhongshu.org import services as org
from zhongshu.org.models import Clearance, Person, Role, RoleCode
from zhongshu.org.services import ValidationError


def test_person_services_refuse_two_admin_roles(world):
    # Two administrator roles are refused, and so is any administrator role outside
    # installation (tests/access/test_three_admins.py has the rest of 三员分立).
    assert separation_error([RoleCode.SYSTEM_ADMIN, RoleCode.AUDITOR]) == SEPARATION_MESSAGE
    with pytest.raises(ValidationError) as exc:
        org.person_create(actor=None, username="x1", full_name="兼任者", unit=world.office,
                          roles=[RoleCode.SYSTEM_ADMIN, RoleCode.AUDITOR])
    assert "三员分立" in str(exc.value)
    assert not Person.objects.filter(username="x1").exists()
    with pytest.raises(ValidationError):
        org.person_update(actor=world.sysadmin, person=world.secadmin,
                          roles=[RoleCode.SECURITY_ADMIN, RoleCode.SYSTEM_ADMIN])
    assert world.secadmin.roles.get().code == RoleCode.SECURITY_ADMIN
    # one admin role plus business roles is refused too
    with pytest.raises(ValidationError):
        org.person_update(actor=None, person=world.staff, roles=[RoleCode.AUDITOR, RoleCode.ARCHIVIST])


def test_person_page_gives_no_roles(client, world):
    client.force_login(world.sysadmin)
    roles = Role.objects.filter(code__in=[RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR])
    html = client.get(reverse("org:person_edit", args=[world.staff.pk])).content.decode()
    assert 'name="roles"' not in html and "由安全保密管理员授予" in html
    response = client.post(reverse("org:person_edit", args=[world.staff.pk]), {
        "username": "staff", "full_name": "普通职员", "unit": world.other.pk, "sort_order": 100,
        "is_active": "on", "roles": [r.pk for r in roles]})
    assert response.status_code == 302
    assert not world.staff.roles.exists()


def test_system_admin_cannot_set_clearances(world):
    with pytest.raises(ValidationError):
        org.person_update(actor=world.sysadmin, person=world.staff, clearance=Clearance.CORE)
    with pytest.raises(ValidationError):
        org.person_create(actor=world.sysadmin, username="x2", full_name="某", unit=world.office,
                          clearance=Clearance.GENERAL)
    world.staff.refresh_from_db()
    assert world.staff.clearance == Clearance.NONE
    # the system (demo loader, migrations) may
    org.person_update(actor=None, person=world.staff, clearance=Clearance.GENERAL)


def test_person_form_has_no_clearance_field(client, world):
    client.force_login(world.sysadmin)
    html = client.get(reverse("org:person_edit", args=[world.staff.pk])).content.decode()
    assert 'name="clearance"' not in html


def _workbook(people_rows):
    wb = Workbook()
    ws = wb.active
    ws.title = importer.UNIT_SHEET
    ws.append(importer.UNIT_COLUMNS)
    ws = wb.create_sheet(importer.PERSON_SHEET)
    ws.append(importer.PERSON_COLUMNS)
    for row in people_rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_importer_rejects_two_admin_roles_and_clearances_by_the_system_admin(world):
    UnitFactory(code="IMP")
    content = _workbook([
        ["a1", "甲", "IMP", "", "系统管理员、安全审计员", "", "", "", 1, ""],
        ["a2", "乙", "IMP", "", "秘书/文书", "重要", "", "", 2, ""],
        ["a3", "丙", "IMP", "", "安全审计员", "非涉密", "", "", 3, ""],
    ])
    parsed = importer.parse(content, actor=world.sysadmin)
    messages = {(e.row, e.message) for e in parsed.errors}
    assert (2, ADMIN_ROLE_INSTALL_ONLY) in messages
    assert any(row == 3 and "安全保密管理员设定" in m for row, m in messages)
    assert any(row == 3 and "角色由安全保密管理员授予" in m for row, m in messages)
    assert (4, ADMIN_ROLE_INSTALL_ONLY) in messages
    # Without an actor (the system) clearances and business roles are accepted;
    # administrator roles never are.
    parsed = importer.parse(content)
    assert sorted(e.row for e in parsed.errors) == [2, 4]


def test_system_admin_imports_the_template_through_the_page(client, world,
                                                             django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhongshu.audit.models import AuditEvent
    from zhongshu.kernel.models import Job, JobStatus

    client.force_login(world.sysadmin)
    upload = SimpleUploadedFile("org.xlsx", importer.template_workbook())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("org:import_start"), {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.DONE, job.result
    assert Person.objects.get(username="zhangsan").clearance == Clearance.NONE
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"org.import.submit", "org.import.apply", "org.person.create", "org.unit.create"} <= actions


def test_system_admins_import_that_sets_a_clearance_is_rejected_with_the_row(
        client, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhongshu.kernel.models import Job, JobStatus

    UnitFactory(code="IMP2")
    client.force_login(world.sysadmin)
    content = _workbook([["b1", "丁", "IMP2", "", "", "核心", "", "", 1, ""]])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("org:import_start"), {"file": SimpleUploadedFile("p.xlsx", content)})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.failure.startswith("校验未通过")
    errors = job.result["errors"]
    assert errors[0]["row"] == 2 and "安全保密管理员" in errors[0]["message"]
    assert not Person.objects.filter(username="b1").exists()
