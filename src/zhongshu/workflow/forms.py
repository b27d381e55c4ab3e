"""Forms of the template editor and of the action on a step. They only shape input; the
rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.formfields import choice_field
from zhongshu.org.models import RoleCode
from zhongshu.org.pickers import PeopleField, PersonField, UnitsField

from . import registry
from .models import AssigneeKind, RouteTemplate, StageDef, StageMode, StepAction

_DYNAMIC = [AssigneeKind.DRAFTER, AssigneeKind.DRAFTER_UNIT_HEAD, AssigneeKind.DRAFTER_UNIT_LEADER]
_UNIT_FIELDS = {"unit_heads": AssigneeKind.UNIT_HEAD, "unit_leaders": AssigneeKind.UNIT_LEADER}


class TemplateForm(forms.ModelForm[RouteTemplate]):
    purpose = forms.ChoiceField(label=_("流转目的"), choices=())
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False,
                           help_text=_("保存后生成新版本；已在流转中的事项仍按原版本办理"))

    class Meta:
        model = RouteTemplate
        fields = ["code", "name", "description", "is_active"]
        help_texts = {"code": _("唯一标识，由字母、数字和连字符组成，保存后不可修改")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "purpose").choices = [(p.code, p.label) for p in registry.purposes()]
        if self.instance.pk:
            # The code is how apps refer to the template, and the purpose says which
            # stage keys it keeps: both permanent once created.
            self.fields["code"].disabled = True
            self.fields["purpose"].disabled = True
            self.fields["purpose"].initial = self.instance.purpose


class StageForm(forms.Form):
    # The stage's key (环节标识) rides along unchanged: shown, never edited; a new stage
    # gets one from the service.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    name = forms.CharField(label=_("环节名称"), max_length=50)
    mode = forms.ChoiceField(label=_("办理方式"), choices=StageMode.choices, initial=StageMode.SINGLE)
    deadline_workdays = forms.IntegerField(label=_("办理时限（工作日）"), min_value=1, max_value=365,
                                           required=False)
    actions = forms.MultipleChoiceField(
        label=_("允许的操作"), choices=StepAction.choices, widget=forms.CheckboxSelectMultiple,
        initial=[StepAction.AGREE, StepAction.AGREE_WITH_OPINION])
    delegable = forms.BooleanField(label=_("允许秘书代为处理"), required=False, initial=True)
    choosable = forms.BooleanField(label=_("送出时可选择办理人"), required=False,
                                   help_text=_("上一环节送出时，从本环节的办理人中选择具体的人"))
    dynamic = forms.MultipleChoiceField(
        label=_("按拟稿人确定"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k.value, k.label) for k in _DYNAMIC])
    # The pickers (org.pickers) offer active people and this system's own units; their
    # querysets are evaluated afresh for every form.
    persons = PeopleField(label=_("指定人员"), required=False, key="workflow.stage.persons")
    unit_heads = UnitsField(label=_("指定单位负责人"), required=False, internal_only=True,
                            key="workflow.stage.units")
    unit_leaders = UnitsField(label=_("指定单位分管领导"), required=False, internal_only=True,
                              key="workflow.stage.units")
    role = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[("", "—")] + list(RoleCode.choices))
    role_units = UnitsField(label=_("该角色所在单位"), required=False, internal_only=True,
                            key="workflow.stage.units")
    # Slots the item fills in (会签单位, 签发领导 …), kept as they were: edited by the
    # owning app's defaults, not in this editor.
    item_slots = forms.CharField(widget=forms.HiddenInput, required=False)

    def stage(self) -> dict:
        """The stage as the service takes it. Assignees in a fixed order: by the
        drafter first, then named people, then units."""
        data = self.cleaned_data
        specs: list[dict[str, Any]] = [{"kind": k} for k in _DYNAMIC if k in data.get("dynamic", [])]
        specs += [{"kind": AssigneeKind.PERSON, "person": p.pk} for p in data.get("persons") or []]
        for field, kind in _UNIT_FIELDS.items():
            specs += [{"kind": kind, "unit": u.pk} for u in data.get(field) or []]
        if data.get("role"):
            specs += [{"kind": AssigneeKind.ROLE_IN_UNIT, "unit": u.pk, "role": data["role"]}
                      for u in data.get("role_units") or []]
        specs += [{"kind": AssigneeKind.ITEM, "slot": slot}
                  for slot in (data.get("item_slots") or "").split(",") if slot.strip()]
        return {"key": data.get("key") or "", "name": data["name"], "mode": data["mode"],
                "actions": data["actions"],
                "deadline_workdays": data.get("deadline_workdays"),
                "delegable": data.get("delegable", False), "choosable": data.get("choosable", False),
                "assignees": specs}

    @staticmethod
    def initial_from(stage: StageDef) -> dict[str, Any]:
        specs = stage.assignees
        role = next((s["role"] for s in specs if s["kind"] == AssigneeKind.ROLE_IN_UNIT), "")
        initial = {
            "key": stage.key, "name": stage.name, "mode": stage.mode, "deadline_workdays": stage.deadline_workdays,
            "actions": stage.actions, "delegable": stage.delegable, "choosable": stage.choosable,
            "dynamic": [s["kind"] for s in specs if s["kind"] in _DYNAMIC],
            "persons": [s["person"] for s in specs if s["kind"] == AssigneeKind.PERSON],
            "role": role,
            "role_units": [s["unit"] for s in specs if s["kind"] == AssigneeKind.ROLE_IN_UNIT],
            "item_slots": ",".join(s["slot"] for s in specs if s["kind"] == AssigneeKind.ITEM),
        }
        for field, kind in _UNIT_FIELDS.items():
            initial[field] = [s["unit"] for s in specs if s["kind"] == kind]
        return initial


StageFormSet = formset_factory(StageForm, extra=1, can_delete=True, can_order=True)


def stages_from(formset: BaseFormSet[StageForm]) -> list[dict[str, Any]]:
    """The formset's stages in the order the editor gave them, without deleted or empty ones."""
    return [form.stage() for form in formset.ordered_forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class ActForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"))
    text = forms.CharField(label=_("意见"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    return_to = forms.TypedChoiceField(label=_("退回至"), required=False, coerce=int,
                                       empty_value=None)
    target = PersonField(label=_("加签或转办给"), required=False, key="workflow.step.target")

    def __init__(self, *args: Any, stage: StageDef, earlier: list[StageDef], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, StepAction(a).label) for a in stage.actions]
        self.fields["return_to"].choices = [("", "—")] + [(s.position, s.name) for s in earlier]
        if StepAction.RETURN not in stage.actions:
            del self.fields["return_to"]
        if not {StepAction.TRANSFER, StepAction.ADD_COUNTERSIGNER} & set(stage.actions):
            del self.fields["target"]
