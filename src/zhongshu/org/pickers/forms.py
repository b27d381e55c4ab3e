from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import PickGroup, PickKind

from .fields import PeopleField, UnitsField


class PickGroupForm(forms.ModelForm):
    people = PeopleField(label=_("人员"), required=False, key="org.pick_group.people",
                         help_text=_("类型为“人员”时填写"))
    units = UnitsField(label=_("单位"), required=False, key="org.pick_group.units",
                       help_text=_("类型为“单位”时填写"))

    class Meta:
        model = PickGroup
        fields = ["name", "code", "kind", "people", "units", "sort_order", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = PickKind.choices  # no "---------"
        if self.instance.pk:
            # Code and kind are permanent once created.
            self.fields["code"].disabled = True
            self.fields["kind"].disabled = True

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == PickKind.PEOPLE and not data.get("people"):
            self.add_error("people", _("请至少选择一名人员。"))
        if kind == PickKind.UNITS and not data.get("units"):
            self.add_error("units", _("请至少选择一个单位。"))
        return data
