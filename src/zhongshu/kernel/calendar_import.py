"""Reading a year's holiday arrangement pasted as text (导入全年安排).

One line per holiday or adjusted working day, as the State Council's notice lists them:

    元旦 2027-01-01 放假
    春节 2月6日（除夕）至13日 放假
    2月14日（星期日）、2月20日（星期六） 上班 春节调休

A line holds one or more dates (a range with 至, 到, ~ or —; several dates with 、 or
commas), the word 放假 or 上班, and optionally a note (any other words). Dates are
2027-02-06, 2027/2/6, 2027.2.6, 2027年2月6日, 2月6日 (the year being imported), or 13日
as the end of a range in the same month. A weekday in brackets after a date is checked
against it. Tabs or commas between cells are fine, so rows copied out of a spreadsheet
paste as they are. Nothing is written here: ``parse_arrangement`` only reads and
checks; ``services.calendar_year_import`` applies the result.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from .calendar import statutory_holidays

MAX_LINES = 300
MAX_RANGE_DAYS = 31
WEEKDAYS = "一二三四五六日"

_DATE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"|(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?"
    r"|(?P<d3>\d{1,2})\s*日"
)
# A bracket right after a date: its weekday, or a remark such as (农历除夕).
_BRACKET = re.compile(r"\s*\(([^()]*)\)")
_WEEKDAY = re.compile(r"^(?:星期|周|礼拜)([一二三四五六日天])$")
_RANGE = re.compile(r"至|到|~|—|–|－|-")
# A range word with no date on one side (a hyphen alone may be part of a note).
_DANGLING = re.compile(r"至|到|~")
_HOLIDAY, _WORKDAY = "放假", "上班"
# The notice's own lines: "二、春节：2月6日至13日放假调休，共8天。2月14日（星期日）上班。"
_LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、)?([^\d:]{1,12}):")
_CLAUSE = re.compile(r"[。;]")


@dataclass(frozen=True)
class ArrangedDay:
    day: dt.date
    is_workday: bool
    note: str
    line: int


@dataclass
class Arrangement:
    """What a pasted text says, checked: ``days`` (by date), or ``errors`` (Chinese,
    one per problem, with its line), and ``warnings`` that do not stop the import."""

    year: int
    days: dict[dt.date, ArrangedDay] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def holidays(self) -> int:
        return sum(1 for d in self.days.values() if not d.is_workday)

    @property
    def workdays(self) -> int:
        return sum(1 for d in self.days.values() if d.is_workday)

    def entries(self) -> list[ArrangedDay]:
        return [self.days[d] for d in sorted(self.days)]


def weekday_name(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def _allowed(day: dt.date, year: int) -> bool:
    # A notice may begin in the last days of the year before (2019's New Year holiday
    # began on 30 December 2018, and 29 December 2018 was worked).
    return day.year == year or (day.year == year - 1 and day.month == 12)


class _LineError(ValueError):
    pass


def _dates(text: str, year: int) -> tuple[list[tuple[dt.date, dt.date]], str]:
    """The dates (as inclusive ranges) of one line's text, and the text left over."""
    spans: list[tuple[dt.date, dt.date]] = []
    rest: list[str] = []
    pos = 0
    previous: dt.date | None = None
    pending_range = False
    for match in _DATE.finditer(text):
        between = text[pos:match.start()]
        if previous is None and _DANGLING.search(between):
            raise _LineError("区间缺少开始日期")
        if previous is not None and _RANGE.search(between):
            pending_range = True
            between = _RANGE.sub(" ", between, count=1)
        rest.append(between)
        g = match.groupdict()
        try:
            if g["y"]:
                day = dt.date(int(g["y"]), int(g["m"]), int(g["d"]))
            elif g["m2"]:
                day = dt.date(year, int(g["m2"]), int(g["d2"]))
            else:
                if not pending_range or previous is None:
                    raise _LineError(f"“{match.group(0).strip()}”前缺少月份")
                day = dt.date(previous.year, previous.month, int(g["d3"]))
        except ValueError as exc:
            if isinstance(exc, _LineError):
                raise
            raise _LineError(f"没有这一天：“{match.group(0).strip()}”") from None
        pos = match.end()
        bracket = _BRACKET.match(text, pos)
        while bracket:
            # "(星期六)", "(农历除夕)" or "(农历腊月二十八、周日)"
            for part in re.split(r"[、,]", bracket.group(1)):
                weekday = _WEEKDAY.match(part.strip())
                if weekday:
                    said = "日" if weekday.group(1) == "天" else weekday.group(1)
                    if WEEKDAYS.index(said) != day.weekday():
                        raise _LineError(f"{day.isoformat()} 是{weekday_name(day)}，不是星期{said}")
                else:
                    rest.append(" " + part + " ")
            pos = bracket.end()
            bracket = _BRACKET.match(text, pos)
        if pending_range and spans:
            start = spans[-1][0]
            if day < start:
                raise _LineError(f"区间的结束日期 {day.isoformat()} 早于开始日期 {start.isoformat()}")
            if (day - start).days + 1 > MAX_RANGE_DAYS:
                raise _LineError(f"区间 {start.isoformat()} 至 {day.isoformat()} 超过 {MAX_RANGE_DAYS} 天，请核对")
            spans[-1] = (start, day)
            pending_range = False
        else:
            spans.append((day, day))
        previous = day
    rest.append(text[pos:])
    if pending_range or (previous is not None and _DANGLING.search(text[pos:])):
        raise _LineError("区间缺少结束日期")
    return spans, "".join(rest)


