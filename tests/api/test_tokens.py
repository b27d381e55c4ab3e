"""Personal API tokens: the page reached from the profile, the services, and bearer
authentication (401 for a token that does not stand for anyone any more)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import TokenClient
from tests.documents.test_api import payload
from zhongshu.api import services
from zhongshu.api.models import ApiToken
from zhongshu.audit.models import AuditEvent
from zhongshu.documents.models import OutgoingDocument
from zhongshu.org.models import Role, RoleCode

LIST = "/api/documents/outgoing"


def test_the_profile_page_links_to_the_tokens(client, org):
    client.force_login(org.secretary)
    assert reverse("tokens:list") in client.get(reverse("org:profile")).content.decode()


def test_create_shows_the_secret_once_and_stores_only_its_hash(client, org):
    client.force_login(org.secretary)
    response = client.post(reverse("tokens:list"), {"name": "督查系统", "days": 30})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "令牌只显示这一次，请妥善保存" in html
    token = ApiToken.objects.get()
    secret = response.context["issued"].secret
    assert secret.startswith("zs_") and secret in html
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:10] and secret not in {token.name, token.prefix}
    assert dt.timedelta(days=29, hours=23) < token.expires_at - token.created_at <= dt.timedelta(days=30)
    event = AuditEvent.objects.get(action="api.token.create")
    assert event.actor_id == org.secretary.pk and secret not in str(event.details)
    # Listed with its prefix from now on, never with the secret.
    again = client.get(reverse("tokens:list")).content.decode()
    assert token.prefix in again and "督查系统" in again and secret not in again


def test_validity_is_90_days_by_default_and_at_most_365(client, org):
    issued = services.token_create(actor=org.secretary, name="默认")
    assert issued.token.expires_at - issued.token.created_at == dt.timedelta(days=90)
    with pytest.raises(ValidationError, match="1 至 365 天"):
        services.token_create(actor=org.secretary, name="太长", days=366)
    with pytest.raises(ValidationError, match="令牌名称"):
        services.token_create(actor=org.secretary, name="  ")
    client.force_login(org.secretary)
    response = client.post(reverse("tokens:list"), {"name": "太长", "days": 400})
    assert response.status_code == 200 and response.context["issued"] is None
    assert response.context["form"].errors["days"]
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("role", [RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDITOR])
def test_the_three_administrators_may_not_hold_tokens(client, org, role):
    admin = org.outsider
    admin.roles.add(Role.objects.get(code=role))
    with pytest.raises(PermissionDenied):
        services.token_create(actor=admin, name="管理")
    client.force_login(admin)
    page = client.get(reverse("tokens:list"))
    assert page.status_code == 200 and page.context["form"] is None
    assert "三员" in page.content.decode()
    assert client.post(reverse("tokens:list"), {"name": "管理", "days": 30}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_stops_working_when_its_holder_becomes_an_administrator(org, bearer):
    caller = bearer(org.secretary)
    assert caller.get(LIST).status_code == 200
    org.secretary.roles.set([Role.objects.get(code=RoleCode.SYSTEM_ADMIN)])
    assert caller.get(LIST).status_code == 401


def test_revoke_from_the_page_and_only_ones_own(client, org, bearer):
    caller = bearer(org.secretary)
    token = ApiToken.objects.get()
    client.force_login(org.clerk)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and caller.get(LIST).status_code == 200
    client.force_login(org.secretary)
    response = client.post(reverse("tokens:revoke", args=[token.pk]), follow=True)
    assert "令牌已撤销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    assert AuditEvent.objects.filter(action="api.token.revoke", object_id=str(token.pk)).exists()
    assert caller.get(LIST).status_code == 401
    # Revoking twice says so and changes nothing.
    again = client.post(reverse("tokens:revoke", args=[token.pk]), follow=True)
    assert "已经撤销" in again.content.decode()
    assert AuditEvent.objects.filter(action="api.token.revoke").count() == 1


def test_bearer_requests_need_no_csrf_and_note_the_use(org, bearer):
    caller = bearer(org.secretary)  # an enforce_csrf_checks client without a session
    response = caller.post(LIST, payload())
    assert response.status_code == 201 and response.json()["drafter"] == org.secretary.full_name
    assert ApiToken.objects.get().last_used_at is not None
    # The session still needs its CSRF token for writes.
    session = Client(enforce_csrf_checks=True)
    session.force_login(org.secretary)
    assert session.post(LIST, json.dumps(payload()), content_type="application/json").status_code == 403
    assert OutgoingDocument.objects.count() == 1


def test_expired_revoked_and_unknown_tokens_get_a_json_401(client, org, bearer):
    expired, revoked = bearer(org.secretary), bearer(org.secretary)
    e, r = ApiToken.objects.order_by("id")
    ApiToken.objects.filter(pk=e.pk).update(created_at=timezone.now() - dt.timedelta(days=91),
                                            expires_at=timezone.now() - dt.timedelta(days=1))
    services.token_revoke(actor=org.secretary, token=r)
    for caller in (expired, revoked, TokenClient("zs_unknown"), TokenClient("not-even-ours")):
        response = caller.get(LIST)
        assert response.status_code == 401, caller.secret
        body = response.json()
        assert body["code"] == "unauthenticated" and "令牌无效、已过期或已撤销" in body["message"]
        assert body["details"] == [] and "invalid_token" in response["WWW-Authenticate"]
    # A refused token is refused even alongside a signed-in session: no fallback.
    client.force_login(org.secretary)
    assert client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {expired.secret}").status_code == 401
    assert client.get(LIST).status_code == 200


def test_a_disabled_holders_token_is_refused(org, bearer):
    caller = bearer(org.secretary)
    org.secretary.is_active = False
    org.secretary.save()
    assert caller.get(LIST).status_code == 401


def test_openapi_has_a_bearer_scheme(client, db):
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["BearerToken"]["type"] == "http" and schemes["BearerToken"]["scheme"] == "bearer"
    security = schema["paths"]["/api/documents/outgoing"]["get"]["security"]
    assert {"BearerToken": []} in security and {"SessionAuth": []} in security
