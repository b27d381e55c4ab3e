"""Form fields that choose people and units through the picker (选人/选单位).

They are ``ModelMultipleChoiceField`` / ``ModelChoiceField`` subclasses: a form swaps
its field in one line and keeps Django's validation (a value the field does not offer
is refused with a Chinese message). The widget renders a plain ``<select>`` that works
without JavaScript and, with ``pickers.js``, a button, the chosen chips and an
accessible dialog: the organisation tree, a search by name, account or unit, the
office's groups and the person's recent choices (docs/pickers.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Person, PickKind, Unit

from . import selectors
from .scope import PickerScope

# Above this many offered rows the no-script <select> lists only what is chosen: a
# select of twenty thousand people helps nobody and costs every page that shows it.
FALLBACK_LIMIT = 400
# A form that narrows a field's queryset (``self.fields["x"].queryset = …``) narrows
# the dialog too, by the ids, while they are at most this many; past that the dialog
# offers the scope's filters and validation refuses the rest with a message.
RESTRICT_LIMIT = 500


class PickerMixin:
    """What the single and the multiple widget share."""

    template_name = "org/pickers/widget.html"
    scope: PickerScope
    # Set by the field when its queryset is not the scope's own.
    custom_queryset = False

    def _offered_count(self) -> int:
        # Counted once per rendering (get_context asks, then optgroups).
        cached = self.__dict__.get("_count")
        if cached is not None:
            return cached
        qs = getattr(self.choices, "queryset", None)  # type: ignore[attr-defined]
        return qs.count() if qs is not None else 0

    def optgroups(self, name: str, value: list[str], attrs: dict | None = None) -> list:
        if self._offered_count() <= FALLBACK_LIMIT:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        # Only the chosen options: the dialog offers the rest.
        ids = [int(v) for v in value if str(v).isdigit()]
        options = [self.create_option(name, c.pk, c.label, True, i)  # type: ignore[attr-defined]
                   for i, c in enumerate(selectors.chosen(self.scope, ids))]
        return [(None, options, 0)]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        self.__dict__.pop("_count", None)
        self.__dict__["_count"] = self._offered_count()
        try:
            context = super().get_context(name, value, attrs)  # type: ignore[misc]
            return self._picker_context(context, name)
        finally:
            self.__dict__.pop("_count", None)

    def _picker_context(self, context: dict, name: str) -> dict:
        scope = self.scope
        if not scope.key:
            scope = dataclasses.replace(scope, key=name)
        qs = getattr(self.choices, "queryset", None)  # type: ignore[attr-defined]
        if self.custom_queryset and qs is not None:
            allowed = list(qs.values_list("pk", flat=True)[:RESTRICT_LIMIT + 1])
            if len(allowed) <= RESTRICT_LIMIT:
                # An empty queryset offers nothing: -1 matches no row.
                scope = dataclasses.replace(scope, ids=tuple(allowed) or (-1,))
        values = context["widget"]["value"] or []
        ids = [int(v) for v in values if str(v).isdigit()]
        people = scope.people
        context["picker"] = {
            "token": scope.token(),
            "kind": scope.kind,
            "multiple": scope.multiple,
            "people": people,
            "noun": _("人员") if people else _("单位"),
            "chosen": selectors.chosen(scope, ids),
            "large": self._offered_count() > FALLBACK_LIMIT,
            "dialog_url": reverse("org:pick_dialog"),
            "tree_url": reverse("org:pick_tree"),
            "search_url": reverse("org:pick_search"),
            "recent_url": reverse("org:pick_recent"),
        }
        return context


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    def __init__(self, scope: PickerScope, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.scope = scope


class PickerSelect(PickerMixin, forms.Select):
    def __init__(self, scope: PickerScope, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.scope = scope


class _Narrowable:
    """Marks the widget when a form gives the field a queryset of its own (in the
    constructor or later), so that the dialog offers the same rows."""

    widget: Any
    _picker_ready = False

    def _set_queryset(self, queryset: Any) -> None:
        forms.ModelChoiceField._set_queryset(self, queryset)  # type: ignore[arg-type]
        if self._picker_ready:
            self.widget.custom_queryset = True

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[arg-type]

    def __deepcopy__(self, memo: dict) -> Any:
        custom = self.widget.custom_queryset
        result = super().__deepcopy__(memo)  # type: ignore[misc]
        result.widget.custom_queryset = custom
        return result

    def _ready(self, given: Any) -> None:
        self._picker_ready = True
        self.widget.custom_queryset = given is not None


def _person_label(person: Person) -> str:
    unit = person.unit.display_name if person.unit_id and person.unit else ""
    return f"{person.full_name}（{unit}）" if unit else person.full_name


def _unit_label(unit: Unit) -> str:
    return unit.display_name


class PeopleField(_Narrowable, forms.ModelMultipleChoiceField):
    """Several people. ``roles``: only people holding one of these role codes. ``key``:
    the picker's stable key for recent choices (e.g. ``documents.countersign``); the
    field's name if empty. ``queryset`` defaults to every active person the scope
    offers; a narrower one (given here or set later on the form's field) narrows the
    dialog as well, up to ``RESTRICT_LIMIT`` rows."""

    def __init__(self, *, multiple: bool = True, key: str = "", roles: Iterable[str] = (),
                 queryset: Any = None, **kwargs: Any) -> None:
        if not multiple:
            raise TypeError("PeopleField is for several people: use PersonField for one")
        scope = PickerScope(kind=PickKind.PEOPLE, key=key, multiple=True,
                            roles=tuple(str(r) for r in roles))
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("所选人员“%(value)s”不在可选范围内（可能已调离或停用）。"))
        kwargs["error_messages"].setdefault("required", _("请至少选择一人。"))
        kwargs["widget"] = PickerSelectMultiple(scope)
        super().__init__(queryset=queryset if queryset is not None else scope.queryset(), **kwargs)
        self.scope = scope
        self._ready(queryset)

    def label_from_instance(self, obj: Person) -> str:  # type: ignore[override]
        return _person_label(obj)


class UnitsField(_Narrowable, forms.ModelMultipleChoiceField):
    """Several units. ``internal_only``: only this system's own units (the organ, its
    departments, subordinate units), never external organs. ``kinds``: only units of
    these ``UnitKind`` values."""

    def __init__(self, *, multiple: bool = True, key: str = "", internal_only: bool = False,
                 kinds: Iterable[str] = (), queryset: Any = None, **kwargs: Any) -> None:
        if not multiple:
            raise TypeError("UnitsField is for several units: use UnitField for one")
        scope = PickerScope(kind=PickKind.UNITS, key=key, multiple=True, internal_only=internal_only,
                            unit_kinds=tuple(str(k) for k in kinds))
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("所选单位“%(value)s”不在可选范围内。"))
        kwargs["error_messages"].setdefault("required", _("请至少选择一个单位。"))
        kwargs["widget"] = PickerSelectMultiple(scope)
        super().__init__(queryset=queryset if queryset is not None else scope.queryset(), **kwargs)
        self.scope = scope
        self._ready(queryset)

    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return _unit_label(obj)


class PersonField(_Narrowable, forms.ModelChoiceField):
    """One person (加签, 转办, 受托秘书 …); same options as ``PeopleField``."""

    def __init__(self, *, key: str = "", roles: Iterable[str] = (), queryset: Any = None,
                 **kwargs: Any) -> None:
        scope = PickerScope(kind=PickKind.PEOPLE, key=key, multiple=False,
                            roles=tuple(str(r) for r in roles))
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("所选人员不在可选范围内（可能已调离或停用）。"))
        kwargs["error_messages"].setdefault("required", _("请选择一人。"))
        kwargs.setdefault("empty_label", _("（未选择）"))
        kwargs["widget"] = PickerSelect(scope)
        super().__init__(queryset=queryset if queryset is not None else scope.queryset(), **kwargs)
        self.scope = scope
        self._ready(queryset)

    def label_from_instance(self, obj: Person) -> str:  # type: ignore[override]
        return _person_label(obj)


class UnitField(_Narrowable, forms.ModelChoiceField):
    """One unit; same options as ``UnitsField``."""

    def __init__(self, *, key: str = "", internal_only: bool = False, kinds: Iterable[str] = (),
                 queryset: Any = None, **kwargs: Any) -> None:
        scope = PickerScope(kind=PickKind.UNITS, key=key, multiple=False, internal_only=internal_only,
                            unit_kinds=tuple(str(k) for k in kinds))
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("所选单位不在可选范围内。"))
        kwargs["error_messages"].setdefault("required", _("请选择一个单位。"))
        kwargs.setdefault("empty_label", _("（未选择）"))
        kwargs["widget"] = PickerSelect(scope)
        super().__init__(queryset=queryset if queryset is not None else scope.queryset(), **kwargs)
        self.scope = scope
        self._ready(queryset)

    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return _unit_label(obj)
