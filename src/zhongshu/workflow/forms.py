"""Forms of the template editor and of the action on a step. They only shape input; the
rules are in services."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Person, RoleCode, Unit

from . import registry
from .models import AssigneeKind, RouteTemplate, StageDef, StageMode, StepAction

_DYNAMIC = [AssigneeKind.DRAFTER, AssigneeKind.DRAFTER_UNIT_HEAD, AssigneeKind.DRAFTER_UNIT_LEADER]
_UNIT_FIELDS = {"unit_heads": AssigneeKind.UNIT_HEAD, "unit_leaders": AssigneeKind.UNIT_LEADER}


class TemplateForm(forms.ModelForm):
    purpose = forms.ChoiceField(label=_("流转目的"), choices=())
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False,
                           help_text=_("保存后生成新版本；已在流转中的事项仍按原版本办理"))

    class Meta:
        model = RouteTemplate
        fields = ["code", "name", "description", "is_active"]
        help_texts = {"code": _("唯一标识，由字母、数字和连字符组成，保存后不可修改")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(p.code, p.label) for p in registry.purposes()]
        if self.instance.pk:
            # The code is how apps refer to the template, and the purpose says which
            # stage keys it keeps: both permanent once created.
            self.fields["code"].disabled = True
            self.fields["purpose"].disabled = True
            self.fields["purpose"].initial = self.instance.purpose


def _people():
    return Person.objects.filter(is_active=True).select_related("unit").order_by("sort_order", "id")


def _units():
    return Unit.objects.filter(is_active=True).order_by("sort_order", "id")


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
    persons = forms.ModelMultipleChoiceField(label=_("指定人员"), required=False, queryset=_people())
    unit_heads = forms.ModelMultipleChoiceField(label=_("指定单位负责人"), required=False,
                                                queryset=_units())
    unit_leaders = forms.ModelMultipleChoiceField(label=_("指定单位分管领导"), required=False,
                                                  queryset=_units())
    role = forms.ChoiceField(label=_("角色"), required=False,
                             choices=[("", "—")] + list(RoleCode.choices))
    role_units = forms.ModelMultipleChoiceField(label=_("该角色所在单位"), required=False,
                                                queryset=_units())
    # Slots the item fills in (会签单位, 签发领导 …), kept as they were: edited by the
    # owning app's defaults, not in this editor.
    item_slots = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fresh querysets per form: people and units change between requests.
        self.fields["persons"].queryset = _people()
        for name in ("unit_heads", "unit_leaders", "role_units"):
            self.fields[name].queryset = _units()

    def stage(self) -> dict:
        """The stage as the service takes it. Assignees in a fixed order: by the
        drafter first, then named people, then units."""
        data = self.cleaned_data
        specs: list[dict] = [{"kind": k} for k in _DYNAMIC if k in data.get("dynamic", [])]
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
    def initial_from(stage: StageDef) -> dict:
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


def stages_from(formset) -> list[dict]:
    """The formset's stages in the order the editor gave them, without deleted or empty ones."""
    return [form.stage() for form in formset.ordered_forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class ActForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"))
    text = forms.CharField(label=_("意见"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    return_to = forms.TypedChoiceField(label=_("退回至"), required=False, coerce=int,
                                       empty_value=None)
    target = forms.ModelChoiceField(label=_("加签或转办给"), required=False, queryset=Person.objects.none())

    def __init__(self, *args, stage: StageDef, earlier: list[StageDef], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, StepAction(a).label) for a in stage.actions]
        self.fields["return_to"].choices = [("", "—")] + [(s.position, s.name) for s in earlier]
        self.fields["target"].queryset = _people()
        if StepAction.RETURN not in stage.actions:
            del self.fields["return_to"]
        if not {StepAction.TRANSFER, StepAction.ADD_COUNTERSIGNER} & set(stage.actions):
            del self.fields["target"]
