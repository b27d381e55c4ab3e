"""Issue 11 §12: the security headers and cookies of every response, no-store on what a
signed-in person sees, and the API docs from local assets for signed-in people only.
Before: no CSP, cookies without SameSite/Secure settings, cacheable classified pages and
downloads, and /api/docs loading Swagger UI from a CDN for anyone."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import PersonFactory
from zhongshu.org.models import RoleCode


@pytest.fixture
def person(db):
    return PersonFactory(username="reader", full_name="读者", roles=[RoleCode.SECRETARY])


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_pages_carry_a_strict_csp_and_inline_scripts_carry_its_nonce(client, person):
    client.force_login(person)
    response = client.get(reverse("home"))
    csp = _csp(response)
    nonce = re.search(r"'nonce-([^']+)'", csp["script-src"]).group(1)
    assert csp["default-src"] == "default-src 'self'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == "object-src 'none'" and csp["frame-ancestors"] == "frame-ancestors 'none'"
    html = response.content.decode()
    assert f'"inlineScriptNonce": "{nonce}"' in html  # htmx's swapped fragments
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html):
        assert f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son(submit|click|change|load)=", html)
    assert "https://" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', html))


def test_cookies_are_samesite_and_secure_only_when_served_over_tls(client, person, settings):
    response = client.post(reverse("login"), {"username": "reader", "password": "Test-Password-2026"})
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["samesite"] == "Lax" and session["httponly"] and not session["secure"]
    assert "Strict-Transport-Security" not in response


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_HSTS_SECONDS=31536000)
def test_over_tls_cookies_are_secure_and_hsts_is_sent(client, person):
    response = client.post(reverse("login"), {"username": "reader", "password": "Test-Password-2026"},
                           secure=True)
    assert response.cookies["sessionid"]["secure"]
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    # HSTS is never sent on plain HTTP, even when configured.
    assert "Strict-Transport-Security" not in client.get(reverse("login"))


def test_the_https_setting_turns_secure_cookies_and_hsts_on(monkeypatch, tmp_path):
    import subprocess
    import sys

    code = ("from zhongshu.config import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)")
    for value, expected in (("true", "True True 31536000"), ("false", "False False 0")):
        env = {"ZHONGSHU_VAR_DIR": str(tmp_path), "ZHONGSHU_HTTPS": value, "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == expected


def test_what_a_signed_in_person_sees_is_never_stored(client, person):
    client.force_login(person)
    for url in (reverse("home"), reverse("org:profile"), reverse("inbox:home")):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url



def test_the_middleware_marks_signed_in_responses_only(rf, person):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from zhongshu.access.nostore import NoStoreMiddleware

    middleware = NoStoreMiddleware(lambda request: HttpResponse("x"))
    request = rf.get("/")
    request.user = AnonymousUser()
    assert "Cache-Control" not in middleware(request)
    request.user = person
    assert "no-store" in middleware(request)["Cache-Control"]


def test_no_store_replaces_a_views_own_caching(rf):
    from django.http import HttpResponse

    from zhongshu.access.nostore import no_store

    @no_store
    def download(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Cache-Control"] = "public, max-age=86400"
        return response

    response = download(rf.get("/x"))
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_api_docs_come_from_local_assets_and_only_to_signed_in_people(client, person):
    anonymous = client.get("/api/docs")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(person)
    response = client.get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/zhongshu/apidocs.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert '"url": "/api/openapi.json"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/swagger-ui/swagger-ui-bundle.js")  # from node_modules

