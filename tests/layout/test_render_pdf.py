"""The PDF as measured in the file: GB/T 9704-2012 geometry, faces, colours, numbering."""

from __future__ import annotations

import datetime as dt
import re

import pymupdf
import pytest

from tests.layout.measure import MM, mm, pdf_of, rows, sample, text
from zhongshu.layout.linebreak import NO_END, NO_START
from zhongshu.layout.render import render

CJK = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]+$")


@pytest.fixture(scope="module")
def notice():
    pdf = pdf_of("tongzhi")
    yield pdf
    pdf.close()


@pytest.fixture(scope="module")
def long_body():
    pdf = pdf_of("long_body")
    yield pdf
    pdf.close()


def test_page_is_a4(notice):
    for page in notice.pages:
        assert (mm(page.width), mm(page.height)) == pytest.approx((210, 297), abs=0.1)


def test_full_page_has_22_lines_filling_the_text_block(long_body):
    # widow and orphan control leaves some pages a line short; a full one is 22 lines
    page = max(long_body.pages, key=lambda p: len(rows(p)))
    lines = rows(page)
    top, bottom = lines[0][0]["top"], lines[-1][0]["bottom"]
    left = min(c["x0"] for line in lines for c in line)
    right = max(c["x1"] for line in lines for c in line)
    print(f"\n[pdf] page {page.page_number}: {len(lines)} lines; top margin {mm(top)} mm; block bottom {mm(bottom)} mm; "
          f"binding margin {mm(left)} mm; block {mm(right - left)} x {mm(bottom - top)} mm")
    assert len(lines) == 22
    assert mm(top) == pytest.approx(37, abs=1)
    assert mm(left) == pytest.approx(28, abs=1)
    assert mm(right - left) == pytest.approx(156, abs=1)
    assert mm(bottom - top) == pytest.approx(225, abs=1)


def test_full_lines_carry_28_characters_of_3hao_fangsong(long_body):
    full = [line for page in long_body.pages for line in rows(page)
            if CJK.match(text(line)) and line[0]["size"] < 20  # not the red mark
            and mm(line[0]["x0"]) == pytest.approx(28, abs=0.3)
            and mm(line[-1]["x1"]) == pytest.approx(184, abs=0.5)]
    counts = {len(line) for line in full}
    sizes = {round(c["size"], 1) for line in full for c in line}
    faces = {c["fontname"].split("+")[-1] for line in full for c in line}
    print(f"\n[pdf] {len(full)} full lines, characters per line {counts}, sizes {sizes}, faces {faces}")
    assert len(full) > 20
    assert counts == {28}
    assert sizes == {16.0}
    assert len(faces) == 1 and "FandolFang" in faces.pop()


