"""Lines a clerk would not fix by hand (issue 12 §4–§6), measured in our PDF, in the DOCX as
LibreOffice sets it and in the OFD: Latin letters never overlap, names are never split, a
title breaks between words (organ names whole), no line alone on a page, no gap inside
0000-12345678, table columns as wide as their words, header rows repeated."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from tests.layout.measure import MM, lines_by_page, merged_rows, rows, sample, text
from zhongshu.layout import geometry as g
from zhongshu.layout.engine import Engine
from zhongshu.layout.render import render
from zhongshu.layout.spec import load_spec

NS = "{http://www.ofdspec.org/2016}"
OVERLAP = 0.35  # pt: characters are condensed by 0.25 pt (word processors round), never more


def latin_overlaps(pdf) -> list[tuple[str, float]]:
    """Adjacent Latin letters or digits on one line whose boxes overlap by more than the
    tracking: (pair, overlap in pt)."""
    out = []
    for page in pdf.pages:
        for line in rows(page):
            for a, b in zip(line, line[1:], strict=False):
                if a["text"].isascii() and b["text"].isascii() and a["text"].isalnum() and b["text"].isalnum():
                    if a["x1"] - b["x0"] > OVERLAP:
                        out.append((a["text"] + b["text"], a["x1"] - b["x0"]))
    return out


def test_latin_letters_keep_their_own_advances_in_the_pdf():
    spec = sample("joint")
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        words = [text(line) for page in pdf.pages for line in rows(page) if "WTO" in text(line)]
        assert words and latin_overlaps(pdf) == []


@pytest.mark.slow
def test_latin_letters_keep_their_own_advances_in_the_docx(converted):
    _, _, _, theirs = converted["joint"]
    assert latin_overlaps(theirs) == []


def test_latin_letters_keep_their_own_advances_in_the_ofd():
    """Each Latin letter's DeltaX is its advance in the embedded font (less the tracking)."""
    data = render(sample("joint"), "ofd")
    checked = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        res = etree.fromstring(zf.read("Doc_0/PublicRes.xml"))
        fonts = {f.get("ID"): TTFont(io.BytesIO(zf.read("Doc_0/Res/" + f.findtext(f"{NS}FontFile"))))
                 for f in res.iter(f"{NS}Font")}
        for name in zf.namelist():
            if not name.endswith("Content.xml"):
                continue
            for obj in etree.fromstring(zf.read(name)).iter(f"{NS}TextObject"):
                code = obj.find(f"{NS}TextCode")
                chars = code.text or ""
                deltas = [float(v) for v in (code.get("DeltaX") or "").split()]
                font = fonts[obj.get("Font")]
                cmap, hmtx, upm = font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm
                size = float(obj.get("Size"))
                for ch, nxt, dx in zip(chars, chars[1:], deltas, strict=False):
                    if ch.isascii() and ch.isalnum() and nxt.isascii() and nxt.isalnum():
                        advance = hmtx[cmap[ord(ch)]][0] / upm * size
                        assert dx >= advance - OVERLAP / MM, (ch, dx, advance)
                        checked += 1
    assert checked > 10


def straddling_spec(name: str):
    """A paragraph whose first line would end inside ``name``."""
    filler = "各地各部门要严格执行值班制度和领导干部带班制度，确保信息畅通由"  # 31 characters
    first_line = 26  # 28 characters less the two of the indent
    body = filler[:first_line - 1] + name + "同志负责联络，遇有重大情况要第一时间报告市委总值班室。"
    return load_spec({"doc_type": "通知", "title": "关于做好值班工作的通知", "issuers": ["示范市人民政府办公室"],
                      "body": [body]})


