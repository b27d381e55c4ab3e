"""Forms of the plan pages. They only shape the input; the rules (period, units, who
may organise) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.formfields import model_choice_field
from zhongshu.org.models import Unit, UnitKind

from .models import PlanForm


class DateInput(forms.DateInput):
    input_type = "date"


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.display_name


class PlanEditForm(forms.Form):
    topic = forms.CharField(label=_("主题"), max_length=200,
                            help_text=_("例如：2026年第一季度安全生产专项督查"))
    organiser = forms.ModelChoiceField(label=_("组织单位"), queryset=Unit.objects.none(),
                                       empty_label=_("请选择"))
    units = UnitChoices(
        label=_("被检查单位"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("可多选"),
        error_messages={"required": _("请至少选择一个被检查单位。")})
    starts_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    form = forms.ChoiceField(label=_("形式"), choices=[("", _("请选择")), *PlanForm.choices])
    participants = forms.CharField(label=_("参加人员"), max_length=500, required=False,
                                   help_text=_("带队领导和参加人员，或人数"))
    description = forms.CharField(label=_("内容和方式"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, organisers: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organiser").queryset = Unit.objects.filter(pk__in=[u.pk for u in organisers])
        # Inspected units: the subordinate units (区县, 市直部门).
        model_choice_field(self, "units").queryset = Unit.objects.filter(
            is_active=True, kind=UnitKind.SUBORDINATE).order_by("sort_order", "id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and starts > ends:
            self.add_error("ends_on", _("结束日期不能早于开始日期。"))
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("请填写理由。")})


class SettingsForm(forms.Form):
    similarity_threshold = forms.DecimalField(
        label=_("主题相似度阈值"), min_value=0.1, max_value=1, decimal_places=2, max_digits=3,
        error_messages={k: _("主题相似度阈值应在 0.10 至 1.00 之间，最多两位小数。")
                        for k in ("min_value", "max_value", "max_digits", "max_decimal_places",
                                  "invalid")},
        help_text=_("0.10 至 1.00。两个计划主题分词后（去掉“开展”“检查”等通用词）相同词语所占比例达到该值即提示主题相近；数值越小提示越多"))
    similar_window_days = forms.IntegerField(
        label=_("主题相近的时间范围（天）"), min_value=1, max_value=366,
        error_messages={k: _("时间范围应为 1 至 366 天。") for k in ("min_value", "max_value", "invalid")},
        help_text=_("两个计划时间相隔不超过该天数时才比较主题"))

