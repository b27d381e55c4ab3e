"""DOCX through LibreOffice, OFD through an independent reader, the spec loader and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import ofdkit
import pdfplumber
import pytest

from tests.layout.measure import SAMPLES, libreoffice_pdf, rows, sample
from zhongshu.cli import main
from zhongshu.layout.engine import layout_document
from zhongshu.layout.render import render
from zhongshu.layout.spec import SpecError, load_spec

NS = "http://www.ofdspec.org/2016"


def test_docx_keeps_22_lines_and_28_characters_in_libreoffice(tmp_path):
    pdf_path = libreoffice_pdf(render(sample("long_body"), "docx"), tmp_path)
    with pdfplumber.open(io.BytesIO(render(sample("long_body"), "pdf"))) as ours:
        full = next(i for i, p in enumerate(ours.pages) if len(rows(p)) == 22)  # a full page
    with pdfplumber.open(pdf_path) as converted:
        page = converted.pages[full]
        lines = Counter(round(c["top"]) for c in page.chars if c["top"] < 262 * 72 / 25.4)
        longest = max(lines.values())
        print(f"\n[docx→pdf] page {full + 1}: {len(lines)} lines, longest {longest} characters, "
              f"{len(converted.pages)} pages")
        assert len(lines) == 22
        assert longest == 28


def test_docx_styles_are_named_after_the_elements():
    from docx import Document

    doc = Document(io.BytesIO(render(sample("tongzhi"), "docx")))
    used = {p.style.name for p in doc.paragraphs}
    used |= {p.style.name for table in doc.tables for cell in table._cells for p in cell.paragraphs}
    assert {"发文机关标志", "发文字号", "标题", "主送机关", "正文", "一级标题", "二级标题",
            "附件说明", "成文日期", "附件标识", "附件标题"} <= used
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    grid = section._sectPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}docGrid")
    assert grid.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}linePitch") == "578"
    texts = [p.text for p in doc.paragraphs]
    assert "一、严格落实值班制度" in texts and "（一）明确带班领导" in texts


def test_ofd_package_is_read_back_by_an_independent_reader(tmp_path):
    spec = sample("tongzhi")
    data = render(spec, "ofd")
    path = tmp_path / "notice.ofd"
    path.write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = zf.read("OFD.xml").decode()
        assert f'xmlns:ofd="{NS}"' in root and 'DocType="OFD"' in root
        res = zf.read("Doc_0/PublicRes.xml").decode()
        fonts = re.findall(r"<ofd:FontFile>([^<]+)</ofd:FontFile>", res)
        assert fonts and all(len(zf.read(f"Doc_0/Res/{f}")) > 1000 for f in fonts)
        content = zf.read("Doc_0/Pages/Page_0/Content.xml").decode()
        assert "<ofd:TextObject" in content and "<ofd:ImageObject" not in content
    layout = layout_document(spec)
    with ofdkit.open(path) as doc:
        read = doc.text()
        pages = len(doc.pages)
    ours = "".join(g.ch for page in layout.pages for g in page.glyphs)
    compact = re.sub(r"\s", "", read)
    print(f"\n[ofd] {len(data)} bytes, {pages} pages, {len(fonts)} embedded fonts, "
          f"{len(compact)} characters read back by ofdkit")
    assert pages == len(layout.pages)
    assert compact == ours
    assert spec.title[:10] in read and "示委办〔2026〕12号" in read


def test_spec_errors_are_clear_chinese_messages():
    with pytest.raises(SpecError) as info:
        load_spec('{"doc_type": "通告书", "body": []')
    assert "不是有效的 JSON" in str(info.value)
    with pytest.raises(SpecError) as info:
        load_spec({"doc_type": "通告书", "body": [{"type": "heading", "level": 7, "text": "一、总体要求"}],
                   "date": "2026-13-01", "copy_number": "12a"})
    message = str(info.value)
    for part in ("doc_type：“通告书”不是允许的取值", "title：缺少此项", "body[0].level", "不要自带序号",
                 "date：“2026-13-01”不是有效日期", "copy_number", "issuers"):
        assert part in message, part


def test_samples_match_the_json_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((Path(__file__).parents[2] / "src/zhongshu/layout/document.schema.json").read_text())
    for path in SAMPLES.glob("*.json"):
        data = json.loads(path.read_text())
        jsonschema.validate(data, schema)
        load_spec(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"doc_type": "通知", "body": [{"type": "heading", "level": 9, "text": "x"}]}, schema)


def test_copy_number_is_printed_with_six_digits():
    assert load_spec({"doc_type": "通知", "title": "t", "issuers": ["甲"], "body": ["x"],
                      "copy_number": 12}).copy_number == "000012"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "ofd"])
def test_cli_renders_by_extension(tmp_path, capsys, fmt):
    out = tmp_path / f"notice.{fmt}"
    main(["render", str(SAMPLES / "tongzhi.json"), "-o", str(out)])
    head = out.read_bytes()[:4]
    assert head == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    assert "已输出" in capsys.readouterr().out


def test_cli_reports_invalid_spec(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"doc_type": "通知"}', encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["render", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert info.value.code != 0
    assert "正文不能为空" in capsys.readouterr().err


def test_docx_watermark_is_a_diagonal_grey_text_shape_with_viewer_and_time():
    when = dt.datetime(2026, 3, 5, 9, 30)
    data = render(sample("tongzhi"), "docx", viewer="张三", when=when)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        headers = {n: zf.read(n).decode() for n in zf.namelist() if re.match(r"word/header\d+\.xml", n)}
        document = zf.read("word/document.xml").decode()
    marked = {n: x for n, x in headers.items() if "<v:textpath" in x}
    print(f"\n[docx] watermark shapes in {sorted(marked)} of {sorted(headers)}")
    # every header that the body's pages use carries it: odd and even pages
    refs = re.findall(r'<w:headerReference w:type="(\w+)"', document)
    assert {"default", "even"} <= set(refs) and len(marked) >= 2
    assert marked.keys() == headers.keys()  # the 版记 page's section too
    for xml in marked.values():
        shape = re.search(r"<v:shape [^>]*>.*?</v:shape>", xml, re.S).group(0)
        assert 'string="张三 2026-03-05 09:30"' in shape
        assert "rotation:315" in shape  # diagonal
        assert 'fillcolor="#c0c0c0"' in shape and 'stroked="f"' in shape  # light grey, no outline
        assert '<v:fill opacity=".5"/>' in shape
        assert "z-index:-" in shape  # behind the text
        assert "mso-position-horizontal:center" in shape and "mso-position-vertical:center" in shape
    assert "阅看" not in "".join(headers.values())  # not the old grey header line


def test_docx_has_no_watermark_without_a_viewer_or_when_not_classified():
    when = dt.datetime(2026, 3, 5, 9, 30)
    for data in (render(sample("tongzhi"), "docx"),
                 render(sample("long_body"), "docx", viewer="张三", when=when)):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/header"))
        assert "<v:textpath" not in xml and "张三" not in xml
