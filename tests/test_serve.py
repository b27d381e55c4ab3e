"""`zhongshu run` as an operator meets it: gunicorn with several processes, a task worker
beside it, one shared cache, and a clean stop."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from zhongshu.config import serving
from zhongshu.config.env import CACHE_TABLE, DB_CACHE_MAX_ENTRIES, SettingError, env_cache

ZS = [sys.executable, "-m", "zhongshu.cli"]
ROOT = Path(__file__).resolve().parent.parent


# --- how many processes ------------------------------------------------------------

def test_sqlite_is_served_by_one_process_and_says_why(settings):
    settings.SERVER_WORKERS = settings.SERVER_THREADS = 0
    plan = serving.plan("sqlite")
    assert (plan.workers, plan.threads) == (1, 8)
    banner = plan.banner("127.0.0.1", 8000)
    assert "1 个服务进程 × 8 线程" in banner
    assert "SQLite 数据库：单进程服务" in banner and "请使用 PostgreSQL" in banner


def test_postgresql_gets_a_process_per_core(settings, monkeypatch):
    settings.SERVER_WORKERS = settings.SERVER_THREADS = 0
    monkeypatch.setattr(serving, "cores", lambda: 6)
    plan = serving.plan("postgresql")
    assert (plan.workers, plan.threads) == (6, 4)
    assert "SQLite" not in plan.banner("0.0.0.0", 8000)
    assert "http://127.0.0.1:8000/" in plan.banner("0.0.0.0", 8000)
    monkeypatch.setattr(serving, "cores", lambda: 1)
    assert serving.plan("postgresql").workers == 2  # one request's slow page never holds up everyone


def test_zhongshu_workers_and_threads_override_the_choice(settings):
    settings.SERVER_WORKERS, settings.SERVER_THREADS = 3, 2
    plan = serving.plan("sqlite")
    assert (plan.workers, plan.threads) == (3, 2)
    options = serving.gunicorn_options(plan, "::1", 9000)
    assert options["bind"] == ["[::1]:9000"] and options["workers"] == 3
    assert options["worker_class"] == "gthread" and options["threads"] == 2
    assert options["control_socket_disable"] is True


# --- the shared cache --------------------------------------------------------------

def test_cache_is_the_database_table_unless_told(monkeypatch):
    monkeypatch.delenv("ZHONGSHU_CACHE_URL", raising=False)
    assert env_cache("ZHONGSHU_CACHE_URL") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": DB_CACHE_MAX_ENTRIES}}
    # A province's people each keep their menus: far more than Django's default 300.
    assert DB_CACHE_MAX_ENTRIES >= 100_000
    monkeypatch.setenv("ZHONGSHU_CACHE_URL", "locmem://")
    assert env_cache("ZHONGSHU_CACHE_URL")["BACKEND"].endswith("LocMemCache")
    monkeypatch.setenv("ZHONGSHU_CACHE_URL", "memcached://x")
    with pytest.raises(SettingError, match="缓存地址只支持数据库、Redis 或进程内缓存"):
        env_cache("ZHONGSHU_CACHE_URL")


def test_redis_cache_needs_the_redis_package(monkeypatch):
    monkeypatch.setenv("ZHONGSHU_CACHE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(sys.modules, "redis", None)  # not installed
    with pytest.raises(SettingError, match="使用 Redis 缓存需要安装 redis 包"):
        env_cache("ZHONGSHU_CACHE_URL")


# --- a real `zhongshu run` ---------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ZHONGSHU_VAR_DIR": str(var_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]), **extra}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def wait_for(url: str, process: subprocess.Popen, timeout: float = 45) -> str:
    """The body of ``url`` once the server answers; fails if the process ends first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"the server ended with {process.returncode}: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout} s")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 40) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail("the server did not stop")


@pytest.mark.slow
def test_run_serves_with_several_processes_and_stops_them_all(tmp_path):
    env = environment(tmp_path, ZHONGSHU_DATABASE_URL=f"sqlite:///{tmp_path}/run.sqlite3",
                      ZHONGSHU_PORT=str(free_port()), ZHONGSHU_WORKERS="2", ZHONGSHU_THREADS="3",
                      ZHONGSHU_DAILY_AT="00:00")
    subprocess.run([*ZS, "migrate", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([*ZS, "manage", "collectstatic", "--noinput", "-v0"], env=env, check=True,
                   timeout=300)
    base = f"http://127.0.0.1:{env['ZHONGSHU_PORT']}"
    server = subprocess.Popen([*ZS, "run"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert '"database": true' in wait_for(f"{base}/healthz", server)
        banner = server.stdout.readline()
        assert f"中枢 已启动：{base}/  （2 个服务进程 × 3 线程，1 个后台任务进程" in banner
        # Static files come from the same server (WhiteNoise), not a CDN or a proxy.
        assert "htmx" in wait_for(f"{base}/static/vendor/htmx/htmx.min.js", server)
        assert "登录" in wait_for(f"{base}/accounts/login/", server)
        # The task worker and two serving processes under the one `zhongshu run`.
        kids = children(server.pid)
        assert len(kids) == 3, kids
        assert sum("worker" in Path(f"/proc/{k}/cmdline").read_text() for k in kids) == 1
        # No cron on a laptop: the worker queues and runs the day's work by itself.
        assert sorted(_poll_daily(tmp_path / "run.sqlite3")) == [
            "inbox.tasks.send_reminders", "kernel.tasks.purge_jobs", "supervision.tasks.run_daily"]
    finally:
        status = stop(server)
    assert status == 0
    assert all(gone(k) for k in kids)

    # Ctrl-C in the terminal: SIGINT to the whole process group.
    server = subprocess.Popen([*ZS, "run"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(f"{base}/healthz", server)
        kids = children(server.pid)
        assert len(kids) == 3, kids
        os.killpg(server.pid, signal.SIGINT)
        status = server.wait(timeout=40)
    finally:
        stop(server)
    assert status == 0
    assert all(gone(k) for k in kids)


def gone(pid: int) -> bool:
    """Ended (a zombie waiting for its parent counts: it runs nothing)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def _poll_daily(database: Path, timeout: float = 45) -> list[str]:
    """The task paths of the day's work once all of it has run (read from the file, as the
    operator's sqlite3 would)."""
    query = ("SELECT task_path FROM django_tasks_database_dbtaskresult "
             "WHERE status = 'SUCCESSFUL' AND task_path NOT LIKE '%.run_job'")
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with sqlite3.connect(database, timeout=30) as db:
            paths = [p.removeprefix("zhongshu.") for (p,) in db.execute(query)]
        if len(paths) >= 3:
            return paths
        time.sleep(0.2)
    pytest.fail(f"the day's work did not run within {timeout} s")
