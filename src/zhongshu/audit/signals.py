"""Sign-in, failed sign-in and sign-out events from Django's auth signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import services
from .context import client_ip
from .events import AuditLogEvent
from .models import Outcome

if TYPE_CHECKING:
    from zhongshu.org.models import Person



def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="zhongshu_audit_sign_in")
def on_sign_in(sender: object, request: HttpRequest | None, user: Person, **kwargs: Any) -> None:
    services.record(actor=user, action=AuditLogEvent.SIGN_IN, obj=user, ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="zhongshu_audit_sign_out")
def on_sign_out(sender: object, request: HttpRequest | None, user: Person | None,
                **kwargs: Any) -> None:
    if user is not None:
        services.record(actor=user, action=AuditLogEvent.SIGN_OUT, obj=user, ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="zhongshu_audit_sign_in_failed")
def on_sign_in_failed(sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
                      **kwargs: Any) -> None:
    # The credentials are already cleansed of the password by Django. A failed sign-in is
    # done by someone not signed in (AnonymousUser), not by the system (None).
    username = str(credentials.get("username", ""))[:150]
    person = get_user_model().objects.filter(username=username).first() if username else None
    services.record(actor=AnonymousUser(), action=AuditLogEvent.SIGN_IN_FAILED,
                    obj=person, outcome=Outcome.FAILURE, details={"username": username},
                    ip=_ip(request))
