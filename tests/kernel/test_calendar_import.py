"""Reading a year's arrangement (导入全年安排) and applying it in one transaction."""

import datetime as dt

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhongshu.audit.models import AuditEvent
from zhongshu.kernel import services as kernel
from zhongshu.kernel.calendar_import import parse_arrangement
from zhongshu.kernel.models import CalendarOverride, CalendarRecompute, CalendarYear

D = dt.date

# The State Council's notice on the 2026 holidays, pasted as published (the main part).
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置。
"""


def test_the_2026_notice_as_published_gives_the_packages_2026_calendar():
    arrangement = parse_arrangement(NOTICE_2026, 2026)
    assert arrangement.errors == []
    assert (arrangement.holidays, arrangement.workdays) == (33, 6)
    day = D(2026, 1, 1)
    while day.year == 2026:
        entry = arrangement.days.get(day)
        ours = entry.is_workday if entry else day.weekday() < 5
        assert ours == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert arrangement.days[D(2026, 2, 15)].note == "春节"
    assert arrangement.days[D(2026, 2, 14)].note == "春节调休"
    assert arrangement.days[D(2026, 2, 14)].line == 5


def test_simple_lines_and_spreadsheet_rows():
    text = "\n".join([
        "# 2027 年（示例）",
        "元旦 2027-01-01 放假",
        "2027/2/5 ~ 2027/2/11\t放假\t春节",
        "2027年2月14日、2027年2月20日 上班 春节调休",
        "清明节,2027.4.5,放假",
        "５月１日至５日 放假 劳动节",  # full-width digits
        "2026-12-31 放假 跨年",
    ])
    arrangement = parse_arrangement(text, 2027)
    assert arrangement.errors == []
    got = [(e.day, e.is_workday, e.note) for e in arrangement.entries()]
    assert got[:2] == [(D(2026, 12, 31), False, "跨年"), (D(2027, 1, 1), False, "元旦")]
    assert (D(2027, 2, 5), False, "春节") in got and (D(2027, 2, 11), False, "春节") in got
    assert (D(2027, 2, 14), True, "春节调休") in got and (D(2027, 2, 20), True, "春节调休") in got
    assert (D(2027, 4, 5), False, "清明节") in got
    assert [d for d, w, n in got if n == "劳动节"] == [D(2027, 5, d) for d in range(1, 6)]
    assert arrangement.holidays == 1 + 1 + 7 + 1 + 5 and arrangement.workdays == 2


@pytest.mark.parametrize(("line", "message"), [
    ("2027-02-30 放假", "第 1 行：没有这一天：“2027-02-30”。"),
    ("2月14日（星期六） 上班", "第 1 行：2027-02-14 是星期日，不是星期六。"),
    ("13日 放假", "第 1 行：“13日”前缺少月份。"),
    ("2028-01-01 放假", "第 1 行：2028-01-01 不属于 2027 年的安排（只能是 2027 年或 2026 年 12 月的日期）。"),
    ("2026-11-30 上班", "第 1 行：2026-11-30 不属于 2027 年的安排"),
    ("2027-01-01 放假 2027-01-04 上班", "第 1 行：同一句不能既写“放假”又写“上班”，请分开写。"),
    ("2027-01-05 补班", "第 1 行：有日期，但没有写明“放假”或“上班”。"),
    ("2027-01-05至2027-01-02 放假", "第 1 行：区间的结束日期 2027-01-02 早于开始日期 2027-01-05。"),
    ("2027-01-01至2027-03-01 放假", "第 1 行：区间 2027-01-01 至 2027-03-01 超过 31 天，请核对。"),
    ("至2027-01-05 放假", "第 1 行：区间缺少开始日期。"),
    ("2027-01-05至 放假", "第 1 行：区间缺少结束日期。"),
    ("", "没有读到任何安排"),
    ("国务院办公厅关于2027年部分节假日安排的通知", "没有读到任何安排"),
])
def test_bad_lines_are_named_with_their_line_and_reason(line, message):
    errors = parse_arrangement(line, 2027).errors
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_contradictions_are_errors_and_repeats_are_not():
    arrangement = parse_arrangement("2027-01-04 上班\n2027-01-01至2027-01-04 放假\n2027-01-04 上班", 2027)
    assert arrangement.errors == ["第 2 行：2027-01-04 在第 1 行已写为“上班”，两处矛盾。"]
    assert parse_arrangement("2027-01-01 放假\n2027-01-01至2027-01-03 放假", 2027).errors == []


def test_too_many_lines_are_refused():
    assert parse_arrangement("2027-01-01 放假\n" * 301, 2027).errors == ["最多 300 行，现有 301 行。"]


def test_warnings_name_likely_mistakes_without_stopping_the_import():
    arrangement = parse_arrangement("2027-01-01 放假\n2027-01-06 上班\n元旦 放假", 2027)
    assert arrangement.errors == []
    warnings = arrangement.warnings
    assert "第 3 行：“元旦 放假”没有日期，已忽略。" in warnings
    assert "第 2 行：2027-01-06 是星期三，本来就上班，标为“上班”不改变什么。" in warnings
    # Statutory days the package knows that the text leaves out, weekdays only.
    assert "2027-02-05（农历除夕）是法定节假日，导入内容未列为放假，请核对。" in warnings
    assert "2027-06-09（端午节）是法定节假日，导入内容未列为放假，请核对。" in warnings
    assert not any("2027-02-06" in w for w in warnings)  # a Saturday
    assert not any("补假" in w for w in warnings)


@pytest.mark.django_db
def test_import_applies_in_one_audited_transaction(sysadmin, django_capture_on_commit_callbacks):
    CalendarOverride.objects.create(day=D(2027, 1, 1), is_workday=True, note="录错")
    CalendarOverride.objects.create(day=D(2027, 3, 8), is_workday=False, note="本地")
    arrangement = parse_arrangement("2027-01-01至2027-01-03 放假 元旦\n2027-02-14 上班 春节调休", 2027)
    with django_capture_on_commit_callbacks(execute=True):
        result = kernel.calendar_year_import(actor=sysadmin, arrangement=arrangement,
                                             source="国办发明电", replace=False)
    assert (result.added, result.changed, result.unchanged, result.removed) == (3, 1, 0, 0)
    assert CalendarOverride.objects.get(day=D(2027, 1, 1)).is_workday is False
    assert CalendarOverride.objects.filter(day=D(2027, 3, 8)).exists()  # kept
    assert CalendarYear.objects.filter(year=2027).exists()
    event = AuditEvent.objects.filter(action="kernel.calendar.year_import").get()
    assert event.actor == sysadmin and event.details["year"] == 2027
    assert event.details["days"][0] == ["2027-01-01", False, "元旦"]
    assert CalendarRecompute.objects.filter(year=2027).count() == 1

    # Again, replacing: the day not listed goes; the same days are unchanged.
    with django_capture_on_commit_callbacks(execute=True):
        result = kernel.calendar_year_import(actor=sysadmin, arrangement=arrangement, replace=True)
    assert (result.added, result.changed, result.unchanged, result.removed) == (0, 0, 4, 1)
    assert not result.newly_known
    assert not CalendarOverride.objects.filter(day=D(2027, 3, 8)).exists()
    assert AuditEvent.objects.filter(action="kernel.calendar.year_import").order_by("seq").last().details["removed"] == ["2027-03-08"]
    assert CalendarYear.objects.get(year=2027).source == "国办发明电"  # kept when none given


@pytest.mark.django_db
def test_a_failure_leaves_nothing_half_written(sysadmin, monkeypatch):
    from zhongshu.kernel import services

    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        kernel.calendar_year_import(actor=sysadmin, arrangement=parse_arrangement("2027-01-01 放假", 2027))
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()
    assert not CalendarRecompute.objects.exists()


@pytest.mark.django_db
def test_import_refuses_a_bad_arrangement_and_a_person_without_the_role(sysadmin, staff):
    with pytest.raises(ValidationError):
        kernel.calendar_year_import(actor=sysadmin, arrangement=parse_arrangement("2027-02-30 放假", 2027))
    with pytest.raises(PermissionDenied):
        kernel.calendar_year_import(actor=staff, arrangement=parse_arrangement("2027-01-01 放假", 2027))
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_recompute_request_needs_a_known_year(sysadmin):
    with pytest.raises(ValidationError, match="2027年的节假日安排尚未录入"):
        kernel.calendar_recompute_request(actor=sysadmin, year=2027)
    job = kernel.calendar_recompute_request(actor=sysadmin, year=2026)
    assert job.year == 2026
    assert AuditEvent.objects.filter(action="kernel.calendar.recompute").get().details == {"year": 2026}


def test_the_module_docstring_example_parses():
    from zhongshu.kernel import calendar_import

    doc = calendar_import.__doc__
    example = "\n".join(line.strip() for line in doc.split("\n\n")[2].splitlines())
    arrangement = parse_arrangement(example, 2027)
    assert arrangement.errors == [] and arrangement.holidays == 9 and arrangement.workdays == 2
