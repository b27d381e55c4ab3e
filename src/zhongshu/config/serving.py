"""How `zhongshu run` serves the site: gunicorn, with how many processes and threads.

Processes give a request the cores (Python runs one thread at a time per process);
threads in each process overlap the waits on the database and the network. SQLite takes
one writer at a time, so on SQLite one process serves unless ``ZHONGSHU_WORKERS`` says
otherwise (it works: WAL and IMMEDIATE transactions queue the writers, but they queue).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Plan:
    workers: int
    threads: int
    database: str  # "sqlite" or "postgresql"

    def banner(self, host: str, port: int) -> str:
        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - shown, not bound
        lines = [f"中枢 已启动：http://{shown}:{port}/  （{self.workers} 个服务进程 × "
                 f"{self.threads} 线程，1 个后台任务进程；Ctrl-C 停止）"]
        if self.database == "sqlite" and self.workers == 1:
            lines.append("SQLite 数据库：单进程服务（SQLite 同一时刻只允许一个写入）；"
                         "多进程、多主机请使用 PostgreSQL。")
        return "\n".join(lines)


def cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the
    machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def plan(vendor: str | None = None) -> Plan:
    """The processes and threads for the default database (or ``vendor``'s)."""
    from django.db import connections

    database = vendor or connections["default"].vendor
    workers = settings.SERVER_WORKERS or (1 if database == "sqlite" else max(2, cores()))
    threads = settings.SERVER_THREADS or (8 if workers == 1 else 4)
    return Plan(workers=workers, threads=threads, database=database)


def gunicorn_options(plan: Plan, host: str, port: int) -> dict[str, Any]:
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": plan.workers,
        "worker_class": "gthread",
        "threads": plan.threads,
        # The application is loaded once, before the processes are forked: they share
        # its memory, and a broken setting stops the start instead of every worker.
        "preload_app": True,
        # A PDF or OFD rendered while the person waits may take many seconds; longer
        # work runs in the background worker.
        "timeout": 120,
        "graceful_timeout": 30,
        # A process is replaced after this many requests (staggered), so memory held by
        # a large rendering is given back.
        "max_requests": 2000,
        "max_requests_jitter": 200,
        # Two servers on one machine (or one user) would fight over the default socket.
        "control_socket_disable": True,
        "proc_name": "zhongshu",
        "errorlog": "-",
        "loglevel": os.environ.get("ZHONGSHU_LOG_LEVEL", "WARNING").lower(),
    }


def serve(plan: Plan, host: str, port: int) -> None:
    """Run gunicorn in this process until it is stopped (SIGINT: at once, SIGTERM:
    after the requests in progress). Raises SystemExit when gunicorn ends."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from .wsgi import application

    options = gunicorn_options(plan, host, port)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    # Nothing opened here may be inherited by the forked processes.
    connections.close_all()
    Server().run()
