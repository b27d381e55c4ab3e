"""收文 files stored before intake checked them (issue 11, Low): an unclassified document's
zip bomb or malformed PDF is no longer served as uploaded; the page and the API refuse it
with a message naming the file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import uploads
from tests.documents.incoming.helpers import register
from zhongshu.audit.models import AuditEvent

BASE = "/api/documents/incoming"

LEGACY = [
    pytest.param("来文.docx", lambda: uploads.docx_bomb(5 * uploads.MB), "压缩炸弹", id="zip-bomb"),
    pytest.param("来文.pdf", lambda: uploads.pdf().replace(b"startxref\n", b"startxref\n9", 1),
                 "结构已损坏", id="damaged-pdf"),
    pytest.param("来文.pdf", lambda: uploads.DAMAGED_PDF, "无法作为 PDF 打开", id="not-a-pdf"),
    pytest.param("来文.pdf", lambda: uploads.pdf_with("/OpenAction 4 0 R", ("<< /S /JavaScript /JS (x) >>",)),
                 "JavaScript", id="javascript-pdf"),
    pytest.param("扫描.png", lambda: uploads.png_header(30_000, 30_000), "图像过大", id="pixel-bomb"),
]


def legacy(org, name: str, data: bytes, **kw):
    good = {".docx": uploads.docx(), ".pdf": uploads.pdf(), ".png": uploads.png()}[name[name.rindex("."):]]
    doc = register(org, files=[(name, good)], **kw)
    uploads.store_as_before(doc.files.get(), data)
    return doc


@pytest.mark.parametrize(("name", "make", "why"), LEGACY)
def test_an_unclassified_file_stored_as_a_bomb_or_damaged_is_not_served(org, client, name, make, why):
    """Failed before: the page and the API handed such a file out as it was stored."""
    doc = legacy(org, name, make())
    client.force_login(org.secretary)
    response = client.get(reverse("incoming:download", args=[doc.pk, doc.files.get().pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("incoming:detail", args=[doc.pk])
    body = response.content.decode()
    assert f"文件“{name}”未通过安全检查" in body and why in body and "不能下载" in body
    api = client.get(f"{BASE}/{doc.pk}/files/{doc.files.get().pk}")
    assert api.status_code == 409
    assert f"文件“{name}”未通过安全检查" in api.json()["message"] and why in api.json()["message"]


def test_a_classified_legacy_bomb_is_refused_and_not_audited_as_downloaded(org, client):
    doc = legacy(org, "来文.docx", uploads.docx_bomb(5 * uploads.MB), actor=org.clerk, classification=2,
                 secrecy_years=5)
    client.force_login(org.clerk)
    response = client.get(reverse("incoming:download", args=[doc.pk, doc.files.get().pk]), follow=True)
    assert "文件“来文.docx”未通过安全检查" in response.content.decode()
    assert not AuditEvent.objects.filter(action="object.download").exists()


def test_a_sound_unclassified_file_is_still_the_file_itself(org, client):
    doc = register(org, files=[("来文.docx", uploads.docx())])
    client.force_login(org.secretary)
    response = client.get(reverse("incoming:download", args=[doc.pk, doc.files.get().pk]))
    assert response.status_code == 200 and response.getvalue() == uploads.docx()
