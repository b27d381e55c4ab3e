"""Every API input is validated (issue 11 §14, Low): the two server errors schemathesis
found (a classification outside 0–4; an id beyond the database's integer in 会签单位), a
title cut silently at 200 characters, a 100,000-character opinion accepted, a level
changed by saving, a draft above the drafter's clearance. Each is now refused with a
message naming the field, and nothing is written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.documents.conftest import build_office, notice_spec
from tests.factories import PersonFactory
from zhongshu.access.classification import Level
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import services
from zhongshu.documents.models import OutgoingDocument
from zhongshu.org.models import Clearance


@pytest.fixture
def office(db):
    return build_office()


def _draft(**overrides) -> dict:
    data = {"doc_type": "通知", "title": "关于做好年终工作的通知", "main_recipients": "各县委办公室",
            "body": [{"type": "paragraph", "text": "为做好年终各项工作，现通知如下。"}],
            "signature": ["示例市委办公室"], "seal": True}
    data.update(overrides)
    return data


def _created() -> int:
    return OutgoingDocument.objects.count()


@pytest.mark.parametrize(("field", "value", "said"), [
    ("classification", 9, "不大于 4"),
    ("classification", -1, "不小于 0"),
    ("countersign_units", [2**64], "countersign_units.0：不大于 9223372036854775807"),
    ("sign_off_leader", 2**70, "sign_off_leader：不大于"),
    ("title", "长" * 201, "title：不超过 200 个字符"),
    ("title", "", "title：至少 1 个字符"),
    ("secrecy_years", 31, "secrecy_years：不大于 30"),
])
def test_create_refuses_out_of_range_input(office, bearer, field, value, said):
    api = bearer(office.drafter)
    response = api.post(reverse("api:outgoing_create"), _draft(**{field: value}))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "schema" and any(said in d for d in body["details"]), body
    assert _created() == 0


def test_a_huge_id_that_fits_is_simply_not_found(office, bearer):
    api = bearer(office.drafter)
    response = api.post(reverse("api:outgoing_create"), _draft(countersign_units=[2**63 - 1]))
    assert response.status_code == 201
    assert not OutgoingDocument.objects.get().countersign_units.exists()
    assert api.get(reverse("api:outgoing_detail", args=[2**63 - 1])).status_code == 404


def test_a_long_opinion_is_refused_not_stored(office, bearer):
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    services.outgoing_submit(actor=office.drafter, document=doc)
    before = AuditEvent.objects.filter(action__startswith="workflow.step").count()
    response = bearer(office.head).post(reverse("api:outgoing_act", args=[doc.pk]),
                                        {"action": "agree_opinion", "text": "意" * 100_000})
    assert response.status_code == 422 and "text：不超过 2000 个字符" in response.json()["details"]
    assert AuditEvent.objects.filter(action__startswith="workflow.step").count() == before


def test_saving_through_the_api_never_changes_the_level(office, bearer):
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(),
                                   classification=Level.SECRET, secrecy_years=10)
    api = bearer(office.drafter)
    base = doc.current_version_id
    response = api.post(reverse("api:outgoing_save", args=[doc.pk]),
                        _draft(title=doc.title, base_version=base, classification=Level.INTERNAL))
    assert response.status_code == 400 and "保存稿件不改变密级" in response.json()["message"]
    doc.refresh_from_db()
    assert doc.classification == Level.SECRET and doc.versions.count() == 1
    # Leaving the level out saves the text and keeps the level.
    response = api.post(reverse("api:outgoing_save", args=[doc.pk]), _draft(title=doc.title, base_version=base))
    assert response.status_code == 201, response.content
    doc.refresh_from_db()
    assert (doc.classification, doc.secrecy_years, doc.versions.count()) == (Level.SECRET, 10, 2)


def test_nobody_creates_above_his_clearance_through_the_api(office, bearer):
    general = PersonFactory(username="general", full_name="一般涉密人员", unit=office.dept,
                            clearance=Clearance.GENERAL)
    response = bearer(general).post(reverse("api:outgoing_create"),
                                    _draft(classification=Level.TOP_SECRET, secrecy_long_term=True))
    assert response.status_code == 400 and "不能拟制绝密文件" in response.json()["message"]
    assert _created() == 0
