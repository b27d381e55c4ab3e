"""Choosing people and units (选人/选单位): form fields whose widget opens an accessible
dialog with the organisation tree, search, the office's groups and recent choices.

    from zhongshu.org.pickers import PeopleField, UnitsField, PersonField, UnitField

    countersign_units = UnitsField(label="会签单位", internal_only=True, key="documents.countersign")
"""

from .fields import PeopleField, PersonField, UnitField, UnitsField
from .scope import PickerScope, people_queryset, units_queryset

__all__ = ["PeopleField", "PersonField", "PickerScope", "UnitField", "UnitsField",
           "people_queryset", "units_queryset"]
