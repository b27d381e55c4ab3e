"""Output an office can issue (issue 12 §7), in PDF, DOCX (through LibreOffice) and OFD:
the 印发日期 in the 版记, uploaded attachments bound as pages after their 附件 heading, no
empty seal on issued copies, 草稿 on drafts, downloads named by number and title."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile

import ofdkit
import pdfplumber
import pymupdf
import pytest
from lxml import etree

from tests.layout.measure import MM, libreoffice_pdf, rows, sample, seal_png, text
from zhongshu.layout.attachments import AttachmentFile
from zhongshu.layout.render import content_disposition, download_name, render
from zhongshu.layout.spec import Attachment

NS = "{http://www.ofdspec.org/2016}"


def chars_text(page) -> str:
    return "".join(c["text"] for c in page.chars)


def ofd_texts(data: bytes) -> list[str]:
    """Each page's text as ofdkit reads it, spaces removed."""
    path = io.BytesIO(data)
    with ofdkit.open(path) as doc:
        return [re.sub(r"\s", "", page.text()) for page in doc.pages]


# ---------------------------------------------------------------- 印发日期
def test_printing_date_in_the_record_block_of_every_format(tmp_path):
    spec = sample("tongzhi")
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        last = [text(line) for line in rows(pdf.pages[-1])]
    assert any(line.endswith("2026年12月11日印发") for line in last)
    assert ofd_texts(render(spec, "ofd"))[-1].endswith("中共示范市委办公室2026年12月11日印发")
    from docx import Document

    doc = Document(io.BytesIO(render(spec, "docx")))
    cells = [c.text for t in doc.tables for c in t._cells]
    assert any("2026年12月11日印发" in c for c in cells)


# ---------------------------------------------------------------- seals and drafts
def red_dashes(page) -> list:
    return [c for c in page.curves + page.rects
            if c.get("stroking_color") in ((1, 0, 0), (1.0, 0.0, 0.0)) and c.get("dash")]


def test_issued_copy_shows_no_empty_seal_and_no_draft_mark():
    data = render(sample("tongzhi"), "pdf")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert not any(red_dashes(p) or p.curves for p in pdf.pages)
        assert "草稿" not in "".join(chars_text(p) for p in pdf.pages)
    with zipfile.ZipFile(io.BytesIO(render(sample("tongzhi"), "ofd"))) as zf:
        contents = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith("Content.xml"))
    assert "DashPattern" not in contents and "草稿" not in contents


def test_issued_copy_with_seal_images_shows_them_where_the_seals_go():
    png = seal_png()
    with pdfplumber.open(io.BytesIO(render(sample("tongzhi"), "pdf", seal_images=[png]))) as pdf:
        page = next(p for p in pdf.pages if "2026年12月10日" in chars_text(p))
        assert len(page.images) == 1
        image = page.images[0]
        assert (image["x1"] - image["x0"]) / MM == pytest.approx(42, abs=0.2)
        assert not red_dashes(page)


def test_draft_has_the_draft_mark_and_the_seal_places_in_every_format(tmp_path):
    spec = sample("tongzhi")
    doc = pymupdf.open(stream=render(spec, "pdf", draft=True), filetype="pdf")
    assert all("草稿" in page.get_text() for page in doc)
    with pdfplumber.open(io.BytesIO(render(spec, "pdf", draft=True))) as pdf:
        assert any(p.curves for p in pdf.pages)  # the dashed seal place
    pages = ofd_texts(render(spec, "ofd", draft=True))
    assert all("草稿" in page for page in pages)
    with zipfile.ZipFile(io.BytesIO(render(spec, "docx", draft=True))) as zf:
        headers = [zf.read(n).decode() for n in zf.namelist() if re.match(r"word/header\d+\.xml", n)]
        core = zf.read("docProps/core.xml").decode()
    assert headers and all('string="草稿"' in h for h in headers)
    assert "草稿" in core  # content status


@pytest.mark.slow
def test_draft_mark_and_seal_place_in_the_docx_through_libreoffice(converted):
    _, _, _, theirs = converted["joint_draft"]
    closing = next(p for p in theirs.pages if "2026年5月8日" in chars_text(p))
    assert len(closing.curves) >= 3  # three dashed seal places
    # issued copies of the same document show none
    _, _, _, issued = converted["joint3_unsealed"]
    assert not any(p.curves for p in issued.pages)


# ---------------------------------------------------------------- download names
def test_download_name_by_number_and_title():
    spec = sample("tongzhi")
    assert download_name(spec, "pdf") == ("示委办〔2026〕12号 中共示范市委办公室关于做好2026年元旦春节期间"
                                          "值班和安全稳定工作的通知.pdf")
    order = sample("order")  # no title: the mark
    assert download_name(order, "ofd") == "第12号 示范市人民政府.ofd"
    odd = dataclasses.replace(spec, doc_number="", title='关于"A/B"测试:的<通知>')
    assert download_name(odd, "docx") == "关于AB测试的通知.docx"
    header = content_disposition(spec, "pdf")
    assert header.startswith('attachment; filename="document.pdf"; filename*=UTF-8\'\'')
    assert "%E7%A4%BA%E5%A7%94%E5%8A%9E" in header  # 示委办, percent-encoded (RFC 5987)
    assert content_disposition(spec, "pdf", inline=True).startswith("inline;")


