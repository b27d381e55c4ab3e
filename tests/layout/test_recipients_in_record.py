"""主送机关 too long for page 1 move to the 版记 as “主送：…” above 抄送 (GB/T 9704 7.3.2, 7.4.2)."""

from __future__ import annotations

import dataclasses
import io
import re

import ofdkit
import pdfplumber
import pytest

from tests.layout.measure import LONG_RECIPIENTS as LONG
from tests.layout.measure import body_text, libreoffice_pdfs, rows, sample, text
from zhongshu.layout.engine import Engine
from zhongshu.layout.render import render


def long_recipients():
    return dataclasses.replace(sample("tongzhi"), main_recipients=LONG)


def record_lines(page) -> list[str]:
    return [text(line) for line in rows(page) if abs(line[0]["size"] - 14) < 0.5]


def test_short_recipients_stay_under_the_title():
    engine = Engine(sample("tongzhi"))
    layout = engine.layout()
    assert not engine.recipients_in_record()
    roles = {g.role for g in layout.pages[0].glyphs}
    assert "recipients" in roles
    assert not any(g.role == "record-recipients" for p in layout.pages for g in p.glyphs)


def test_long_recipients_leave_page_one_and_head_the_record_block():
    spec = long_recipients()
    engine = Engine(spec)
    assert engine.recipients_in_record()
    with pdfplumber.open(io.BytesIO(render(spec, "pdf"))) as pdf:
        first = body_text(pdf.pages[0])
        assert "东湖区党委" not in first
        assert "2026年元旦、春节即将到来" in first  # page 1 shows body text (7.3.3)
        lines = rows(pdf.pages[0])
        title = [line for line in lines if abs(line[0]["size"] - 22) < 0.5]
        body = next(line for line in lines if text(line).startswith("2026年元旦"))
        assert body[0]["top"] - title[-1][0]["top"] > 1.9 * 29.6  # a free line below the title
        last = record_lines(pdf.pages[-1])
        print(f"\n[pdf] 版记 on page {len(pdf.pages)}: {last}")
        assert last[0].startswith("主送：东湖区党委和人民政府")
        joined = "".join(last).replace(" ", "")
        assert joined.index("主送：") < joined.index("抄送：") < joined.index("印发")
        assert "驻市各单位。抄送：" in joined  # 主送 ends with 。 and 抄送 follows on the next line
        # no separator between 主送 and 抄送: the thin line is only above 印发 (7.4.2)
        page = pdf.pages[-1]
        wide = sorted(r["top"] for r in page.lines + page.rects if r["width"] > 400)
        main_top = min(line[0]["top"] for line in rows(page) if text(line).startswith("主送"))
        cc_top = min(line[0]["top"] for line in rows(page) if text(line).startswith("抄送"))
        assert not any(main_top < y < cc_top for y in wide)
        assert any(y < main_top for y in wide)


def test_long_recipients_in_docx_and_ofd(tmp_path):
    spec = long_recipients()
    paths = libreoffice_pdfs({"long": render(spec, "docx")}, tmp_path)
    with pdfplumber.open(paths["long"]) as pdf:
        assert "东湖区党委" not in body_text(pdf.pages[0])
        last = "".join(record_lines(pdf.pages[-1])).replace(" ", "")
        print(f"\n[docx] 版记: {last[:40]}…")
        assert last.startswith("主送：东湖区党委和人民政府")
        assert last.index("主送：") < last.index("抄送：") < last.index("印发")
    ofd = tmp_path / "long.ofd"
    ofd.write_bytes(render(spec, "ofd"))
    with ofdkit.open(ofd) as doc:
        pages = [re.sub(r"\s", "", page.text()) for page in doc.pages]
        whole = re.sub(r"\s", "", doc.text())
    assert whole.count("东湖区党委和人民政府") == 1
    assert whole.index("主送：东湖区") < whole.index("抄送：")
    assert "东湖区" not in pages[0] and "2026年元旦、春节即将到来" in pages[0]
    assert pages[-1].startswith("主送：东湖区")


@pytest.mark.parametrize("fmt", ["letter", "standard"])
def test_rule_applies_to_every_format(fmt):
    base = sample("letter") if fmt == "letter" else sample("tongzhi")
    # the letter's 版头 is shorter: it takes a longer list to crowd its body off page 1
    spec = dataclasses.replace(base, main_recipients=LONG + "，" + LONG.replace("党委和人民政府", "人大常委会"))
    engine = Engine(spec)
    layout = engine.layout()
    assert engine.recipients_in_record()
    assert any(g.role == "record-recipients" for g in layout.pages[-1].glyphs)
    assert not any(g.role == "recipients" for p in layout.pages for g in p.glyphs)
