import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from zhongshu.kernel import calendar
from zhongshu.kernel.calendar import CalendarYearUnknown, WorkCalendar
from zhongshu.kernel.models import CalendarOverride, CalendarYear

D = dt.date


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 2, 14), True),    # Saturday worked for the Spring Festival (调休)
    (D(2026, 2, 16), False),   # Spring Festival
    (D(2026, 2, 28), True),    # Saturday worked for the Spring Festival
    (D(2026, 9, 20), True),    # Sunday worked for National Day
    (D(2026, 10, 5), False),   # National Day holiday
    (D(2026, 10, 8), True),    # Thursday after the holiday
    (D(2026, 10, 10), True),   # Saturday worked for National Day
    (D(2026, 10, 11), False),  # ordinary Sunday
    (D(2025, 1, 26), True),    # Sunday worked for the 2025 Spring Festival
    (D(2025, 10, 8), False),   # 2025 National Day and Mid-Autumn
    (D(2025, 10, 11), True),   # Saturday worked in 2025
    (D(2025, 5, 5), False),    # 2025 Labour Day
])
def test_official_arrangements(day, expected):
    assert calendar.is_workday(day) is expected


def test_every_day_of_the_package_years_is_answered_as_the_package_answers():
    """The calendar reads the package's tables once instead of asking it day by day: the
    answers must stay the package's own, for every day it covers."""
    import chinese_calendar

    cal = WorkCalendar({}, calendar.package_years())
    day, last = D(calendar.package_years()[0], 1, 1), D(calendar.package_years()[-1], 12, 31)
    while day <= last:
        assert cal.is_workday(day) is chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


@pytest.mark.django_db
def test_add_and_between_cross_the_national_day_holiday():
    assert calendar.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert calendar.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert calendar.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert calendar.workdays_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
    assert calendar.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 8)


@pytest.mark.django_db
def test_between_inverts_add():
    cal = WorkCalendar.load()
    start = D(2025, 12, 20)
    for n in range(1, 60, 7):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


@pytest.mark.django_db
def test_unknown_year_is_refused_not_guessed():
    with pytest.raises(CalendarYearUnknown) as exc:
        calendar.is_workday(D(2027, 3, 1))
    assert "2027" in str(exc.value)
    with pytest.raises(CalendarYearUnknown):
        calendar.add_workdays(D(2026, 12, 30), 5)


@pytest.mark.django_db
def test_overrides_win_and_declared_year_becomes_known():
    CalendarOverride.objects.create(day=D(2026, 10, 9), is_workday=False, note="本地调整")
    assert calendar.is_workday(D(2026, 10, 9)) is False
    CalendarYear.objects.create(year=2027)
    CalendarOverride.objects.create(day=D(2027, 1, 1), is_workday=False, note="元旦")
    assert calendar.is_workday(D(2027, 1, 1)) is False
    assert calendar.is_workday(D(2027, 1, 4)) is True
    assert calendar.is_workday(D(2027, 1, 2)) is False


@pytest.mark.django_db
def test_cli_answers(capsys):
    call_command("calendar", "is-workday", "2026-10-10")
    call_command("calendar", "is-workday", "2026-10-05")
    call_command("calendar", "add", "2026-09-30", "1")
    call_command("calendar", "between", "2026-09-30", "2026-10-12")
    assert capsys.readouterr().out.split() == ["true", "false", "2026-10-08", "4"]


@pytest.mark.django_db
def test_cli_reports_unknown_year():
    with pytest.raises(CommandError, match="2030年的节假日安排尚未录入"):
        call_command("calendar", "is-workday", "2030-01-02")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("calendar", "is-workday", "2026/10/10")
