"""`zhongshu admins`: the three administrator accounts are created at installation, once,
and changed only from the server's console; every act is an audit event."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UnitFactory
from zhongshu.audit.models import AuditEvent
from zhongshu.org import installation
from zhongshu.org.events import OrgEvent
from zhongshu.org.models import Clearance, Person, RoleCode

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("admins", *args, stdout=out)
    return out.getvalue()


def test_install_creates_the_three_accounts_once_with_one_time_passwords():
    UnitFactory(code="BMB", name="保密办")
    out = _run("install", "--security-name", "韩玉兰", "--security-unit", "BMB")
    assert "一次性密码" in out and "首次登录后须立即修改" in out
    holders = installation.holders()
    assert {p.username for p in holders.values()} == {"sysadmin", "secadmin", "auditor"}
    sec = holders[RoleCode.SECURITY_ADMIN]
    assert sec.full_name == "韩玉兰" and sec.unit.code == "BMB" and sec.clearance == Clearance.CORE
    for person in holders.values():
        assert person.must_change_password
        assert person.role_codes <= {RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR}
        assert len(person.role_codes) == 1
    # The printed password is the account's, and it is shown nowhere else.
    line = next(x for x in out.splitlines() if "secadmin" in x)
    password = line.split("一次性密码：")[1].strip()
    assert sec.check_password(password)
    events = AuditEvent.objects.filter(action=OrgEvent.ADMIN_INSTALL).order_by("seq")
    assert [e.details["role"] for e in events] == ["system_admin", "security_admin", "auditor"]
    assert all(e.actor_id is None and e.details["operator"] for e in events)
    assert password not in str([e.details for e in events])
    with pytest.raises(CommandError, match="管理员账号已安装"):
        _run("install")


def test_reset_password_gives_a_one_time_password_and_is_audited():
    _run("install")
    out = _run("reset-password", "auditor", "--reason", "审计员忘记密码，经保密委员会同意")
    password = out.split("一次性密码：")[1].split()[0]
    auditor = Person.objects.get(username="auditor")
    assert auditor.check_password(password) and auditor.must_change_password
    event = AuditEvent.objects.get(action=OrgEvent.ADMIN_PASSWORD_RESET)
    assert event.details["reason"] == "审计员忘记密码，经保密委员会同意"
    with pytest.raises(CommandError):
        _run("reset-password", "auditor", "--reason", " ")


def test_replacing_the_auditor_deactivates_the_old_account_with_an_audited_change():
    _run("install", "--auditor-name", "冯德辰")
    out = _run("replace", "auditor", "--username", "auditor2", "--name", "蒋新", "--reason", "冯德辰调离")
    assert "auditor2" in out
    old = Person.objects.get(username="auditor")
    assert not old.is_active
    new = installation.holders()[RoleCode.AUDITOR]
    assert new.username == "auditor2" and new.must_change_password
    event = AuditEvent.objects.get(action=OrgEvent.ADMIN_REPLACE)
    assert event.details["changes"] == {"is_active": [True, False]}
    assert event.details["reason"] == "冯德辰调离" and event.object_id == str(old.pk)


def test_zhongshu_admins_is_a_cli_command(capsys):
    from zhongshu.cli import main

    assert main(["admins", "list"]) == 0
    assert "安全保密管理员：（未安装）" in capsys.readouterr().out
