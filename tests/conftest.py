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
def _empty_cache():
    """Cached results (statistics) are keyed by row ids, which the next test reuses."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _keep_test_connections_open(monkeypatch):
    """`zhongshu X` (execute_from_command_line) closes every connection when the command
    ends. In a test that would close the test's own transaction; Django spares in-memory
    SQLite the same way, and the test database is a file (see tests/settings.py)."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated data it started with (serialized
    rollback). Mixing the two kinds broke tests at random: a plain transactional test's
    flush recreates the content types under new ids, and the next serialized test then
    fails to load its copy (docs/decisions/0508)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                            append=False)
        names = getattr(item, "fixturenames", None)
        if names is not None and "transactional_db" in names and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")
