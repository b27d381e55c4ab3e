"""Downloads of 发文: files stored before intake checked them are checked again and refused
with a message naming the file (issue 11, Low); the download type and the stamper no longer
tie documents and documents.incoming together (issue 9 §7)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import uploads
from tests.documents.conftest import notice_spec
from zhongshu.access.classification import Level
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import services

SRC = Path(__file__).resolve().parents[2] / "src" / "zhongshu"
BASE = "/api/documents/outgoing"


def draft(office, **meta):
    return services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(), **meta)


def stored_as_before(office, doc, name: str, data: bytes):
    """An attachment whose bytes were stored before intake checked files."""
    good = uploads.docx() if name.endswith(".docx") else uploads.pdf()
    attachment = services.outgoing_attachment_add(actor=office.drafter, document=doc, name=name, data=good)
    uploads.store_as_before(attachment, data)
    return attachment


LEGACY = [
    pytest.param("名单.docx", lambda: uploads.docx_bomb(5 * uploads.MB), "压缩炸弹", id="zip-bomb"),
    pytest.param("通知.pdf", lambda: uploads.pdf().replace(b"startxref\n", b"startxref\n9", 1),
                 "结构已损坏", id="damaged-pdf"),
    pytest.param("通知.pdf", lambda: uploads.pdf_with("/OpenAction 4 0 R", ("<< /S /Launch /F (a.exe) >>",)),
                 "启动外部程序", id="launch-pdf"),
]


# --- files stored before intake checked them (issue 11, Low) ------------------------

@pytest.mark.parametrize(("name", "make", "why"), LEGACY)
def test_an_unclassified_attachment_stored_as_a_bomb_or_damaged_is_not_served(client, office, name, make, why):
    """Failed before: an unclassified document's file was served as uploaded, whatever it was."""
    doc = draft(office)
    attachment = stored_as_before(office, doc, name, make())
    client.force_login(office.drafter)
    url = reverse("documents:attachment_download", args=[doc.pk, attachment.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert f"文件“{name}”未通过安全检查" in body and why in body and "不能下载" in body
    api = client.get(f"{BASE}/{doc.pk}/attachments/{attachment.pk}")
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    assert f"文件“{name}”未通过安全检查" in api.json()["message"] and why in api.json()["message"]


def test_a_sound_unclassified_attachment_is_still_the_file_itself(client, office):
    doc = draft(office)
    attachment = services.outgoing_attachment_add(actor=office.drafter, document=doc, name="名单.docx",
                                                  data=uploads.docx())
    client.force_login(office.drafter)
    response = client.get(reverse("documents:attachment_download", args=[doc.pk, attachment.pk]))
    assert response.status_code == 200 and response.getvalue() == uploads.docx()


def test_a_classified_attachment_stored_as_a_bomb_is_refused_before_stamping(office, monkeypatch):
    from zhongshu.layout import stamp

    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    attachment = stored_as_before(office, doc, "名单.docx", uploads.docx_bomb(5 * uploads.MB))
    monkeypatch.setattr(stamp, "stamp_into", lambda *a: pytest.fail("a bomb must not reach the stamper"))
    with pytest.raises(ValidationError, match="文件“名单.docx”未通过安全检查.*压缩炸弹"):
        services.outgoing_attachment_download(actor=office.drafter, document=doc, attachment=attachment)
    assert not AuditEvent.objects.filter(action="object.download").exists()


# --- no import cycle for downloads (issue 9 §7) -------------------------------------

def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside a function, made absolute."""
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_downloads_do_not_tie_documents_and_incoming_together():
    """Failed before: documents.services imported documents.incoming.watermark for its
    downloads, and documents.incoming.services imported FileDownload from documents.services."""
    outgoing = imports(SRC / "documents" / "services.py")
    incoming = imports(SRC / "documents" / "incoming" / "services.py")
    assert not any(m.startswith("zhongshu.documents.incoming.watermark") for m in outgoing)
    assert "zhongshu.documents.services" not in incoming
    assert "zhongshu.documents.services.FileDownload" not in incoming
    assert not (SRC / "documents" / "incoming" / "watermark.py").exists()
    # the stamper and the download type depend on no app above them
    for module in (SRC / "layout" / "stamp.py", SRC / "kernel" / "files.py"):
        assert not any(m.startswith("zhongshu.documents") for m in imports(module)), module
