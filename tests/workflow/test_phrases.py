"""常用意见: the page where each person keeps theirs and the office director the office's,
and the include that offers them beside an opinion box."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PersonFactory
from tests.workflow.conftest import start
from zhongshu.audit.models import AuditEvent
from zhongshu.org.models import RoleCode
from zhongshu.workflow.models import OpinionPhrase


def client_for(person) -> Client:
    c = Client()
    c.force_login(person)
    return c


@pytest.fixture
def people(db):
    return {"staff": PersonFactory(full_name="科员甲"), "other": PersonFactory(full_name="科员乙"),
            "director": PersonFactory(full_name="主任丙", roles=[RoleCode.OFFICE_DIRECTOR])}


def test_the_office_starts_with_default_phrases(people):
    html = client_for(people["staff"]).get(reverse("workflow:phrases")).content.decode()
    assert "拟同意，请领导审示。" in html and "全办通用" in html
    # A person who does not keep the office's phrases sees no controls for them.
    office = html.split('id="office-h"')[1]
    assert "删除" not in office and 'value="office"' not in html


def test_a_person_keeps_their_own_phrases(people):
    c = client_for(people["staff"])
    r = c.post(reverse("workflow:phrases"), {"new-text": "请秘书一处  阅办。", "new-sort_order": 5})
    assert r.status_code == 302
    phrase = OpinionPhrase.objects.get(owner=people["staff"])
    assert phrase.text == "请秘书一处 阅办。"
    assert AuditEvent.objects.filter(action="workflow.phrase.add", object_id=str(phrase.pk)).exists()
    html = c.get(reverse("workflow:phrases")).content.decode()
    assert "请秘书一处 阅办。" in html.split('id="own-h"')[1].split('id="office-h"')[0]
    # Duplicates and empty text are refused with a message, nothing changes.
    r = c.post(reverse("workflow:phrases"), {"new-text": "请秘书一处 阅办。", "new-sort_order": 5})
    assert "已有相同的常用意见" in r.content.decode()
    r = c.post(reverse("workflow:phrases"), {"new-text": "   ", "new-sort_order": 5})
    assert r.status_code == 200 and OpinionPhrase.objects.filter(owner=people["staff"]).count() == 1
    # Edit, then delete.
    r = c.post(reverse("workflow:phrase_edit", args=[phrase.pk]), {"text": "请阅办。", "sort_order": 1})
    assert r.status_code == 302 and OpinionPhrase.objects.get(pk=phrase.pk).text == "请阅办。"
    # Another person can neither see nor touch it.
    other = client_for(people["other"])
    assert "请阅办。" not in other.get(reverse("workflow:phrases")).content.decode()
    assert other.get(reverse("workflow:phrase_edit", args=[phrase.pk])).status_code == 404
    assert other.post(reverse("workflow:phrase_delete", args=[phrase.pk])).status_code == 404
    # A staff member cannot add an office-wide phrase by forging the scope.
    r = c.post(reverse("workflow:phrases"), {"new-text": "全办都用", "new-sort_order": 1, "scope": "office"})
    assert "由办公室主任维护" in r.content.decode()
    assert not OpinionPhrase.objects.filter(owner__isnull=True, text="全办都用").exists()
    r = c.post(reverse("workflow:phrase_delete", args=[phrase.pk]))
    assert r.status_code == 302 and not OpinionPhrase.objects.filter(pk=phrase.pk).exists()
    assert AuditEvent.objects.filter(action="workflow.phrase.delete").exists()


def test_the_office_director_keeps_the_office_phrases(people):
    c = client_for(people["director"])
    r = c.post(reverse("workflow:phrases"), {"new-text": "请督查室跟踪落实。", "new-sort_order": 1,
                                             "scope": "office"})
    assert r.status_code == 302
    phrase = OpinionPhrase.objects.get(text="请督查室跟踪落实。")
    assert phrase.owner is None
    assert client_for(people["staff"]).post(
        reverse("workflow:phrase_delete", args=[phrase.pk])).status_code == 403
    assert "请督查室跟踪落实。" in client_for(people["staff"]).get(reverse("workflow:phrases")).content.decode()


def test_the_include_offers_office_and_own_phrases_for_one_box(people):
    OpinionPhrase.objects.create(owner=people["staff"], text="我的意见甲")
    OpinionPhrase.objects.create(owner=people["other"], text="别人的意见")
    request = RequestFactory().get("/")
    request.user = people["staff"]
    html = Template('{% include "workflow/_phrases.html" with textarea_id="id_text" %}').render(
        Context({"request": request}))
    assert 'data-target="id_text"' in html and '<label for="id_text-phrase">常用意见</label>' in html
    assert "我的意见甲" in html and "同意。" in html and "别人的意见" not in html
    assert 'aria-controls="id_text"' in html and "zhongshu/phrases.js" in html


def test_the_route_page_offers_phrases_beside_the_opinion_box(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    OpinionPhrase.objects.create(owner=org["head"], text="请综合处阅研。")
    client.force_login(org["head"])
    page = client.get(reverse("workflow:route_detail", args=[route.pk])).content.decode()
    assert 'id="id_text"' in page and 'data-target="id_text"' in page
    assert "请综合处阅研。" in page and "拟同意，请领导审示。" in page


def test_the_template_editor_and_step_target_use_the_pickers(client, director, org):
    client.force_login(director)
    page = client.get(reverse("workflow:template_create")).content.decode()
    # Every assignee field of a stage is a picker; units only of this system.
    assert page.count("data-picker") >= 4
    assert 'id="id_stages-0-persons-dialog"' in page and "选择单位（可多选）" in page


def test_the_profile_links_to_phrases_and_for_the_director_to_groups(client, director, people):
    client.force_login(director)
    page = client.get(reverse("org:profile")).content.decode()
    assert reverse("workflow:phrases") in page and reverse("org:pick_group_list") in page
    client.force_login(people["staff"])
    page = client.get(reverse("org:profile")).content.decode()
    assert reverse("workflow:phrases") in page and reverse("org:pick_group_list") not in page
