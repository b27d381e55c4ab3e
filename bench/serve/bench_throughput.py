"""Page requests per second of `zhongshu run` with 1, 2, … serving processes.

    ZHONGSHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zs_bench \\
        .venv/bin/python bench/serve/bench_throughput.py --workers 1 2 4 [--seconds 20] [--clients 16]

The database must hold the demo organisation (`zhongshu migrate && zhongshu demo`). For each
number of processes a real `zhongshu run` is started on a free port (its task worker
beside it), ``--clients`` threads sign in as the demo's ``mishu1`` and ask for the home page
(``--path``) as fast as the server answers for ``--seconds`` after a warm-up, and the
answers that are 200 and carry the page's heading are counted. The clients run on the same
machine and take CPU too: compare the rows with each other, not with another machine.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Zhongshu@2026"  # noqa: S105 - the demo's documented password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signed_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    browser.get(f"{base}/accounts/login/", timeout=30)
    r = browser.post(f"{base}/accounts/login/", timeout=60, data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    if "退出" not in r.text:
        raise SystemExit(f"could not sign in as {username}: {r.status_code}")
    return browser


def measure(workers: int, args: argparse.Namespace) -> tuple[float, float, int]:
    port = free_port()
    env = {**os.environ, "ZHONGSHU_PORT": str(port), "ZHONGSHU_WORKERS": str(workers),
           "ZHONGSHU_DAILY_AT": "off", "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([sys.executable, "-m", "zhongshu.cli", "run"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except OSError:
                pass
            if time.monotonic() > end:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        sessions = [signed_in(base, args.user) for _ in range(args.clients)]
        counts = [0] * args.clients
        times: list[float] = []
        lock = threading.Lock()
        start_at = time.monotonic() + args.warmup
        stop_at = start_at + args.seconds

        def client(i: int) -> None:
            while (now := time.monotonic()) < stop_at:
                t0 = time.perf_counter()
                r = sessions[i].get(f"{base}{args.path}", timeout=60)
                took = time.perf_counter() - t0
                if now >= start_at and r.status_code == 200 and args.marker in r.text:
                    counts[i] += 1
                    with lock:
                        times.append(took)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        times.sort()
        return sum(counts) / args.seconds, times[len(times) // 2] * 1000 if times else 0.0, sum(counts)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--path", default="/")
    parser.add_argument("--marker", default="中枢")
    parser.add_argument("--user", default="mishu1")
    args = parser.parse_args()
    print(f"| serving processes | pages/s | p50 ms | pages | ({args.clients} clients, {args.seconds:.0f} s, "
          f"{os.cpu_count()} cores) |")
    print("| --- | --- | --- | --- | |")
    for workers in args.workers:
        rate, p50, n = measure(workers, args)
        print(f"| {workers} | {rate:.1f} | {p50:.0f} | {n} | |", flush=True)


if __name__ == "__main__":
    main()
