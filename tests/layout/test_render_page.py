"""The 排版预览 page: who may use it, downloads, preview, and the Chinese error message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.layout.measure import SAMPLES
from zhongshu.org.models import Clearance, RoleCode

URL = "/layout/render/"


@pytest.fixture
def secretary_client(client, db):
    person = PersonFactory(full_name="王秘书", roles=[RoleCode.SECRETARY], clearance=Clearance.IMPORTANT)
    client.force_login(person)
    return client


def test_url_is_in_the_layout_namespace():
    assert reverse("layout:render") == URL


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("role", [None, RoleCode.SYSTEM_ADMIN, RoleCode.DUTY_OFFICER])
def test_people_without_a_drafting_role_are_refused(client, db, role):
    client.force_login(PersonFactory(roles=[role] if role else []))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"spec": (SAMPLES / "order.json").read_text(), "format": "pdf"}).status_code == 403


@pytest.mark.parametrize("role", [RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR, RoleCode.LEADER])
def test_drafting_roles_see_the_page(client, db, role):
    client.force_login(PersonFactory(roles=[role]))
    response = client.get(URL)
    assert response.status_code == 200
    assert "排版预览" in response.content.decode()


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("docx", b"PK"), ("ofd", b"PK")])
def test_pasted_spec_downloads_each_format(secretary_client, fmt, magic):
    response = secretary_client.post(URL, {"spec": (SAMPLES / "order.json").read_text(), "format": fmt})
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert response["Content-Disposition"].startswith("attachment")
    # named by 令号 and the organ (the order has no title), the Chinese name per RFC 5987
    from urllib.parse import quote

    assert f"filename*=UTF-8''{quote(f'第12号 示范市人民政府.{fmt}', safe='')}" in response["Content-Disposition"]


def test_uploaded_classified_spec_previews_with_the_viewers_watermark(secretary_client):
    import pymupdf

    with open(SAMPLES / "tongzhi.json", "rb") as fh:
        response = secretary_client.post(URL, {"file": fh, "format": "pdf", "preview": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    doc = pymupdf.open(stream=response.content, filetype="pdf")
    assert "王秘书" in doc[0].get_text()


def test_draft_box_marks_every_page_as_a_draft(secretary_client):
    import pymupdf

    response = secretary_client.post(URL, {"spec": (SAMPLES / "order.json").read_text(), "format": "pdf",
                                           "draft": "1"})
    doc = pymupdf.open(stream=response.content, filetype="pdf")
    assert all("草稿" in page.get_text() for page in doc)
    page = secretary_client.get(URL).content.decode()
    assert 'name="draft"' in page and "草稿" in page


def test_invalid_json_shows_a_chinese_message(secretary_client):
    response = secretary_client.post(URL, {"spec": '{"doc_type": "通知", ', "format": "pdf"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "公文数据有误" in page and "不是有效的 JSON" in page
