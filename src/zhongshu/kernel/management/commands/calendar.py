"""`zhongshu calendar is-workday|add|between [--provisional]` and `recompute YEAR`.

A year the calendar has no data for is refused (exit 1, with the reason) unless
``--provisional`` is given: then the provisional answer is printed, the command exits 0,
and standard error says that the answer is provisional and why.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar, is_known_year
from zhongshu.kernel.calendar_tasks import recompute_year
from zhongshu.kernel.forms import FIRST_YEAR, LAST_YEAR, MAX_WORKDAYS
from zhongshu.kernel.models import CalendarRecompute, RecomputeStatus


def _date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CommandError(f"日期应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间：{value}")
    return day


def _workdays(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"工作日数应为整数：{value}") from None
    if abs(n) > MAX_WORKDAYS:
        raise argparse.ArgumentTypeError(f"工作日数应在 -{MAX_WORKDAYS} 到 {MAX_WORKDAYS} 之间：{value}")
    return n


class Command(BaseCommand):
    help = "工作日历：is-workday DATE | add DATE N | between DATE DATE [--provisional] | recompute YEAR"

    def add_arguments(self, parser: CommandParser) -> None:
        provisional = CommandParser(add_help=False)
        provisional.add_argument(
            "--provisional", action="store_true",
            help="年份未录入时，按周一至周五及法定节假日给出暂定结果（退出码 0，标准错误输出说明）")
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("is-workday", parents=[provisional], help="是否工作日，输出 true 或 false")
        p.add_argument("day")
        p = sub.add_parser("add", parents=[provisional], help="DATE 之后第 N 个工作日（N 可为负）")
        p.add_argument("day")
        p.add_argument("n", type=_workdays)
        p = sub.add_parser("between", parents=[provisional], help="A 之后到 B（含）之间的工作日数")
        p.add_argument("a")
        p.add_argument("b")
        p = sub.add_parser("recompute", help="立即重新计算涉及某年、此前暂按推定计算的期限")
        p.add_argument("year", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "recompute":
            self._recompute(opts["year"])
            return
        cal = WorkCalendar.load()
        if opts["provisional"]:
            if opts["action"] == "is-workday":
                status = cal.day_status(_date(opts["day"]))
                result, note = ("true" if status.is_workday else "false"), status.note
            elif opts["action"] == "add":
                due = cal.due_date(_date(opts["day"]), opts["n"])
                result, note = due.date.isoformat(), due.note
            else:
                count = cal.workday_count(_date(opts["a"]), _date(opts["b"]))
                result, note = str(count.days), count.note
            self.stdout.write(result)
            if note:
                self.stderr.write(f"暂定结果：{note}。")
            return
        try:
            if opts["action"] == "is-workday":
                result = "true" if cal.is_workday(_date(opts["day"])) else "false"
            elif opts["action"] == "add":
                result = cal.add_workdays(_date(opts["day"]), opts["n"]).isoformat()
            else:
                result = str(cal.workdays_between(_date(opts["a"]), _date(opts["b"])))
        except CalendarYearUnknown as exc:
            raise CommandError(f"{exc}（加 --provisional 可得到暂按周一至周五及法定节假日计算的结果）") from None
        self.stdout.write(result)

    def _recompute(self, year: int) -> None:
        """Run the hooks now, in this process (for an operator after upgrading the holiday
        package, or when no worker runs); the run is recorded like a background one."""
        if not is_known_year(year):
            raise CommandError(f"{year}年的节假日安排尚未录入，无法重算期限。")
        job = CalendarRecompute.objects.create(year=year)
        recompute_year.call(job.pk)
        job.refresh_from_db()
        if job.status != RecomputeStatus.DONE:
            raise CommandError(job.error or "重算失败。")
        self.stdout.write(f"{year}年：更新 {job.changed} 项期限。")
