"""Load benchmark: requests/s and latency of the everyday pages under N signed-in users.

    # start a server on the database given by ZHONGSHU_DATABASE_URL and measure it
    ZHONGSHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zs_bench \\
        .venv/bin/python bench/load/run.py --server gunicorn --workers 2 --threads 4 \\
        --write docs/benchmarks/load.md --label after
    # or measure a server that is already running
    .venv/bin/python bench/load/run.py --url http://127.0.0.1:8000

Each virtual user is a distinct demo account (``--accounts``; the demo's named content
accounts first, then ``u0002`` …, all with the demo password), signed in through the
real sign-in form, with its own keep-alive connection. It loops over the mix — 工作台
(``/``), 待办 (``/inbox/``), 发文登记簿, 收文登记簿 and the 督查督办台账 — with no think
time (a closed loop: the next request leaves when the answer to the last one has
arrived); a page the account may not open (403 on the first probe) is left out of its
mix, so every measured request is a page the person really uses. For each number of
concurrent users (``--users 1,8,32,128``) it waits ``--warmup`` seconds, then counts the
requests that complete in ``--duration`` seconds: requests/s, p50, p95 and p99 of the
client-side latency, and errors (any status other than 200).

``--writes N`` adds one more signed-in person (``--writer``) who writes N times a second
during each level, so what the pages keep between writes (decision 1330) is measured
under writes too. ``--write-kind report`` (the default): a liaison officer (``lianluo01``
unless ``--writer`` says otherwise) reports progress on one of his unit's accepted
supervised tasks — a write to the office's records, after which every person's registers
count again; ``--write-kind notices``: the writer (``zhiban``) marks his notifications
read, which since decision 1332 changes only the shell's unread counts.

Reference measured in the same run: ``/healthz`` (one ``SELECT 1`` and a count through
the whole Django stack, without session or page) requested alone 50 times before the
load, so a reader can tell a slow machine from a slow page.

The server: ``--server gunicorn`` (``--workers``, ``--threads``), ``--server waitress``
(``--threads``, one process, as ``zhongshu run`` serves until it has workers) or
``--server zhongshu`` (``zhongshu run`` itself, with ``ZHONGSHU_WORKERS`` if set), started
with this process's environment (``PYTHONPATH`` chooses the code, which is how the
"before" column is measured) and stopped at the end; or ``--url`` for a running server.
The client is a thread per user (``requests``), in one process on the same machine: its
own CPU use (about 1 ms per request) is part of the result. Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the bench package, when run as a script

from bench.stats import percentile  # noqa: E402

PAGES = {
    "home": ("工作台", "/"),
    "inbox": ("待办", "/inbox/"),
    "outgoing": ("发文登记簿", "/documents/outgoing/"),
    "incoming": ("收文登记簿", "/documents/incoming/"),
    "ledger": ("督查督办台账", "/supervision/ledger/"),
}
DEFAULT_MIX = "home,inbox,outgoing,incoming"
# The demo's content accounts (not the three administrators, who see no content).
NAMED = ["mishu1", "wenshu", "zhuren", "ducha", "lianluo01", "keyuan1", "fuzhuren", "mishuzhang",
         "shuji", "jiyao", "xinxi", "zhiban", "dangan"]
PASSWORD = "Zhongshu@2026"  # noqa: S105 (the demo's published password)


# --- the server ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    bindir = Path(sys.executable).parent
    app = "zhongshu.config.wsgi:application"
    if args.server == "gunicorn":
        return [str(bindir / "gunicorn"), "--workers", str(args.workers), "--threads", str(args.threads),
                "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    if args.server == "waitress":
        return [str(bindir / "waitress-serve"), f"--threads={args.threads}", f"--listen=127.0.0.1:{port}",
                "--ident=zhongshu", app]
    return [str(bindir / "zhongshu"), "run"]


@contextlib.contextmanager
def started_server(args: argparse.Namespace) -> Iterator[tuple[str, str]]:
    if args.url:
        yield args.url.rstrip("/"), f"given: {args.url}"
        return
    port = free_port()
    cmd = server_command(args, port)
    env = dict(os.environ, ZHONGSHU_PORT=str(port), PYTHONUNBUFFERED="1")
    shown = " ".join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd))
    if args.server == "zhongshu" and env.get("ZHONGSHU_WORKERS"):
        shown = f"ZHONGSHU_WORKERS={env['ZHONGSHU_WORKERS']} {shown}"
    log = open(args.server_log, "ab")  # noqa: SIM115 (open for the server's lifetime)
    proc = subprocess.Popen(cmd, env=env, start_new_session=True,  # noqa: S603 (our own binaries)
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the server stopped at start (exit {proc.returncode}): {shown}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not answer /healthz within 120 s")
        yield url, shown
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


# --- the users ----------------------------------------------------------------------

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class User:
    username: str
    session: requests.Session
    mix: list[str] = field(default_factory=list)


def sign_in(base: str, username: str) -> requests.Session | None:
    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=60)
    token = CSRF.search(page.text)
    if token is None:
        return None
    r = s.post(f"{base}/accounts/login/", data={"csrfmiddlewaretoken": token.group(1), "username": username,
                                                 "password": PASSWORD},
               headers={"Referer": f"{base}/accounts/login/"}, timeout=60, allow_redirects=False)
    return s if r.status_code == 302 and "sessionid" in s.cookies else None


def accounts(n: int, given: str, known: set[str] | None) -> list[str]:
    """The accounts to sign in, in order. Only existing ones are tried when the database
    is at hand: failed sign-ins from one address lock the address out (django-axes)."""
    if given:
        return given.split(",")
    names = NAMED + [f"u{i:04d}" for i in range(2, 1000)]
    if known is not None:
        names = [u for u in names if u in known]
    return names[: max(n * 2, n + 40)]


def known_accounts() -> set[str] | None:
    try:
        from zhongshu.org.models import Person

        return set(Person.objects.filter(is_active=True).values_list("username", flat=True))
    except Exception:  # no database here (--url): try the demo's names
        return None


def prepare_users(base: str, n: int, given: str, mix: list[str], known: set[str] | None) -> list[User]:
    users: list[User] = []
    for username in accounts(n, given, known):
        if len(users) == n:
            break
        session = sign_in(base, username)
        if session is None:
            continue
        user = User(username, session)
        for page in mix:
            r = session.get(base + PAGES[page][1], timeout=120)
            if r.status_code == 200:
                user.mix.append(page)
        if user.mix:
            users.append(user)
    if len(users) < n:
        raise SystemExit(f"only {len(users)} accounts could sign in and open a page of the mix; {n} needed "
                         "(after failed sign-ins: zhongshu manage axes_reset)")
    return users


# --- the load -----------------------------------------------------------------------

@dataclass
class Level:
    users: int
    seconds: float
    latencies: list[float]
    per_page: dict[str, list[float]]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


WRITERS = {"report": "lianluo01", "notices": "zhiban"}  # --write-kind: its default writer
WRITE_WORDS = {"report": "reporting progress on a supervised task",
               "notices": "marking notifications read"}
REPORTED = "已报送办理进展。"  # the task page's message after a progress report
REPORT = {"action": "report", "text": "负载测试：办理进展"}
TASK_LINK = re.compile(r'href="/supervision/tasks/(\d+)/"')


@dataclass
class Writer:
    """Somebody writing while the others read: ``rate`` writes a second, each a real
    request: ``data`` posted to ``url`` (a task's progress report, or 全部标为已读)."""

    session: requests.Session
    token: str
    rate: float
    url: str
    data: dict[str, str]
    done: int = 0


def _reportable_task(base: str, session: requests.Session) -> tuple[str, str] | None:
    """(act URL, CSRF token) of the first of the writer's accepted tasks (his 督办台账
    filtered by status) that takes a progress report (the page says so after it)."""
    ledger = session.get(f"{base}/supervision/ledger/", params={"status": "accepted"}, timeout=60)
    for pk in dict.fromkeys(TASK_LINK.findall(ledger.text)):
        page = session.get(f"{base}/supervision/tasks/{pk}/", timeout=60)
        token = CSRF.search(page.text)
        if token is None:
            continue
        url = f"{base}/supervision/tasks/{pk}/act/"
        r = session.post(url, data={"csrfmiddlewaretoken": token.group(1), **REPORT},
                         headers={"Referer": page.url}, timeout=60)
        if REPORTED in r.text:
            return url, token.group(1)
    return None


def prepare_writer(base: str, rate: float, kind: str, username: str) -> Writer | None:
    if rate <= 0:
        return None
    session = sign_in(base, username)
    if session is None:
        raise SystemExit(f"the writer {username} could not sign in")
    if kind == "report":
        found = _reportable_task(base, session)
        if found is None:
            raise SystemExit(f"{username} has no accepted task that takes a progress report")
        url, token = found
        return Writer(session, token, rate, url, REPORT)
    page = session.get(f"{base}/inbox/notifications/", timeout=60)
    token_match = CSRF.search(page.text)
    if token_match is None:
        raise SystemExit(f"the writer {username} could not open 通知")
    return Writer(session, token_match.group(1), rate, f"{base}/inbox/notifications/read-all/", {})


def write_loop(base: str, writer: Writer, stop_at: float) -> None:
    while (now := time.monotonic()) < stop_at:
        with contextlib.suppress(requests.RequestException):
            r = writer.session.post(writer.url, data={"csrfmiddlewaretoken": writer.token, **writer.data},
                                    headers={"Referer": f"{base}/"}, timeout=60, allow_redirects=False)
            writer.done += r.status_code == 302
        time.sleep(max(0.0, now + 1 / writer.rate - time.monotonic()))


def run_level(base: str, users: list[User], warmup: float, duration: float,
              writer: Writer | None = None) -> Level:
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration
    lock = threading.Lock()
    latencies: list[float] = []
    per_page: dict[str, list[float]] = {}
    errors = [0]

    def loop(user: User, offset: int) -> None:
        i = offset
        while True:
            page = user.mix[i % len(user.mix)]
            i += 1
            t0 = time.monotonic()
            if t0 >= stop_at:
                return
            try:
                ok = user.session.get(base + PAGES[page][1], timeout=120).status_code == 200
            except requests.RequestException:
                ok = False
            t1 = time.monotonic()
            if t0 >= measure_from and t1 <= stop_at:
                with lock:
                    if ok:
                        latencies.append(t1 - t0)
                        per_page.setdefault(page, []).append(t1 - t0)
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=loop, args=(u, k), daemon=True) for k, u in enumerate(users)]
    if writer is not None:
        threads.append(threading.Thread(target=write_loop, args=(base, writer, stop_at), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Level(len(users), duration, latencies, per_page, errors[0])


def reference(base: str, n: int = 50) -> float:
    s = requests.Session()
    times = []
    for _ in range(n + 5):
        t0 = time.monotonic()
        s.get(f"{base}/healthz", timeout=60)
        times.append(time.monotonic() - t0)
    return percentile(times[5:], 0.5) * 1000


# --- the report ---------------------------------------------------------------------

def database_description() -> tuple[str, str]:
    """(engine and version, data size) of ZHONGSHU_DATABASE_URL, read through Django."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    try:
        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("SHOW server_version")
                engine = f"PostgreSQL {c.fetchone()[0].split()[0]}"
            else:
                c.execute("SELECT sqlite_version()")
                engine = f"SQLite {c.fetchone()[0]}"
            sizes = []
            for table, label in [("documents_outgoingdocument", "发文"), ("incoming_incomingdocument", "收文"),
                                 ("supervision_ledgerrow", "督办事项")]:
                c.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names)
                sizes.append(f"{c.fetchone()[0]:,} {label}")
        connection.close()
        return engine, ", ".join(sizes)
    except Exception as exc:  # the report still says what was measured
        return "unknown", f"unknown ({exc.__class__.__name__})"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def render(levels: list[Level], *, label: str, engine: str, size: str, server: str, ref_ms: float,
           mix: list[str], duration: float, warmup: float, load: str, writes: str = "none") -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"### {label} · {engine}", "",
           f"- Date: {now}; machine: {machine()}; load average before the run: {load}",
           f"- Database: {engine}, {size}",
           f"- Server: `{server}`",
           f"- Mix: {', '.join(PAGES[p][0] for p in mix)} in turn, each user its own account, no think time; "
           f"{warmup:.0f} s warm-up then {duration:.0f} s measured per level",
           f"- Writes during the load: {writes}",
           f"- Reference: `/healthz` alone, p50 {ref_ms:.1f} ms", "",
           "| users | requests | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | errors | "
           + " | ".join(f"{PAGES[p][0]} p50/p95" for p in mix) + " |",
           "|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(mix)]
    for lv in levels:
        ms = [x * 1000 for x in lv.latencies]
        cells = []
        for p in mix:
            pm = [x * 1000 for x in lv.per_page.get(p, [])]
            cells.append(f"{percentile(pm, 0.5):.0f}/{percentile(pm, 0.95):.0f}" if pm else "–")
        out.append(f"| {lv.users} | {len(ms)} | {lv.rate:.1f} | {percentile(ms, 0.5):.0f} | "
                   f"{percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} | {lv.errors} | "
                   + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def write_section(path: Path, marker: str, text: str) -> None:
    begin, end = f"<!-- load:{marker} -->", f"<!-- /load:{marker} -->"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Load benchmark\n\n"
    block = f"{begin}\n{text}{end}\n"
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        new = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + block
    path.write_text(new, encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="", help="measure this running server instead of starting one")
    p.add_argument("--server", choices=["gunicorn", "waitress", "zhongshu"], default="gunicorn")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--server-log", default=os.devnull, help="where the started server's output goes")
    p.add_argument("--users", default="1,8,32,128")
    p.add_argument("--mix", default=DEFAULT_MIX, help=f"pages, of {', '.join(PAGES)}")
    p.add_argument("--accounts", default="", help="comma-separated usernames (default: the demo's)")
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--writes", type=float, default=0.0,
                   help="writes a second by one more signed-in person while the users read (default none)")
    p.add_argument("--write-kind", choices=sorted(WRITERS), default="report",
                   help="what the writer does (see the module's docstring)")
    p.add_argument("--writer", default="", help="the account that writes (default: by --write-kind)")
    p.add_argument("--label", default="", help="names the section, e.g. before or after")
    p.add_argument("--write", default="", help="Markdown file whose section (label + database) is replaced")
    args = p.parse_args()
    mix = args.mix.split(",")
    unknown = [m for m in mix if m not in PAGES]
    if unknown:
        raise SystemExit(f"unknown pages: {unknown}")
    levels_wanted = [int(n) for n in args.users.split(",")]
    engine, size = database_description() if not args.url else ("unknown", "unknown")
    known = known_accounts() if not args.url else None
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    with started_server(args) as (base, server):
        print(f"server: {server} at {base}", flush=True)
        ref_ms = reference(base)
        print(f"/healthz alone: p50 {ref_ms:.1f} ms", flush=True)
        users = prepare_users(base, max(levels_wanted), args.accounts, mix, known)
        writer_name = args.writer or WRITERS[args.write_kind]
        writer = prepare_writer(base, args.writes, args.write_kind, writer_name)
        levels = []
        for n in levels_wanted:
            level = run_level(base, users[:n], args.warmup, args.duration, writer)
            ms = [x * 1000 for x in level.latencies]
            print(f"{n:4} users: {level.rate:6.1f} req/s  p50 {percentile(ms, 0.5):6.0f} ms  "
                  f"p95 {percentile(ms, 0.95):6.0f} ms  errors {level.errors}", flush=True)
            levels.append(level)
    label = args.label or "run"
    text = render(levels, label=label, engine=engine, size=size, server=server, ref_ms=ref_ms, mix=mix,
                  duration=args.duration, warmup=args.warmup, load=load,
                  writes=f"{args.writes:g} a second by `{writer_name}` ({WRITE_WORDS[args.write_kind]}), "
                         f"{writer.done} in all" if writer else "none")
    print(text)
    if args.write:
        write_section(Path(args.write), f"{label}:{engine.split()[0].lower()}", text)


if __name__ == "__main__":
    main()
