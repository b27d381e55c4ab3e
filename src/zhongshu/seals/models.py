"""Seals (电子印章) per issuing organ, and their signing keys.

A seal is keyed by the organ's stable code (``organ_code``: "sw" for 中共示例市委员会),
never by a row of another app: the issuing organs are the documents app's to model. A
seal has one active key at a time; rotating makes a new key and retires the old one
(still good for checking what it signed); revoking a key puts it on the revocation list,
and a signature made with it no longer verifies. Private keys are stored only encrypted
(``crypto.encrypt_private``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SealStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    REVOKED = "revoked", _("已停用")


class Seal(models.Model):
    organ_code = models.CharField(_("机关代码"), max_length=30, unique=True,
                                  help_text=_("发文机关的固定代码，如 sw（市委）、swb（市委办公室）；设定后不可更改"))
    name = models.CharField(_("印章名称"), max_length=100, help_text=_("印文，即发文机关全称"))
    image = models.BinaryField(_("印模图像（PNG）"), editable=False)
    image_uploaded = models.BooleanField(_("上传的印模"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=SealStatus.choices, default=SealStatus.ACTIVE)
    valid_from = models.DateTimeField(_("启用时间"))
    valid_until = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    revocation_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["organ_code"]
        verbose_name = _("电子印章")
        verbose_name_plural = _("电子印章")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="seal_validity_ordered"),
            models.CheckConstraint(condition=Q(status="active", revoked_at__isnull=True)
                                   | Q(status="revoked", revoked_at__isnull=False), name="seal_revoked_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organ_code}）"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已轮换")  # no longer signs; what it signed still verifies
    REVOKED = "revoked", _("已吊销")  # on the revocation list: nothing it signed verifies


class SealKey(models.Model):
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="keys", verbose_name=_("印章"))
    serial = models.PositiveIntegerField(_("序号"))
    es_id = models.CharField(_("印章编码"), max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    # SM2 for OFD (GB/T 38540): private key encrypted, public key and certificate in clear.
    sm2_private = models.TextField(_("SM2 私钥（密文）"), editable=False)
    sm2_public = models.CharField(_("SM2 公钥"), max_length=128, editable=False)
    sm2_cert = models.BinaryField(_("SM2 证书"), editable=False)
    sm2_fingerprint = models.CharField(_("SM2 证书指纹"), max_length=64, unique=True, editable=False)
    seal_esl = models.BinaryField(_("电子印章数据"), editable=False)
    # ECDSA P-256 for PDF (PAdES).
    ec_private = models.TextField(_("ECDSA 私钥（密文）"), editable=False)
    ec_cert = models.BinaryField(_("ECDSA 证书"), editable=False)
    ec_fingerprint = models.CharField(_("ECDSA 证书指纹"), max_length=64, unique=True, editable=False)
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    retired_at = models.DateTimeField(_("轮换时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revocation_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["seal", "-serial"]
        verbose_name = _("印章密钥")
        verbose_name_plural = _("印章密钥")
        constraints = [
            models.UniqueConstraint(fields=["seal", "serial"], name="seal_key_serial_unique"),
            models.UniqueConstraint(fields=["seal"], condition=Q(status="active"), name="seal_one_active_key"),
        ]

    def __str__(self) -> str:
        return f"{self.seal.name} 第 {self.serial} 号密钥"
