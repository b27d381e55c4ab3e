"""Writes of the API app: issuing and revoking personal API tokens, and noting a token's
use. Each asks the policy, changes in one transaction and records the audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.api.actions import ApiAction
from zhongshu.audit import services as audit
from zhongshu.audit.events import register
from zhongshu.org.models import Person

from .models import ApiToken

DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_ACTIVE = 20
SECRET_PREFIX = "zs_"  # noqa: S105 (marks our secrets, not one)
SHOWN_CHARS = 10  # "zs_" and seven characters of the secret
# last_used_at is written at most this often per token, not on every request.
USE_RESOLUTION = dt.timedelta(minutes=1)


@register
class ApiEvent(StrEnum):
    TOKEN_CREATE = "api.token.create"  # noqa: S105 (an event name)
    TOKEN_REVOKE = "api.token.revoke"  # noqa: S105


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the holder once, never stored


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(*, actor: Person, name: str, days: Any = DEFAULT_DAYS) -> IssuedToken:
    """A new token for ``actor`` themself, valid ``days`` days (1–365)."""
    if not can(actor, ApiAction.TOKEN_MANAGE):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称，例如调用它的系统。"})
    if len(name) > 100:
        raise ValidationError({"name": "令牌名称不能超过 100 个字。"})
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": "有效期应为天数。"}) from None
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"有效期应在 1 至 {MAX_DAYS} 天之间。"})
    if ApiToken.objects.active().filter(owner=actor).count() >= MAX_ACTIVE:
        raise ValidationError(f"有效令牌已达 {MAX_ACTIVE} 个，请先撤销不再使用的令牌。")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(owner=actor, name=name, prefix=secret[:SHOWN_CHARS],
                                    secret_hash=secret_hash(secret), created_at=now,
                                    expires_at=now + dt.timedelta(days=days))
    audit.record(actor=actor, action=ApiEvent.TOKEN_CREATE, obj=token, details={
        "name": name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()})
    return IssuedToken(token, secret)


@transaction.atomic
def token_revoke(*, actor: Person, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s own tokens; it stops working at once."""
    if not can(actor, ApiAction.TOKEN_MANAGE, token):
        raise PermissionDenied
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()):
        raise ValidationError("该令牌已经撤销。")
    token.refresh_from_db()
    audit.record(actor=actor, action=ApiEvent.TOKEN_REVOKE, obj=token,
                 details={"name": token.name, "prefix": token.prefix})
    return token


def token_authenticate(secret: str) -> Person | None:
    """The person a presented secret stands for, or None when it is unknown, expired or
    revoked, or its holder is disabled or may no longer hold tokens. Notes the use."""
    if not secret or len(secret) > 200 or not secret.startswith(SECRET_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("owner").filter(
        secret_hash=secret_hash(secret)).first()
    if token is None:
        return None
    owner = token.owner
    # ``can`` refuses a disabled person, and one who has become an administrator may no
    # longer hold tokens.
    if not can(owner, ApiAction.TOKEN_MANAGE):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return owner
