from django import forms
from django.utils.translation import gettext_lazy as _

from .services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100,
                           help_text=_("写明用途，例如调用它的系统，便于日后辨认和撤销。"))
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1, max_value=MAX_DAYS,
                              initial=DEFAULT_DAYS,
                              help_text=_("默认 90 天，最长 365 天。到期后需重新创建。"))
