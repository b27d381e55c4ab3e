"""The 督查督办 API with personal tokens: a unit's liaison lists, accepts, reports and
requests completion; the office reviews; another unit sees nothing and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.uploads import pdf
from zhongshu.api import services as token_services
from zhongshu.workflow.models import Task

from .conftest import open_matter

D = dt.date
BASE = "/api/supervision"


class Bearer:
    def __init__(self, person) -> None:
        self.secret = token_services.token_create(actor=person, name="测试系统").secret
        self.client = Client(enforce_csrf_checks=True)

    def _h(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, **self._h())

    def post_json(self, path, data=None):
        import json

        return self.client.post(path, json.dumps(data or {}), content_type="application/json", **self._h())

    def post_form(self, path, data):
        return self.client.post(path, data, **self._h())


@pytest.fixture
def lead_task(office):
    _, tasks = open_matter(office, due_date=D(2030, 12, 31))
    return next(t for t in tasks if t.role == "lead")


def test_liaison_journey_over_the_api(office, lead_task):
    api = Bearer(office.lead_liaison)
    listed = api.get(f"{BASE}/tasks").json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "推进老旧小区改造"
    assert listed["items"][0]["unit"] == "东城区委" and listed["items"][0]["light"] == "green"
    accepted = api.post_json(f"{BASE}/tasks/{lead_task.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = api.post_json(f"{BASE}/tasks/{lead_task.pk}/accept")
    assert again.status_code == 409 and "刷新" in again.json()["message"]
    report = api.post_form(f"{BASE}/tasks/{lead_task.pk}/reports", {"text": "完成摸底。"})
    assert report.status_code == 201 and report.json()["text"] == "完成摸底。"
    empty = api.post_form(f"{BASE}/tasks/{lead_task.pk}/reports", {"text": ""})
    assert empty.status_code == 400 and empty.json()["message"] == "请填写办理进展。"
    no_evidence = api.post_form(f"{BASE}/tasks/{lead_task.pk}/completion", {"text": "完成。"})
    assert no_evidence.status_code == 400 and "佐证材料" in no_evidence.json()["message"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    done = api.post_form(f"{BASE}/tasks/{lead_task.pk}/completion", {
        "text": "全部完成。", "files": SimpleUploadedFile("验收.pdf", pdf("验收"), "application/pdf")})
    assert done.status_code == 201 and done.json()["state"] == "pending"
    assert done.json()["files"] == ["验收.pdf"]
    detail = api.get(f"{BASE}/tasks/{lead_task.pk}").json()
    assert detail["status"] == "review"
    assert [e["kind"] for e in detail["timeline"]] == ["given", "accepted", "reported", "completion_requested"]
    # The liaison cannot review; the office can, once, with a note when sending back.
    assert api.post_json(f"{BASE}/tasks/{lead_task.pk}/review", {"approve": True}).status_code == 403
    officer = Bearer(office.officer)
    refused = officer.post_json(f"{BASE}/tasks/{lead_task.pk}/review", {"approve": False})
    assert refused.status_code == 400 and "意见" in refused.json()["message"]
    back = officer.post_json(f"{BASE}/tasks/{lead_task.pk}/review", {"approve": False, "note": "补充照片。"})
    assert back.status_code == 200 and back.json()["status"] == "accepted"
    api.post_form(f"{BASE}/tasks/{lead_task.pk}/completion", {"text": "已补充。"})
    closed = officer.post_json(f"{BASE}/tasks/{lead_task.pk}/review", {"approve": True})
    assert closed.status_code == 200 and closed.json()["status"] == "done"


def test_another_unit_sees_nothing_and_changes_nothing(office, lead_task):
    api = Bearer(office.other_liaison)
    assert api.get(f"{BASE}/tasks").json()["count"] == 0
    assert api.get(f"{BASE}/tasks/{lead_task.pk}").status_code == 404
    assert api.post_json(f"{BASE}/tasks/{lead_task.pk}/accept").status_code == 404
    assert Task.objects.get(pk=lead_task.pk).status == "open"


def test_anonymous_and_bad_token_are_401(office, lead_task):
    client = Client()
    assert client.get(f"{BASE}/tasks").status_code == 401
    bad = client.get(f"{BASE}/tasks", HTTP_AUTHORIZATION="Bearer zs_nope")
    assert bad.status_code == 401 and bad.json()["code"] == "unauthenticated"


def test_list_filters_by_light(office, lead_task):
    api = Bearer(office.officer)
    assert api.get(f"{BASE}/tasks", {"light": "red"}).json()["count"] == 0
    assert api.get(f"{BASE}/tasks", {"light": "green"}).json()["count"] == 2
    assert api.get(f"{BASE}/tasks", {"light": "purple", "page": 0}).json()["count"] == 2


def test_the_task_list_is_refused_to_those_outside_the_area(office, lead_task):
    # As the ledger page: someone of a unit without a role there does not use the area.
    from tests.factories import PersonFactory

    client = Client()
    client.force_login(PersonFactory(username="sv_plain", unit=office.other))
    refused = client.get(f"{BASE}/tasks")
    assert refused.status_code == 403 and refused.json()["message"] == "无权执行此操作。"
    assert lead_task.title not in refused.content.decode()
    assert client.get("/supervision/ledger/").status_code == 403
