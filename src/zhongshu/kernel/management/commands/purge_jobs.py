"""`zhongshu manage purge_jobs`: the background jobs' clean-up. Run it from cron or a
systemd timer beside `zhongshu reminders` (docs/operations.md): it marks jobs whose
worker died interrupted, deletes files past their 24 hours and jobs past 30 days. Safe to
run twice or on several hosts at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhongshu.kernel import jobs


class Command(BaseCommand):
    help = "清理后台任务：标记已中断的任务，删除过期文件和过期任务记录"

    def handle(self, *args: Any, **options: Any) -> None:
        done = jobs.purge()
        self.stdout.write(f"已标记中断任务 {done.interrupted} 个，删除过期文件 {done.files} 个，"
                          f"删除过期任务记录 {done.jobs} 条。")
