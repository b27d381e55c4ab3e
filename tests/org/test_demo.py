import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from zhongshu.org.demo import KEY_ACCOUNTS
from zhongshu.org.models import Person, RoleCode, Unit, UnitKind


@pytest.fixture
def demo(db):
    call_command("demo")


def test_demo_organisation_has_what_the_office_needs(demo):
    assert Unit.objects.get(code="SW").name == "中共示例市委员会"
    office = Unit.objects.get(code="SWBGS")
    departments = set(Unit.objects.filter(parent=office, kind=UnitKind.DEPARTMENT)
                      .values_list("name", flat=True))
    assert len(departments) >= 10
    assert {"秘书一处", "秘书二处", "督查室", "信息处", "机要室", "值班室", "档案室"} <= departments
    subordinates = Unit.objects.filter(kind=UnitKind.SUBORDINATE)
    assert subordinates.count() >= 20
    for unit in subordinates:
        assert unit.people.filter(roles__code=RoleCode.LIAISON_OFFICER).exists(), unit.name
    assert Person.objects.filter(roles__code=RoleCode.LEADER, unit__code="SW").count() == 5
    assert Person.objects.count() >= 150
    for code in RoleCode:
        assert Person.objects.filter(roles__code=code).exists(), code
    names = list(Person.objects.values_list("full_name", flat=True))
    assert len(names) == len(set(names))
    assert all(2 <= len(n) <= 3 for n in names)


def test_three_administrators_are_different_people(demo):
    holders = [set(Person.objects.filter(roles__code=c).values_list("pk", flat=True))
               for c in (RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR)]
    assert not (holders[0] & holders[1]) and not (holders[0] & holders[2]) and not (holders[1] & holders[2])


def test_demo_accounts_sign_in_with_documented_password(demo, client, settings):
    for account in KEY_ACCOUNTS:
        person = Person.objects.get(username=account.username)
        assert person.full_name == account.full_name
        assert person.check_password(settings.DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_is_deterministic():
    # The first load is rolled back rather than deleted: the demo also routes and
    # records business data (append-only opinions, plans) that nothing may delete.
    with transaction.atomic():
        call_command("demo")
        first = list(Person.objects.order_by("username").values_list("username", "full_name", "unit__code"))
        transaction.set_rollback(True)
    assert not Person.objects.exists()
    call_command("demo")
    again = list(Person.objects.order_by("username").values_list("username", "full_name", "unit__code"))
    assert first == again


def test_demo_refuses_a_database_with_data(demo):
    with pytest.raises(CommandError, match="只能载入空数据库"):
        call_command("demo")
    call_command("demo", "--if-empty")  # quietly does nothing


@pytest.mark.django_db
def test_the_demo_installs_its_administrators_through_the_installation_path():
    from zhongshu.audit.models import AuditEvent
    from zhongshu.org import installation
    from zhongshu.org.demo import load_demo
    from zhongshu.org.events import OrgEvent

    load_demo()
    holders = installation.holders()
    assert {r: p.username for r, p in holders.items()} == {
        "system_admin": "sysadmin", "security_admin": "secadmin", "auditor": "auditor"}
    events = AuditEvent.objects.filter(action=OrgEvent.ADMIN_INSTALL)
    assert sorted(e.details["username"] for e in events) == ["auditor", "secadmin", "sysadmin"]
    for person in holders.values():
        assert len(person.role_codes) == 1 and not person.must_change_password
        assert not person.headed_units.exists() and not person.units_in_charge.exists()
    assert holders["security_admin"].unit.code == "BGS-BM"
