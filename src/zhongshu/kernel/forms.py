from django import forms
from django.utils.translation import gettext_lazy as _


class OverrideForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("当天"), choices=[("1", _("上班（调休工作日）")), ("0", _("放假"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("说明"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("例如：春节调休")}))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("依据"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("例如：国务院办公厅通知文号")}))


class LookupForm(forms.Form):
    day = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    n = forms.IntegerField(label=_("工作日数"), required=False, min_value=-3650, max_value=3650)
