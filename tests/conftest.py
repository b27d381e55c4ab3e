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