def test_version_head_elements(notice):
    page = notice.pages[0]
    lines = rows(page)
    by_text = {text(line): line for line in lines}
    assert "000012" in by_text and mm(by_text["000012"][0]["x0"]) == pytest.approx(28, abs=0.5)
    secret = by_text["秘密★1年"]
    assert "Hei" in secret[0]["fontname"] and mm(secret[0]["top"]) == pytest.approx(37 + 10.45, abs=0.5)
    urgent = by_text["特急"]
    assert "Hei" in urgent[0]["fontname"]
    mark = next(line for line in lines if text(line) == "中共示范市委办公室文件")
    print(f"\n[pdf] mark top {mm(mark[0]['top'])} mm (block top + {mm(mark[0]['top']) - 37:.2f}), "
          f"size {mark[0]['size']:.1f} pt, colour {mark[0]['non_stroking_color']}, face {mark[0]['fontname']}")
    assert mm(mark[0]["top"]) - 37 == pytest.approx(35, abs=0.5)
    assert all(c["non_stroking_color"] == (1, 0, 0) for c in mark)
    assert "FandolSong" in mark[0]["fontname"] and "Bold" in mark[0]["fontname"]
    centre = (mark[0]["x0"] + mark[-1]["x1"]) / 2
    assert mm(centre) == pytest.approx(28 + 78, abs=1)
    number = by_text["示委办〔2026〕12号"]
    assert mm((number[0]["x0"] + number[-1]["x1"]) / 2) == pytest.approx(106, abs=1)
    red = [e for e in page.edges if e["stroking_color"] == (1, 0, 0) and e["orientation"] == "h"]
    line = red[0]
    print(f"[pdf] red separator: {mm(line['x0'])}–{mm(line['x1'])} mm ({mm(line['x1'] - line['x0'])} mm), "
          f"{mm(line['top'] - number[0]['bottom']):.2f} mm below the document number")
    assert mm(line["x1"] - line["x0"]) == pytest.approx(156, abs=0.5)
    assert mm(line["top"] - number[0]["bottom"]) == pytest.approx(4, abs=0.6)
    title = [line for line in lines if line[0]["size"] == pytest.approx(22)]
    assert len(title) == 2 and "Bold" in title[0][0]["fontname"]
    assert text(title[0]) + text(title[1]) == sample("tongzhi").title
    assert abs(len(title[0]) - len(title[1])) <= 3  # balanced: a trapezoid, not a long line and a stub
    assert not text(title[0]).endswith("元旦") or not text(title[1]).startswith("旦")
    assert "元旦春节" in text(title[0]) or "元旦春节" in text(title[1])  # 回行 keeps the words whole
    assert (title[0][0]["top"] - line["top"]) / MM > 14  # two lines below the red line


def test_headings_numbered_by_level_in_their_faces(notice):
    lines = [line for page in notice.pages for line in rows(page)]
    found = {}
    for line in lines:
        for prefix, face in (("一、", "Hei"), ("（一）", "Kai"), ("1.", "Fang"), ("（1）", "Fang")):
            if text(line).startswith(prefix) and prefix not in found:
                found[prefix] = (text(line), line[0]["fontname"])
                assert face in line[0]["fontname"], (prefix, line[0]["fontname"])
    print("\n[pdf] headings:", found)
    assert text_all(notice).count("三、切实加强组织领导") == 1
    assert set(found) == {"一、", "（一）", "1.", "（1）"}


def text_all(pdf) -> str:
    return "".join(text(line) for page in pdf.pages for line in rows(page))


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(notice, long_body):
    for pdf in (notice, long_body):
        for page in pdf.pages:
            for line in rows(page):
                assert text(line)[0] not in NO_START, text(line)
                assert text(line)[-1] not in NO_END, text(line)


def test_page_numbers_outer_side_and_none_on_the_record_page(notice):
    info = []
    for index, page in enumerate(notice.pages, start=1):
        numbers = rows(page, below_block=True)
        if page.search("印发"):
            assert numbers == [], "the 版记 page carries no page number"
            continue
        line = numbers[0]
        label = text(line).replace(" ", "")
        assert label == f"—{index}—"
        assert {round(c["size"]) for c in line} == {14}
        dash = line[0]
        dash_y = mm((dash["top"] + dash["bottom"]) / 2) - 262
        if index % 2:
            edge = 184 - mm(line[-1]["x1"])
        else:
            edge = mm(line[0]["x0"]) - 28
        info.append((index, label, round(edge, 2), round(dash_y, 2)))
        assert edge == pytest.approx(5.57, abs=0.5)  # one character in from the outer side
        assert dash_y == pytest.approx(7, abs=0.7)
    print("\n[pdf] page numbers (page, text, mm from the outer edge of the block, dash mm below the block):", info)
    assert len(info) == len(notice.pages) - 1


