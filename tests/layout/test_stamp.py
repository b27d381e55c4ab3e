"""Stamping uploaded files (layout.stamp): the watermark read back by readers we did not
write (python-docx's parsed headers, ofdkit, MuPDF's text), the rest of the file as it was;
damaged files refused; files larger than the stamping ceiling refused before parsing."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import ofdkit
import pymupdf
import pytest
from docx import Document
from docx.enum.section import WD_SECTION

from tests import uploads
from tests.layout.measure import sample
from zhongshu.layout.render import render
from zhongshu.layout.stamp import STAMPABLE, CannotWatermark, stamp

MB = 1024 * 1024
MARK = "机要员乙 2026-03-05 09:30"
OFD_NS = "http://www.ofdspec.org/2016"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# --- PDF and scans: the renderer's watermark ------------------------------------------

def mark_spans(page) -> list[tuple[float, float]]:
    """Where each line of the mark starts on ``page`` (rounded), read back by MuPDF."""
    spans = [span for block in page.get_text("dict")["blocks"] for line in block.get("lines", ())
             for span in line["spans"] if span["text"] == MARK]
    return sorted((round(s["origin"][0]), round(s["origin"][1])) for s in spans)


def test_a_stamped_pdf_carries_the_same_watermark_as_a_rendered_document():
    """One PDF watermark (issue 9 §7): on an A4 page the stamp is the renderer's own
    drawing, line for line where the renderer puts it. Failed before: the stamper drew its
    own (a different font, size, angle and spacing)."""
    when = dt.datetime(2026, 3, 5, 9, 30)
    rendered = pymupdf.open(stream=render(sample("tongzhi"), "pdf", viewer="机要员乙", when=when))
    stamped = pymupdf.open(stream=stamp(uploads.pdf(pages=2), "pdf", MARK))
    expected = mark_spans(rendered[0])
    print(f"\n[pdf] mark lines at {expected}")
    assert len(expected) >= 5
    flat = [v for point in expected for v in point]
    for page in stamped:
        assert [v for point in mark_spans(page) for v in point] == pytest.approx(flat, abs=1.5)


def test_the_stamper_draws_with_the_renderers_function(monkeypatch):
    from zhongshu.layout import pdf

    calls = []
    original = pdf.draw_watermark
    monkeypatch.setattr(pdf, "draw_watermark", lambda *a: calls.append(a[1]) or original(*a))
    stamp(uploads.pdf(pages=3), "pdf", MARK)
    assert calls == [MARK]  # drawn once, shown on every page


def line_angles(page, text: str) -> set[int]:
    """The direction (degrees) of each line of ``page`` holding ``text``, as MuPDF reads it."""
    return {round(math.degrees(math.atan2(line["dir"][1], line["dir"][0]))) % 360
            for block in page.get_text("dict")["blocks"] for line in block.get("lines", ())
            if any(text in span["text"] for span in line["spans"])}


@pytest.mark.parametrize(("width", "height", "rotation"), [
    (595, 842, 0), (842, 595, 0), (595, 842, 90), (595, 842, 270), (1191, 1684, 0), (200, 120, 0),
    (100, 2000, 0)])
def test_every_part_of_a_page_of_any_size_or_rotation_is_covered(width, height, rotation):
    src = pymupdf.open()
    page = src.new_page(width=width, height=height)
    page.set_rotation(rotation)
    doc = pymupdf.open(stream=stamp(src.tobytes(), "pdf", MARK))
    page = doc[0]
    # every quarter of the page as the reader sees it shows some of the mark
    pix = page.get_pixmap(dpi=36, colorspace=pymupdf.csGRAY)
    inked = {(2 * x // pix.width, 2 * y // pix.height) for y in range(pix.height) for x in range(pix.width)
             if pix.pixel(x, y)[0] < 245}
    print(f"\n[pdf] {width}×{height} rot {rotation}: quarters {sorted(inked)}")
    assert inked == {(0, 0), (0, 1), (1, 0), (1, 1)}
    # and the reader sees it at the renderer's angle whatever the page's /Rotate (MuPDF
    # reads directions on the unrotated page)
    assert {(angle + rotation) % 360 for angle in line_angles(page, "2026-03-05")} == {MARK_ANGLE}


MARK_ANGLE = 30  # draw_watermark's morph, as a rendered page shows it


def test_a_scan_becomes_a_stamped_pdf():
    stamped = pymupdf.open(stream=stamp(uploads.png(1240, 1754), "png", MARK))
    assert stamped.page_count == 1 and MARK in stamped[0].get_text()


# --- DOCX -------------------------------------------------------------------------

def two_section_docx() -> bytes:
    """Two sections, the second with its own first page; odd and even headers; a header
    with the sender's own text in the first section."""
    doc = Document()
    doc.settings.odd_and_even_pages_header_footer = True
    doc.sections[0].header.paragraphs[0].text = "测试区委办公室"
    doc.add_paragraph("关于申请专项经费的请示")
    doc.add_paragraph("市委：为做好……特此请示。")
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = True
    doc.add_paragraph("附件：经费明细表")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def shown_headers(doc):
    """(section, kind, header) for every header a page of ``doc`` shows."""
    for i, section in enumerate(doc.sections):
        yield i, "default", section.header
        if section.different_first_page_header_footer:
            yield i, "first", section.first_page_header
        if doc.settings.odd_and_even_pages_header_footer:
            yield i, "even", section.even_page_header


