"""The signed-in person is loaded once per request with the units need-to-know climbs."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.documents.incoming.conftest import build_org
from zhongshu.org.backends import PersonBackend
from zhongshu.org.selectors import served_units


def test_one_query_loads_the_person_and_the_units_above_him(db):
    org = build_org()
    with CaptureQueriesContext(connection) as queries:
        person = PersonBackend().get_user(org.secretary.pk)
        assert person is not None
        assert [u.name for u in served_units(person)] == ["秘书处", "测试市委办公室", "测试市委"]
    assert len(queries) == 1


def test_an_inactive_or_missing_person_is_nobody(db):
    org = build_org()
    org.secretary.is_active = False
    org.secretary.save(update_fields=["is_active"])
    assert PersonBackend().get_user(org.secretary.pk) is None
    assert PersonBackend().get_user(987654) is None


def test_pages_are_served_to_a_person_signed_in_through_the_form(db, client):
    org = build_org()
    org.secretary.set_password("Zhongshu@2026x")
    org.secretary.save()
    r = client.post("/accounts/login/", {"username": org.secretary.username, "password": "Zhongshu@2026x"})
    assert r.status_code == 302
    assert client.session["_auth_user_backend"] == "zhongshu.org.backends.PersonBackend"
    assert "秘书甲" in client.get("/").content.decode()
