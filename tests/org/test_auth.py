import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, PersonFactory
from zhongshu.org.models import Person


def sign_in(client, username, password, ip="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_sign_in_with_good_password_reaches_home(client, staff):
    response = sign_in(client, staff.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert staff.full_name in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_wrong_password_says_so_in_chinese(client, staff):
    response = sign_in(client, staff.username, "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_and_admin_sees_and_lifts_it(client, staff, sysadmin):
    for _ in range(settings.LOCKOUT_FAILURES):
        sign_in(client, staff.username, "wrong-password")
    locked = sign_in(client, staff.username, PASSWORD)
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    # Other accounts are not affected by one person's lock.
    assert sign_in(client, sysadmin.username, PASSWORD).status_code == 302

    listing = client.get(reverse("org:person_list"), {"locked": "1"}).content.decode()
    assert staff.full_name in listing and "已锁定" in listing
    assert "该账号因多次密码错误已锁定" in client.get(
        reverse("org:person_edit", args=[staff.pk])).content.decode()

    client.post(reverse("org:person_unlock", args=[staff.pk]))
    client.logout()
    assert sign_in(client, staff.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_locked_account_still_signs_in_from_an_address_that_has_not_failed(client, staff):
    """Issue 11 §12: five wrong passwords from anywhere locked the account everywhere
    (the lockout was per username), so anyone could lock the 书记 out. Failed before."""
    for _ in range(settings.LOCKOUT_FAILURES):
        sign_in(client, staff.username, "wrong-password", ip="10.9.9.9")
    assert sign_in(client, staff.username, PASSWORD, ip="10.9.9.9").status_code == 429
    response = sign_in(client, staff.username, PASSWORD, ip="10.1.1.1")
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
@override_settings(LOCKOUT_ADDRESS_FAILURES=8)
def test_an_address_that_fails_too_often_is_throttled_whatever_account_it_tries(client, staff):
    """Issue 11 §12: per-address throttling besides the per-account lockout. Failed
    before: an address could try any number of accounts, four wrong passwords each."""
    others = [PersonFactory() for _ in range(4)]
    for person in others:
        for _ in range(2):
            sign_in(client, person.username, "wrong-password", ip="10.6.6.6")
    # The address has failed 8 times, no account more than twice: it is throttled …
    refused = sign_in(client, staff.username, PASSWORD, ip="10.6.6.6")
    assert refused.status_code == 429 and "暂时锁定" in refused.content.decode()
    # … and the account itself is not: another address signs in.
    assert sign_in(client, staff.username, PASSWORD, ip="10.7.7.7").status_code == 302


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_passwords_are_stored_with_argon2():
    person = PersonFactory()
    assert Person.objects.get(pk=person.pk).password.startswith("argon2")


def test_product_settings_use_argon2_and_idle_expiry():
    from zhongshu.config import settings as product

    assert product.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    # Idle expiry renews the session through SessionRenewalMiddleware, at most once a
    # minute, instead of writing it on every request.
    assert product.SESSION_SAVE_EVERY_REQUEST is False
    assert "zhongshu.org.middleware.SessionRenewalMiddleware" in product.MIDDLEWARE
    assert product.SESSION_COOKIE_AGE == 30 * 60


@pytest.mark.django_db
def test_session_expires_after_inactivity_and_activity_renews_it(client, staff):
    sign_in(client, staff.username, PASSWORD)
    key = client.session.session_key
    # 29 idle minutes: the last renewal is that old and the session ends in a minute.
    _age_session(key, minutes=29)
    soon = timezone.now() + dt.timedelta(minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(reverse("home"))
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed >= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # An idle session past its expiry no longer signs anyone in.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("home")).status_code == 302


def _age_session(key, *, minutes):
    from django.contrib.sessions.backends.db import SessionStore

    from zhongshu.org.middleware import RENEWED_KEY

    store = SessionStore(session_key=key)
    store[RENEWED_KEY] = int(timezone.now().timestamp()) - minutes * 60
    store.save()


@pytest.mark.django_db
def test_pages_within_a_minute_do_not_write_the_session(client, staff):
    sign_in(client, staff.username, PASSWORD)
    key = client.session.session_key
    client.get(reverse("home"))  # renews once after sign-in at most
    before = Session.objects.get(session_key=key)
    for _ in range(3):
        assert client.get(reverse("home")).status_code == 200
    after = Session.objects.get(session_key=key)
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)
    # A minute later the next page renews the idle period.
    _age_session(key, minutes=1)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=20))
    client.get(reverse("home"))
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed >= timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


@pytest.mark.django_db
def test_password_policy_rejects_short_common_and_numeric(client, staff):
    client.force_login(staff)
    for bad, message in [("short1", "密码太短，至少需要 10 个字符"), ("password123", "这个密码太常见了"),
                         ("1234567890123", "密码只包含数字")]:
        response = client.post(reverse("org:profile"), {
            "old_password": PASSWORD, "new_password1": bad, "new_password2": bad})
        assert message in response.content.decode(), bad
    response = client.post(reverse("org:profile"), {
        "old_password": PASSWORD, "new_password1": "Long-Enough-2026", "new_password2": "Long-Enough-2026"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Long-Enough-2026")


@pytest.mark.django_db
def test_profile_shows_the_person(client, staff):
    client.force_login(staff)
    html = client.get(reverse("org:profile")).content.decode()
    assert staff.full_name in html and staff.unit.name in html and "非涉密人员" in html


@pytest.mark.django_db
def test_sign_out(client, staff):
    client.force_login(staff)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
