from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import events
from .models import Outcome
from .selectors import EventFilter


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    # Free text with suggestions: later apps declare their own event names.
    action = forms.CharField(label=_("操作"), required=False, max_length=64,
                             widget=forms.TextInput(attrs={"list": "audit-actions"}))
    outcome = forms.ChoiceField(label=_("结果"), required=False,
                                choices=[("", _("全部结果")), *Outcome.choices])
    date_from = forms.DateField(label=_("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    @property
    def known_actions(self) -> list[str]:
        return events.known_names()

    def to_filter(self) -> EventFilter:
        if not self.is_bound:
            return EventFilter()
        self.is_valid()  # a bad field is left out (the page says so); the good ones still filter
        return EventFilter(**{k: v for k, v in self.cleaned_data.items()
                              if k not in self.errors and v not in (None, "")})
