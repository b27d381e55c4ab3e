"""Forms of 收文: they read and shape input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.access.classification import Level
from zhongshu.documents import doctypes
from zhongshu.kernel.formfields import model_choice_field
from zhongshu.kernel.urgency import Urgency
from zhongshu.org.models import Person, RoleCode, Unit, UnitKind
from zhongshu.org.pickers import PeopleField, PersonField, UnitField, UnitsField

from . import rules
from .models import Channel, InstructionKind, Status
from .selectors import RegisterFilter

ADMIN_ROLES = (RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _date(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("标题、收文号、来文字号")}))
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *Status.choices])
    doc_type = forms.ChoiceField(label=_("文种"), required=False,
                                 choices=[("", _("全部文种")), *doctypes.CHOICES])
    urgency = forms.ChoiceField(label=_("紧急程度"), required=False,
                                choices=[("", _("全部")), *Urgency.choices])
    sender = forms.CharField(label=_("来文单位"), required=False, max_length=100)
    date_from = _date(_("来文起始日期"))
    date_to = _date(_("来文截止日期"))
    overdue = forms.BooleanField(label=_("仅看超期"), required=False)

    def to_filter(self, sort: str) -> RegisterFilter:
        if not self.is_bound:
            return RegisterFilter(sort=sort)
        self.is_valid()  # a bad field is left out (the page says so); the good ones still filter
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors and v not in (None, "", False)}
        return RegisterFilter(sort=sort, **data)


class RegisterForm(forms.Form):
    """登记: the metadata of a received document and its files."""

    recipient_unit = forms.ModelChoiceField(label=_("收文单位"), queryset=Unit.objects.none(),
                                            empty_label=None)
    title = forms.CharField(label=_("标题"), max_length=300)
    doc_type = forms.ChoiceField(label=_("文种"), choices=doctypes.CHOICES)
    doc_number = forms.CharField(label=_("来文字号"), max_length=100, required=False)
    sender_unit = forms.ModelChoiceField(
        label=_("来文单位"), required=False, empty_label=_("（不在单位列表中，请填写名称）"),
        queryset=Unit.objects.filter(is_active=True).order_by("kind", "sort_order", "id"))
    sender_name = forms.CharField(label=_("来文单位名称"), max_length=200, required=False)
    channel = forms.ChoiceField(label=_("来文方式"),
                                choices=[(Channel.PAPER, Channel.PAPER.label),
                                         (Channel.OTHER, Channel.OTHER.label)])
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    classification = forms.TypedChoiceField(label=_("密级"), choices=Level.choices, coerce=int,
                                            initial=Level.INTERNAL)
    secrecy_years = forms.IntegerField(label=_("保密期限（年）"), required=False, min_value=1,
                                       max_value=30)
    secrecy_long_term = forms.BooleanField(label=_("长期"), required=False)
    copy_number = forms.IntegerField(label=_("份号"), required=False, min_value=1)
    main_file = forms.FileField(label=_("来文正文（PDF、OFD、DOCX 或图片）"))
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        served = rules.served_units(person)
        model_choice_field(self, "recipient_unit").queryset = Unit.objects.filter(pk__in=[u.pk for u in served])
        if served:
            # The topmost unit served is usually the one the documents are addressed to.
            self.fields["recipient_unit"].initial = served[-1].pk


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 2}))


def leaders_for(level: int):
    return [p for p in Person.objects.filter(is_active=True, roles__code=RoleCode.LEADER)
            .distinct().order_by("unit__sort_order", "sort_order", "id")
            if rules.clearance_covers(p, level)]


def readers_for(level: int):
    return [p for p in Person.objects.filter(is_active=True).exclude(roles__code__in=ADMIN_ROLES)
            .select_related("unit").order_by("unit__sort_order", "unit_id", "sort_order", "id")
            if rules.clearance_covers(p, level)]


def handling_units():
    return Unit.objects.filter(is_active=True, kind__in=[UnitKind.DEPARTMENT, UnitKind.SUBORDINATE]
                               ).order_by("kind", "sort_order", "id")


INSTRUCTION_CHOICES = InstructionKind.choices


class PickersForm(forms.Form):
    """Who and which units the 收文 page's steps choose (呈批, 交办, 协办, 传阅), as org-tree
    pickers. The fields keep the names and ids the steps always posted, so each step reads
    them as before; each offers only whom the step may take (cleared for the level)."""

    leader = PersonField(label=_("呈批领导"), required=False, key="incoming.propose",
                         roles=[RoleCode.LEADER], empty_label=_("（不呈批，直接交办）"))
    handling_unit = UnitField(label=_("承办单位"), required=False, key="incoming.assign", internal_only=True)
    co_units = UnitsField(label=_("协办单位（可多选，可不选）"), required=False, key="incoming.co_units",
                          internal_only=True)
    readers = PeopleField(label=_("传阅人（可多选；依次传阅按列表顺序）"), required=False,
                          key="incoming.circulate")

    IDS = {"leader": "propose-leader", "handling_unit": "assign-unit", "co_units": "assign-co",
           "readers": "circulate-readers"}

    def __init__(self, *args: Any, leaders: list[Person] | None = None, readers: list[Person] | None = None,
                 units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "leader").queryset = Person.objects.filter(
            pk__in=[p.pk for p in leaders or []]).order_by("sort_order", "id")
        model_choice_field(self, "readers").queryset = Person.objects.filter(
            pk__in=[p.pk for p in readers or []]).order_by("unit__sort_order", "sort_order", "id")
        handling = units if units is not None else Unit.objects.none()
        model_choice_field(self, "handling_unit").queryset = handling
        model_choice_field(self, "co_units").queryset = handling
        for name, html_id in self.IDS.items():
            self.fields[name].widget.attrs["id"] = html_id
