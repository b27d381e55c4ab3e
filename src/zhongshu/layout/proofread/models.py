"""The office-editable term list used by the `term-list` rule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    WARNING = "warning", _("提示")
    ERROR = "error", _("错误")


class ProofreadTerm(models.Model):
    """Wording to avoid and its replacement. Deactivated, never deleted: findings already
    shown to people stay explainable."""

    term = models.CharField(_("不宜使用的词语"), max_length=60, unique=True)
    replacement = models.CharField(_("建议用语"), max_length=60, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices,
                                default=Severity.WARNING)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("更新人"))

    class Meta:
        ordering = ["term"]
        verbose_name = _("规范用语")
        verbose_name_plural = _("规范用语")
        constraints = [
            models.CheckConstraint(condition=~models.Q(term=""), name="proofread_term_not_empty"),
            models.CheckConstraint(condition=models.Q(severity__in=["warning", "error"]),
                                   name="proofread_term_severity_valid"),
        ]
        indexes = [models.Index(fields=["active", "term"], name="proofread_term_active")]

    def __str__(self) -> str:
        return self.term