def test_person_names_given_as_words_stay_whole_in_every_format(tmp_path):
    spec = straddling_spec("张立新")
    plain = [line.text for line in Engine(spec).body_lines(spec.body[0].text)]
    assert plain[0].endswith("张"), "without the word the line would split the name"
    with pdfplumber.open(io.BytesIO(render(spec, "pdf", words=["张立新"]))) as pdf:
        lines = lines_by_page(pdf)[0]
    assert any(line.startswith("张立新") for line in lines) and not any(line.endswith("张") for line in lines)
    ofd = render(spec, "ofd", words=["张立新"])
    with zipfile.ZipFile(io.BytesIO(ofd)) as zf:
        objects = ["".join(o.itertext()) for o in etree.fromstring(zf.read("Doc_0/Pages/Page_0/Content.xml"))
                   .iter(f"{NS}TextObject")]
    assert any(t.startswith("张立新") for t in objects)


@pytest.mark.slow
def test_person_names_stay_whole_in_the_docx(tmp_path):
    from tests.layout.measure import libreoffice_pdf

    spec = straddling_spec("张立新")
    path = libreoffice_pdf(render(spec, "docx", words=["张立新"]), tmp_path)
    with pdfplumber.open(path) as pdf:
        lines = lines_by_page(pdf)[0]
    print(f"\n[docx] {lines[-3:]}")
    assert any(line.startswith("张立新") for line in lines) and not any(line.endswith("张") for line in lines)


@pytest.mark.django_db
def test_the_organisations_people_are_words_by_default():
    from tests.factories import PersonFactory
    from zhongshu.layout import words

    PersonFactory(full_name="欧阳振华")
    words._cache = None  # read the database again
    assert "欧阳振华" in words.organisation_words()
    spec = straddling_spec("欧阳振华")
    lines = [line.text for line in Engine(spec).body_lines(spec.body[0].text)]
    assert lines[1].startswith("欧阳振华")
    words._cache = None


def test_layout_works_without_a_database():
    """Outside a test that may use the database, no organisation words: nothing fails."""
    from zhongshu.layout import words

    words._cache = None
    assert words.organisation_words() == frozenset()
    assert render(sample("order"), "pdf").startswith(b"%PDF")


TITLE = "中共示范市委办公室 示范市人民政府办公室关于印发《示范市党政机关公文处理工作实施细则（试行）》的通知"


def test_titles_keep_organ_names_whole_and_balanced():
    spec = load_spec({"doc_type": "通知", "title": TITLE, "issuers": ["甲"], "body": ["x"]})
    plain = [line.text for line in Engine(spec).title_lines(TITLE)]
    lines = [line.text for line in Engine(spec, words=["示范市人民政府办公室", "中共示范市委办公室"]).title_lines(TITLE)]
    print(f"\n[title] without words {plain}\n[title] with words    {lines}")
    assert any("示范市人民政府办公室" in line for line in lines)
    assert all(len(line) <= 20 for line in lines)
    widths = [sum(1 if ord(c) > 0x2E7F else 0.5 for c in line) for line in lines]
    assert max(widths) - min(widths) <= 6  # 长短适宜, 梯形


def body_line(line) -> bool:
    """A line of body text: 3号 仿宋 (not a heading, label, table or the 版记)."""
    return abs(line[0]["size"] - 16) < 0.5 and any(k in line[0]["fontname"] for k in ("Fang", "仿宋"))


def continuation(line, indent_x: float) -> bool:
    """A line that continues a paragraph: body text not indented two characters (flush
    left, or hanging under the first name of 出席：)."""
    return body_line(line) and abs(line[0]["x0"] / MM - (28 + 2 * 5.57)) > 0.4


def check_no_lonely_lines(pdf, where: str) -> None:
    pages = [merged_rows(page) for page in pdf.pages]
    for n, lines in enumerate(pages):
        body = [line for line in lines if body_line(line)]
        if not body:
            continue
        assert len(lines) >= 2, f"{where}: page {n + 1} holds a single line"
        if continuation(body[0], 28) and n > 0:  # a paragraph carried over: two lines at least
            assert len(body) >= 2 and continuation(body[1], 28), f"{where}: widow on page {n + 1}"
        last = body[-1]
        nxt = [line for line in pages[n + 1] if body_line(line)] if n + 1 < len(pages) else []
        if nxt and continuation(nxt[0], 28) and not continuation(last, 28):
            raise AssertionError(f"{where}: a paragraph's first line alone at the foot of page {n + 1}: "
                                 f"{text(last)!r} then {text(nxt[0])!r}")


