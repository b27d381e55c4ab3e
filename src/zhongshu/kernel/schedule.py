"""The daily work, queued by the task workers themselves: once a day, whatever the number
of workers and hosts, with no cron needed (decision 1322).

Apps register a daily task from ``ready()`` (``register("reminders", send_reminders)``;
the task takes the day as ``YYYY-MM-DD``). Every ``zhongshu worker`` checks every
``ZHONGSHU_DAILY_CHECK_SECONDS``; from ``ZHONGSHU_DAILY_AT`` (local time, default 07:30)
on, the first worker to ask on a day queues each registered task for that day, and the
others find it taken. The claim is the day's run counter of the task (``kernel.sequences``:
a row locked until commit, so one claimer gets 1), taken in the transaction that queues the
task: a day's task is queued once, and never claimed without being queued. The tasks are
idempotent (decision 0404), so cron running the same commands as well sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from .sequences import current_value, next_value

log = logging.getLogger(__name__)

_daily: dict[str, Any] = {}  # name → a django_tasks Task taking the day


def register(name: str, task: Any) -> None:
    _daily[name] = task


def registered() -> dict[str, Any]:
    return dict(_daily)


def claim_key(name: str, day: dt.date) -> str:
    return f"daily:{name}:{day.isoformat()}"


def queue_due(now: dt.datetime | None = None) -> list[str]:
    """Queue today's run of every daily task that nobody has queued today, once the day's
    hour has come; the names this call queued."""
    at: dt.time | None = settings.ZHONGSHU_DAILY_AT
    local = timezone.localtime(now or timezone.now())
    if at is None or local.time() < at:
        return []
    day = local.date()
    queued = []
    for name, task in _daily.items():
        key = claim_key(name, day)
        if current_value(key):  # the usual answer, without a write
            continue
        with transaction.atomic():
            if next_value(key) != 1:
                continue  # another worker claimed it a moment ago
            task.enqueue(day.isoformat())
        queued.append(name)
        log.info("daily task %s queued for %s", name, day)
    return queued


class DailyScheduler(threading.Thread):
    """Runs ``queue_due`` every ``interval`` seconds beside a worker until stopped."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="zhongshu-daily", daemon=True)
        self.interval = interval
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                queue_due()
            except Exception:  # a database away for a moment: try again next time
                log.exception("daily tasks could not be queued")
            finally:
                for conn in connections.all(initialized_only=True):  # this thread's own
                    conn.close()
            self._stopped.wait(self.interval)

    def stop(self) -> None:
        self._stopped.set()
