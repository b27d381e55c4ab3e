from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Announcement


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body", "pinned", "expires_on"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8}),
                   "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"body": _("通知公告全办可见，不得含涉密内容。"),
                      "pinned": _("置顶的通知排在最前面。")}
