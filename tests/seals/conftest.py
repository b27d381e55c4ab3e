import pathlib

import pytest

from tests.factories import PersonFactory
from zhongshu.layout.render import render
from zhongshu.layout.spec import load_spec
from zhongshu.org.models import RoleCode
from zhongshu.seals.images import draw_seal

SAMPLES = pathlib.Path(__file__).parents[1] / "layout" / "samples"


@pytest.fixture(scope="session")
def single_spec():
    return load_spec(SAMPLES / "tongzhi.json")


@pytest.fixture(scope="session")
def joint_spec():
    return load_spec(SAMPLES / "joint.json")


@pytest.fixture(scope="session")
def single_files(single_spec):
    """The 通知 of one organ, rendered once for the session with a drawn seal image:
    (PDF, OFD) before signing."""
    image = draw_seal(single_spec.signature[0])
    return render(single_spec, "pdf", seal_images=[image]), render(single_spec, "ofd", seal_images=[image])


@pytest.fixture(scope="session")
def joint_files(joint_spec):
    images = [draw_seal(name) for name in joint_spec.signature]
    return render(joint_spec, "pdf", seal_images=images), render(joint_spec, "ofd", seal_images=images)


@pytest.fixture
def secadmin(db):
    return PersonFactory(username="secadmin", full_name="保密管理员丙", roles=[RoleCode.SECURITY_ADMIN])


@pytest.fixture
def clerk(db):
    return PersonFactory(username="clerk", full_name="机要员丁", roles=[RoleCode.CONFIDENTIAL_CLERK])


@pytest.fixture
def staff(db):
    return PersonFactory(username="staff", full_name="普通职员乙")


@pytest.fixture
def demo_seals(db):
    from zhongshu.seals.demo import install_demo_seals

    return install_demo_seals()
