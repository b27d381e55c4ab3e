from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.files import MB, XLSX, UnacceptableFile, check_upload
from zhongshu.kernel.formfields import model_choice_field

from .models import Person, Unit


class UnitForm(forms.ModelForm[Unit]):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "kind", "parent", "issuer_code", "sort_order",
                  "is_active", "head", "leader_in_charge"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "parent").queryset = Unit.objects.order_by("sort_order", "id")
        people = Person.objects.filter(is_active=True).order_by("full_name")
        model_choice_field(self, "head").queryset = people
        model_choice_field(self, "leader_in_charge").queryset = people


class PersonForm(forms.ModelForm[Person]):
    password = forms.CharField(
        label=_("初始密码"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("至少 10 位，不能是常见密码或纯数字。本人首次登录时须修改。"),
    )

    class Meta:
        model = Person
        # No clearance and no roles: both open content, so they are the security
        # admin's to give (三员分立, access app).
        fields = ["username", "full_name", "unit", "position", "email", "phone",
                  "sort_order", "is_active"]
        # Django's own help text for the account name speaks of "@/./+/-/_ 符号".
        help_texts = {"username": _("登录用的账号，字母、数字或 . _ - 组成，如 zhangsan。"),
                      "is_active": _("停用后不能登录，历史记录保留。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "unit").queryset = Unit.objects.order_by("sort_order", "id")
        self.fields["unit"].required = True
        self.fields["full_name"].required = True
        if self.instance.pk:
            # An existing person's password changes only by a reset (reason, approval).
            del self.fields["password"]
        else:
            self.fields["password"].required = True

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password, self.instance)
        return password


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        data = upload.read()
        upload.seek(0)
        try:
            check_upload(upload.name or "", data, allowed=(XLSX,), max_bytes=10 * MB)
        except UnacceptableFile as exc:
            raise forms.ValidationError(
                _("请上传 Excel 2007 及以上格式（.xlsx）的文件。") + str(exc)) from None
        return upload


class ResetForm(forms.Form):
    reason = forms.CharField(label=_("重置原因"), max_length=200,
                             help_text=_("例如：本人遗忘密码，已电话核实身份。记入审计日志。"))


PASSWORD_HELP = _("至少 10 位；不能与姓名、账号相近，不能是常见密码，也不能全是数字。")
PASSWORD_AGAIN_HELP = _("再输入一遍新密码，以免输错。")


def _plain_password_help(form: forms.Form) -> None:
    """One short line in place of Django's list of validator texts."""
    if "new_password1" in form.fields:
        form.fields["new_password1"].help_text = PASSWORD_HELP
    if "new_password2" in form.fields:
        form.fields["new_password2"].help_text = PASSWORD_AGAIN_HELP


class OwnPasswordChangeForm(PasswordChangeForm):
    """个人信息 → 修改密码."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


if TYPE_CHECKING:
    _SetPasswordForm = SetPasswordForm[Person]
else:  # generic only in django-stubs
    _SetPasswordForm = SetPasswordForm


class OneTimePasswordChangeForm(_SetPasswordForm):
    """The page a one-time password opens: choose one's own password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_password_help(self)

    def clean_new_password1(self) -> str:
        password = self.cleaned_data.get("new_password1") or ""
        if password and self.user.check_password(password):
            raise forms.ValidationError(_("新密码不能与一次性密码相同。"))
        return password
