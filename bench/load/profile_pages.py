"""Where a page's time goes: queries and a profile of the page shell, in process.

    ZHONGSHU_DATABASE_URL=... .venv/bin/python bench/load/profile_pages.py [--repeat 20] [--profile home]

For each demo viewer and each page of the load mix it prints the number of queries,
their total time, and p50 of the server time over ``--repeat`` requests (after warm-up).
``--profile NAME`` prints a pyinstrument profile of that page (installed separately:
``pip install pyinstrument``); ``--sql NAME`` prints its queries. Not part of the test run.
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

PAGES = {
    "home": "/",
    "inbox": "/inbox/",
    "outgoing": "/documents/outgoing/",
    "incoming": "/documents/incoming/",
    "ledger": "/supervision/ledger/",
}
VIEWERS = ["mishu1", "wenshu", "zhuren", "ducha", "lianluo01"]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--viewers", default=",".join(VIEWERS))
    p.add_argument("--pages", default=",".join(PAGES))
    p.add_argument("--profile", default="", help="page name to profile with pyinstrument")
    p.add_argument("--sql", default="", help="page name whose queries to print")
    args = p.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhongshu.org.models import Person

    settings.ALLOWED_HOSTS = ["*"]
    for username in args.viewers.split(","):
        client = Client()
        client.force_login(Person.objects.get(username=username))
        for name in args.pages.split(","):
            url = PAGES[name]
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            captured = list(ctx.captured_queries)  # later requests reset the log
            query_ms = sum(float(q["time"]) for q in captured) * 1000
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"{username:10} {name:9} {response.status_code} queries={len(captured):3} "
                  f"sql={query_ms:7.1f} ms  p50={statistics.median(times):7.1f} ms", flush=True)
            if args.sql == name:
                for q in captured:
                    print(f"   {q['time']}  {q['sql'][:300]}")
            if args.profile == name:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
                for _ in range(args.repeat):
                    client.get(url)
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