# ---------------------------------------------------------------- attachments as pages
def pdf_file(words: str) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), words, fontname="china-s", fontsize=16)
    data = doc.tobytes()
    doc.close()
    return data


def docx_file(words: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(words)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def with_attachments(kinds: list[str]):
    spec = sample("long_body")
    spec = dataclasses.replace(spec, body=spec.body[:3], attachments=tuple(
        Attachment(f"附件材料{k.upper()}") for k in kinds))
    files = []
    for k in kinds:
        if k == "pdf":
            files.append(AttachmentFile("附件材料PDF", "pdf", pdf_file("上传的PDF附件正文")))
        elif k == "png":
            files.append(AttachmentFile("附件材料PNG", "png", seal_png()))
        elif k == "ofd":
            files.append(AttachmentFile("附件材料OFD", "ofd", render(sample("order"), "ofd")))
        elif k == "docx":
            files.append(AttachmentFile("附件材料DOCX", "docx", docx_file("上传的DOCX附件正文")))
    return spec, files


def test_uploaded_pdf_ofd_and_image_attachments_are_pages_after_their_heading_in_the_pdf():
    spec, files = with_attachments(["pdf", "ofd", "png"])
    with pdfplumber.open(io.BytesIO(render(spec, "pdf", attachments=files))) as pdf:
        texts = [chars_text(p) for p in pdf.pages]
        heading = {k: next(i for i, t in enumerate(texts) if f"附件材料{k}" in t and t.startswith(("附件", "附件1", "附件2", "附件3")))
                   for k in ("PDF", "OFD", "PNG")}
        print(f"\n[pdf] {len(texts)} pages; headings at {heading}")
        assert "上传的PDF附件正文" in texts[heading["PDF"] + 1]
        assert "示范市人民政府令" in texts[heading["OFD"] + 1]  # the OFD drawn as a page
        assert pdf.pages[heading["PNG"] + 1].images  # the image on its own page
        # the inserted pages continue the page numbers and stay in the text block
        number = texts[heading["PDF"] + 1]
        assert f"—{heading['PDF'] + 2}—" in number.replace(" ", "")
        words = [c for c in pdf.pages[heading["PDF"] + 1].chars if c["top"] < 262 * MM]
        assert min(c["x0"] for c in words) / MM >= 28 - 0.1


def test_uploaded_attachments_are_pages_of_the_ofd():
    spec, files = with_attachments(["pdf", "png"])
    data = render(spec, "ofd", attachments=files)
    pages = ofd_texts(data)
    with pdfplumber.open(io.BytesIO(render(spec, "pdf", attachments=files))) as pdf:
        assert len(pages) == len(pdf.pages)
    heading = next(i for i, t in enumerate(pages) if t.startswith("附件1"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        content = etree.fromstring(zf.read(f"Doc_0/Pages/Page_{heading + 1}/Content.xml"))
        images = list(content.iter(f"{NS}ImageObject"))
        assert images and any(n.startswith("Doc_0/Res/image_") for n in zf.namelist())


@pytest.mark.slow
def test_uploaded_attachments_are_pages_of_the_docx(tmp_path):
    spec, files = with_attachments(["pdf", "docx", "png"])
    ours = render(spec, "pdf", attachments=files)
    with pdfplumber.open(io.BytesIO(ours)) as pdf:
        expected = len(pdf.pages)
        texts = [chars_text(p) for p in pdf.pages]
        assert "上传的DOCX附件正文" in "".join(texts)  # a DOCX converted by LibreOffice
    path = libreoffice_pdf(render(spec, "docx", attachments=files), tmp_path)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == expected
        heading = next(i for i, p in enumerate(pdf.pages) if chars_text(p).startswith("附件1"))
        for n in range(3):  # each attachment: heading page, then its page as an image
            page = pdf.pages[heading + 2 * n + 1]
            assert page.images, f"page {heading + 2 * n + 2}"
            image = page.images[0]
            assert image["x0"] / MM >= 28 - 0.5 and image["x1"] / MM <= 184 + 0.5


def test_a_file_no_attachment_lists_is_added_to_the_attachment_note():
    spec = sample("order")
    extra = AttachmentFile("示范市政务数据共享管理办法", "pdf", pdf_file("办法全文"))
    with pdfplumber.open(io.BytesIO(render(spec, "pdf", attachments=[extra]))) as pdf:
        texts = [chars_text(p) for p in pdf.pages]
    assert any("附件：示范市政务数据共享管理办法" in t for t in texts)
    assert any("办法全文" in t for t in texts)