@pytest.mark.parametrize("cut", range(3, 22, 2))
def test_no_paragraph_line_alone_on_a_page(cut):
    base = sample("long_body")
    spec = dataclasses.replace(base, body=base.body[:cut])
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        check_no_lonely_lines(pdf, f"long_body[:{cut}]")


# The DOCX sets the PDF's lines on the PDF's pages (test_docx_pagination), so what holds
# here holds for the DOCX too.


def number_runs(pdf, number: str = "0000-12345678"):
    """Each occurrence of ``number``: its characters, on one line."""
    found = []
    for page in pdf.pages:
        for line in rows(page):
            chars = [c for c in line if c["text"] not in " "]
            joined = "".join(c["text"] for c in chars).replace("\u2011", "-")
            start = joined.find(number)
            while start >= 0:
                found.append(chars[start:start + len(number)])
                start = joined.find(number, start + 1)
    return found


def check_number_solid(pdf, where: str) -> None:
    runs = number_runs(pdf)
    assert runs, f"{where}: the number is on one line"
    for run in runs:
        for a, b in zip(run, run[1:], strict=False):
            gap = b["x0"] - a["x1"]
            assert gap < 1.0, f"{where}: a gap of {gap:.2f} pt inside 0000-12345678"


def test_no_gap_inside_a_telephone_number_in_the_pdf_and_ofd():
    spec = sample("joint")
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        check_number_solid(pdf, "pdf")
        all_lines = [line for page in lines_by_page(pdf) for line in page]
    assert not any(line.endswith("0000-") for line in all_lines)
    with zipfile.ZipFile(io.BytesIO(render(spec, "ofd"))) as zf:
        objects = ["".join(o.itertext()) for n in zf.namelist() if n.endswith("Content.xml")
                   for o in etree.fromstring(zf.read(n)).iter(f"{NS}TextObject")]
    assert any("0000-12345678" in t for t in objects)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["joint", "tongzhi"])
def test_no_gap_inside_a_telephone_number_in_the_docx(converted, name):
    _, _, _, theirs = converted[name]
    check_number_solid(theirs, f"docx {name}")


def cell_lines(pdf, word: str) -> bool:
    """Whether ``word`` appears whole on one line somewhere."""
    return any(word in text(line).replace(" ", "") for page in pdf.pages for line in rows(page))


@pytest.mark.parametrize("which", ["pdf", pytest.param("docx", marks=pytest.mark.slow)])
def test_table_columns_sized_by_their_words(converted, which):
    _, _, ours, theirs = converted["joint"]
    pdf = ours if which == "pdf" else theirs
    for word in ("偏低", "10日内完成招标", "金额（万元）", "数据治理子系统"):
        assert cell_lines(pdf, word), f"{word} split in its cell"


@pytest.mark.parametrize("which", ["pdf", pytest.param("docx", marks=pytest.mark.slow)])
def test_table_header_row_repeated_on_each_page(converted, which):
    _, _, ours, theirs = converted["long_table"]
    pdf = ours if which == "pdf" else theirs
    pages = [page for page in pdf.pages if cell_lines(type("P", (), {"pages": [page]}), "示范市第")]
    assert len(pages) >= 3
    for page in pages:
        lines = [text(line).replace(" ", "") for line in rows(page)]
        first_row = next(i for i, line in enumerate(lines) if "示范市第" in line)
        header = next(i for i, line in enumerate(lines) if line.startswith("序号"))
        assert header < first_row, f"page {page.page_number}: no header above the rows"
    assert g.ROWS == 22
