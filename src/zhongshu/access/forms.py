from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.formfields import choice_field
from zhongshu.org.models import Clearance, Person, RoleCode
from zhongshu.org.pickers import PersonField, UnitField

from .admins import CONTENT_ROLES
from .classification import classified_models
from .policy import DELEGABLE_ACTIONS


class ClearanceForm(forms.Form):
    clearance = forms.ChoiceField(label=_("涉密等级"), choices=Clearance.choices)
    roles = forms.MultipleChoiceField(
        label=_("业务角色"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(code.value, code.label) for code in RoleCode if code in CONTENT_ROLES],
        help_text=_("每个业务角色都能接触相应的业务内容；管理员角色只在安装时授予。"))
    reason = forms.CharField(label=_("调整依据"), max_length=200,
                             help_text=_("例如：岗位调整、定密审批文号"))


class PersonByUsername(forms.CharField):
    """A person entered by account name: a select of every person would not scale."""

    def clean(self, value: Any) -> Person | None:  # a person, not text
        value = super().clean(value)
        if not value:
            return None
        person = Person.objects.filter(username=value.strip(), is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("没有该账号的在岗人员。"))
        return person


class RecipientForm(forms.Form):
    person = PersonByUsername(label=_("人员账号"), required=False, max_length=150)
    unit = UnitField(label=_("或单位"), required=False, internal_only=True, key="access.grant.unit")
    reason = forms.CharField(label=_("事由"), max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("unit")):
            raise forms.ValidationError(_("请填写一名人员的账号，或选择一个单位（二选一）。"))
        return data


class GrantForm(RecipientForm):
    expires_at = forms.DateTimeField(label=_("到期时间"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                     help_text=_("留空则长期有效，直至撤销"))


class ObjectLookupForm(forms.Form):
    model = forms.ChoiceField(label=_("对象类型"))
    object_id = forms.IntegerField(label=_("编号"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "model").choices = [(m._meta.label_lower, m._meta.verbose_name)
                                        for m in classified_models()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审批"), choices=[("approve", _("批准")), ("reject", _("不予批准"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DelegationForm(forms.Form):
    delegate = PersonField(label=_("受托秘书"), roles=[RoleCode.SECRETARY], key="access.delegation")
    actions = forms.MultipleChoiceField(label=_("委托事项"), widget=forms.CheckboxSelectMultiple,
                                        choices=[(a.value, label) for a, label in DELEGABLE_ACTIONS.items()],
                                        help_text=_("签发、批示由领导本人办理，不能委托。"))
    starts_at = forms.DateTimeField(label=_("开始时间"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("结束时间"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