def test_stamped_docx_stays_a_docx_with_the_mark_in_every_header_pages_show():
    original = two_section_docx()
    stamped = stamp(original, "docx", MARK)
    assert stamped[:4] == b"PK\x03\x04" and "docx" in STAMPABLE
    doc = Document(io.BytesIO(stamped))
    seen = []
    for i, kind, header in shown_headers(doc):
        xml = header._element.xml  # the header part this page uses, inherited or its own
        shape = re.search(r"<v:shape [^>]*>.*?</v:shape>", xml, re.S)
        assert shape, (i, kind)
        assert f'string="{MARK}"' in shape.group(0) and "rotation:315" in shape.group(0)
        seen.append((i, kind))
    print(f"\n[docx] stamped headers shown by {seen}")
    assert seen == [(0, "default"), (0, "even"), (1, "default"), (1, "first"), (1, "even")]
    # every header part once: no part carries two shapes
    headers = {n: x.decode() for n, x in members(stamped).items() if re.match(r"word/header\d+\.xml", n)}
    assert headers and all(x.count("<v:shape ") == 1 for x in headers.values())
    # the sender's header text and the body are as they were
    assert doc.sections[0].header.paragraphs[0].text == "测试区委办公室"
    before = Document(io.BytesIO(original))
    assert [p.text for p in doc.paragraphs] == [p.text for p in before.paragraphs]
    assert len(doc.sections) == len(before.sections)
    old, new = members(original), members(stamped)
    for name in ("word/styles.xml", "word/theme/theme1.xml", "word/fontTable.xml"):
        assert new[name] == old[name]


def test_a_docx_with_no_header_gets_one():
    doc = Document()
    doc.add_paragraph("正文")
    out = io.BytesIO()
    doc.save(out)
    stamped = Document(io.BytesIO(stamp(out.getvalue(), "docx", MARK)))
    assert f'string="{MARK}"' in stamped.sections[0].header._element.xml
    assert not stamped.sections[0].header.is_linked_to_previous


# --- OFD --------------------------------------------------------------------------

def with_annotations(data: bytes) -> bytes:
    """The OFD with a page annotation on its first page, as a reader's 批注 adds one."""
    files = members(data)
    files["Doc_0/Document.xml"] = files["Doc_0/Document.xml"].replace(
        b"</ofd:Pages>", b"</ofd:Pages><ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>")
    page_id = re.search(rb'<ofd:Page ID="(\d+)" BaseLoc="Pages/Page_0', files["Doc_0/Document.xml"]).group(1)
    files["Doc_0/Annots/Annotations.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Annotations xmlns:ofd="{OFD_NS}">'
        f'<ofd:Page PageID="{page_id.decode()}"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc></ofd:Page>'
        f'</ofd:Annotations>').encode()
    files["Doc_0/Annots/Page_0/Annotation.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:PageAnnot xmlns:ofd="{OFD_NS}">'
        f'<ofd:Annot ID="9001" Type="Highlight" Creator="秘书甲" LastModDate="2026-03-04">'
        f'<ofd:Appearance Boundary="20 40 60 10"/></ofd:Annot></ofd:PageAnnot>').encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def all_ids(files: dict[str, bytes]) -> list[int]:
    return [int(i) for n, x in files.items() if n.endswith(".xml") for i in re.findall(rb' ID="(\d+)"', x)]


def runs_by_page(data: bytes) -> list[list[str]]:
    with ofdkit.open(data) as doc:
        assert not doc.warnings
        return [[run.text for run in page.runs] for page in doc.pages]


