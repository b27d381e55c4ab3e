"""Personal API tokens: other systems call the REST API as one person, with exactly that
person's rights. Only a hash of the secret is stored; the secret is shown once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Person


class ApiTokenQuerySet(models.QuerySet):
    def active(self, at=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())


class ApiToken(models.Model):
    owner = models.ForeignKey(Person, verbose_name=_("持有人"), on_delete=models.PROTECT,
                              related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    # The first characters of the secret, shown so the holder can tell tokens apart.
    prefix = models.CharField(_("前缀"), max_length=16)
    # SHA-256 of the whole secret, hex; the secret itself is never stored.
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="api_token_expires_after_created"),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="api_token_owner_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
