"""The REST API: session auth with CSRF for writes, the same rules as the pages, and
structured JSON errors."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.documents.conftest import notice_spec
from zhongshu.documents import services
from zhongshu.documents.models import OutgoingDocument

BASE = "/api/documents/outgoing"


def payload(**overrides) -> dict:
    data = {"doc_type": "通知", "title": "关于开展安全检查的通知", "main_recipients": "各县委办公室",
            "body": [{"type": "paragraph", "text": "为保障安全，决定开展检查。"},
                     {"type": "heading", "level": 1, "text": "检查范围"}],
            "signature": ["示例市委办公室"], "seal": True}
    data.update(overrides)
    return data


def post(client, path, data=None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def as_drafter(client, office):
    client.force_login(office.drafter)
    return client


def test_anonymous_callers_get_a_json_401(client, db):
    response = client.get(BASE)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_openapi_describes_the_operations(client, db):
    schema = client.get("/api/openapi.json").json()
    assert {f"/api{BASE[4:]}", f"/api{BASE[4:]}/{{doc_id}}", f"/api{BASE[4:]}/{{doc_id}}/act",
            f"/api{BASE[4:]}/{{doc_id}}/download"} <= set(schema["paths"])
    # The docs page is for signed-in people (issue 11 §12); tests/test_headers.py has more.
    assert client.get("/api/docs").status_code == 302


def test_create_list_detail_and_refusals(as_drafter, office):
    response = post(as_drafter, BASE, payload())
    assert response.status_code == 201
    doc_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    listed = as_drafter.get(BASE).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == doc_id
    detail = as_drafter.get(f"{BASE}/{doc_id}").json()
    assert detail["spec"]["body"][1] == {"type": "heading", "level": 1, "text": "检查范围"}
    assert detail["versions"][0]["author"] == "陈科员"
    bad = post(as_drafter, BASE, payload(doc_type="请示", main_recipients="市委、市政府"))
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert any("只能主送一个" in d for d in bad.json()["details"])
    schema = post(as_drafter, BASE, {"title": "缺文种"})
    assert schema.status_code == 422 and schema.json()["code"] == "schema"
    assert OutgoingDocument.objects.count() == 1


def test_other_people_cannot_see_or_act(client, office):
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    client.force_login(office.outsider)
    assert client.get(f"{BASE}/{doc.pk}").status_code == 404
    assert client.get(BASE).json()["count"] == 0
    assert post(client, f"{BASE}/{doc.pk}/submit").status_code == 404


def test_conflicting_save_is_409_and_kept_as_a_side_version(as_drafter, office):
    doc_id = post(as_drafter, BASE, payload()).json()["id"]
    base = OutgoingDocument.objects.get(pk=doc_id).current_version_id
    first = post(as_drafter, f"{BASE}/{doc_id}/versions", payload(base_version=base, notes="甲"))
    second = post(as_drafter, f"{BASE}/{doc_id}/versions", payload(base_version=base, notes="乙"))
    assert first.status_code == 201 and first.json()["number"] == 2
    assert second.status_code == 409 and second.json()["is_side"] and "合并" in second.json()["conflict"]


def test_submit_and_act_through_the_api(client, office):
    client.force_login(office.drafter)
    doc_id = post(client, BASE, payload()).json()["id"]
    assert post(client, f"{BASE}/{doc_id}/submit").json()["status"] == "routing"
    no_step = post(client, f"{BASE}/{doc_id}/act", {"action": "agree"})
    assert no_step.status_code == 409 and no_step.json()["code"] == "no_pending_step"
    client.force_login(office.head)
    refused = post(client, f"{BASE}/{doc_id}/act", {"action": "return", "return_to": 0})
    assert refused.status_code == 400 and "须填写意见" in refused.json()["message"]
    assert post(client, f"{BASE}/{doc_id}/act", {"action": "agree", "text": ""}).status_code == 200
    steps = client.get(f"{BASE}/{doc_id}").json()["steps"]
    assert [s["stage_name"] for s in steps if s["status"] == "pending"] == ["核稿"]


def test_writes_need_the_csrf_token(office):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office.drafter)
    response = post(client, BASE, payload())
    assert response.status_code == 403 and OutgoingDocument.objects.count() == 0
    assert client.get(BASE).status_code == 200


def test_download_through_the_api(as_drafter, office):
    doc_id = post(as_drafter, BASE, payload()).json()["id"]
    response = as_drafter.get(f"{BASE}/{doc_id}/download", {"format": "docx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    bad = as_drafter.get(f"{BASE}/{doc_id}/download", {"format": "exe"})
    assert bad.status_code == 400 and "不支持的格式" in bad.json()["message"]


def test_the_list_counts_at_most_the_register_cap_and_says_so(as_drafter, office, monkeypatch):
    from zhongshu.kernel import paging

    for i in range(3):
        services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(f"关于第{i}项工作的通知"))
    assert as_drafter.get(BASE).json()["count"] == 3
    monkeypatch.setattr(paging, "REGISTER_COUNT_CAP", 2)
    listed = as_drafter.get(BASE, {"limit": 1, "offset": 2}).json()
    assert listed["count"] == 2 and listed["capped"] is True and len(listed["items"]) == 1
    # Pages end at the cap, as on the register page: a larger offset is refused (422).
    assert as_drafter.get(BASE, {"offset": 10_001}).status_code == 422
