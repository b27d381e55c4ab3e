"""Need-to-know grants, forwarding approvals and delegations. The abstract
``Classified`` mixin lives in ``classification.py``."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Person, Unit

from .classification import Classified  # noqa: F401 (the mixin later apps import from here)


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self, at: dt.datetime | None = None) -> GrantQuerySet:
        now = at or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Grant(models.Model):
    """An explicit entry in an object's need-to-know (知悉范围): one person, or everyone
    whose unit is the given unit. Revoking keeps the row, so the history stays."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    person = models.ForeignKey(Person, verbose_name=_("人员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="access_grants")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="access_grants")
    reason = models.CharField(_("事由"), max_length=200)
    granted_by = models.ForeignKey(Person, verbose_name=_("授权人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(Person, verbose_name=_("撤销人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    forward_request = models.ForeignKey("ForwardRequest", verbose_name=_("转发审批"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("知悉授权")
        verbose_name_plural = _("知悉授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False),
                name="access_grant_person_xor_unit"),
            models.CheckConstraint(condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("granted_at")),
                                   name="access_grant_expires_after_granted"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["person", "content_type"]),
            models.Index(fields=["unit", "content_type"]),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit} → {self.content_type_id}:{self.object_id}"

    @property
    def holder(self) -> Person | Unit | None:
        return self.person or self.unit

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ForwardStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


class ForwardPurpose(models.TextChoices):
    FORWARD = "forward", _("转发")
    # The security admin's grant of a classified item: a second person, the owner unit's
    # leader, approves it (issue 11 §4).
    GRANT = "grant", _("授权")


class ForwardRequest(models.Model):
    """A request to forward a classified object to someone outside its need-to-know, or
    the security admin's grant of one, decided by a leader of the object's owner unit
    (its head or leader in charge)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    obj = GenericForeignKey("content_type", "object_id")
    # Copied from the object when asked, so "what waits for me" is one indexed query.
    owner_unit = models.ForeignKey(Unit, verbose_name=_("定密单位"), on_delete=models.PROTECT,
                                   related_name="+")
    classification = models.PositiveSmallIntegerField(_("密级"))
    requested_by = models.ForeignKey(Person, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                     related_name="+")
    recipient_person = models.ForeignKey(Person, verbose_name=_("接收人"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    recipient_unit = models.ForeignKey(Unit, verbose_name=_("接收单位"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("转发事由"), max_length=500)
    purpose = models.CharField(_("类别"), max_length=10, choices=ForwardPurpose.choices,
                               default=ForwardPurpose.FORWARD)
    expires_at = models.DateTimeField(_("授权到期时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=10, choices=ForwardStatus.choices,
                              default=ForwardStatus.PENDING)
    decided_by = models.ForeignKey(Person, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("转发审批")
        verbose_name_plural = _("转发审批")
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_person__isnull=False, recipient_unit__isnull=True)
                | Q(recipient_person__isnull=True, recipient_unit__isnull=False),
                name="access_forward_one_recipient"),
            models.CheckConstraint(condition=Q(status__in=[s.value for s in ForwardStatus]),
                                   name="access_forward_status_valid"),
            models.CheckConstraint(condition=Q(purpose__in=[p.value for p in ForwardPurpose]),
                                   name="access_forward_purpose_valid"),
            models.CheckConstraint(
                condition=Q(status=ForwardStatus.PENDING, decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status=ForwardStatus.PENDING) & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="access_forward_decided_iff_not_pending"),
        ]
        indexes = [models.Index(fields=["owner_unit", "status"]),
                   models.Index(fields=["requested_by", "created_at"]),
                   models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"转发审批 #{self.pk}"

    @property
    def recipient(self) -> Person | Unit | None:
        return self.recipient_person or self.recipient_unit


class Delegation(models.Model):
    """A leader lets a secretary do named actions on the leader's behalf for a period."""

    delegator = models.ForeignKey(Person, verbose_name=_("委托人"), on_delete=models.PROTECT,
                                  related_name="delegations_given")
    delegate = models.ForeignKey(Person, verbose_name=_("受托人"), on_delete=models.PROTECT,
                                 related_name="delegations_received")
    actions = models.JSONField(_("委托事项"), default=list)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("设立时间"), default=timezone.now)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("授权委托")
        verbose_name_plural = _("授权委托")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="access_delegation_ends_after_start"),
            models.CheckConstraint(condition=~Q(delegator=models.F("delegate")),
                                   name="access_delegation_not_to_self"),
        ]
        indexes = [models.Index(fields=["delegate", "delegator", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and self.starts_at <= now < self.ends_at
