"""`zhongshu manage purge_exports`: delete register exports past their 24 hours. Run it
from cron or a systemd timer beside `zhongshu reminders` (docs/operations.md); starting
an export also purges, so an idle office keeps no expired files for long either way."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from zhongshu.kernel import exports


class Command(BaseCommand):
    help = "删除已过保留期（24 小时）的登记簿导出文件"

    def handle(self, *args, **options):
        n = exports.purge_expired()
        self.stdout.write(f"已删除过期导出 {n} 个。")
