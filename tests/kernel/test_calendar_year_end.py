"""Year end: deadlines into a year without data are provisional, never refused, and are
recomputed by the apps' hooks when the year is entered (issue 10, item 4)."""

import datetime as dt

import holidays
import pytest
from django.core.management import CommandError, call_command

from zhongshu.kernel import calendar
from zhongshu.kernel import services as kernel
from zhongshu.kernel.calendar import CalendarYearUnknown, Due, WorkCalendar
from zhongshu.kernel.calendar_import import parse_arrangement
from zhongshu.kernel.calendar_tasks import recompute_year, schedule_recompute
from zhongshu.kernel.models import (
    CalendarOverride,
    CalendarRecompute,
    CalendarYear,
    RecomputeStatus,
)

D = dt.date
TODAY = D(2026, 12, 28)  # a Monday in the last week of 2026; 2027 not entered

# A 2027 arrangement for the tests. Invented, in the State Council's form: it differs
# from the provisional guess on purpose (a 调休 Sunday worked, a longer Spring Festival).
ARRANGEMENT_2027 = """\
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（周六）放假调休，共9天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


class DeadlineStore:
    """What an app does with deadlines: store them from ``due_date``, and register a
    hook that recomputes the provisional ones when their year becomes known."""

    def __init__(self):
        self.items: dict[str, tuple[dt.date, int, Due]] = {}
        self.calls: list[int] = []

    def add(self, key, start, workdays):
        self.items[key] = (start, workdays, calendar.due_date(start, workdays))

    def recompute(self, year: int) -> int:
        self.calls.append(year)
        changed = 0
        for key, (start, workdays, due) in self.items.items():
            if due.provisional and year in due.years:
                new = calendar.due_date(start, workdays)
                changed += new != due
                self.items[key] = (start, workdays, new)
        return changed


@pytest.fixture
def store(monkeypatch):
    """A fake app's deadlines, its hook the only one registered."""
    monkeypatch.setattr(calendar, "_hooks", {})
    deadlines = DeadlineStore()
    calendar.on_year_known(deadlines.recompute, key="tests.deadlines")
    return deadlines


def test_the_pinned_holidays_package_knows_china_2027():
    cn = holidays.China(years=2027, language="zh_CN")
    listing = sorted(cn.items())
    print(f"holidays {holidays.__version__}, China 2027:")
    for day, name in listing:
        print(f"  {day.isoformat()} {day:%a} {name}")
    days = dict(listing)
    assert days[D(2027, 1, 1)] == "元旦"
    assert days[D(2027, 2, 5)] == "农历除夕"
    assert {D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)} <= days.keys()
    assert "补假" in days[D(2027, 2, 9)]  # 春节 falls on a weekend: the law's 补假
    assert days[D(2027, 6, 9)] == "端午节" and days[D(2027, 9, 15)] == "中秋节"
    assert {D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)} <= days.keys()
    assert len(listing) >= 13


@pytest.mark.django_db
def test_thirty_working_days_on_2026_12_28_are_provisional_and_skip_the_2027_holidays():
    due = calendar.due_date(TODAY, 30)
    # 29-31 Dec (3), January without 1 Jan (20 → 23), 1-4 Feb (27), 5-10 Feb are
    # 除夕, 春节 and its 补假, then 11, 12, 15 Feb.
    assert due == Due(date=D(2027, 2, 15), provisional=True, years=frozenset({2027}))
    assert due.note == "2027年节假日安排未录入，暂按周一至周五及法定节假日计算（未含调休上班日），录入后自动重算"
    # Monday to Friday alone would say 8 February: the package's holidays were skipped.
    plain, day = 0, TODAY
    while plain < 30:
        day += dt.timedelta(days=1)
        plain += day.weekday() < 5 and (day.year > 2026 or calendar.is_workday(day))
    assert day == D(2027, 2, 8)
    for holiday in [D(2027, 1, 1), D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)]:
        status = calendar.day_status(holiday)
        assert status.is_workday is False and status.provisional and status.years == {2027}
    assert calendar.day_status(D(2027, 2, 11)).is_workday is True
    count = calendar.workday_count(TODAY, due.date)
    assert (count.days, count.provisional, count.years) == (30, True, frozenset({2027}))
    assert calendar.workday_count(due.date, TODAY).days == -30


