"""A form's fields by name, typed as what they are.

``form.fields[name]`` is typed as a plain ``Field``; a form that sets a choice field's
``choices`` or a model choice field's ``queryset`` in ``__init__`` asks for it here."""

from __future__ import annotations

from typing import Any

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A ``ModelChoiceField`` or a ``ModelMultipleChoiceField``."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field
