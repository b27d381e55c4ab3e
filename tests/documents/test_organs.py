"""发文机关 pages: the office director keeps the organs; a leader who signs by office
authorises another; nobody else changes who may sign (issue 10 §1, §5)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zhongshu.audit.models import AuditEvent
from zhongshu.documents.models import IssuingOrgan, SignAuthority
from zhongshu.org.models import Person, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("demo")
    return {p.username: p for p in Person.objects.filter(username__in=[
        "shuji", "mishuzhang", "zhuren", "mishu1", "keyuan1", "wenshu"])}


def test_the_list_shows_each_organ_with_its_header_code_and_signers(demo, client):
    client.force_login(demo["mishu1"])
    page = client.get("/documents/organs/").content.decode()
    assert "中共示例市委员会文件" in page and "示市委发" in page and "陈国栋" in page
    assert "中共示例市委办公室文件" in page and "示市委办发" in page and "林志远" in page
    assert "新增发文机关" not in page  # a secretary reads, the director keeps them
    client.force_login(demo["keyuan1"])
    assert client.get("/documents/organs/").status_code == 403


def test_the_director_edits_an_organ_and_the_change_is_audited(demo, client):
    organ = IssuingOrgan.objects.get(code="swb")
    client.force_login(demo["zhuren"])
    form = client.get(f"/documents/organs/{organ.pk}/edit/").content.decode()
    assert "发文机关全称" in form and "机关代字" in form
    data = {"name": organ.name, "header_mark": organ.header_mark, "issuer_code": "示委办发",
            "format": "standard", "unit": organ.unit_id, "printing_office": organ.printing_office,
            "reviewers": [demo["zhuren"].pk], "secretariat": organ.secretariat_id,
            "archive": organ.archive_id, "sort_order": 2, "is_active": "on"}
    response = client.post(f"/documents/organs/{organ.pk}/edit/", data, follow=True)
    assert "已保存" in response.content.decode()
    organ.refresh_from_db()
    assert organ.issuer_code == "示委办发" and organ.code == "swb"
    event = AuditEvent.objects.filter(action="documents.organ.update").latest("id")
    assert event.details["changed"]["issuer_code"] == ["示市委办发", "示委办发"]


def test_a_department_cannot_be_an_issuing_organ(demo, client):
    client.force_login(demo["zhuren"])
    dept = Unit.objects.get(code="BGS-MS1")
    response = client.post("/documents/organs/new/", {
        "code": "ms1", "name": "秘书一处", "header_mark": "秘书一处文件", "issuer_code": "秘一",
        "format": "standard", "unit": dept.pk, "printing_office": "秘书一处", "sort_order": 9})
    body = response.content.decode()
    assert response.status_code == 200 and not IssuingOrgan.objects.filter(code="ms1").exists()
    assert "选择一个有效的选项" in body or "内设处室不能作为发文机关" in body


def test_the_secretary_authorises_a_deputy_and_only_he_or_the_director_withdraws_it(demo, client):
    committee = IssuingOrgan.objects.get(code="sw")
    mayor = Person.objects.get(full_name="杨振华")
    client.force_login(demo["shuji"])
    page = client.get(f"/documents/organs/{committee.pk}/").content.decode()
    assert "授权签发" in page and "依职务" in page
    response = client.post(f"/documents/organs/{committee.pk}/signers/",
                           {"person": mayor.pk, "note": "出差期间"}, follow=True)
    assert "已设定签发权" in response.content.decode()
    row = SignAuthority.objects.get(organ=committee, person=mayor)
    assert row.authorised_by == demo["shuji"]
    # The secretary general signs 市委办 documents by office, not 市委 ones: he cannot
    # authorise for 市委, nor withdraw what the secretary gave.
    client.force_login(demo["mishuzhang"])
    assert "撤销" not in client.get(f"/documents/organs/{committee.pk}/").content.decode()
    response = client.post(f"/documents/organs/{committee.pk}/signers/", {"person": demo["zhuren"].pk},
                           follow=True)
    assert "您无权" in response.content.decode() or "只有依职务签发的领导" in response.content.decode()
    response = client.post(f"/documents/organs/{committee.pk}/signers/{row.pk}/remove/", follow=True)
    assert "您无权撤销该签发权" in response.content.decode()
    assert SignAuthority.objects.filter(pk=row.pk).exists()
    client.force_login(demo["shuji"])
    client.post(f"/documents/organs/{committee.pk}/signers/{row.pk}/remove/")
    assert not SignAuthority.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="documents.organ.signer_remove").exists()
