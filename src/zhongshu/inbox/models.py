"""In-app notifications (通知), among them the reminders (催办) the background job sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期提醒")
    DUE_TODAY = "due_today", _("今日到期提醒")
    OVERDUE = "overdue", _("超期催办")
    REPORT_DUE = "report_due", _("进展报送提醒")
    ESCALATED = "escalated", _("超期督办")
    MANUAL = "manual", _("催办")


class Notification(models.Model):
    """One message to one person. The unique constraint makes "once per person per item
    per day and kind" a fact of the database, so any number of workers may run the
    reminder job at once: the second insert is refused and skipped."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                                  on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=20, choices=NotificationKind.choices)
    item_key = models.CharField(_("事项标识"), max_length=100)
    day = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "item_key", "day", "kind"],
                                    name="inbox_notification_once_per_day"),
            models.CheckConstraint(condition=models.Q(kind__in=[k.value for k in NotificationKind]),
                                   name="inbox_notification_kind_valid"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"]),
                   models.Index(fields=["day"])]

    def __str__(self) -> str:
        return self.title
