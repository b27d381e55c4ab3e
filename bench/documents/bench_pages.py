"""Server time of the 办文 pages on a generated database (see generate.py).

    ZHONGSHU_DATABASE_URL=sqlite:////work/var/zs_bench.sqlite3 \\
        .venv/bin/python bench/documents/bench_pages.py [--repeat 50] [--write docs/benchmarks/documents.md]

Pages: the 发文登记簿 and the 收文登记簿 (first page, a filtered page, a late page), the
outgoing and incoming document pages (a sample of documents, taken in turn), and the
inbox (待办) of a busy person and of an ordinary one. Each page is requested in process
with Django's test client, signed in, ``--warmup`` times and then ``--repeat`` times;
p50 and p95 of the server time are reported.

The page's main SQL query: one more request runs under ``CaptureQueriesContext`` (and an
execute wrapper that keeps each query's parameters); the main query is the row-fetching
SELECT (not a COUNT) on the page's main table that took longest — the register's page of
rows, the document row, the inbox's open tasks. It is then run alone, with the same
parameters, through ``connection.cursor()`` ``--repeat`` times, and the ratio
p50(page) / p50(main query) says how much of the page is that query.

Writes a Markdown section per database into ``--write`` (replacing that database's
previous section). Reading a classified document page writes an audit event, as it does
in production; those writes are part of the measured time. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the bench package, when run as a script

from bench.stats import percentile  # noqa: E402


class Recorder:
    """An execute wrapper keeping (sql, params, seconds) of every query."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - t0))


def main_query(queries, table: str):
    """The longest row-fetching SELECT on ``table`` (FROM or JOIN of it)."""
    pattern = re.compile(rf'FROM "{table}"', re.IGNORECASE)
    candidates = [q for q in queries if q[0].lstrip().upper().startswith("SELECT")
                  and pattern.search(q[0]) and "COUNT(" not in q[0].upper()[:80]]
    return max(candidates, key=lambda q: q[2]) if candidates else None


