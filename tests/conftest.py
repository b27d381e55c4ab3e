import pytest

from tests.factories import PASSWORD, PersonFactory
from zhongshu.org.models import RoleCode


@pytest.fixture
def sysadmin(db):
    return PersonFactory(username="sysadmin", full_name="系统管理员甲", roles=[RoleCode.SYSTEM_ADMIN])


@pytest.fixture
def staff(db):
    return PersonFactory(username="staff", full_name="普通职员乙")


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def _keep_test_connections_open(monkeypatch):
    """`zhongshu X` (execute_from_command_line) closes every connection when the command
    ends. In a test that would close the test's own transaction; Django spares in-memory
    SQLite the same way, and the test database is a file (see tests/settings.py)."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
