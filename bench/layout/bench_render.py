"""Render time of our PDF against LibreOffice converting our own DOCX of the same document,
side by side in one run (issue 12 §9). Not part of the test run.

    .venv/bin/python bench/layout/bench_render.py [--runs 5] [--src DIR] [--write FILE]

For each sample document (tests/layout/samples) and each run, in turn:
  - LibreOffice: `soffice --headless --convert-to pdf` of our DOCX, a fresh process per
    conversion, as a server converting one download would;
  - ours, warm: `render(spec, "pdf")` in this process (the web server's case), after one
    warm-up render of every document;
  - ours, cold: `python -m zhongshu.cli render SPEC -o OUT.pdf`, a fresh process (the
    command line's case, Python and Django start-up included).
Reports p50 and p95 per document and overall, and the ratios ours / LibreOffice.
--src runs another checkout's code (e.g. the commit before a change) for a before/after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the bench package, when run as a script

from bench.stats import percentile  # noqa: E402

SAMPLES = ROOT / "tests" / "layout" / "samples"
NAMES = ["tongzhi", "long_body", "letter", "minutes", "order", "joint", "minutes_long"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", default=str(ROOT / "src"), help="the src/ directory whose code to time")
    parser.add_argument("--write", help="write the Markdown table to this file")
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    from zhongshu.layout.render import render
    from zhongshu.layout.spec import load_spec

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("LibreOffice is not installed", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="zhongshu-bench-"))
    specs = {name: load_spec(SAMPLES / f"{name}.json") for name in NAMES}
    for name, spec in specs.items():  # the DOCX LibreOffice converts, and a warm-up
        (work / f"{name}.docx").write_bytes(render(spec, "docx"))
        render(spec, "pdf")
    env = {**os.environ, "PYTHONPATH": args.src, "ZHONGSHU_VAR_DIR": str(work / "var")}
    lo_env = {"HOME": str(work / "lo"), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(work / "lo-out"),
                    str(work / "tongzhi.docx")], check=True, capture_output=True, env=lo_env)  # profile
    times: dict[str, dict[str, list[float]]] = {k: {n: [] for n in NAMES} for k in ("lo", "warm", "cold")}
    for run in range(args.runs):
        for name, spec in specs.items():
            started = time.perf_counter()
            subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(work / "lo-out"),
                            str(work / f"{name}.docx")], check=True, capture_output=True, env=lo_env)
            times["lo"][name].append(time.perf_counter() - started)
            started = time.perf_counter()
            render(spec, "pdf")
            times["warm"][name].append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "zhongshu.cli", "render", str(SAMPLES / f"{name}.json"),
                            "-o", str(work / f"{name}.pdf")], check=True, capture_output=True, env=env)
            times["cold"][name].append(time.perf_counter() - started)
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    rows = ["| document | LibreOffice p50 / p95 (s) | ours warm p50 / p95 (s) | ours cold p50 / p95 (s) "
            "| warm ÷ LO (p50) | cold ÷ LO (p50) |", "|---|---|---|---|---|---|"]
    summary = {}
    for name in [*NAMES, "all"]:
        def pick(kind: str, name: str = name) -> list[float]:
            return [t for n in NAMES for t in times[kind][n]] if name == "all" else times[kind][name]

        lo, warm, cold = pick("lo"), pick("warm"), pick("cold")
        p = {k: (percentile(v, .5), percentile(v, .95)) for k, v in (("lo", lo), ("warm", warm), ("cold", cold))}
        summary[name] = p
        rows.append(f"| {name} | {p['lo'][0]:.2f} / {p['lo'][1]:.2f} | {p['warm'][0]:.3f} / {p['warm'][1]:.3f} "
                    f"| {p['cold'][0]:.2f} / {p['cold'][1]:.2f} | {p['warm'][0] / p['lo'][0]:.2f} "
                    f"| {p['cold'][0] / p['lo'][0]:.2f} |")
    table = "\n".join(rows)
    print(table)
    print(json.dumps({"runs": args.runs, "src": args.src, "p50_p95": summary}, ensure_ascii=False))
    if args.write:
        Path(args.write).write_text(table + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