def test_record_block_on_the_last_even_page_with_its_lines(notice):
    last = notice.pages[-1]
    assert len(notice.pages) % 2 == 0
    assert last.search("印发") and last.search("抄送")
    lines = sorted((e for e in last.edges if e["orientation"] == "h"), key=lambda e: e["top"])
    widths = [round(mm(e["x1"] - e["x0"])) for e in lines]
    print(f"\n[pdf] 版记 lines at {[mm(e['top']) for e in lines]} mm, widths {widths} mm")
    assert mm(lines[-1]["top"]) == pytest.approx(262, abs=0.3)  # on the block's bottom edge
    assert widths == [156] * len(lines) and len(lines) >= 3
    cc = next(line for line in rows(last) if text(line).startswith("抄送："))
    assert round(cc[0]["size"]) == 14 and mm(cc[0]["x0"]) == pytest.approx(28 + 4.9, abs=0.5)


def test_closing_block_attachment_note_signature_seal_date_notes():
    notice = pdf_of("tongzhi", draft=True)  # a draft shows where the seal goes
    page = next(p for p in notice.pages if "2026年12月10日" in "".join(c["text"] for c in p.chars))
    lines = rows(page)
    texts = [text(line) for line in lines]
    note = texts.index("附件：1.2026年元旦春节期间值班安排表")
    assert texts[note + 1] == "2.突发事件信息报告表（式样）"
    assert lines[note + 1][0]["x0"] == pytest.approx(lines[note][3]["x0"], abs=0.5)  # aligned names
    date = next(line for line in lines if text(line) == "2026年12月10日")
    assert 184 - mm(date[-1]["x1"]) == pytest.approx(4 * 5.57, abs=0.6)
    sig = next(line for line in lines if text(line) == "中共示范市委办公室")
    sig_centre = (sig[0]["x0"] + sig[-1]["x1"]) / 2
    assert sig_centre == pytest.approx((date[0]["x0"] + date[-1]["x1"]) / 2, abs=2)
    seal = [c for c in page.curves if c["stroking_color"] == (1, 0, 0)]
    assert seal, "seal area drawn"
    seal_top = min(c["top"] for c in seal)
    above = lines[texts.index("2.突发事件信息报告表（式样）")][0]["bottom"]
    print(f"\n[pdf] seal top {mm(seal_top) - mm(above):.1f} mm below the attachment note; diameter "
          f"{mm(max(c['x1'] for c in seal) - min(c['x0'] for c in seal)):.1f} mm")
    assert 0 < (seal_top - above) / MM < 10.5  # within one line
    assert texts[texts.index("2026年12月10日") + 1] == "（此件发至县级）"


def test_attachments_start_on_new_pages_with_label_and_title(notice):
    starts = [p for p in notice.pages if rows(p) and text(rows(p)[0]) in {"附件1", "附件2"}]
    assert len(starts) == 2
    for page in starts:
        first, title = rows(page)[0], rows(page)[1]
        assert "Hei" in first[0]["fontname"] and mm(first[0]["x0"]) == pytest.approx(28, abs=0.3)
        assert mm(title[0]["top"]) == pytest.approx(37 + 2 * 10.445 - (22 - 16) / 2 / MM, abs=0.6)


def test_tables_are_drawn_with_ruled_cells(notice):
    page = next(p for p in notice.pages if p.search("值班电话"))
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    assert len(verticals) >= 4


def test_fonts_are_embedded_subsets():
    doc = pymupdf.open(stream=render(sample("tongzhi"), "pdf"), filetype="pdf")
    fonts = {f[3]: f for page in doc for f in page.get_fonts()}
    sizes = {name: len(doc.extract_font(entry[0])[3]) for name, entry in fonts.items()}
    print(f"\n[pdf] embedded fonts (bytes): {sizes}")
    assert all(size > 1000 for size in sizes.values())
    assert all(size < 300_000 for size in sizes.values())  # subset, not the whole face


def test_watermark_only_on_classified_documents_rendered_for_a_person():
    when = dt.datetime(2026, 12, 12, 9, 30)
    classified = pymupdf.open(stream=render(sample("tongzhi"), "pdf", viewer="张三", when=when))
    assert "张三 2026-12-12 09:30" in classified[0].get_text()
    plain = pymupdf.open(stream=render(sample("long_body"), "pdf", viewer="张三", when=when))
    assert "张三" not in plain[0].get_text()


