from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_IMAGE_BYTES = 2 * 1024 * 1024


class ImageField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if value and value.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("印模图像不能超过 2 MB"))
        return value


class SealCreateForm(forms.Form):
    organ_code = forms.CharField(label=_("机关代码"), max_length=30,
                                 help_text=_("发文机关的固定代码，如 sw（市委）、swb（市委办公室）；小写字母开头，设定后不可更改"))
    name = forms.CharField(label=_("印章名称"), max_length=100, help_text=_("印文，即发文机关全称"))
    valid_until = forms.DateField(label=_("有效期至"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("不填则五年"))
    image = ImageField(label=_("印模图像（PNG）"), required=False,
                       help_text=_("透明底色的 PNG；不上传则按印章名称生成红色圆形印章"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class RevokeForm(ReasonForm):
    reason = forms.CharField(label=_("停用原因"), max_length=200)


class RotateForm(ReasonForm):
    reason = forms.CharField(label=_("更换原因"), max_length=200, help_text=_("如：年度更换、印模更新"))
    image = ImageField(label=_("新印模图像（PNG）"), required=False,
                       help_text=_("只换密钥时不必上传"))
