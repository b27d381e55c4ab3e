"""Stamping uploaded DOCX and OFD files: the watermark read back by readers we did not write
(python-docx's parsed headers, ofdkit), the rest of the file as it was."""

from __future__ import annotations

import io
import re
import zipfile

import ofdkit
import pytest
from docx import Document
from docx.enum.section import WD_SECTION

from tests.layout.measure import sample
from zhongshu.documents.incoming.watermark import STAMPABLE, CannotWatermark, stamp
from zhongshu.layout.render import render

MARK = "机要员乙 2026-03-05 09:30"
OFD_NS = "http://www.ofdspec.org/2016"


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


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
def test_a_file_that_unpacks_too_large_cannot_be_watermarked(monkeypatch, kind):
    from zhongshu.documents.incoming import watermark

    data = two_section_docx() if kind == "docx" else render(sample("tongzhi"), "ofd")
    monkeypatch.setattr(watermark, "_MAX_UNPACKED", len(data))  # every package unpacks larger
    with pytest.raises(CannotWatermark, match="解压后过大"):
        stamp(data, kind, MARK)