@pytest.mark.parametrize("annotated", [False, True], ids=["plain", "annotated"])
def test_stamped_ofd_stays_an_ofd_with_the_mark_on_every_page(annotated):
    original = render(sample("long_body"), "ofd")  # the project's own writer, several pages
    if annotated:
        original = with_annotations(original)
    stamped = stamp(original, "ofd", MARK)
    before, after = runs_by_page(original), runs_by_page(stamped)
    with ofdkit.open(stamped) as doc:
        texts = [page.text() for page in doc.pages]
    print(f"\n[ofd] {len(after)} pages, {[r.count(MARK) for r in after]} marks per page")
    assert len(before) > 1 and len(after) == len(before)
    for page_before, page_after, text in zip(before, after, texts, strict=True):
        assert [r for r in page_after if r != MARK] == page_before  # the original text, unchanged
        assert page_after.count(MARK) >= 2 and MARK not in page_before
        assert MARK in text  # on the page, not outside its box
    old, new = members(original), members(stamped)
    assert next(iter(new)) == "OFD.xml"
    for name, content in old.items():  # fonts, resources, annotations: as they were
        if not re.search(r"Content\.xml$|Document\.xml$", name):
            assert new[name] == content, name
    document = new["Doc_0/Document.xml"].decode()
    if annotated:
        assert "<ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>" in document
    # a new font resource; new IDs above every ID the file used, and counted in MaxUnitID
    assert "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes><ofd:PublicRes>ZhongshuWatermark.xml</ofd:PublicRes>" in document
    res = new["Doc_0/ZhongshuWatermark.xml"].decode()
    font_file = re.search(r"<ofd:FontFile>([^<]+)</ofd:FontFile>", res).group(1)
    assert len(new[f"Doc_0/ZhongshuWatermark/{font_file}"]) > 1000
    old_max = int(re.search(r"<ofd:MaxUnitID>(\d+)<", old["Doc_0/Document.xml"].decode()).group(1))
    new_max = int(re.search(r"<ofd:MaxUnitID>(\d+)<", document).group(1))
    ids = all_ids(new)
    assert len(ids) == len(set(ids)) and max(ids) == new_max > old_max
    if annotated:  # the annotation's ID was above MaxUnitID: new IDs go above it too
        assert min(set(ids) - set(all_ids(old))) > 9001


def test_an_ofd_page_of_another_size_is_covered():
    files = members(render(sample("tongzhi"), "ofd"))
    # an A3 landscape document: the mark is spread over the whole width
    files["Doc_0/Document.xml"] = files["Doc_0/Document.xml"].replace(b"0 0 210 297", b"0 0 420 297")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    with ofdkit.open(stamp(out.getvalue(), "ofd", MARK)) as doc:
        visible = [page.text().count(MARK) for page in doc.pages]
        xs = [run.x for run in doc.pages[0].runs if run.text == MARK and 0 <= run.y <= 297]
    assert all(visible) and max(xs) > 210  # across the wide page, not only its left half


# --- damaged files ----------------------------------------------------------------

def rezip(data: bytes, change) -> bytes:
    files = members(data)
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return out.getvalue()


def _damaged():
    ofd = render(sample("tongzhi"), "ofd")
    docx = two_section_docx()
    yield "ofd-truncated", ofd[: len(ofd) // 2], "ofd"
    yield "ofd-not-a-zip", b"%PDF-1.4 not an ofd", "ofd"
    yield "ofd-page-missing", rezip(ofd, lambda f: f.pop("Doc_0/Pages/Page_0/Content.xml")), "ofd"
    yield "ofd-page-broken", rezip(ofd, lambda f: f.update({"Doc_0/Pages/Page_1/Content.xml": b"<ofd:Page"})), "ofd"
    yield "ofd-no-root", rezip(ofd, lambda f: f.pop("OFD.xml")), "ofd"
    yield "ofd-no-pages", rezip(ofd, lambda f: f.update({"Doc_0/Document.xml": re.sub(
        rb"<ofd:Pages>.*</ofd:Pages>", b"<ofd:Pages/>", f["Doc_0/Document.xml"])})), "ofd"
    yield "docx-truncated", docx[: len(docx) // 2], "docx"
    yield "docx-no-document", rezip(docx, lambda f: f.pop("word/document.xml")), "docx"
    yield "docx-broken-header", rezip(docx, lambda f: f.update({"word/header1.xml": b"<w:hdr"})), "docx"
    yield "unknown-kind", b"PK\x03\x04", "xlsx"


@pytest.mark.parametrize(("data", "kind"), [pytest.param(d, k, id=i) for i, d, k in _damaged()])
def test_a_damaged_file_cannot_be_watermarked(data, kind):
    with pytest.raises(CannotWatermark):
        stamp(data, kind, MARK)


@pytest.mark.parametrize("kind", ["docx", "ofd"])
def test_a_file_that_unpacks_too_large_cannot_be_watermarked(settings, kind):
    data = two_section_docx() if kind == "docx" else render(sample("tongzhi"), "ofd")
    data = rezip(data, lambda f: f.update({"Res/scan.jpg": bytes(range(256)) * 8192}))  # 2 MB
    assert stamp(data, kind, MARK)
    settings.UPLOAD_MAX_UNPACKED_MB = 1  # a file stored before intake had this limit
    with pytest.raises(CannotWatermark, match="解压后超过 1 MB"):
        stamp(data, kind, MARK)


def test_xml_beyond_the_stamping_ceiling_is_refused_before_it_is_parsed(settings):
    data = uploads.docx_bomb(3 * MB)  # 3 MB of XML: about 25 MB parsed
    settings.UPLOAD_STAMP_MAX_XML_MB = 2
    with pytest.raises(CannotWatermark, match=r"文字部分过大（[34] MB，加注水印的上限为 2 MB）"):
        stamp(data, "docx", MARK)
