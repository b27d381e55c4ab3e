"""Measure produced PDFs with pdfplumber (a library we did not write the PDF with)."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import pdfplumber

from zhongshu.layout.render import render
from zhongshu.layout.spec import load_spec

SAMPLES = Path(__file__).parent / "samples"
MM = 72 / 25.4
PAGE_NUMBER_TOP = 262 * MM  # anything below the block's bottom edge is the page number

# 主送机关 so many that no body text would fit on page 1 (GB/T 9704 7.3.2)
COUNTIES = ["东湖区", "西山区", "南川区", "北岭区", "青云县", "白水县", "红河县", "黄石县", "金沙县",
            "银杏县", "玉泉市", "翠屏市", "高新区", "经开区", "临港区", "云溪县", "松涛县", "石门县",
            "龙泉县", "凤鸣县"]
LONG_RECIPIENTS = "，".join([f"{c}党委和人民政府" for c in COUNTIES]
                + ["市委各部委", "市级国家机关各部门党组（党委）", "各人民团体党组", "市属各高等院校党委",
                   "市属各国有企业党委", "驻市各单位"])




def sample(name: str):
    return load_spec(SAMPLES / f"{name}.json")


def pdf_of(name: str, **kwargs) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(render(sample(name), "pdf", **kwargs)))


def mm(value: float) -> float:
    return round(value / MM, 2)


def rows(page, *, below_block: bool = False) -> list[list[dict]]:
    """The page's text lines (chars sharing a top edge), top to bottom."""
    lines: dict[float, list[dict]] = defaultdict(list)
    for ch in page.chars:
        if (ch["top"] >= PAGE_NUMBER_TOP) != below_block:
            continue
        if ch["non_stroking_color"] not in ((0, 0, 0), (0.0, 0.0, 0.0), (1, 0, 0), (1.0, 0.0, 0.0)):
            continue  # the watermark is grey
        lines[round(ch["top"], 1)].append(ch)
    return [sorted(lines[k], key=lambda c: c["x0"]) for k in sorted(lines)]


def text(line: list[dict]) -> str:
    return "".join(c["text"] for c in line)