@pytest.mark.django_db
def test_an_answer_within_known_years_is_exact():
    due = calendar.due_date(D(2026, 9, 30), 1)
    assert due == Due(date=D(2026, 10, 8), provisional=False, years=frozenset())
    assert due.note == ""
    assert calendar.day_status(D(2026, 10, 10)).is_workday is True  # 调休 Saturday, known
    assert calendar.workday_count(D(2026, 9, 30), D(2026, 10, 12)).provisional is False


@pytest.mark.django_db
def test_the_strict_functions_still_refuse_an_unknown_year():
    with pytest.raises(CalendarYearUnknown, match="2027年的节假日安排尚未录入"):
        calendar.add_workdays(TODAY, 30)
    with pytest.raises(CalendarYearUnknown):
        calendar.workdays_between(TODAY, D(2027, 1, 5))
    with pytest.raises(CalendarYearUnknown):
        WorkCalendar.load().is_workday(D(2027, 1, 4))


@pytest.mark.django_db
def test_a_provisional_walk_over_two_unknown_years_names_both():
    due = calendar.due_date(D(2027, 12, 20), 20)
    assert due.provisional and due.years == {2027, 2028}
    assert due.note.startswith("2027、2028年节假日安排未录入")


@pytest.mark.django_db
def test_the_offices_overrides_count_before_the_year_is_complete():
    CalendarOverride.objects.create(day=D(2027, 1, 4), is_workday=False, note="本地放假")
    status = calendar.day_status(D(2027, 1, 4))
    assert status.is_workday is False and not status.provisional
    assert calendar.due_date(D(2026, 12, 31), 1).date == D(2027, 1, 5)


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "expected"), [
    (D(2026, 10, 31), []),
    (D(2026, 11, 1), [2027]),
    (D(2026, 12, 28), [2027]),
])
def test_next_year_is_missing_from_the_first_of_november(today, expected):
    assert calendar.missing_years(today) == expected


@pytest.mark.django_db
def test_declaring_2027_makes_the_deadline_exact_and_runs_the_hooks(
        store, sysadmin, django_capture_on_commit_callbacks):
    store.add("交办", TODAY, 30)
    store.add("within 2026", D(2026, 12, 1), 3)
    assert store.items["交办"][2].date == D(2027, 2, 15) and store.items["交办"][2].provisional
    arrangement = parse_arrangement(ARRANGEMENT_2027, 2027)
    for entry in arrangement.entries():
        CalendarOverride.objects.create(day=entry.day, is_workday=entry.is_workday, note=entry.note)
    assert store.calls == []  # overrides alone do not make a year known
    with django_capture_on_commit_callbacks(execute=True):
        kernel.calendar_year_declare(actor=sysadmin, year=2027, source="国办发明电〔2026〕X号")
    assert store.calls == [2027]
    due = store.items["交办"][2]
    # 2月5日-13日 off, 14 Feb (a Sunday) worked: the 30th working day is 16 February.
    assert due == Due(date=D(2027, 2, 16), provisional=False, years=frozenset())
    assert store.items["within 2026"][2].date == D(2026, 12, 4)
    run = CalendarRecompute.objects.get()
    assert (run.year, run.status, run.results, run.changed) == (2027, RecomputeStatus.DONE,
                                                               {"tests.deadlines": 1}, 1)
    assert run.requested_by == sysadmin and run.finished_at is not None
    assert calendar.missing_years(D(2026, 12, 28)) == []
    # Declaring again changes nothing and runs nothing.
    with django_capture_on_commit_callbacks(execute=True):
        kernel.calendar_year_declare(actor=sysadmin, year=2027)
    assert store.calls == [2027] and CalendarRecompute.objects.count() == 1


