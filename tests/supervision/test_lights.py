"""Lights and reminders across the 2026 National Day holiday (fixed dates).

2026: Sep 20 (Sun) is a working day; Sep 25 (Fri, 中秋) and Oct 1–7 are holidays; Oct 10
(Sat) is a working day. Working days left = working days after today up to and
including the due date (``zhongshu calendar between``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from zhongshu.kernel.calendar import WorkCalendar
from zhongshu.supervision import services
from zhongshu.supervision.lights import LightRule, light
from zhongshu.supervision.models import LedgerRow
from zhongshu.workflow import chasing
from zhongshu.workflow.models import TaskReminder

from .conftest import open_matter

D = dt.date

CASES = [
    # (today, due, warn, expected)
    (D(2026, 9, 29), D(2026, 10, 9), 3, "yellow"),  # Sep 30, Oct 8, Oct 9: 3 left
    (D(2026, 9, 29), D(2026, 10, 10), 3, "green"),  # + Sat Oct 10 (调休 working day): 4
    (D(2026, 9, 30), D(2026, 10, 10), 3, "yellow"),  # Oct 8, 9, 10
    (D(2026, 9, 30), D(2026, 10, 12), 3, "green"),  # 4 left
    (D(2026, 9, 30), D(2026, 10, 12), 4, "yellow"),
    (D(2026, 10, 3), D(2026, 10, 8), 3, "yellow"),  # seen on a holiday: 1 left
    (D(2026, 10, 3), D(2026, 10, 13), 3, "green"),  # Oct 8, 9, 10, 12, 13: 5 left
    (D(2026, 9, 30), D(2026, 9, 30), 3, "yellow"),  # due today: 0 left
    (D(2026, 10, 1), D(2026, 9, 30), 3, "red"),  # overdue on the first holiday
    (D(2026, 10, 8), D(2026, 9, 30), 0, "red"),
    (D(2026, 9, 18), D(2026, 9, 23), 2, "green"),  # Sun Sep 20 works: 20, 21, 22, 23 = 4
    (D(2026, 9, 18), D(2026, 9, 21), 2, "yellow"),  # Sep 20, 21 = 2
    (D(2026, 9, 24), D(2026, 9, 29), 1, "green"),  # Sep 25 (中秋) is off: 28, 29 = 2
    (D(2026, 9, 24), D(2026, 9, 28), 1, "yellow"),  # 28 = 1
]


@pytest.mark.parametrize(("today", "due", "warn", "expected"), CASES)
def test_light_follows_working_days(db, today, due, warn, expected):
    assert light(due, today, warn) == expected


@pytest.mark.parametrize(("today", "due", "warn", "expected"), CASES)
def test_light_agrees_with_calendar_between(db, today, due, warn, expected):
    """The rule is "working days left ≤ N", with left counted as `calendar between`."""
    left = WorkCalendar.load().workdays_between(today, due)
    by_count = "red" if due < today else ("yellow" if left <= warn else "green")
    assert by_count == expected


def test_every_day_of_the_holiday_season_agrees_with_the_count(db):
    cal = WorkCalendar.load()
    for t in range(40):
        today = D(2026, 9, 15) + dt.timedelta(days=t)
        rule = LightRule.for_day(today, 3, cal)
        for d in range(-3, 25):
            due = today + dt.timedelta(days=d)
            left = cal.workdays_between(today, due)
            expected = "red" if due < today else ("yellow" if left <= 3 else "green")
            assert rule.of(due) == expected, (today, due)


def test_late_progress_report_turns_yellow(db):
    rule = LightRule.for_day(D(2026, 9, 29), 3)
    assert rule.of(D(2026, 11, 30), D(2026, 9, 28)) == "yellow"
    assert rule.of(D(2026, 11, 30), D(2026, 9, 29)) == "green"
    assert rule.of(D(2026, 9, 28), D(2026, 9, 28)) == "red"


def _cli(today: dt.date, due: dt.date, warn: int) -> str:
    out = io.StringIO()
    call_command("supervision", "light", "--due", due.isoformat(), "--today", today.isoformat(),
                 "--warn-days", str(warn), stdout=out)
    return out.getvalue().strip()


def test_cli_answers_as_the_worker_does(office):
    """One task per case; the worker's set-based recomputation gives each the light the
    CLI prints for the same dates."""
    for today, due, warn, expected in CASES:
        _, tasks = open_matter(office, title=f"事项{today}{due}", due_date=due, today=D(2026, 9, 1))
        services.lights_recompute(today=today, warn=warn)
        rows = LedgerRow.objects.filter(pk__in=[t.pk for t in tasks])
        assert {r.light for r in rows} == {expected}
        assert _cli(today, due, warn) == expected


def test_cli_via_zhongshu_command(db, capsys):
    from zhongshu.cli import main

    assert main(["supervision", "light", "--due", "2026-10-09", "--today", "2026-09-29"]) == 0
    assert capsys.readouterr().out.strip() == "yellow"
    main(["supervision", "light", "--due", "2026-10-10", "--today", "2026-09-29", "--warn-days", "3"])
    assert capsys.readouterr().out.strip() == "green"


def test_cli_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("supervision", "light", "--due", "2026-13-01", "--today", "2026-09-29")


def test_recompute_is_one_update_over_every_open_task(office, django_assert_max_num_queries):
    for i in range(5):
        open_matter(office, title=f"事项{i}", due_date=D(2026, 10, 9), today=D(2026, 9, 1))
    with django_assert_max_num_queries(3):
        n = services.lights_recompute(today=D(2026, 9, 29), warn=3)
    assert n == 10
    assert set(LedgerRow.objects.values_list("light", flat=True)) == {"yellow"}


# --- reminders as data, across the holiday ---------------------------------------------

def _sent(day: dt.date) -> set[tuple[str, str]]:
    chasing.chase_all(today=day)
    return {(r.task.title, r.recipient.full_name)
            for r in TaskReminder.objects.filter(day=day).select_related("task", "recipient")}


def test_liaison_reminded_three_working_days_before_due_across_the_holiday(office):
    open_matter(office, title="十月十日到期", due_date=D(2026, 10, 10), today=D(2026, 9, 1))
    open_matter(office, title="十月十二日到期", due_date=D(2026, 10, 12), today=D(2026, 9, 1))
    # On Sep 30, three working days ahead is Oct 10 (Oct 8, 9, 10): not Oct 3.
    sent = _sent(D(2026, 9, 30))
    assert ("十月十日到期", "东城区委联络员") in sent
    assert ("十月十日到期", "西城区委联络员") in sent
    assert not any(t == "十月十二日到期" for t, _ in sent)
    # Nobody is chased on a day off (the job may run every calendar day).
    assert chasing.chase_all(today=D(2026, 10, 7)).sent == 0
    sent = _sent(D(2026, 10, 8))  # Oct 9, 10, 12
    assert ("十月十二日到期", "东城区委联络员") in sent


def test_unit_head_when_overdue_and_leader_after_five_working_days(office):
    open_matter(office, title="九月三十日到期", due_date=D(2026, 9, 30), today=D(2026, 9, 1))
    # Overdue from Oct 1, but the first working day after the due date is Oct 8.
    sent = _sent(D(2026, 10, 8))
    assert ("九月三十日到期", "东城区委书记") in sent
    assert ("九月三十日到期", "杨分管") not in sent
    # Five overdue working days: Oct 8, 9, 10, 12, 13.
    assert ("九月三十日到期", "杨分管") not in _sent(D(2026, 10, 12))
    assert ("九月三十日到期", "杨分管") in _sent(D(2026, 10, 13))


def test_report_due_reminds_the_liaison(office):
    _, tasks = open_matter(office, title="报送进展", due_date=D(2026, 12, 31), today=D(2026, 9, 18),
                           report_every=5)
    # Five working days after Sep 18: Sep 20 (Sun, works), 21, 22, 23, 24.
    assert tasks[0].next_report_due == D(2026, 9, 24)
    assert not any(t == "报送进展" for t, _ in _sent(D(2026, 9, 23)))
    assert ("报送进展", "东城区委联络员") in _sent(D(2026, 9, 24))


def test_due_date_on_a_holiday_is_chased_once_before_and_once_after(office):
    """A date given by the office may fall on a holiday: three working days are left on
    Sep 24 (Sep 28, 29, 30; Sep 25 is 中秋); overdue on Oct 8."""
    open_matter(office, title="十月三日到期", due_date=D(2026, 10, 3), today=D(2026, 9, 1))
    assert not any(t == "十月三日到期" for t, _ in _sent(D(2026, 9, 23)))
    assert ("十月三日到期", "东城区委联络员") in _sent(D(2026, 9, 24))
    assert not any(t == "十月三日到期" for t, _ in _sent(D(2026, 9, 28)))
    assert ("十月三日到期", "东城区委书记") in _sent(D(2026, 10, 8))
    # Five overdue working days after Oct 3: Oct 8, 9, 10, 12, 13.
    assert ("十月三日到期", "杨分管") in _sent(D(2026, 10, 13))


def test_reminders_are_counted_on_the_task_and_sent_once_a_day(office):
    _, tasks = open_matter(office, title="十月十日到期", due_date=D(2026, 10, 10), today=D(2026, 9, 1))
    chasing.chase_all(today=D(2026, 9, 30))
    chasing.chase_all(today=D(2026, 9, 30))
    tasks[0].refresh_from_db()
    assert tasks[0].reminders == 2  # the unit's liaison officer and its head, once each
