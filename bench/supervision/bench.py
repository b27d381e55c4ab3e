"""Measure 督查督办 at size (data from generate.py):

- the daily light recomputation over every open task (one UPDATE), three runs;
- the ledger page (``/supervision/ledger/``, default sort by due date) for the supervision
  office (``ducha``: every task) and for one unit (``lianluo01``, liaison officer of
  东城区委: its own tasks), in process with Django's test client: 5 warm-up requests, then
  ``--runs`` measured; p50 and p95 server time; the page's main query (the row-fetching
  SELECT on ``supervision_ledgerrow``) re-run alone as many times, and the ratio;
- the unit's Excel export of its ledger (the background job's work, run in process).

    ZHONGSHU_DATABASE_URL=… .venv/bin/python bench/supervision/bench.py --write docs/benchmarks/supervision.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main(argv: list[str] | None = None) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zhongshu.kernel.exports import build_workbook
    from zhongshu.org.models import Person
    from zhongshu.supervision import services
    from zhongshu.supervision.exports import ledger_export
    from zhongshu.supervision.models import LedgerRow

    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--today", type=lambda s: __import__("datetime").date.fromisoformat(s), default=None)
    p.add_argument("--write", default="")
    p.add_argument("--ledger-only", action="store_true",
                   help="measure the ledger page only (no light recomputation, no export)")
    p.add_argument("--label", default="", help="added to the section's heading (e.g. before/after)")
    args = p.parse_args(argv)
    today = args.today or timezone.localdate()
    out: dict = {"vendor": connection.vendor, "rows": LedgerRow.objects.count(),
                 "open": LedgerRow.objects.filter(status__in=["open", "accepted", "review", "waiting"]).count()}

    import datetime as _dt

    out["label"] = args.label
    open_rows = LedgerRow.objects.filter(status__in=["open", "accepted", "review", "waiting"])
    times = []
    for _ in range(0 if args.ledger_only else 3):
        open_rows.update(light="none")  # every open light must be written again
        t = time.perf_counter()
        n = services.lights_recompute(today=today)
        times.append(time.perf_counter() - t)
    out["recompute_s"] = [round(x, 2) for x in times]
    if not args.ledger_only:
        out["recomputed"] = n
        t = time.perf_counter()
        out["next_day_changed"] = services.lights_recompute(today=today + _dt.timedelta(days=1))
        out["next_day_s"] = round(time.perf_counter() - t, 2)
        services.lights_recompute(today=today)

    def page(username: str) -> dict:
        client = Client()
        person = Person.objects.get(username=username)
        client.force_login(person)
        url = "/supervision/ledger/"
        for _ in range(5):
            assert client.get(url).status_code == 200
        samples = []
        for _ in range(args.runs):
            t = time.perf_counter()
            r = client.get(url)
            samples.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        mains = [q["sql"] for q in ctx.captured_queries
                 if 'FROM "supervision_ledgerrow"' in q["sql"] and "LIMIT" in q["sql"] and "COUNT" not in q["sql"]]
        sql = mains[0]
        query = []
        with connection.cursor() as cur:
            for _ in range(args.runs):
                t = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                query.append((time.perf_counter() - t) * 1000)
        visible = LedgerRow.objects.count() if username == "ducha" else LedgerRow.objects.filter(
            unit_id__in=__import__("zhongshu.supervision.rules", fromlist=["x"]).contact_units(person)).count()
        return {"user": username, "visible": visible, "p50": round(statistics.median(samples), 1),
                "p95": round(pct(samples, 95), 1), "query_p50": round(statistics.median(query), 1),
                "query_p95": round(pct(query, 95), 1),
                "ratio": round(statistics.median(samples) / max(statistics.median(query), 1e-6), 1),
                "queries": len(ctx.captured_queries)}

    out["ledger"] = [page("ducha"), page("lianluo01")]
    if not args.ledger_only:
        unit_person = Person.objects.get(username="lianluo01")
        t = time.perf_counter()
        content, written, capped = build_workbook(ledger_export, unit_person, {}, lambda d, t=None: None)
        out["export"] = {"rows": written, "seconds": round(time.perf_counter() - t, 2), "bytes": len(content)}
    print(out)
    if args.write:
        write(args.write, out)
    return out


def write(path: str, out: dict) -> None:
    label = f" · {out['label']}" if out.get("label") else ""
    lines = [f"### {out['vendor']}: {out['rows']:,} tasks ({out['open']:,} open){label}", ""]
    if "recomputed" in out:
        lines += [f"- full light recomputation (one UPDATE writing all {out['recomputed']:,} open tasks' lights): "
                  + ", ".join(f"{s} s" for s in out["recompute_s"]),
                  f"- the next day's recomputation (same UPDATE; writes only the {out['next_day_changed']:,} "
                  f"lights that change): {out['next_day_s']} s", ""]
    lines += ["| ledger viewer | tasks visible | page p50 | page p95 | main query p50 | p95 | page/query | queries |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in out["ledger"]:
        lines.append(f"| {r['user']} | {r['visible']:,} | {r['p50']} ms | {r['p95']} ms | {r['query_p50']} ms "
                     f"| {r['query_p95']} ms | {r['ratio']}× | {r['queries']} |")
    if "export" in out:
        e = out["export"]
        lines += ["", f"- the unit's Excel export: {e['rows']:,} rows in {e['seconds']} s ({e['bytes']:,} bytes)"]
    lines.append("")
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