@pytest.mark.django_db
def test_importing_2027_makes_the_deadline_exact_and_runs_the_hooks(
        store, sysadmin, django_capture_on_commit_callbacks):
    store.add("交办", TODAY, 30)
    with django_capture_on_commit_callbacks(execute=True):
        result = kernel.calendar_year_import(
            actor=sysadmin, arrangement=parse_arrangement(ARRANGEMENT_2027, 2027), source="国办发明电")
    assert result.newly_known and result.added == 35
    assert store.calls == [2027]
    assert store.items["交办"][2] == Due(date=D(2027, 2, 16), provisional=False, years=frozenset())
    assert CalendarYear.objects.get(year=2027).source == "国办发明电"


@pytest.mark.django_db
def test_the_hooks_run_after_the_commit_and_see_the_new_year(store, sysadmin,
                                                            django_capture_on_commit_callbacks):
    seen = []
    calendar.on_year_known(lambda year: seen.append(calendar.is_known_year(year)), key="tests.seen")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kernel.calendar_year_declare(actor=sysadmin, year=2027)
    assert store.calls == [] and seen == []  # nothing ran inside the transaction
    for callback in callbacks:
        callback()
    assert store.calls == [2027] and seen == [True]


@pytest.mark.django_db
def test_a_run_is_idempotent_and_a_failing_hook_spares_the_others(store, sysadmin):
    CalendarYear.objects.create(year=2027)

    def broken(year):
        CalendarOverride.objects.create(day=D(2027, 3, 1), is_workday=False)
        raise RuntimeError("boom")

    calendar.on_year_known(broken, key="tests.broken")
    job = schedule_recompute(2027, requested_by=sysadmin)
    recompute_year.call(job.pk)
    recompute_year.call(job.pk)  # a duplicate delivery claims nothing
    job.refresh_from_db()
    assert store.calls == [2027]
    assert job.status == RecomputeStatus.FAILED
    assert job.results == {"tests.deadlines": 0, "tests.broken": "失败"}
    assert "1 项重算失败（tests.broken）" in job.error
    # The failing hook's own writes were rolled back with it.
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_a_waiting_run_is_reused(store):
    first = schedule_recompute(2027)
    assert schedule_recompute(2027) == first
    assert schedule_recompute(2028) != first


def test_registering_again_replaces_and_works_as_a_decorator(monkeypatch):
    monkeypatch.setattr(calendar, "_hooks", {})

    @calendar.on_year_known
    def recompute(year):
        return 0

    calendar.on_year_known(recompute)
    assert list(calendar.year_known_hooks()) == [f"{__name__}.{recompute.__qualname__}"]


@pytest.mark.django_db
def test_cli_answers_provisionally_only_when_asked(capsys):
    call_command("calendar", "add", "2026-12-28", "30", "--provisional")
    out, err = capsys.readouterr()
    assert out.strip() == "2027-02-15"
    assert err.strip() == ("暂定结果：2027年节假日安排未录入，暂按周一至周五及法定节假日计算"
                           "（未含调休上班日），录入后自动重算。")
    call_command("calendar", "is-workday", "2027-02-09", "--provisional")
    call_command("calendar", "between", "2026-12-28", "2027-02-15", "--provisional")
    assert capsys.readouterr().out.split() == ["false", "30"]
    call_command("calendar", "add", "2026-09-30", "1", "--provisional")
    out, err = capsys.readouterr()
    assert out.strip() == "2026-10-08" and err == ""


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["add", "9999-12-30", "3", "--provisional"], "日期应在 2000 年至 2100 年之间：9999-12-30"),
    (["is-workday", "1999-12-31", "--provisional"], "日期应在 2000 年至 2100 年之间"),
    (["add", "2026-01-01", "99999"], "工作日数应在 -3650 到 3650 之间：99999"),
])
def test_cli_refuses_dates_out_of_range(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("calendar", *args)
