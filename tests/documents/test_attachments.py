"""Attachment files (附件) of outgoing documents: upload checked by content, the 附件说明,
pages, API, delivery to the recipients and stamped downloads (decision 0510)."""

from __future__ import annotations

import io
import os
import zipfile

import pymupdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import uploads
from tests.documents.conftest import notice_spec
from tests.documents.helpers import act, agree_until
from zhongshu.access.classification import Level
from zhongshu.audit.models import AuditEvent
from zhongshu.documents import content, selectors, services
from zhongshu.documents.incoming.models import IncomingFile
from zhongshu.documents.models import OutgoingAttachment
from zhongshu.kernel import files as kfiles

BASE = "/api/documents/outgoing"


def pdf_bytes(text: str = "附件正文") -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), text, fontname="china-s", fontsize=14)
    data = doc.tobytes()
    doc.close()
    return data


def png_bytes() -> bytes:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 40), False)
    pix.clear_with(200)
    return pix.tobytes("png")


def docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("名单")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def pdf_text(data: bytes) -> str:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return "".join(page.get_text() for page in doc)


def draft(office, **meta):
    return services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(), **meta)


def add(office, doc, name="工作安排表.pdf", data=None, actor=None, title=""):
    return services.outgoing_attachment_add(actor=actor or office.drafter, document=doc, name=name,
                                            data=pdf_bytes() if data is None else data, title=title)


# --- services -----------------------------------------------------------------------

def test_drafter_adds_files_in_order_audited_and_listed_in_the_attachment_note(office):
    doc = draft(office)
    first = add(office, doc)
    second = add(office, doc, name="名单.docx", data=docx_bytes(), title="  参会人员  名单 ")
    assert (first.title, first.kind, first.position, first.uploaded_by) == ("工作安排表", "pdf", 1, office.drafter)
    assert (second.title, second.kind, second.position) == ("参会人员 名单", "docx", 2)
    assert first.size == len(bytes(first.content)) and first.name == "工作安排表.pdf"
    event = AuditEvent.objects.filter(action="documents.outgoing.attachment_add").order_by("id").first()
    assert event.details["title"] == "工作安排表" and len(event.details["sha256"]) == 64
    rendered = content.render_spec(doc, doc.current_version.spec)
    assert [a["title"] for a in rendered["attachments"]] == ["工作安排表", "参会人员 名单"]


def test_typed_attachment_titles_come_first_and_a_matching_file_is_not_listed_twice(office):
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(
        attachments=[{"title": "纸质材料目录"}, {"title": "工作安排表"}]))
    add(office, doc)
    add(office, doc, name="汇总表.pdf")
    rendered = content.render_spec(doc, doc.current_version.spec)
    assert [a["title"] for a in rendered["attachments"]] == ["纸质材料目录", "工作安排表", "汇总表"]
    # the version itself is unchanged: the note is derived when rendering
    assert doc.current_version.spec["attachments"] == [{"title": "纸质材料目录"}, {"title": "工作安排表"}]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("通知.pdf", "这其实是一段文字".encode(), "无法识别文件内容"),
    ("程序.pdf", b"MZ\x90\x00" + b"\x00" * 100, "不是允许的格式"),
    ("表格.png", None, "扩展名与内容不符"),
    ("空.pdf", b"", "是空的"),
    ("报表.xlsx", "xlsx", "实际内容为 Excel"),
])
def test_files_are_judged_by_content_and_refusals_say_why(office, name, data, message):
    doc = draft(office)
    if data is None:
        data = pdf_bytes()
    elif data == "xlsx":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("xl/workbook.xml", "<workbook/>")
        data = buf.getvalue()
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        add(office, doc, name=name, data=data)
    assert not OutgoingAttachment.objects.exists() and AuditEvent.objects.count() == before


def test_attachment_kinds_are_the_kinds_incoming_accepts():
    # one list: a delivered copy is never refused for a kind its sender accepted
    from zhongshu.documents.incoming import services as incoming

    assert services.ATTACHMENT_KINDS is incoming.ACCEPTED_FILES is kfiles.DOCUMENT_KINDS


