"""Peak memory and time of stamping classified downloads, one case per subprocess.

    .venv/bin/python bench/uploads/stamp_memory.py [--repeat 5] [--cases docx_media,...]
        [--write docs/benchmarks/uploads.md]

Each case builds its file deterministically (seeded), then a fresh interpreter reads it,
stamps it once (imports and font caches, not counted), measures its resident memory
(VmRSS), stamps it ``--repeat`` times and
reports the peak (VmHWM) above that baseline, the memory still held after the last stamp
(VmRSS above the baseline: what is not released) and the median time of one stamp. The
reference in the same run is the size of the file itself: the ratio peak / file size says
how many copies of the file the stamper holds at once.

Cases: ``docx_media`` (a short text with 24 MB of pictures), ``docx_text`` (a long text,
about 1,000 pages, 9 MB of XML), ``ofd_media`` (a rendered OFD with 24 MB of images),
``pdf_scans`` (200 pages of incompressible scans, 24 MB), ``docx_bomb`` (0.3 MB that
unpack to 100 MB: refused at intake since this change; here it shows what stamping it
would cost). Works on the stamper before this change (``documents.incoming.watermark``)
and after (``layout.stamp``), to measure both. Not part of the test run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
CASES = ["docx_media", "docx_text", "ofd_media", "pdf_scans", "docx_bomb"]
MARK = "机要员乙 2026-03-05 09:30"
SENTENCES = ["各单位要高度重视，切实加强组织领导，确保各项措施落实到位。",
             "截至目前，全市已完成排查点位1236个，整改隐患98处，整改率达到95.3%。",
             "对工作不力、造成严重后果的，依法依规严肃追究有关人员责任。",
             "请于每月5日前将工作进展报送至市应急管理局。",
             "统筹推进“放管服”改革，持续优化营商环境，激发市场主体活力。"]


def _django() -> None:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("ZHONGSHU_VAR_DIR", str(ROOT / "var" / "bench"))
    import django

    django.setup()


def _noise(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def _jpeg(rng: random.Random) -> bytes:
    """A photograph's worth of JPEG (about 4 MB): noise does not compress."""
    import pymupdf

    pix = pymupdf.Pixmap(pymupdf.csRGB, 1400, 1400, _noise(rng, 1400 * 1400 * 3), False)
    return pix.tobytes("jpeg", jpg_quality=95)


def _rezip(data: bytes, extra: dict[str, bytes], *, replace: bool = False) -> bytes:
    """The package with ``extra`` members added (or, with ``replace``, put in place)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if replace and info.filename in extra:
                dst.writestr(info, extra.pop(info.filename))
            else:
                dst.writestr(info, src.read(info))
        for name, content in extra.items():
            dst.writestr(name, content)
    return out.getvalue()


def build(case: str) -> bytes:
    """The case's file, the same bytes on every run."""
    from docx import Document

    rng = random.Random(20261207)
    if case in {"docx_media", "docx_text", "docx_bomb"}:
        doc = Document()
        doc.add_paragraph("关于申请专项经费的请示")
        if case == "docx_text":  # varied sentences compress as real text does (about 8:1)
            for i in range(25_000):
                doc.add_paragraph(f"第{i}段：{rng.choice(SENTENCES)}{rng.randint(1, 10**9)}"
                                  f"{rng.choice(SENTENCES)}")
        if case == "docx_media":  # six photographs of 4 MB, in the text
            for _ in range(6):
                doc.add_picture(io.BytesIO(_jpeg(rng)))
        buf = io.BytesIO()
        doc.save(buf)
        data = buf.getvalue()
        if case == "docx_bomb":  # the body: 100 MB of empty paragraphs, deflated to 0.1 MB
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                body = zf.read("word/document.xml")
            body = body.replace(b"</w:body>", b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * (100 * MB // 34)
                                + b"</w:body>", 1)
            return _rezip(data, {"word/document.xml": body}, replace=True)
        return data
    if case == "ofd_media":
        from tests.layout.measure import sample

        from zhongshu.layout.render import render

        return _rezip(render(sample("long_body"), "ofd"),
                      {f"Doc_0/Res/image_9{i}.jpg": _noise(rng, 4 * MB) for i in range(6)})
    if case == "pdf_scans":
        import pymupdf

        doc = pymupdf.open()
        for _ in range(200):
            page = doc.new_page(width=595, height=842)
            # an incompressible "scan": random grey pixels, stored as it is
            pix = pymupdf.Pixmap(pymupdf.csGRAY, 350, 350, _noise(rng, 350 * 350), False)
            page.insert_image(page.rect, pixmap=pix)
        return doc.tobytes(deflate=False)
    raise SystemExit(f"unknown case {case}")


def _status(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _stamper():
    try:
        from zhongshu.kernel.files import spool
        from zhongshu.layout.stamp import stamp_into  # after this change: as a download does

        def stamp(data: bytes, kind: str, text: str):
            out = spool()
            stamp_into(data, kind, text, out)
            return out

        return "layout.stamp (into a spooled file)", stamp
    except ImportError:
        from zhongshu.documents.incoming.watermark import stamp  # before
        return "documents.incoming.watermark", stamp


def _close(result) -> None:
    if not isinstance(result, bytes | bytearray):  # a file object
        result.close()


def child(path: str, kind: str, repeat: int) -> None:
    """Run in a fresh interpreter: stamp the file ``repeat`` times and print the numbers."""
    _django()
    import gc

    name, stamp = _stamper()
    data = Path(path).read_bytes()
    try:  # one stamp first, not counted: imports, font caches and the like
        _close(stamp(data, kind, MARK))
    except Exception:  # noqa: S110 (a bomb's refusal is measured below)
        pass
    gc.collect()
    # the baseline: the interpreter, the libraries and the file itself
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    base = _status("VmRSS")
    times, outcome = [], "stamped"
    for _ in range(repeat):
        t = time.perf_counter()
        try:
            result = stamp(data, kind, MARK)
        except Exception as exc:  # the refusal is the result for a bomb
            outcome = f"refused: {type(exc).__name__}: {str(exc)[:60]}"
            times.append(time.perf_counter() - t)
            continue
        times.append(time.perf_counter() - t)
        _close(result)
        del result
    gc.collect()
    print(json.dumps({"stamper": name, "size": len(data), "base": base,
                      "peak": _status("VmHWM") - base, "held": _status("VmRSS") - base,
                      "median_s": statistics.median(times), "outcome": outcome}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--write", help="append the table to this Markdown file")
    parser.add_argument("--child", nargs=3, metavar=("PATH", "KIND", "REPEAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    _django()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            path = Path(tmp) / case
            path.write_bytes(build(case))
            kind = case.split("_")[0]
            out = subprocess.run([sys.executable, __file__, "--child", str(path), kind, str(args.repeat)],
                                 capture_output=True, text=True, check=True, cwd=ROOT)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["case"] = case
            rows.append(row)
            print(json.dumps(row), flush=True)
    stamper = rows[0]["stamper"] if rows else "?"
    lines = [f"\nStamper: `{stamper}`, {args.repeat} stamps per case, one process per case.\n",
             "| case | file MB | peak above baseline MB | peak / file | held after MB | median s | outcome |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append(f"| {r['case']} | {r['size'] / MB:.1f} | {r['peak'] / MB:.0f} | "
                     f"{r['peak'] / r['size']:.1f} | {r['held'] / MB:.0f} | {r['median_s']:.2f} | {r['outcome']} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        with open(args.write, "a") as f:
            f.write(table + "\n")


if __name__ == "__main__":
    main()
