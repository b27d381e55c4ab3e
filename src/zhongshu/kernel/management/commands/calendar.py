"""`zhongshu calendar is-workday|add|between`: answer working-day questions."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "工作日历：is-workday DATE | add DATE N | between DATE DATE"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("is-workday", help="是否工作日，输出 true 或 false")
        p.add_argument("day")
        p = sub.add_parser("add", help="DATE 之后第 N 个工作日（N 可为负）")
        p.add_argument("day")
        p.add_argument("n", type=int)
        p = sub.add_parser("between", help="A 之后到 B（含）之间的工作日数")
        p.add_argument("a")
        p.add_argument("b")

    def handle(self, *args, **opts) -> None:
        cal = WorkCalendar.load()
        try:
            if opts["action"] == "is-workday":
                result = "true" if cal.is_workday(_date(opts["day"])) else "false"
            elif opts["action"] == "add":
                result = cal.add_workdays(_date(opts["day"]), opts["n"]).isoformat()
            else:
                result = str(cal.workdays_between(_date(opts["a"]), _date(opts["b"])))
        except CalendarYearUnknown as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(result)
