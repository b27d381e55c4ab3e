"""`zhongshu worker`: Django Tasks' ``db_worker`` (run what is queued), and beside it the
daily scheduler that queues the registered daily tasks once a day across all workers
(``kernel.schedule``, decision 1322)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorker

from zhongshu.kernel.schedule import DailyScheduler


class Command(DbWorker):
    help = "后台任务进程：执行队列中的任务，并每日定时安排到期提醒、督办日常任务和清理（ZHONGSHU_DAILY_AT）"

    def handle(self, *args: Any, **options: Any) -> None:
        scheduler = DailyScheduler(settings.ZHONGSHU_DAILY_CHECK_SECONDS)
        # With --reload (DEBUG) the tasks run in a child process; only that one schedules.
        reloading = options.get("reload") and not options.get("batch")
        if settings.ZHONGSHU_DAILY_AT is not None and (
                not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            scheduler.stop()
