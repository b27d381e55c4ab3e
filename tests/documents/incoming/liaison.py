"""A unit's liaison officer (联络员), who signs for its deliveries."""

from tests.factories import PersonFactory
from zhongshu.org.models import Clearance, RoleCode


def liaison_of(unit):
    return PersonFactory(username=f"liaison{unit.pk}", full_name=f"{unit.name}联络员", unit=unit,
                         roles=[RoleCode.LIAISON_OFFICER], clearance=Clearance.IMPORTANT)
