"""Year end in the browser: the administrator is warned, imports next year's arrangement
from the State Council's notice, and provisional deadlines become exact."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from tests.kernel.test_calendar_year_end import ARRANGEMENT_2027
from zhongshu.kernel import calendar
from zhongshu.kernel.models import CalendarRecompute

pytestmark = pytest.mark.browser


def test_the_administrator_imports_2027_and_deadlines_become_exact(demo_site, page, monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda value=None, **kw: dt.date(2026, 12, 7) if value is None else real(value, **kw))
    monkeypatch.setattr(calendar, "_hooks", {})
    recomputed: list[int] = []
    calendar.on_year_known(recomputed.append, key="tests.browser")

    page.goto(demo_site + "/accounts/login/")
    page.get_by_label("账号").fill("sysadmin")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(demo_site + "/")
    warning = page.get_by_role("alert").filter(has_text="工作日历提醒")
    assert "2027年的节假日安排尚未录入" in warning.inner_text()
    warning.get_by_role("link", name="去录入").click()

    page.get_by_label("年份").fill("2027")  # offered already; typed as a person would check it
    page.get_by_label("依据").fill("国务院办公厅关于2027年部分节假日安排的通知")
    page.get_by_label("放假和调休安排").fill(ARRANGEMENT_2027)
    page.get_by_role("button", name="预览").click()
    preview = page.locator("#import-preview")
    preview.get_by_text("预览：2027 年，放假 29 天，调休上班 6 天").wait_for()
    row = preview.get_by_role("row").filter(has_text="2027-02-14")
    assert row.inner_text().split("\t")[:4] == ["2027-02-14", "星期日", "上班", "春节调休"]
    page.get_by_role("button", name="确认导入 2027 年安排").click()
    page.get_by_text("已导入 2027 年安排：新增 35 天").wait_for()

    page.get_by_label("起始日期").fill("2026-12-28")
    page.get_by_label("工作日数").fill("30")
    page.get_by_role("button", name="查询", exact=True).click()
    answer = page.locator("#calendar-answer")
    answer.wait_for()
    assert "30 个工作日后：2027年2月16日" in answer.inner_text() and "暂定" not in answer.inner_text()
    assert recomputed == [2027]
    assert CalendarRecompute.objects.get().status == "done"
    assert page.locator("#recompute-runs").get_by_text("已完成").is_visible()

    page.goto(demo_site + "/")
    assert page.get_by_text("工作日历提醒").count() == 0