def test_oversize_files_are_refused_with_the_limit(office):
    doc = draft(office)
    data = b"%PDF-1.4\n" + b"0" * (50 * kfiles.MB)
    with pytest.raises(ValidationError, match="超过 50 MB"):
        add(office, doc, name="大文件.pdf", data=data)
    assert not OutgoingAttachment.objects.exists()


def test_duplicate_and_overlong_titles_are_refused(office):
    doc = draft(office)
    add(office, doc)
    with pytest.raises(ValidationError, match="已有名为“工作安排表”的附件"):
        add(office, doc, name="其他.pdf", title="工作安排表")
    with pytest.raises(ValidationError, match="不能超过 150 个字"):
        add(office, doc, name="其他.pdf", title="长" * 151)
    assert doc.attachment_files.count() == 1


def test_only_who_may_edit_adds_or_removes_and_never_after_sign_off(office):
    doc = draft(office)
    attachment = add(office, doc)
    for person in (office.colleague, office.outsider, office.leader):
        with pytest.raises(PermissionDenied):
            add(office, doc, name="别人.pdf", actor=person)
        with pytest.raises(PermissionDenied):
            services.outgoing_attachment_remove(actor=person, document=doc, attachment=attachment)
    services.outgoing_submit(actor=office.drafter, document=doc)
    # 部门审核: the head edits now, the drafter no longer
    with pytest.raises(PermissionDenied):
        add(office, doc, name="送审后.pdf")
    added = add(office, doc, name="处长补充.pdf", actor=office.head)
    assert added.uploaded_by == office.head
    agree_until(doc, "复核")
    doc.refresh_from_db()
    assert doc.signed_off_at is not None
    for person in (office.drafter, office.secretary, office.leader, office.head):
        with pytest.raises(PermissionDenied):
            add(office, doc, name="签发后.pdf", actor=person)
        with pytest.raises(PermissionDenied):
            services.outgoing_attachment_remove(actor=person, document=doc, attachment=attachment)
    assert doc.attachment_files.count() == 2


def test_remove_is_audited_and_takes_the_title_out_of_the_note(office):
    doc = draft(office)
    attachment = add(office, doc)
    services.outgoing_attachment_remove(actor=office.drafter, document=doc, attachment=attachment)
    assert not doc.attachment_files.exists()
    event = AuditEvent.objects.get(action="documents.outgoing.attachment_remove")
    assert event.details["title"] == "工作安排表" and event.details["name"] == "工作安排表.pdf"
    assert "attachments" not in content.render_spec(doc, doc.current_version.spec)
    other = add(office, draft(office))
    with pytest.raises(ValidationError, match="不属于此文件"):
        services.outgoing_attachment_remove(actor=office.drafter, document=doc, attachment=other)


def test_distribution_copies_the_files_to_each_recipients_incoming_item(office):
    doc = draft(office)
    add(office, doc)
    add(office, doc, name="scan.png", data=png_bytes(), title="现场照片")
    services.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=[office.county],
                                       cc_units=[office.bureau],
                                       externals=[("省委办公厅", "confidential", "cc")])
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "分发")
    act(doc, "分发")
    internal = [r for r in selectors.delivery_rows(doc) if r.delivery.is_internal]
    doc.refresh_from_db()
    assert {r.incoming.recipient_unit for r in internal} == {office.county, office.bureau}
    for row in internal:
        files = list(IncomingFile.objects.filter(incoming=row.incoming).order_by("id"))
        copy = f"{doc.doc_number} 关于做好年终工作的通知（份号{row.delivery.copy_number:06d}）"
        # The issued document itself (PDF and OFD of the copy), then the attachments.
        assert [(f.name, f.kind, f.is_attachment) for f in files] == [
            (f"{copy}.pdf", "pdf", False), (f"{copy}.ofd", "ofd", False),
            ("工作安排表.pdf", "pdf", True), ("现场照片.png", "png", True)]
        assert bytes(files[2].content) == bytes(doc.attachment_files.get(position=1).content)
        # the delivered text lists them in its 附件说明
        assert [a["title"] for a in row.incoming.spec["attachments"]] == ["工作安排表", "现场照片"]


