from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import Event
from .models import Outcome
from .selectors import EventFilter


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    action = forms.ChoiceField(label=_("操作"), required=False)
    outcome = forms.ChoiceField(label=_("结果"), required=False,
                                choices=[("", _("全部结果")), *Outcome.choices])
    date_from = forms.DateField(label=_("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部操作"))] + [(e.value, e.value) for e in Event]

    def to_filter(self) -> EventFilter:
        if not self.is_valid():
            return EventFilter()
        return EventFilter(**{k: v for k, v in self.cleaned_data.items() if v not in (None, "")})
