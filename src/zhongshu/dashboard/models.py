"""The office's 通知公告: short notices every signed-in person reads on the home page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    """One notice. Published at once; shown until ``expires_on`` (inclusive) or withdrawal.
    Notices are for everyone in the office, so never classified: the form says so."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), max_length=4000)
    pinned = models.BooleanField(_("置顶"), default=False)
    expires_on = models.DateField(_("展示截止日期"), null=True, blank=True,
                                  help_text=_("过了这一天不再在首页显示；不填则一直显示，直到撤下。"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"),
                               on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("发布单位"), max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"))
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)

    class Meta:
        ordering = ["-pinned", "-published_at", "-id"]
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        indexes = [models.Index(fields=["withdrawn_at", "-pinned", "-published_at"],
                                name="dashboard_announce_shown_idx")]

    def __str__(self) -> str:
        return self.title
