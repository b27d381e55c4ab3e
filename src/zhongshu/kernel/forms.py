import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .calendar_import import parse_arrangement

# Dates the calendar pages and the command answer for; walks stay short and in range.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_WORKDAYS = 3650


class OverrideForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("当天"), choices=[("1", _("上班（调休工作日）")), ("0", _("放假"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("说明"), max_length=100, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("例如：春节调休")}))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(label=_("依据"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("例如：国务院办公厅通知文号")}))


class RecomputeForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


class LookupForm(forms.Form):
    day = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    n = forms.IntegerField(label=_("工作日数"), required=False, min_value=-MAX_WORKDAYS, max_value=MAX_WORKDAYS)

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(_("日期应在 %(a)s 年至 %(b)s 年之间。") % {"a": FIRST_YEAR, "b": LAST_YEAR})
        return day


IMPORT_EXAMPLE = """二、春节：2月6日（农历除夕）至13日放假调休，共8天。2月14日（星期日）、2月20日（星期六）上班。
清明节 2027-04-05 放假
2027-05-01至2027-05-05 放假 劳动节
2027-05-08 上班 劳动节调休"""


class ImportForm(forms.Form):
    """A year's arrangement pasted as text (``calendar_import``); ``clean`` reads it, so
    a valid form carries ``cleaned_data["arrangement"]``."""

    year = forms.IntegerField(label=_("年份"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    source = forms.CharField(label=_("依据"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("例如：国务院办公厅关于2027年部分节假日安排的通知")}))
    text = forms.CharField(
        label=_("放假和调休安排"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80, "placeholder": IMPORT_EXAMPLE,
                                     "spellcheck": "false"}),
        help_text=_("可直接粘贴国务院办公厅通知的正文，也可每行写一个日期或区间，加“放假”或“上班”和说明；"
                    "从表格复制的行也可以。日期写作 2027-02-06、2027年2月6日 或 2月6日。"))
    replace = forms.BooleanField(label=_("删除该年已有、但本次未列出的调整"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "year" in data and "text" in data:
            arrangement = parse_arrangement(data["text"], data["year"])
            for error in arrangement.errors:
                self.add_error("text", error)
            data["arrangement"] = arrangement
        return data
