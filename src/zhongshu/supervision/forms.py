"""Forms of 督查督办: what a person types, checked with Chinese messages before any
service runs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from zhongshu.access.classification import Level
from zhongshu.kernel.urgency import Urgency
from zhongshu.org.models import Person, RoleCode, Unit, UnitKind

from .models import Importance, InstructionKind, SourceKind

MANUAL_SOURCES = [(k, v) for k, v in SourceKind.choices if k != SourceKind.INSTRUCTION]


def _units() -> Any:
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.EXTERNAL).order_by("sort_order", "id")


class MatterForm(forms.Form):
    """立项并交办: the matter and its tasks in one form."""

    source = forms.ChoiceField(label="来源", choices=MANUAL_SOURCES, required=False)
    title = forms.CharField(label="督办事项", max_length=300)
    requirement = forms.CharField(label="目标要求", widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    source_title = forms.CharField(label="来源名称（会议、文件、建议提案题目）", max_length=300,
                                   required=False)
    proposer = forms.CharField(label="代表或委员", max_length=100, required=False)
    classification = forms.TypedChoiceField(label="密级", coerce=int, choices=Level.choices,
                                            initial=Level.INTERNAL)
    secrecy_years = forms.IntegerField(label="保密期限（年）", min_value=1, max_value=30,
                                       required=False)
    importance = forms.TypedChoiceField(label="重要程度", coerce=int, choices=Importance.choices,
                                        initial=0)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    lead = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(),
                                  error_messages={"required": "请选择牵头单位。",
                                                  "invalid_choice": "请选择有效的牵头单位。"})
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=Unit.objects.none(),
                                              required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    due_workdays = forms.IntegerField(label="办理时限（工作日）", min_value=1, max_value=365,
                                      required=False,
                                      error_messages={"min_value": "办理时限应为 1 至 365 个工作日。",
                                                      "max_value": "办理时限应为 1 至 365 个工作日。"})
    due_date = forms.DateField(label="或办理时限（日期）", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    report_every = forms.IntegerField(label="进展报送周期（工作日）", min_value=1, max_value=365,
                                      required=False)

    def __init__(self, *args: Any, instruction: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _units()  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = _units()  # type: ignore[attr-defined]
        self.instruction = instruction
        if instruction is not None:
            del self.fields["source"]
            self.fields["classification"].initial = instruction.classification
            self.fields["title"].initial = instruction.document_title
            self.fields["requirement"].initial = instruction.text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("due_workdays") and not data.get("due_date"):
            self.add_error("due_workdays", "请填写办理时限：工作日数或日期。")
        if data.get("due_date") and data["due_date"] < timezone.localdate():
            self.add_error("due_date", "办理时限不能早于今天。")
        if self.instruction is None and not data.get("source"):
            self.add_error("source", "请选择督办事项来源。")
        return data


class InstructionForm(forms.Form):
    """批示件登记 from paper."""

    leader = forms.ModelChoiceField(label="批示领导", queryset=Person.objects.none(),
                                    error_messages={"required": "请选择批示领导。"})
    kind = forms.ChoiceField(label="批示类型", choices=InstructionKind.choices)
    document_title = forms.CharField(label="批示件标题", max_length=300)
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 4}))
    given_on = forms.DateField(label="批示日期", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"})
    classification = forms.TypedChoiceField(label="密级", coerce=int, choices=Level.choices,
                                            initial=Level.INTERNAL)
    secrecy_years = forms.IntegerField(label="保密期限（年）", min_value=1, max_value=30,
                                       required=False)
    scan = forms.FileField(label="批示件扫描件（PDF 或图片）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            roles__code=RoleCode.LEADER, is_active=True).distinct().order_by("sort_order", "id")


class PlanImportForm(forms.Form):
    year = forms.IntegerField(label="计划年度", min_value=2000, max_value=2100)
    file = forms.FileField(label="Excel 文件（.xlsx）")