def test_letter_format():
    pdf = pdf_of("letter")
    first = pdf.pages[0]
    mark = next(line for line in rows(first) if text(line) == "示范市人民政府办公室")
    assert mm(mark[0]["top"]) == pytest.approx(30, abs=0.5)
    reds = [e for e in first.edges if e["stroking_color"] == (1, 0, 0) and e["orientation"] == "h"]
    lengths = {round(mm(e["x1"] - e["x0"])) for e in reds}
    bottom = max(mm(e["top"]) for e in reds)
    print(f"\n[pdf] letter: mark top {mm(mark[0]['top'])} mm, red lines {lengths} mm, lowest at {bottom} mm")
    assert lengths == {170} and len(reds) == 4 and bottom == pytest.approx(277, abs=0.5)
    number = next(line for line in rows(first) if text(line).endswith("示政办函〔2026〕8号"))
    assert text(number).startswith("000003") and mm(number[0]["x0"]) == pytest.approx(28, abs=0.3)
    assert mm(number[-1]["x1"]) == pytest.approx(184, abs=0.5)
    assert rows(first, below_block=True) == []  # no page number on the first page
    assert text(rows(pdf.pages[1], below_block=True)[0]).replace(" ", "") == "—2—"
    pdf.close()


def test_minutes_format():
    pdf = pdf_of("minutes")
    first = pdf.pages[0]
    mark = next(line for line in rows(first) if text(line).endswith("纪要"))
    assert mm(mark[0]["top"]) - 37 == pytest.approx(35, abs=0.5)
    present = next(line for page in pdf.pages for line in rows(page) if text(line).startswith("出席："))
    assert "Hei" in present[0]["fontname"] and "Fang" in present[-1]["fontname"]
    assert mm(present[0]["x0"]) == pytest.approx(28 + 2 * 5.57, abs=0.3)
    pdf.close()


def test_order_format():
    pdf = pdf_of("order", draft=True)
    first = pdf.pages[0]
    mark = next(line for line in rows(first) if text(line) == "示范市人民政府令")
    assert mm(mark[0]["top"]) - 37 == pytest.approx(20, abs=0.5)
    number = next(line for line in rows(first) if text(line) == "第12号")
    assert number[0]["top"] > mark[0]["bottom"]
    stamp = [c for c in first.curves if c["stroking_color"] == (1, 0, 0)]
    assert stamp and 184 - mm(stamp[0]["x1"]) == pytest.approx(4 * 5.57, abs=0.5)
    assert "市长" in "".join(c["text"] for c in first.chars)
    assert "2026年3月10日" in "".join(c["text"] for c in first.chars)
    pdf.close()


def _ink(gray_samples: bytes) -> int:
    return sum(1 for b in gray_samples if b < 128)


def test_two_independent_renderers_draw_the_same_glyphs(tmp_path):
    """CID-keyed CFF subsets are read by CID in MuPDF and by glyph index in poppler; if the
    two disagree a reader sees blank or wrong characters. Compare the ink they lay down."""
    import subprocess

    path = tmp_path / "notice.pdf"
    path.write_bytes(render(sample("tongzhi"), "pdf"))
    mupdf = pymupdf.open(path)[0].get_pixmap(dpi=50, colorspace=pymupdf.csGRAY)
    subprocess.run(["pdftoppm", "-gray", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(tmp_path / "p")], check=True)
    poppler = pymupdf.Pixmap(str(tmp_path / "p.pgm"))
    a, b = _ink(mupdf.samples), _ink(poppler.samples)
    print(f"ink on page 1: MuPDF {a} px, poppler {b} px")
    # Anti-aliasing differs between the two (about a third); a font that one of them
    # cannot read leaves almost no ink (measured: 6 % of the other's).
    assert b > 2000
    assert a > 0.5 * b
