from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProofreadTerm
from .patterns import TYPES

MAX_UPLOAD = 2 * 1024 * 1024


class CheckForm(forms.Form):
    text = forms.CharField(label=_("公文文本"), required=False,
                           widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
                           help_text=_("按阅读顺序粘贴，每个要素一行：发文字号、标题、主送机关、正文、附件说明、署名、日期、附注。"))
    upload = forms.FileField(label=_("或上传文件"), required=False,
                             help_text=_("JSON 交换格式或 UTF-8 纯文本，不超过 2 MB。"))
    doc_type = forms.ChoiceField(label=_("文种"), required=False,
                                 choices=[("", _("从标题判断"))] + [(t, t) for t in TYPES if t != "令"])

    def clean_upload(self):
        f = self.cleaned_data.get("upload")
        if f and f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 2 MB。"))
        return f

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("upload"):
            raise forms.ValidationError(_("请粘贴公文文本或上传文件。"))
        return data


class TermForm(forms.ModelForm):
    class Meta:
        model = ProofreadTerm
        fields = ["term", "replacement", "note", "severity", "active"]