def test_distribution_reads_the_attachment_titles_once_whatever_the_number_of_recipients(office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    table = OutgoingAttachment._meta.db_table

    def attachment_queries(main_units, cc_units):
        doc = draft(office)
        add(office, doc)
        services.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=main_units,
                                           cc_units=cc_units, externals=[])
        services.outgoing_submit(actor=office.drafter, document=doc)
        agree_until(doc, "分发")
        with CaptureQueriesContext(connection) as ctx:
            act(doc, "分发")
        return sum(table in q["sql"] for q in ctx.captured_queries)

    assert attachment_queries([office.county], []) == attachment_queries([office.county], [office.bureau])


def test_classified_download_is_stamped_with_the_viewer_and_audited(office):
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    pdf = add(office, doc)
    image = add(office, doc, name="scan.png", data=png_bytes(), title="现场照片")
    word = add(office, doc, name="名单.docx", data=docx_bytes())
    got = services.outgoing_attachment_download(actor=office.drafter, document=doc, attachment=pdf)
    assert got.content_type == "application/pdf" and got.name == "工作安排表.pdf"
    text = pdf_text(got.data)
    assert "附件正文" in text and "陈科员" in text
    got = services.outgoing_attachment_download(actor=office.drafter, document=doc, attachment=image)
    assert got.name == "scan.png.pdf" and "陈科员" in pdf_text(got.data)
    # A DOCX stays a DOCX, with the viewer's name in its headers (as 收文 does, decision 0605)
    got = services.outgoing_attachment_download(actor=office.drafter, document=doc, attachment=word)
    assert got.content_type == kfiles.DOCX.content_type and got.name == "名单.docx"
    with zipfile.ZipFile(io.BytesIO(got.data)) as z:
        headers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/header")]
    assert headers and all("陈科员" in h for h in headers)
    events = AuditEvent.objects.filter(action="object.download", object_id=str(doc.pk))
    assert [e.details["file"] for e in events.order_by("id")] == ["工作安排表.pdf", "scan.png", "名单.docx"]
    with pytest.raises(PermissionDenied):
        services.outgoing_attachment_download(actor=office.outsider, document=doc, attachment=pdf)


def test_ordinary_download_is_the_file_as_uploaded(office):
    doc = draft(office)
    data = pdf_bytes()
    attachment = add(office, doc, data=data)
    got = services.outgoing_attachment_download(actor=office.drafter, document=doc, attachment=attachment)
    assert got.data == data and "陈科员" not in pdf_text(got.data)
    assert not AuditEvent.objects.filter(action="object.download").exists()


def test_a_damaged_classified_pdf_is_refused_not_given_unstamped(office):
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    attachment = add(office, doc)
    uploads.store_as_before(attachment, uploads.DAMAGED_PDF)  # stored before intake checked PDFs
    with pytest.raises(ValidationError, match="未通过安全检查.*不能下载"):
        services.outgoing_attachment_download(actor=office.drafter, document=doc, attachment=attachment)


# --- pages --------------------------------------------------------------------------

def _upload(client, doc, name, data, title=""):
    return client.post(reverse("documents:attachment_add", args=[doc.pk]),
                       {"title": title, "file": SimpleUploadedFile(name, data)}, follow=True)


