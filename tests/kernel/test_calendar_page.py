import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.kernel.test_calendar_year_end import ARRANGEMENT_2027
from zhongshu.kernel import calendar
from zhongshu.kernel.models import CalendarOverride, CalendarRecompute, CalendarYear

PROVISIONAL_2027 = "2027年节假日安排未录入，暂按周一至周五及法定节假日计算（未含调休上班日），录入后自动重算"


@pytest.fixture
def today(monkeypatch):
    """Fix the date the pages take as today."""
    real = timezone.localdate

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda value=None, **kw: day if value is None else real(value, **kw))

    return set_today


def text(response) -> str:
    """The page's text, without tags, so assertions read what a person reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def answer(response) -> str:
    """The lookup's answer box."""
    found = re.search(r'<div class="notice" role="status" id="calendar-answer">(.*?)</div>',
                      response.content.decode(), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["kernel:calendar", "home"])
def test_the_admin_is_warned_from_the_first_of_november(admin_client, today, page):
    today(dt.date(2026, 10, 31))
    assert "2027 年的节假日和调休安排尚未录入" not in text(admin_client.get(reverse(page)))
    assert "2027年的节假日安排尚未录入" not in text(admin_client.get(reverse(page)))
    today(dt.date(2026, 11, 1))
    html = text(admin_client.get(reverse(page)))
    if page == "home":
        assert ("工作日历提醒 2027年的节假日安排尚未录入。涉及该年的期限暂按周一至周五及法定节假日计算"
                "（未含调休上班日），录入后自动重新计算。 去录入") in html
    else:
        assert ("2027 年的节假日和调休安排尚未录入。在录入之前，涉及该年的期限暂按周一至周五及法定节假日计算"
                "（未含调休上班日），并标为“暂定”；录入后自动重新计算。") in html
    assert reverse("kernel:calendar_import") in admin_client.get(reverse(page)).content.decode()
    CalendarYear.objects.create(year=2027)
    html = text(admin_client.get(reverse(page)))
    assert "2027年的节假日安排尚未录入" not in html and "2027 年的节假日和调休安排尚未录入" not in html


@pytest.mark.django_db
def test_only_the_calendar_manager_is_warned_on_the_home_page(client, staff, today):
    today(dt.date(2026, 12, 7))
    client.force_login(staff)
    html = text(client.get(reverse("home")))
    assert "普通职员乙" in html and "工作日历提醒" not in html


@pytest.mark.django_db
def test_lookup_answers_on_the_page(admin_client):
    found = answer(admin_client.get(reverse("kernel:calendar"), {"day": "2026-09-30", "n": 1}))
    assert found == "2026年9月30日：工作日 1 个工作日后：2026年10月8日 星期四"


@pytest.mark.django_db
def test_lookup_into_an_unknown_year_is_answered_provisionally(admin_client):
    response = admin_client.get(reverse("kernel:calendar"), {"day": "2026-12-28", "n": 30})
    assert response.status_code == 200
    assert answer(response) == "2026年12月28日：工作日 30 个工作日后：2027年2月15日 星期一 暂定 " + PROVISIONAL_2027
    found = answer(admin_client.get(reverse("kernel:calendar"), {"day": "2031-01-06"}))
    assert found.startswith("2031年1月6日：工作日 暂定 2031年节假日安排未录入")


@pytest.mark.django_db
def test_admin_enters_a_year_and_it_becomes_known(admin_client, django_capture_on_commit_callbacks):
    admin_client.post(reverse("kernel:calendar"), {"override": "1", "day": "2027-01-01",
                                                   "is_workday": "0", "note": "元旦"})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("kernel:calendar"),
                                     {"declare": "1", "year": 2027, "source": "国办发明电"}, follow=True)
    assert "已确认 2027 年安排录入完整。涉及该年、暂按推定计算的期限正在后台重新计算。" in text(response)
    assert CalendarOverride.objects.get(day=dt.date(2027, 1, 1)).is_workday is False
    assert CalendarYear.objects.filter(year=2027).exists()
    response = admin_client.get(reverse("kernel:calendar"), {"day": "2027-01-01", "n": 1})
    assert answer(response) == "2027年1月1日：休息日 1 个工作日后：2027年1月4日 星期一"
    html = text(response)
    assert re.search(r"2027 系统管理员甲 [\d-]+ [\d:]+ 已完成 更新 0 项期限", html)
    admin_client.post(reverse("kernel:calendar"), {"remove": "2027-01-01"})
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_bad_override_shows_message(admin_client):
    response = admin_client.post(reverse("kernel:calendar"), {"override": "1", "day": "明天",
                                                              "is_workday": "1"})
    assert "输入一个有效的日期" in response.content.decode()


