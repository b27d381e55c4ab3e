"""What the background job machinery costs, on a generated database (see
bench/documents/generate.py).

    ZHONGSHU_DATABASE_URL=sqlite:////work/var/zs_jobs_bench.sqlite3 \\
        .venv/bin/python bench/documents/generate.py --count 100000
    ZHONGSHU_DATABASE_URL=sqlite:////work/var/zs_jobs_bench.sqlite3 \\
        .venv/bin/python bench/jobs/bench_jobs.py [--repeat 5] [--polls 200]

Three measurements, each against a reference measured in the same run:

1. An export of the 发文登记簿 as a job (submit, claim, progress every 500 rows, the
   workbook stored with the status in one transaction) against writing the same workbook
   directly (``kernel.exports.build_workbook`` with no progress) — the job's overhead.
2. The progress fragment that a job's page asks for every second (``GET /jobs/<id>/`` with
   ``HX-Request``), signed in, against the bare SELECT of the job row.
3. The claim itself (the conditional UPDATE) for a queued job.

Reports p50 and p95 and the ratios. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the bench package, when run as a script

from bench.stats import percentile  # noqa: E402


def ms(values: list[float]) -> str:
    return f"p50 {percentile(values, .5) * 1000:.1f} ms, p95 {percentile(values, .95) * 1000:.1f} ms"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--polls", type=int, default=200)
    p.add_argument("--user", default="mishu1")
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    os.environ.setdefault("ZHONGSHU_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from zhongshu.documents.exports import OUTGOING_REGISTER, outgoing_register
    from zhongshu.kernel import exports, jobs
    from zhongshu.kernel.models import Job
    from zhongshu.kernel.tasks import run_job
    from zhongshu.org.models import Person

    owner = Person.objects.get(username=args.user)
    rows = outgoing_register.rows(owner, {}).count()
    print(f"{connection.vendor}, {platform.processor() or platform.machine()}, "
          f"{owner.username} sees {rows:,} rows of the 发文登记簿 (export cap {exports.EXPORT_LIMIT:,})")

    direct, as_job = [], []
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            exports.build_workbook(outgoing_register, owner, {}, lambda d, t: None)
            direct.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            job = jobs.job_submit(actor=owner, kind=OUTGOING_REGISTER, params={})
            run_job.call(job.pk)
            as_job.append(time.perf_counter() - t0)
            job.refresh_from_db()
            assert job.status == "done", job.failure
            Job.objects.filter(pk=job.pk).delete()
    print(f"export directly:  {ms(direct)}")
    print(f"export as a job:  {ms(as_job)}  ratio {statistics.median(as_job) / statistics.median(direct):.3f}")

    job = Job.objects.create(owner=owner, kind=OUTGOING_REGISTER)
    jobs.runner.claim(job.pk)
    client = Client()
    client.force_login(owner)
    url = reverse("jobs:detail", args=[job.pk])
    polls, selects = [], []
    for _ in range(10):
        client.get(url, headers={"HX-Request": "true"})
    for _ in range(args.polls):
        t0 = time.perf_counter()
        response = client.get(url, headers={"HX-Request": "true"})
        polls.append(time.perf_counter() - t0)
        assert response.status_code == 200
        t0 = time.perf_counter()
        Job.objects.filter(pk=job.pk, owner_id=owner.pk).get()
        selects.append(time.perf_counter() - t0)
    print(f"progress fragment: {ms(polls)}  ratio to the job row's SELECT "
          f"{statistics.median(polls) / statistics.median(selects):.1f} ({ms(selects)})")
    Job.objects.filter(pk=job.pk).delete()

    claims = []
    for _ in range(args.polls):
        job = Job.objects.create(owner=owner, kind=OUTGOING_REGISTER)
        t0 = time.perf_counter()
        jobs.runner.claim(job.pk)
        claims.append(time.perf_counter() - t0)
    Job.objects.filter(owner=owner, kind=OUTGOING_REGISTER).delete()
    print(f"claim (conditional UPDATE): {ms(claims)}")


if __name__ == "__main__":
    main()
