"""常用意见: phrases a person inserts into an opinion box instead of typing them again.
Office-wide phrases (``owner`` empty) are kept by the office; each person keeps their
own. A phrase is only text to insert: the opinion recorded is whatever was submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OpinionPhrase(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("所有人"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+",
                              help_text=_("空表示全办通用"))
    text = models.CharField(_("意见内容"), max_length=200)
    sort_order = models.PositiveIntegerField(_("排序"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("常用意见")
        verbose_name_plural = _("常用意见")
        constraints = [
            models.UniqueConstraint(fields=["owner", "text"], name="workflow_phrase_unique_text"),
        ]
        indexes = [models.Index(fields=["owner", "sort_order"])]

    def __str__(self) -> str:
        return self.text
