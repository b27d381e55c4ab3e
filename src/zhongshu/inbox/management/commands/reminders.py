"""`zhongshu reminders`: send today's reminders (催办). Run it once a day from cron or a
systemd timer; with --enqueue it only queues the job for a background worker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.inbox import services
from zhongshu.inbox.tasks import send_reminders


class Command(BaseCommand):
    help = "发送今日的到期提醒和超期催办（站内通知，有邮箱的同时发邮件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按该日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行，不在本进程发送")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options.get("date")
        if day:
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{day}") from None
        if options["enqueue"]:
            result = send_reminders.enqueue(day)
            self.stdout.write(f"已加入后台任务队列：{result.id}")
            return
        run = services.reminders_send(today=dt.date.fromisoformat(day) if day else None)
        self.stdout.write(f"提醒：检查 {run.considered} 项，新发送 {run.sent} 条"
                          f"（邮件 {run.emailed} 封），今日已发送而跳过 {run.skipped} 条。")