def libreoffice_pdfs(docs: dict[str, bytes], workdir: Path) -> dict[str, Path]:
    """Convert DOCX files with one LibreOffice headless run, as an office PC would: with
    the machine's own fonts only (not the free faces our PDFs embed), so that the text is
    set in the fonts the DOCX embeds under the names offices know (方正小标宋简体, 仿宋_GB2312 …)."""
    import subprocess

    workdir.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, data in docs.items():
        source = workdir / f"{name}.docx"
        source.write_bytes(data)
        sources.append(str(source))
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), *sources],
                   check=True, capture_output=True, timeout=600,
                   env={"HOME": str(workdir), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    return {name: workdir / f"{name}.pdf" for name in docs}


def libreoffice_pdf(docx: bytes, workdir: Path) -> Path:
    return libreoffice_pdfs({"doc": docx}, workdir)["doc"]


def body_text(page) -> str:
    """The page's black and red text inside the text block, in reading order, no spaces."""
    return "".join(text(line) for line in rows(page)).replace(" ", "").replace("\u3000", "")


def page_numbers(page) -> str:
    return "".join(text(line) for line in rows(page, below_block=True)).replace(" ", "")


# ---------------------------------------------------------------------------------------
# Cases rendered to PDF by us and to DOCX converted by LibreOffice (one run per session).

def seal_png(label: str = "印") -> bytes:
    """A red seal image (ring, star, transparent ground), as an organ's seal image is."""
    import pymupdf

    size = 42 * MM
    doc = pymupdf.open()
    page = doc.new_page(width=size, height=size)
    centre = pymupdf.Point(size / 2, size / 2)
    page.draw_circle(centre, size / 2 - 3, color=(1, 0, 0), width=4)
    star = [centre + pymupdf.Point(0, -30).transform(pymupdf.Matrix(k * 144)) for k in range(5)]
    page.draw_polyline([*star, star[0]], color=(1, 0, 0), fill=(1, 0, 0), width=0.5)
    pix = page.get_pixmap(dpi=150, alpha=True)
    data = pix.tobytes("png")
    doc.close()
    return data


def joint_spec(count: int, *, seal: bool = True):
    """The joint 请示 with ``count`` issuing organs (2–4), sealed or not."""
    import dataclasses

    from zhongshu.layout.spec import Issuer

    base = sample("joint")
    organs = ["中共示范市委办公室", "示范市人民政府办公室", "示范市发展和改革委员会", "示范市财政局"][:count]
    codes = ["示委办", "示政办", "示发改", "示财"]
    return dataclasses.replace(base, issuers=tuple(Issuer(o, c) for o, c in zip(organs, codes, strict=False)),
                               signature=tuple(organs), seal=seal,
                               signers=("林志远", "王建华", "陈立军", "周明辉")[:count])


def cases() -> dict[str, tuple]:
    """name -> (spec, render keyword arguments) for every document the DOCX tests compare."""
    import dataclasses

    out = {name: (sample(name), {}) for name in ["tongzhi", "long_body", "letter", "minutes", "order",
                                                 "joint", "minutes_long"]}
    base = sample("long_body")
    out["record_on_content_page"] = (dataclasses.replace(base, body=base.body[:5]), {})
    out["record_after_blank_page"] = (dataclasses.replace(base, body=base.body[:7]), {})
    # the signature block pulls the paragraph's last two lines onto the next page
    out["signature_pulls_lines"] = (dataclasses.replace(base, body=base.body[:8]), {})
    out["recipients_in_record"] = (dataclasses.replace(sample("tongzhi"), main_recipients=LONG_RECIPIENTS), {})
    for count in (2, 3, 4):
        out[f"joint{count}_sealed"] = (joint_spec(count), {"seal_images": [seal_png()] * count})
        out[f"joint{count}_unsealed"] = (joint_spec(count, seal=False), {})
    out["joint_draft"] = (joint_spec(3), {"draft": True})
    out["long_table"] = (long_table_spec(), {})
    return out


def long_table_spec():
    from zhongshu.layout.spec import load_spec

    rows = [["序号", "单位", "完成情况", "备注"]]
    rows += [[str(i), f"示范市第{i}区（县）人民政府", "偏低" if i % 3 == 0 else "正常", f"{i % 28 + 1}日内完成"]
             for i in range(1, 41)]
    return load_spec({"doc_type": "通知", "title": "关于2026年第一季度政务服务事项办理情况的通报",
                      "issuers": [{"name": "示范市人民政府办公室"}], "doc_number": "示政办〔2026〕7号",
                      "main_recipients": "各区（县）人民政府，市政府各部门",
                      "body": ["现将2026年第一季度各地政务服务事项办理情况通报如下。",
                               {"type": "table", "rows": rows}, "请各地对照整改。"],
                      "signature": ["示范市人民政府办公室"], "date": "2026-04-10"})


def merged_rows(page) -> list[list[dict]]:
    """``rows`` with lines whose tops lie within 2 pt joined (a word processor sets a
    punctuation mark's box a little higher or lower than the characters beside it); the
    发文机关标志 (red, larger than 2号) is left out, as its parts are placed, not set in lines."""
    merged: list[list[dict]] = []
    for line in rows(page):
        line = [c for c in line if not (c["size"] > 23 and c["non_stroking_color"] in ((1, 0, 0), (1.0, 0.0, 0.0)))]
        if not line:
            continue
        if merged and abs(line[0]["top"] - merged[-1][0]["top"]) < 2:
            merged[-1] = sorted(merged[-1] + line, key=lambda c: c["x0"])
        else:
            merged.append(line)
    return merged


def lines_by_page(pdf) -> list[list[str]]:
    """Each page's text lines inside the text block (``merged_rows``), spaces removed, a
    non-breaking hyphen (U+2011) read as a hyphen."""
    return [[text(line).replace(" ", "").replace("\u3000", "").replace("\u2011", "-") for line in merged_rows(page)]
            for page in pdf.pages]