def test_page_uploads_lists_downloads_and_removes(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert 'id="attachments"' in page and "上传附件" in page and "尚无附件文件" in page
    response = _upload(client, doc, "工作安排表.pdf", pdf_bytes(), title="年终工作安排表")
    page = response.content.decode()
    assert "附件“年终工作安排表”已上传" in page
    attachment = doc.attachment_files.get()
    download = reverse("documents:attachment_download", args=[doc.pk, attachment.pk])
    remove = reverse("documents:attachment_remove", args=[doc.pk, attachment.pk])
    assert download in page and remove in page and "工作安排表.pdf" in page
    clean = client.get(reverse("documents:detail", args=[doc.pk]) + "?view=clean").content.decode()
    assert "附件：年终工作安排表" in clean  # the clean copy's 附件说明
    got = client.get(download)
    assert got.status_code == 200 and got.getvalue() == bytes(attachment.content)
    assert "filename*=UTF-8''" in got["Content-Disposition"]
    page = client.post(remove, follow=True).content.decode()
    assert "附件“年终工作安排表”已删除" in page and not doc.attachment_files.exists()


def test_page_remove_never_reads_the_file_bytes(client, office, monkeypatch):
    from zhongshu.kernel import blobs

    doc = draft(office)
    attachment = add(office, doc)
    client.force_login(office.drafter)
    reads: list[str] = []
    real = blobs.chunks
    monkeypatch.setattr(blobs, "chunks", lambda name: reads.append(name) or real(name))
    response = client.post(reverse("documents:attachment_remove", args=[doc.pk, attachment.pk]))
    assert response.status_code == 302 and not doc.attachment_files.exists()
    # The row goes; its bytes are neither read nor deleted (another row may share them).
    assert reads == [] and blobs.present(attachment.blob.name, attachment.size)


def test_page_refusals_are_shown_and_nothing_is_stored(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    page = _upload(client, doc, "通知.pdf", "纯文本".encode()).content.decode()
    assert "不是允许的格式" in page and "无法识别文件内容" in page
    # Beside the upload form, where the page lands, not out of view at its top.
    error = page[page.index('id="attachments"'):]
    assert 'id="upload-error"' in error and "无法识别文件内容" in error[:error.index("上传附件")]
    page = client.post(reverse("documents:attachment_add", args=[doc.pk]), {"title": "x"},
                       follow=True).content.decode()
    assert "请选择要上传的附件文件" in page
    assert not doc.attachment_files.exists()


def test_page_shows_no_upload_or_remove_to_readers_and_refuses_their_posts(client, office):
    doc = draft(office)
    attachment = add(office, doc)
    services.outgoing_submit(actor=office.drafter, document=doc)
    client.force_login(office.drafter)  # still sees it, may no longer edit
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert reverse("documents:attachment_download", args=[doc.pk, attachment.pk]) in page
    assert reverse("documents:attachment_remove", args=[doc.pk, attachment.pk]) not in page
    assert "上传附件" not in page
    assert _upload(client, doc, "a.pdf", pdf_bytes()).status_code == 403
    assert client.post(reverse("documents:attachment_remove", args=[doc.pk, attachment.pk])).status_code == 403
    client.force_login(office.outsider)
    assert client.get(reverse("documents:attachment_download", args=[doc.pk, attachment.pk])).status_code == 404


def test_page_download_of_a_classified_attachment_is_stamped(client, office):
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    attachment = add(office, doc)
    client.force_login(office.drafter)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    assert "涉密文件的附件下载时均加注查看人姓名和时间水印" in page
    response = client.get(reverse("documents:attachment_download", args=[doc.pk, attachment.pk]))
    assert response["Content-Type"] == "application/pdf" and "陈科员" in pdf_text(response.getvalue())


# --- API ----------------------------------------------------------------------------

def test_api_uploads_lists_and_downloads(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    response = client.post(f"{BASE}/{doc.pk}/attachments",
                           {"file": SimpleUploadedFile("工作安排表.pdf", pdf_bytes()), "title": "安排表"})
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["name"], body["kind"], body["uploaded_by"]) == (
        "安排表", "工作安排表.pdf", "pdf", "陈科员")
    detail = client.get(f"{BASE}/{doc.pk}").json()
    assert [a["title"] for a in detail["attachments"]] == ["安排表"]
    got = client.get(detail["attachments"][0]["download_url"])
    assert got.status_code == 200 and got.getvalue().startswith(b"%PDF")
    assert client.get(f"{BASE}/{doc.pk}/attachments/999999").json()["code"] == "not_found"


def test_api_refusals_are_structured(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    bad = client.post(f"{BASE}/{doc.pk}/attachments", {"file": SimpleUploadedFile("通知.pdf", b"plain text")})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "无法识别文件内容" in bad.json()["message"]
    missing = client.post(f"{BASE}/{doc.pk}/attachments", {"title": "x"})
    assert missing.status_code == 422 and missing.json()["code"] == "schema"
    client.force_login(office.colleague)
    hidden = client.post(f"{BASE}/{doc.pk}/attachments", {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    services.outgoing_submit(actor=office.drafter, document=doc)
    client.force_login(office.drafter)
    denied = client.post(f"{BASE}/{doc.pk}/attachments", {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    assert not doc.attachment_files.exists()


def test_api_classified_download_is_stamped(client, office):
    doc = draft(office, classification=Level.CONFIDENTIAL, secrecy_years=5)
    attachment = add(office, doc)
    client.force_login(office.drafter)
    response = client.get(f"{BASE}/{doc.pk}/attachments/{attachment.pk}")
    assert response.status_code == 200 and "陈科员" in pdf_text(response.getvalue())


def test_one_attachment_distributed_to_many_units_is_stored_once(office, monkeypatch):
    from tests.factories import PersonFactory, UnitFactory
    from zhongshu.kernel.models import StoredFile
    from zhongshu.org.models import RoleCode, UnitKind

    towns = [UnitFactory(name=f"示例第{i}乡镇党委", kind=UnitKind.SUBORDINATE, parent=office.organ) for i in range(8)]
    for town in towns:
        PersonFactory(full_name=f"{town.name}秘书", unit=town, roles=[RoleCode.SECRETARY])
    doc = draft(office)
    from PIL import Image

    out = io.BytesIO()  # a 2 MB scan of noise: nothing compresses it
    Image.frombytes("RGB", (820, 820), os.urandom(820 * 820 * 3)).save(out, "PNG")
    big = out.getvalue()
    attachment = add(office, doc, name="现场照片.png", data=big)
    services.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=[office.county, *towns],
                                       cc_units=[office.bureau], externals=[])
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "分发")
    from zhongshu.kernel import blobs, filestore

    reads, hashed, real_chunks, real_put = [], [], blobs.chunks, filestore.put
    monkeypatch.setattr(blobs, "chunks", lambda name: reads.append(name) or real_chunks(name))
    monkeypatch.setattr(filestore, "put", lambda data, **kw: hashed.append(len(data)) or real_put(data, **kw))
    act(doc, "分发")
    # Read (and checked) once for all copies, and never hashed again for each.
    assert reads.count(attachment.blob.name) == 1 and len(big) not in hashed
    copies = IncomingFile.objects.filter(incoming__source_id__isnull=False, is_attachment=True)
    assert copies.count() == 10  # one attachment row per recipient copy …
    assert set(copies.values_list("blob", flat=True)) == {attachment.blob_id}  # … and one stored object
    assert StoredFile.objects.filter(size=len(big)).count() == 1
    # Each copy's own PDF and OFD bind this (small) attachment as pages (decision 0705).
    assert all(bytes(c.content) == big for c in copies[:2])


@pytest.mark.slow
def test_a_large_attachment_is_named_in_each_copy_by_its_digest_not_bound_again(office, settings):
    """Issue 11: one 45 MB attachment to 21 units is stored once. Above
    ISSUED_COPY_BIND_MB, no copy binds it as pages: each names it with its SM3 digest, and
    every recipient's attachment row points at the one stored file (decision 1312)."""
    from tests.factories import PersonFactory, UnitFactory
    from zhongshu.kernel.models import StoredFile
    from zhongshu.org.models import RoleCode, UnitKind

    settings.ISSUED_COPY_BIND_MB = 1
    towns = [UnitFactory(name=f"示例第{i}街道党工委", kind=UnitKind.SUBORDINATE, parent=office.organ) for i in range(4)]
    for town in towns:
        PersonFactory(full_name=f"{town.name}秘书", unit=town, roles=[RoleCode.SECRETARY])
    doc = draft(office)
    from PIL import Image

    out = io.BytesIO()  # 3 MB of noise: above the limit, and nothing compresses it
    Image.frombytes("RGB", (1000, 1000), os.urandom(1000 * 1000 * 3)).save(out, "PNG")
    big = out.getvalue()
    attachment = add(office, doc, name="现场照片.png", data=big)
    services.outgoing_distribution_set(actor=office.drafter, document=doc, main_units=[office.county, *towns],
                                       cc_units=[], externals=[])
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "分发")
    act(doc, "分发")
    rows = IncomingFile.objects.filter(incoming__source_id__isnull=False)
    assert set(rows.filter(is_attachment=True).values_list("blob", flat=True)) == {attachment.blob_id}
    assert StoredFile.objects.filter(size=len(big)).count() == 1
    pdfs = [f for f in rows.filter(is_attachment=False) if f.kind == "pdf"]
    assert len(pdfs) == 5
    for copy in pdfs:
        # The copy is small (the attachment is not in it) and names the file by digest.
        assert copy.size < len(big) / 3
        text = pdf_text(bytes(copy.content)).replace("\n", "")
        assert "现场照片.png" in text and attachment.blob.digest[:16] in text
