"""Fonts offices have and real metadata (issue 12 §8), the OFD's 公文 tags (§11), and a
render command that starts quickly (§9)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from tests.layout.measure import SAMPLES, libreoffice_pdf, sample
from zhongshu.layout.render import render

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS = "{http://www.ofdspec.org/2016}"
OFFICE_NAMES = {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"}


def embedded_fonts(data: bytes) -> dict[str, TTFont]:
    """The DOCX's embedded fonts by their font-table name, de-obfuscated (ECMA-376 17.8.1)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        table = etree.fromstring(zf.read("word/fontTable.xml"))
        rels = etree.fromstring(zf.read("word/_rels/fontTable.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        for font in table.iter(f"{W}font"):
            embed = font.find(f"{W}embedRegular")
            if embed is None:
                continue
            key = bytes.fromhex(embed.get(f"{W}fontKey").strip("{}").replace("-", ""))[::-1]
            raw = bytearray(zf.read("word/" + targets[embed.get(f"{R}id")]))
            for i in range(32):
                raw[i] ^= key[i % 16]
            out[font.get(f"{W}name")] = TTFont(io.BytesIO(bytes(raw)))
    return out


def test_docx_names_the_faces_offices_have_and_embeds_free_fallbacks():
    data = render(sample("tongzhi"), "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = zf.read("word/styles.xml").decode()
        settings = zf.read("word/settings.xml").decode()
    for name in OFFICE_NAMES:
        assert f'w:eastAsia="{name}"' in styles
    assert "Fandol" not in styles
    fonts = embedded_fonts(data)
    print(f"\n[docx] embedded: { {n: len(f.getGlyphOrder()) for n, f in fonts.items()} }")
    assert OFFICE_NAMES <= set(fonts)
    for name, font in fonts.items():
        assert "glyf" in font and "CFF " not in font  # TrueType outlines
        assert font["name"].getDebugName(1) == name  # installed under the office's name
        assert font["OS/2"].fsType & 0x0002 == 0  # editable embedding
        assert ord("通") in font.getBestCmap() or name == "宋体"
    assert "<w:embedTrueTypeFonts/>" in settings and "<w:saveSubsetFonts/>" in settings


@pytest.mark.slow
def test_libreoffice_without_the_fonts_shows_the_embedded_ones(tmp_path):
    """A machine with neither the office's fonts nor the free ones (fontconfig knows no
    Fandol here) sets the DOCX in the embedded faces."""
    path = libreoffice_pdf(render(sample("tongzhi"), "docx"), tmp_path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    print(f"\n[docx→pdf] {fonts}")
    assert "FandolFang" in fonts and "FandolSong-Bold" in fonts


def test_docx_metadata_names_the_issuing_organ_and_dates():
    when = dt.datetime(2026, 12, 12, 9, 30, tzinfo=dt.UTC)
    data = render(sample("tongzhi"), "docx", viewer="张三", when=when)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        core = zf.read("docProps/core.xml").decode()
        app = zf.read("docProps/app.xml").decode()
    assert "python-docx" not in core and "python-docx" not in app
    assert "<dc:creator>中共示范市委办公室</dc:creator>" in core
    assert "<dc:title>中共示范市委办公室关于做好2026年元旦春节期间值班和安全稳定工作的通知</dc:title>" in core
    assert "示委办〔2026〕12号" in core
    assert "2026-12-10T" in core and "2026-12-12T09:30" in core  # created: 成文日期; modified: now
    assert "2013" not in core
    assert "<Application>中枢 Zhongshu</Application>" in app


def test_pdf_metadata():
    import pymupdf

    meta = pymupdf.open(stream=render(sample("joint"), "pdf"), filetype="pdf").metadata
    assert meta["author"] == "中共示范市委办公室、示范市人民政府办公室"
    assert meta["title"].startswith("中共示范市委办公室 示范市人民政府办公室关于")
    assert meta["keywords"] == "示委办〔2026〕31号"


def test_ofd_embeds_truetype_outline_subsets():
    with zipfile.ZipFile(io.BytesIO(render(sample("tongzhi"), "ofd"))) as zf:
        res = etree.fromstring(zf.read("Doc_0/PublicRes.xml"))
        files = [f.findtext(f"{NS}FontFile") for f in res.iter(f"{NS}Font")]
        names = {f.get("FontName") for f in res.iter(f"{NS}Font")}
        assert files and all(f.endswith(".ttf") for f in files)
        for f in files:
            font = TTFont(io.BytesIO(zf.read("Doc_0/Res/" + f)))
            assert "glyf" in font and "CFF " not in font
            assert len(font.getGlyphOrder()) < 2000  # a subset
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体"} <= names


# ---------------------------------------------------------------- 公文 tags in the OFD
def test_ofd_carries_the_official_document_elements():
    """An exchange system reads 发文机关, 发文字号, 标题, 主送, 成文日期 … from the tags and the
    metadata, and each tag points at the page objects that print it."""
    spec = sample("joint")
    with zipfile.ZipFile(io.BytesIO(render(spec, "ofd"))) as zf:
        document = etree.fromstring(zf.read("Doc_0/Document.xml"))
        assert document.findtext(f"{NS}CustomTags") == "Tags/CustomTags.xml"
        tags = etree.fromstring(zf.read("Doc_0/Tags/CustomTags.xml"))
        entry = tags.find(f"{NS}CustomTag")
        assert entry.get("TypeID") == "od"
        tree = etree.fromstring(zf.read("Doc_0/Tags/" + entry.findtext(f"{NS}FileLoc")))
        pages = {p.get("ID"): p.get("BaseLoc") for p in document.iter(f"{NS}Page")}
        objects = {}
        for page_id, loc in pages.items():
            for obj in etree.fromstring(zf.read("Doc_0/" + loc)).iter():
                if obj.get("ID"):
                    objects[(page_id, obj.get("ID"))] = obj
        info = etree.fromstring(zf.read("OFD.xml"))
    values = {etree.QName(el).localname: el for el in tree}
    assert tree.get("发文机关") == "中共示范市委办公室、示范市人民政府办公室" and tree.get("文种") == "请示"
    expected = {"发文字号": "示委办〔2026〕31号", "标题": spec.title, "主送机关": "省委办公厅、省政府办公厅",
                "成文日期": "2026年5月8日", "密级和保密期限": "机密★1年", "紧急程度": "特急", "份号": "000021",
                "签发人": "林志远、王建华", "抄送机关": "省大数据管理局", "印发日期": "2026年5月9日"}
    for name, value in expected.items():
        assert values[name].get("Value") == value, name
    # the objects a tag points at print its text
    for name in ("发文字号", "标题", "成文日期", "主送机关"):
        printed = "".join("".join(objects[(ref.get("PageRef"), ref.text)].itertext())
                          for ref in values[name].iter(f"{NS}ObjectRef"))
        assert printed.replace(" ", "") == expected[name].replace(" ", "") + ("：" if name == "主送机关" else ""), name
    # the body and the seal places are tagged too; the metadata repeats the values
    assert len(list(values["正文"].iter(f"{NS}ObjectRef"))) > 10
    data = {d.get("Name"): d.text for d in info.iter(f"{NS}CustomData")}
    assert data["发文字号"] == "示委办〔2026〕31号" and data["文种"] == "请示"


# ---------------------------------------------------------------- speed of the command
def test_render_command_skips_system_checks():
    from zhongshu.layout.management.commands.render import Command

    assert Command.requires_system_checks == []


@pytest.mark.slow
def test_render_command_renders_with_attachments_and_draft(tmp_path):
    import sys

    attach = tmp_path / "办法全文.pdf"
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "办法全文", fontname="china-s")
    doc.save(attach)
    out = tmp_path / "order.pdf"
    result = subprocess.run([sys.executable, "-m", "zhongshu.cli", "render", str(SAMPLES / "order.json"),
                             "-o", str(out), "--draft", "--attach", str(attach)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    text = "".join(page.get_text() for page in pymupdf.open(out))
    assert "草稿" in text and "办法全文" in text and re.search("附件：办法全文", text.replace("\n", ""))