def run_alone(connection, sql: str, params, repeat: int) -> list[float]:
    times = []
    with connection.cursor() as cur:
        for _ in range(repeat):
            t0 = time.perf_counter()
            cur.execute(sql, params)
            cur.fetchall()
            times.append(time.perf_counter() - t0)
    return times


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu or platform.processor()}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def database(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            return f"SQLite {cur.fetchone()[0]} (file, WAL)"
        cur.execute("show server_version")
        return f"PostgreSQL {cur.fetchone()[0]}"


def pages(args):
    """(label, viewer username, [urls], main table)."""
    from django.db.models import Max, Min
    from django.urls import reverse

    from zhongshu.documents import selectors as out_sel
    from zhongshu.documents.incoming.models import IncomingDocument
    from zhongshu.documents.models import OutgoingDocument
    from zhongshu.org.models import Person

    rng = random.Random(args.seed)  # noqa: S311
    clerk = Person.objects.get(username=args.clerk)

    def sample(model, visible, n):
        bounds = model.objects.aggregate(lo=Min("id"), hi=Max("id"))
        found: list[int] = []
        tries = 0
        while len(found) < n and tries < n * 200:
            tries += 1
            pk = rng.randint(bounds["lo"], bounds["hi"])
            if pk not in found and visible(pk):
                found.append(pk)
        return found

    out_ids = sample(OutgoingDocument, lambda pk: out_sel.document_get(clerk, pk) is not None, args.sample)
    from zhongshu.access.policy import visible

    in_ids = sample(IncomingDocument,
                    lambda pk: visible(clerk, IncomingDocument.objects.filter(pk=pk)).exists(), args.sample)
    out_reg, in_reg = reverse("documents:register"), reverse("incoming:register")
    n_out = out_sel.register(clerk).count()
    from zhongshu.documents.incoming import selectors as in_sel
    from zhongshu.documents.incoming.views import PAGE_SIZE as IN_PAGE
    from zhongshu.documents.views_lists import PAGE_SIZE as OUT_PAGE

    n_in = in_sel.register(clerk, in_sel.RegisterFilter()).count()
    # The registers page through at most REGISTER_COUNT_CAP rows (decision 0901): the
    # late page is the deepest one a user can reach without a filter.
    from zhongshu.kernel.paging import REGISTER_COUNT_CAP

    late_out = max(1, -(-min(n_out, REGISTER_COUNT_CAP) // OUT_PAGE))
    late_in = max(1, -(-min(n_in, REGISTER_COUNT_CAP) // IN_PAGE))
    inbox = reverse("inbox:home")
    return [
        ("发文登记簿 · 第1页", args.clerk, [out_reg], "documents_outgoingdocument"),
        ("发文登记簿 · 筛选（通知、已归档、本年）", args.clerk,
         [f"{out_reg}?doc_type=通知&status=archived&year={args.year}"], "documents_outgoingdocument"),
        (f"发文登记簿 · 第{late_out}页", args.clerk, [f"{out_reg}?page={late_out}"], "documents_outgoingdocument"),
        ("收文登记簿 · 第1页", args.clerk, [in_reg], "incoming_incomingdocument"),
        ("收文登记簿 · 筛选（请示、办理中）", args.clerk, [f"{in_reg}?doc_type=请示&status=handling"],
         "incoming_incomingdocument"),
        (f"收文登记簿 · 第{late_in}页", args.clerk, [f"{in_reg}?page={late_in}"], "incoming_incomingdocument"),
        (f"发文页面（{len(out_ids)} 件轮换）", args.clerk,
         [reverse("documents:detail", args=[pk]) for pk in out_ids], "documents_outgoingdocument"),
        (f"收文页面（{len(in_ids)} 件轮换）", args.clerk,
         [reverse("incoming:detail", args=[pk]) for pk in in_ids], "incoming_incomingdocument"),
        # The statistics page comes at once with the live slowest items; its averages
        # come in a second request (htmx) and are kept ten minutes per viewer: measured
        # without that cache (every request recomputes them, as the first of the day
        # does) and with it.
        ("发文统计 · 页面（本年）", args.clerk, [reverse("documents:stats")], "workflow_step", "fresh"),
        ("发文统计 · 平均用时片段（首次计算）", args.clerk, [reverse("documents:stats_aggregates")],
         "workflow_step", "fresh"),
        ("发文统计 · 平均用时片段（十分钟内再看）", args.clerk, [reverse("documents:stats_aggregates")],
         "workflow_step"),
        (f"待办 · 忙碌的人（{args.busy}）", args.busy, [inbox], "workflow_step"),
        (f"待办 · 普通的人（{args.ordinary}）", args.ordinary, [inbox], "workflow_task"),
    ], {"outgoing_visible": n_out, "incoming_visible": n_in}


def measure(args) -> tuple[list[dict], dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhongshu.org.models import Person

    plan, sizes = pages(args)
    results = []
    from django.core.cache import cache

    for label, username, urls, table, *flags in plan:
        fresh = "fresh" in flags
        client = Client()
        client.force_login(Person.objects.get(username=username))
        for i in range(args.warmup):
            r = client.get(urls[i % len(urls)])
            assert r.status_code == 200, (label, urls[i % len(urls)], r.status_code)
        times = []
        began = time.perf_counter()
        for i in range(args.repeat):
            if len(times) >= 10 and time.perf_counter() - began > args.max_seconds:
                break  # a slow page: enough samples for p50/p95 within the time budget
            url = urls[i % len(urls)]
            if fresh:
                cache.clear()
            t0 = time.perf_counter()
            r = client.get(url)
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200, (label, url, r.status_code)
        rec = Recorder()
        if fresh:
            cache.clear()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(rec):
            client.get(urls[0])
        main = main_query(rec.queries, table)
        alone = run_alone(connection, main[0], main[1], len(times)) if main else []
        p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
        q50 = percentile(alone, 0.5) * 1000 if alone else 0.0
        results.append({
            "label": label, "n": len(times), "p50": p50, "p95": p95, "queries": len(captured.captured_queries),
            "main": q50, "ratio": p50 / q50 if q50 else 0.0,
            "sql": main[0] if main else "", "params": main[1] if main else None,
            "slowest": max(rec.queries, key=lambda q: q[2]) if rec.queries else None})
        print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {len(captured.captured_queries)} queries, "
              f"main query p50 {q50:.2f} ms, ratio {p50 / q50 if q50 else 0:.1f}", file=sys.stderr, flush=True)
    return results, sizes


def dataset(connection) -> dict:
    from zhongshu.documents.incoming.models import IncomingDocument, IncomingEvent
    from zhongshu.documents.models import Delivery, DraftVersion, OutgoingDocument
    from zhongshu.workflow.models import Opinion, Route, Step, Task

    return {m._meta.db_table: m.objects.count() for m in (
        OutgoingDocument, DraftVersion, Delivery, Route, Step, Opinion, IncomingDocument, Task,
        IncomingEvent)}


def markdown(results, sizes, counts, args, connection) -> str:
    docs = counts["documents_outgoingdocument"] + counts["incoming_incomingdocument"]
    lines = [f"<!-- bench:{connection.vendor} -->",
             f"## {database(connection)}", "",
             f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
             f"- Machine: {machine()}",
             f"- Dataset: {docs:,} documents ({counts['documents_outgoingdocument']:,} 发文, "
             f"{counts['incoming_incomingdocument']:,} 收文); "
             + ", ".join(f"{t} {n:,}" for t, n in counts.items()),
             f"- Viewer of the registers and pages: `{args.clerk}` (sees {sizes['outgoing_visible']:,} 发文 and "
             f"{sizes['incoming_visible']:,} 收文); {args.warmup} warm-up requests, then {args.repeat} measured "
             f"(fewer when a page exceeds {args.max_seconds:.0f} s in all); the main query is re-run alone as many times",
             "", "| 页面 | 请求数 | 查询数 | p50 (ms) | p95 (ms) | 主查询 p50 (ms) | p50 页面 / 主查询 |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['label']} | {r['n']} | {r['queries']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['main']:.2f} | "
                     f"{r['ratio']:.1f} |")
    lines += ["", "<details><summary>Main queries</summary>", ""]
    for r in results:
        sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", re.sub(r"\s+", " ", r["sql"]))
        lines += [f"- {r['label']}: `{sql[:900]}{'…' if len(sql) > 900 else ''}` — parameters `{r['params']}`"]
    lines += ["", "</details>", f"<!-- /bench:{connection.vendor} -->", ""]
    return "\n".join(lines)


def write(path: Path, section: str, vendor: str) -> None:
    text = path.read_text() if path.exists() else "# 办文 benchmark\n\n"
    start, end = f"<!-- bench:{vendor} -->", f"<!-- /bench:{vendor} -->\n"
    if start in text and end in text:
        a, b = text.index(start), text.index(end) + len(end)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--max-seconds", type=float, default=30.0,
                   help="stop measuring a page after this long (at least 10 requests)")
    p.add_argument("--sample", type=int, default=20, help="documents per document page")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--clerk", default="mishu1", help="the register keeper whose view is measured")
    p.add_argument("--busy", default="zhuren")
    p.add_argument("--ordinary", default="lianluo01")
    p.add_argument("--year", type=int, default=2025)
    p.add_argument("--write", type=Path, default=None, help="Markdown file to write the results into")
    return p.parse_args(argv)


def main(argv=None) -> list[dict]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.db import connection

    args = parse(argv)
    results, sizes = measure(args)
    counts = dataset(connection)
    section = markdown(results, sizes, counts, args, connection)
    print(section)
    if args.write:
        write(args.write, section, connection.vendor)
    return results


if __name__ == "__main__":
    main()
