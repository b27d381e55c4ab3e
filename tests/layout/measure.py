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
