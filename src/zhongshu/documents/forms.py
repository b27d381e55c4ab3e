"""Forms of the outgoing pages: the draft editor (structured fields plus body blocks),
acting on a step, the distribution list, voiding a number."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongshu.access.classification import Level
from zhongshu.kernel.formfields import model_choice_field
from zhongshu.kernel.urgency import Urgency
from zhongshu.org.models import Person, RoleCode, Unit, UnitKind
from zhongshu.org.pickers import PeopleField, PersonField, UnitsField

from . import blocks as body_blocks
from . import doctypes
from .models import Channel, DeliveryKind, IssuingOrgan


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DraftForm(forms.Form):
    issuing_organ = forms.ModelChoiceField(
        label=_("发文机关"), queryset=IssuingOrgan.objects.none(), required=False, empty_label=None,
        help_text=_("以哪个机关的名义发文：决定版头、发文字号、署名、签发人和收文单位看到的来文单位"))
    doc_type = forms.ChoiceField(label=_("文种"), choices=doctypes.CHOICES, initial="通知")
    title = forms.CharField(label=_("标题"), max_length=200)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    classification = forms.TypedChoiceField(
        label=_("密级"), choices=Level.choices, coerce=int, initial=Level.INTERNAL,
        help_text=_("不得高于本人涉密等级；保存稿件不改变密级，变更须由定密责任人通过“变更密级”办理"))
    secrecy_years = forms.IntegerField(label=_("保密期限（年）"), min_value=1, max_value=30, required=False)
    secrecy_long_term = forms.BooleanField(label=_("长期"), required=False)
    main_recipients = forms.CharField(label=_("主送机关"), max_length=300, required=False)
    joint_issuers = forms.CharField(
        label=_("联合发文机关"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("联合行文时每行一个：机关名称|机关代字；主办机关排在第一行。不填则为本单位"))
    attachments = forms.CharField(label=_("附件说明"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("每行一个附件名称；在文件页面上传的附件文件自动列入附件说明"))
    signature = forms.CharField(label=_("发文机关署名"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一个机关"))
    seal = forms.BooleanField(label=_("加盖印章"), required=False, initial=True)
    notes = forms.CharField(label=_("附注"), max_length=300, required=False,
                            help_text=_("请示须注明联系人和电话"))
    cc_recipients = forms.CharField(label=_("抄送机关"), max_length=300, required=False)
    printing_office = forms.CharField(label=_("印发机关"), max_length=100, required=False)
    sign_off_leader = PersonField(label=_("签发领导"), required=False, key="documents.sign_off",
                                  roles=[RoleCode.LEADER],
                                  help_text=_("须为有权签发该发文机关文件的领导；不选则送其第一位签发人"))
    countersign_units = UnitsField(label=_("会签单位"), required=False, key="documents.countersign",
                                   internal_only=True)
    also_submit_to = PeopleField(
        label=_("续呈领导（签报）"), required=False, key="documents.also_submit_to", roles=[RoleCode.LEADER],
        help_text=_("签报呈批：签发领导批示后依次呈送这些领导"))
    file_copies = forms.IntegerField(label=_("留存份数"), min_value=0, max_value=99, initial=1)
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, blocks=None, user: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from .organs import organs_for

        organs = organs_for(user) if user is not None and user.is_authenticated else []
        model_choice_field(self, "issuing_organ").queryset = IssuingOrgan.objects.filter(pk__in=[o.pk for o in organs])
        if organs:
            self.fields["issuing_organ"].required = True
            self.fields["issuing_organ"].initial = organs[0].pk
        else:
            # No organ is set up for this unit: the document issues under its own unit.
            del self.fields["issuing_organ"]
        model_choice_field(self, "sign_off_leader").queryset = Person.objects.filter(
            is_active=True, roles__code=RoleCode.LEADER).distinct().order_by("sort_order", "id")
        model_choice_field(self, "countersign_units").queryset = Unit.objects.filter(is_active=True).exclude(
            kind=UnitKind.EXTERNAL).order_by("sort_order", "id")
        model_choice_field(self, "also_submit_to").queryset = model_choice_field(self, "sign_off_leader").queryset
        # The body editor's blocks as posted; ``blocks`` is the body they make once clean.
        self.editor_blocks = blocks or []
        self.blocks: list[dict] = []

    @classmethod
    def redrawn(cls, data, user: Person | None = None) -> DraftForm:
        """The form as posted, shown again without its errors: the body editor's buttons
        redraw the page (without scripts) before anything is saved."""
        form = cls(user=user)
        form.initial = {name: data.getlist(name) if getattr(field.widget, "allow_multiple_selected", False)
                        else data.get(name) for name, field in form.fields.items()}
        return form

    def clean(self):
        data = super().clean()
        if data.get("classification") is not None and data["classification"] < Level.CONFIDENTIAL:
            data["secrecy_years"], data["secrecy_long_term"] = None, False
        self.blocks, problems = body_blocks.to_body(self.editor_blocks)
        for problem in problems:
            self.add_error(None, problem)
        return data

    def spec(self) -> dict:
        d = self.cleaned_data
        issuers = []
        for line in _lines(d.get("joint_issuers")):
            name, _sep, code = line.partition("|")
            issuers.append({"name": name.strip(), "issuer_code": code.strip()})
        spec = {"title": d["title"], "main_recipients": d.get("main_recipients", ""),
                "body": self.blocks, "attachments": [{"title": t} for t in _lines(d.get("attachments"))],
                "signature": _lines(d.get("signature")), "seal": bool(d.get("seal")),
                "notes": d.get("notes", ""), "cc_recipients": d.get("cc_recipients", ""),
                "printing_office": d.get("printing_office", "")}
        if issuers:
            spec["issuers"] = issuers
        return spec

    def meta(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("title", "doc_type", "urgency", "classification", "secrecy_years",
                                      "secrecy_long_term", "sign_off_leader", "file_copies",
                                      "issuing_organ")}

    @staticmethod
    def initial_from(doc, spec: dict) -> dict:
        return {
            "issuing_organ": doc.issuing_organ_id,
            "doc_type": doc.doc_type, "title": doc.title, "urgency": doc.urgency,
            "classification": doc.classification, "secrecy_years": doc.secrecy_years,
            "secrecy_long_term": doc.secrecy_long_term,
            "main_recipients": spec.get("main_recipients", ""),
            "joint_issuers": "\n".join(f"{i.get('name', '')}|{i.get('issuer_code', '')}"
                                       for i in spec.get("issuers") or []),
            "attachments": "\n".join(a.get("title", "") if isinstance(a, dict) else str(a)
                                     for a in spec.get("attachments") or []),
            "signature": "\n".join(spec.get("signature") or []), "seal": spec.get("seal", False),
            "notes": spec.get("notes", ""), "cc_recipients": spec.get("cc_recipients", ""),
            "printing_office": spec.get("printing_office", ""),
            "sign_off_leader": doc.sign_off_leader_id, "file_copies": doc.file_copies,
            "countersign_units": list(doc.countersign_units.values_list("pk", flat=True)),
            "also_submit_to": list(doc.also_submit_to.values_list("pk", flat=True)),
        }


class ActForm(forms.Form):
    action = forms.ChoiceField(label=_("办理"), choices=())
    text = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    return_to = forms.TypedChoiceField(label=_("退回至"), required=False, coerce=int, empty_value=None,
                                       choices=())

    def __init__(self, *args, stage=None, earlier=(), choice=None, **kwargs):
        super().__init__(*args, **kwargs)
        from zhongshu.workflow.models import StepAction

        allowed = [a for a in stage.actions if a not in ("transfer", "add_countersigner")]
        self.fields["action"].choices = [(a, StepAction(a).label) for a in allowed]
        self.fields["return_to"].choices = [("", "—")] + [(s.position, s.name) for s in earlier]
        if choice is not None:
            # 送审时选择办理人: who of the next stage's people receives it.
            field_class = forms.TypedChoiceField if choice.single else forms.TypedMultipleChoiceField
            widget = forms.RadioSelect if choice.single else forms.CheckboxSelectMultiple
            self.fields["next_assignees"] = field_class(
                label=_("送%(stage)s：办理人") % {"stage": choice.stage_name}, coerce=int, required=False,
                choices=choice.candidates, widget=widget,
                help_text=_("不选则送该环节的全部办理人"))

    def chosen(self) -> list[int]:
        value = self.cleaned_data.get("next_assignees")
        if value in (None, "", []):
            return []
        return value if isinstance(value, list) else [value]


class DistributionForm(forms.Form):
    main_units = UnitsField(label=_("主送单位（内部，电子交换）"), required=False,
                            key="documents.distribution", internal_only=True)
    cc_units = UnitsField(label=_("抄送单位（内部，电子交换）"), required=False,
                          key="documents.distribution", internal_only=True)
    externals = forms.CharField(
        label=_("外部单位"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个：单位名称|渠道（机要交通、邮寄、专人送达、传真）|主送或抄送"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Electronic exchange reaches internal units only; external ones are typed below
        # with their channel.
        units = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.EXTERNAL).order_by("sort_order", "id")
        self.fields["main_units"].queryset = units
        self.fields["cc_units"].queryset = units

    def clean_externals(self):
        labels = {str(label): value for value, label in Channel.choices}
        kinds = {str(label): value for value, label in DeliveryKind.choices}
        out = []
        for line in _lines(self.cleaned_data.get("externals")):
            parts = [p.strip() for p in line.split("|")]
            name = parts[0]
            channel = labels.get(parts[1]) if len(parts) > 1 else None
            if channel is None or channel == Channel.ELECTRONIC:
                raise forms.ValidationError(
                    _("“%(line)s”：渠道应为机要交通、邮寄、专人送达或传真。") % {"line": line})
            kind = kinds.get(parts[2], DeliveryKind.MAIN) if len(parts) > 2 else DeliveryKind.MAIN
            out.append((name, channel, kind))
        return out


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), max_length=150)


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("附件名称"), max_length=150, required=False,
                            help_text=_("列入附件说明；不填则用文件名"))
    file = forms.FileField(label=_("附件文件"), error_messages={
        "required": _("请选择要上传的附件文件。"), "empty": _("上传的文件是空的。")},
        help_text=_("PDF、OFD、Word（DOCX）或图片（PNG、JPEG、TIFF），不超过 50 MB；按文件内容识别格式"))


class OrganForm(forms.ModelForm):
    """An issuing organ as the office keeps it (the code is fixed once created)."""

    class Meta:
        from .models import IssuingOrgan

        model = IssuingOrgan
        fields = ["code", "name", "header_mark", "issuer_code", "format", "unit", "printing_office",
                  "reviewers", "secretariat", "archive", "sort_order", "is_active"]
        help_texts = {"code": _("系统内部使用的固定标识（字母、数字、连字符），创建后不能修改")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from zhongshu.org.models import UnitKind

        units = Unit.objects.filter(is_active=True).order_by("sort_order", "id")
        self.fields["unit"].queryset = units.exclude(kind__in=[UnitKind.DEPARTMENT, UnitKind.EXTERNAL])
        self.fields["secretariat"].queryset = units
        self.fields["archive"].queryset = units
        for name in ("unit", "secretariat", "archive"):
            self.fields[name].empty_label = _("（请选择）")
        self.fields["reviewers"].queryset = Person.objects.filter(
            is_active=True, roles__code__in=[RoleCode.OFFICE_DIRECTOR, RoleCode.LEADER]).distinct().order_by(
            "sort_order", "id")
        self.fields["reviewers"].help_text = _("核稿人：办公室主任或其指定的副秘书长；不选则为对应单位负责人")
        if self.instance.pk:
            self.fields["code"].disabled = True


class SignerForm(forms.Form):
    person = forms.ModelChoiceField(label=_("领导"), queryset=Person.objects.none(),
                                    empty_label=_("（请选择）"))
    note = forms.CharField(label=_("说明"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            is_active=True, roles__code=RoleCode.LEADER).distinct().order_by("sort_order", "id")
