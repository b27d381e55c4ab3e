"""The 公文校对 page and the term list pages, through the Django test client."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PersonFactory
from tests.layout.proofread.helpers import NOTICE
from zhongshu.layout.proofread.models import ProofreadTerm
from zhongshu.org.models import RoleCode

pytestmark = pytest.mark.django_db

CHECK = reverse("proofread:check")
TERMS = reverse("proofread:term_list")


@pytest.fixture
def clerk(client):
    client.force_login(PersonFactory(roles=[RoleCode.DUTY_OFFICER]))
    return client


@pytest.fixture
def secretary(client):
    person = PersonFactory(roles=[RoleCode.SECRETARY])
    client.force_login(person)
    client.person = person
    return client


# ---------------------------------------------------------------- who may come in


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(CHECK)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_person_without_role_is_refused(client, staff):
    client.force_login(staff)
    assert client.get(CHECK).status_code == 403
    assert client.get(TERMS).status_code == 403


def test_any_role_may_proofread_but_only_the_office_keeps_the_term_list(clerk):
    page = clerk.get(CHECK)
    assert page.status_code == 200
    assert "公文校对" in page.content.decode()
    assert "规范用语表" not in page.content.decode()
    assert clerk.get(TERMS).status_code == 403
    before = ProofreadTerm.objects.count()
    response = clerk.post(reverse("proofread:term_create"), {"term": "试试", "severity": "warning"})
    assert response.status_code == 403 and ProofreadTerm.objects.count() == before


# ---------------------------------------------------------------- checking


def test_pasted_text_shows_findings_inline_and_in_a_list(clerk):
    text = NOTICE.replace("〔2026〕3号", "[2026]3号").replace("为做好", "XXX为做好")
    page = clerk.post(CHECK, {"text": text, "doc_type": ""}).content.decode()
    assert "发现 2 处错误、0 处提示" in page
    assert 'id="line-2" class="has-finding"' in page
    assert '<mark class="error" title="年份应使用六角括号“〔〕”，不用“[]”" id="mark-1">市政办发[2026]3号</mark>' in page
    assert "年份应使用六角括号" in page and "残留占位符“XXX”" in page
    assert "改为“市政办发〔2026〕3号”" in page
    assert "文种：通知。" in page


def test_clean_text_says_so(clerk):
    page = clerk.post(CHECK, {"text": NOTICE}).content.decode()
    assert "未发现问题。" in page


def test_type_choice_is_applied(clerk):
    page = clerk.post(CHECK, {"text": NOTICE, "doc_type": "请示"}).content.decode()
    assert "与指定文种“请示”不一致" in page


def test_uploaded_json_is_checked_as_printed(clerk):
    doc = {"title": "某单位关于某事的通知", "main_recipients": "各科室:", "doc_type": "通知",
           "body": [{"type": "heading", "level": 1, "text": "工作要求"}],
           "signature": ["某单位"], "date": "2026-01-05"}
    upload = SimpleUploadedFile("doc.json", json.dumps(doc, ensure_ascii=False).encode(),
                                content_type="application/json")
    page = clerk.post(CHECK, {"upload": upload}).content.decode()
    assert "一、工作要求" in page  # the heading numbered as printed
    assert "主送机关后应使用全角冒号" in page


def test_unreadable_upload_and_empty_form_get_a_chinese_message(clerk):
    upload = SimpleUploadedFile("doc.txt", b"\xff\xfe\x00bad", content_type="text/plain")
    page = clerk.post(CHECK, {"upload": upload}).content.decode()
    assert "无法读取：不是 UTF-8 编码的文本" in page
    assert "请粘贴公文文本或上传文件。" in clerk.post(CHECK, {}).content.decode()


def test_the_office_term_list_is_used_by_the_page(clerk):
    ProofreadTerm.objects.create(term="老提法", replacement="新提法")
    page = clerk.post(CHECK, {"text": NOTICE.replace("为做好", "按老提法，为做好")}).content.decode()
    assert "改为“新提法”" in page
    ProofreadTerm.objects.filter(term="老提法").update(active=False)
    page = clerk.post(CHECK, {"text": NOTICE.replace("为做好", "按老提法，为做好")}).content.decode()
    assert "改为“新提法”" not in page


# ---------------------------------------------------------------- the term list


def test_term_list_is_seeded_and_paginated(secretary):
    page = secretary.get(TERMS).content.decode()
    assert "截止到" in page and "截至" in page  # from the data migration
    for i in range(40):
        ProofreadTerm.objects.create(term=f"词语{i:02d}")
    first = secretary.get(TERMS).content.decode()
    assert "第 1 / 3 页" in first
    assert "词语" in secretary.get(TERMS, {"page": 2}).content.decode()
    found = secretary.get(TERMS, {"q": "词语07"}).content.decode()
    assert "词语07" in found and "词语08" not in found


def test_secretary_adds_edits_and_deactivates_a_term(secretary):
    response = secretary.post(reverse("proofread:term_create"), {
        "term": "弱势群体", "replacement": "困难群众", "note": "规范提法", "severity": "warning",
        "active": "on"})
    assert response.status_code == 302
    item = ProofreadTerm.objects.get(term="弱势群体")
    assert item.updated_by == secretary.person
    response = secretary.post(reverse("proofread:term_edit", args=[item.pk]), {
        "term": "弱势群体", "replacement": "困难群体", "note": "", "severity": "error", "active": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.replacement, item.severity) == ("困难群体", "error")
    secretary.post(reverse("proofread:term_toggle", args=[item.pk]))
    item.refresh_from_db()
    assert item.active is False
    assert "停用" in secretary.get(TERMS, {"q": "弱势"}).content.decode()


def test_duplicate_or_self_containing_terms_are_refused(secretary):
    ProofreadTerm.objects.create(term="重复词")
    page = secretary.post(reverse("proofread:term_create"), {"term": "重复词", "severity": "warning"})
    assert page.status_code == 200 and ProofreadTerm.objects.filter(term="重复词").count() == 1
    page = secretary.post(reverse("proofread:term_create"), {
        "term": "某提法", "replacement": "某提法新", "severity": "warning"}).content.decode()
    assert "建议用语不能包含" in page


def test_toggle_needs_post(secretary):
    item = ProofreadTerm.objects.create(term="某词")
    assert secretary.get(reverse("proofread:term_toggle", args=[item.pk])).status_code == 405


def test_the_page_is_in_the_main_navigation(clerk):
    page = clerk.get(CHECK).content.decode()
    assert f'<a href="{CHECK}" aria-current="page">公文校对</a>' in page
