"""The audit trail: append-only events linked into a hash chain.

Each event stores the hash of the event before it (``prev_hash``) and its own hash over
its content and position (``seq``). Changing, deleting or reordering any stored event
breaks the chain at that event, which ``zhongshu audit verify`` reports. Nothing in the
application updates or deletes an event: the model refuses it (``kernel.append_only``),
and on PostgreSQL a trigger refuses it as well.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongshu.kernel.append_only import AppendOnly


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class AuditEvent(AppendOnly):
    immutable_message = "审计事件只能追加，不能修改或删除。"

    # Position in the chain, given out under the chain-head lock: 1, 2, 3 … without gaps.
    seq = models.BigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"))
    # No database constraint: an event must outlive anything it names, and must never
    # block or follow a deletion elsewhere. The name is kept as it was at the time.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                              blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                              related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=50)
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委托人"),
                                     null=True, blank=True, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="+")
    on_behalf_of_name = models.CharField(_("委托人姓名"), max_length=50, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    classification = models.PositiveSmallIntegerField(_("密级"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices,
                               default=Outcome.SUCCESS)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    algorithm = models.CharField(_("摘要算法"), max_length=10)
    # The key of the chain's keyring that signed a keyed (hmac-…) event; empty for the
    # unkeyed events recorded before the chain was keyed.
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True, default="")
    prev_hash = models.CharField(_("前一事件摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(outcome__in=[o.value for o in Outcome]),
                                   name="audit_event_outcome_valid"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_event_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class ChainHead(models.Model):
    """The single row that points at the last event. Writers lock it, so events are
    chained one after another even with many processes writing at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_single_row")]

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class DenialCount(models.Model):
    """How many refusals (403, 404 on an object) one person met in one window, so that
    a loop of refusals is recorded as a handful of events and one count rather than a
    flood (issue 11 §11; ``audit.denials``)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("人员"),
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    window_start = models.DateTimeField(_("时段开始"))
    count = models.PositiveIntegerField(_("次数"), default=0)
    # The window's count has been written to the trail (only windows that were throttled
    # need it).
    summarised = models.BooleanField(_("已汇总"), default=False)

    class Meta:
        verbose_name = _("拒绝访问计数")
        verbose_name_plural = _("拒绝访问计数")
        constraints = [models.UniqueConstraint(fields=["person", "window_start"],
                                               name="audit_denialcount_one_per_window")]
        indexes = [models.Index(fields=["summarised", "window_start"], name="audit_denial_open")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.window_start:%Y-%m-%d %H:%M} ×{self.count}"