def parse_arrangement(text: str, year: int) -> Arrangement:
    """Read and check a pasted arrangement for ``year``. Never raises for bad input."""
    result = Arrangement(year=year)
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        result.errors.append(f"最多 {MAX_LINES} 行，现有 {len(lines)} 行。")
        return result
    for number, raw in enumerate(lines, start=1):
        # NFKC folds full-width digits, brackets, colons, tildes and commas into ASCII.
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or line.startswith("#"):
            continue
        label = ""
        head = _LABEL.match(line)
        if head:
            label, line = head.group(1).strip(), line[head.end():]
        for clause in _CLAUSE.split(line):
            _read_clause(result, clause.strip(), label, f"第 {number} 行", number)
    if not result.errors and not result.days:
        result.errors.append("没有读到任何安排：请每行写一个日期（或区间）和“放假”或“上班”。")
    if not result.errors:
        result.warnings.extend(_warnings(result))
    return result


def _read_clause(result: Arrangement, clause: str, label: str, where: str, number: int) -> None:
    words = [w for w in (_HOLIDAY, _WORKDAY) if w in clause]
    if not words:
        if _DATE.search(clause):
            result.errors.append(f"{where}：有日期，但没有写明“放假”或“上班”。")
        # Otherwise a heading or a sentence of the notice without dates: nothing to read.
        return
    if len(words) > 1:
        result.errors.append(f"{where}：同一句不能既写“放假”又写“上班”，请分开写。")
        return
    is_workday = words[0] == _WORKDAY
    try:
        spans, rest = _dates(clause.replace(words[0], " "), result.year)
    except _LineError as exc:
        result.errors.append(f"{where}：{exc}。")
        return
    if not spans:
        result.warnings.append(f"{where}：“{clause[:30]}”没有日期，已忽略。")
        return
    if label:
        note = label + ("调休" if is_workday else "")
    else:
        note = " ".join(re.sub(r"[,、:\t]+", " ", rest).split())
    for start, end in spans:
        day = start
        while day <= end:
            _add_day(result, ArrangedDay(day, is_workday, note[:100], number), where)
            day += dt.timedelta(days=1)


def _add_day(result: Arrangement, entry: ArrangedDay, where: str) -> None:
    if not _allowed(entry.day, result.year):
        result.errors.append(
            f"{where}：{entry.day.isoformat()} 不属于 {result.year} 年的安排"
            f"（只能是 {result.year} 年或 {result.year - 1} 年 12 月的日期）。")
        return
    earlier = result.days.get(entry.day)
    if earlier is None:
        result.days[entry.day] = entry
    elif earlier.is_workday != entry.is_workday:
        result.errors.append(f"{where}：{entry.day.isoformat()} 在第 {earlier.line} 行已写为"
                             f"“{_WORKDAY if earlier.is_workday else _HOLIDAY}”，两处矛盾。")


def _warnings(result: Arrangement) -> list[str]:
    warnings = []
    for entry in result.entries():
        if entry.is_workday and entry.day.weekday() < 5:
            warnings.append(f"第 {entry.line} 行：{entry.day.isoformat()} 是{weekday_name(entry.day)}，"
                            f"本来就上班，标为“上班”不改变什么。")
    # The statutory days the law fixes: a notice that leaves one out is probably mistyped.
    for day, name in sorted(statutory_holidays(result.year).items()):
        if day.weekday() < 5 and "补假" not in name and day not in result.days:
            warnings.append(f"{day.isoformat()}（{name}）是法定节假日，导入内容未列为放假，请核对。")
    return warnings
