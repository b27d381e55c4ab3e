"""The demo's groups for the pickers: 各区县委, 市直各单位, 市委常委."""

from __future__ import annotations

from typing import Any

from zhongshu.org.models import Person, PickGroup, PickKind, RoleCode, Unit, UnitKind

from .services import pick_group_save

DISTRICT_CODES = ("DCQ", "XCQ", "NHQ", "BSQ", "LJX", "QSX")


def _save(*, code: str, **fields: Any) -> None:
    # Loading again (a reloaded organisation) refreshes the groups it made before.
    pick_group_save(actor=None, group=PickGroup.objects.filter(code=code).first(), code=code, **fields)


def load_demo_groups() -> None:
    subordinates = Unit.objects.filter(kind=UnitKind.SUBORDINATE, is_active=True)
    _save(code="districts", name="各区县委", kind=PickKind.UNITS,
                    units=subordinates.filter(code__in=DISTRICT_CODES), sort_order=1)
    _save(code="city-departments", name="市直各单位", kind=PickKind.UNITS,
                    units=subordinates.exclude(code__in=DISTRICT_CODES), sort_order=2)
    # Every leader of the committee itself sits on its standing committee (书记, 副书记, 常委).
    standing = Person.objects.filter(unit__code="SW", roles__code=RoleCode.LEADER, is_active=True)
    _save(code="standing-committee", name="市委常委", kind=PickKind.PEOPLE,
                    people=standing, sort_order=3)
