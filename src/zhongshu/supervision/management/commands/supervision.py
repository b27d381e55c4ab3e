"""`zhongshu supervision light --due DATE --today DATE [--warn-days N]` prints green,
yellow or red from the same rule the daily job applies (``lights.LightRule``);
`zhongshu supervision daily [--date DATE]` runs the daily job (register, 批必查, every
light, the weekly report)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.supervision import services
from zhongshu.supervision.lights import LightRule


def _date(value: str | None, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise CommandError(f"{what}的日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "督查督办：light --due DATE --today DATE [--warn-days N] | daily [--date DATE]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("light", help="按工作日判断督办灯：输出 green、yellow 或 red")
        p.add_argument("--due", required=True, help="办理时限 YYYY-MM-DD")
        p.add_argument("--today", required=True, help="判断日期 YYYY-MM-DD")
        p.add_argument("--warn-days", type=int, default=None,
                       help="剩余工作日不超过 N 个时为黄灯（默认 3 或 ZHONGSHU_SUPERVISION_WARN_DAYS）")
        p.add_argument("--report-due", default=None, help="下次进展报送日期（逾期为黄灯）")
        p = sub.add_parser("daily", help="每日任务：批示件入册、批必查、重算全部督办灯、督办周报")
        p.add_argument("--date", default=None, help="按该日期计算，默认今天")

    def handle(self, *args, **opts) -> None:
        if opts["action"] == "light":
            warn = opts["warn_days"]
            if warn is not None and warn < 0:
                raise CommandError("--warn-days 不能为负数。")
            rule = LightRule.for_day(_date(opts["today"], "--today"), warn)
            report = _date(opts["report_due"], "--report-due") if opts["report_due"] else None
            self.stdout.write(rule.of(_date(opts["due"], "--due"), report))
            if rule.provisional:
                self.stderr.write("注意：涉及尚未录入节假日安排的年份，结果按周一至周五及法定节假日暂定。")
            return
        day = _date(opts["date"], "--date") if opts["date"] else None
        out = services.daily(today=day)
        self.stdout.write(f"批示件入册 {out['synced']} 件，批必查提示 {out['flagged']} 件，"
                          f"重算督办灯 {out['lights']} 项"
                          + (f"，督办周报超期 {out['weekly']} 项" if out["weekly"] >= 0 else "") + "。")