@pytest.mark.django_db
def test_import_previews_then_applies(admin_client, today, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(calendar, "_hooks", {})
    recomputed = []
    calendar.on_year_known(recomputed.append, key="tests.recomputed")
    CalendarOverride.objects.create(day=dt.date(2027, 3, 8), is_workday=False, note="本地")
    today(dt.date(2026, 12, 7))
    form = admin_client.get(reverse("kernel:calendar_import"))
    assert 'name="year" value="2027"' in form.content.decode()
    data = {"year": "2027", "source": "国办发明电", "text": ARRANGEMENT_2027}

    preview = admin_client.post(reverse("kernel:calendar_import"), {**data, "preview": "1"})
    html = text(preview)
    assert "预览：2027 年，放假 29 天，调休上班 6 天" in html and "确认导入 2027 年安排" in html
    assert "2027-02-14 星期日 上班 春节调休 休息日 新增 2" in html
    assert "2027-02-05 星期五 放假 春节 工作日 新增 2" in html
    assert "以下 2027 年已有调整本次未列出，将保留： 2027-03-08（放假）" in html
    assert not CalendarYear.objects.exists() and CalendarOverride.objects.count() == 1

    # The confirm form re-posts the text exactly; the server reads it again.
    hidden = re.search(r'<textarea name="text" hidden aria-hidden="true">\n(.*?)</textarea>',
                       preview.content.decode(), re.S).group(1)
    assert hidden.replace("&amp;", "&") == ARRANGEMENT_2027.strip()
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(reverse("kernel:calendar_import"),
                                 {**data, "text": hidden, "replace": "False", "apply": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("kernel:calendar")
    assert ("已导入 2027 年安排：新增 35 天，修改 0 天，删除 0 天。该年已确认录入完整，"
            "涉及该年、暂按推定计算的期限正在后台重新计算。") in text(done)
    assert CalendarOverride.objects.count() == 36 and CalendarYear.objects.get().source == "国办发明电"
    assert recomputed == [2027]
    assert CalendarRecompute.objects.get().status == "done"
    found = answer(admin_client.get(reverse("kernel:calendar"), {"day": "2026-12-28", "n": 30}))
    assert found == "2026年12月28日：工作日 30 个工作日后：2027年2月16日 星期二"


@pytest.mark.django_db
def test_import_errors_are_shown_and_nothing_is_written(admin_client):
    response = admin_client.post(reverse("kernel:calendar_import"), {
        "year": "2027", "text": "2027-01-01 放假\n2月14日（星期六） 上班\n2027-02-30 放假", "apply": "1"})
    html = text(response)
    assert "第 2 行：2027-02-14 是星期日，不是星期六。" in html
    assert "第 3 行：没有这一天：“2027-02-30”。" in html
    assert "确认导入 2027 年安排" not in html and "预览：" not in html
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()
    response = admin_client.post(reverse("kernel:calendar_import"), {"year": "99999", "text": "x", "preview": "1"})
    assert response.status_code == 200 and "确保该值小于或等于2100" in text(response)


@pytest.mark.django_db
def test_recompute_button(admin_client, django_capture_on_commit_callbacks):
    response = admin_client.post(reverse("kernel:calendar"), {"recompute": "1", "year": "2027"})
    assert "2027年的节假日安排尚未录入，无法重算期限。" in text(response)
    assert not CalendarRecompute.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("kernel:calendar"), {"recompute": "1", "year": "2026"}, follow=True)
    assert "已开始在后台重新计算 2026 年的期限。" in text(response)
    assert CalendarRecompute.objects.get().status == "done"


@pytest.mark.django_db
def test_only_the_calendar_manager_reaches_the_calendar_pages(client, staff):
    client.force_login(staff)
    for name in ["kernel:calendar", "kernel:calendar_import"]:
        assert client.get(reverse(name)).status_code == 403
    response = client.post(reverse("kernel:calendar_import"),
                           {"year": "2027", "text": "2027-01-01 放假", "apply": "1"})
    assert response.status_code == 403 and not CalendarOverride.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "message"), [
    ({"day": "9999-12-30", "n": 5}, "日期应在 2000 年至 2100 年之间。"),
    ({"day": "2026-12-28", "n": 99999}, "确保该值小于或等于3650"),
    ({"day": "明天"}, "输入一个有效的日期"),
])
def test_a_lookup_out_of_range_is_a_message(admin_client, query, message):
    response = admin_client.get(reverse("kernel:calendar"), query)
    assert response.status_code == 200 and message in text(response)
    assert 'id="calendar-answer"' not in response.content.decode()
