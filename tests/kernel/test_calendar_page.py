import datetime as dt

import pytest
from django.urls import reverse

from zhongshu.kernel.models import CalendarOverride, CalendarYear


@pytest.mark.django_db
def test_admin_is_told_which_years_are_missing(admin_client, monkeypatch):
    from zhongshu.kernel import views

    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(2026, 11, 22))
    html = admin_client.get(reverse("kernel:calendar")).content.decode()
    assert "2027 年的节假日和调休安排尚未录入" in html


@pytest.mark.django_db
def test_home_warns_the_admin_about_a_missing_year(admin_client, monkeypatch):
    from zhongshu.dashboard import views

    monkeypatch.setattr(views.timezone, "localdate", lambda: dt.date(2026, 12, 1))
    assert "2027年的节假日安排尚未录入" in admin_client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_lookup_answers_on_the_page(admin_client):
    html = admin_client.get(reverse("kernel:calendar"), {"day": "2026-09-30", "n": 1}).content.decode()
    assert "2026年9月30日：工作日" in html and "1 个工作日后：2026年10月8日" in html
    html = admin_client.get(reverse("kernel:calendar"), {"day": "2031-01-06"}).content.decode()
    assert "2031年的节假日安排尚未录入" in html


@pytest.mark.django_db
def test_admin_enters_a_year_and_it_becomes_known(admin_client):
    admin_client.post(reverse("kernel:calendar"), {"override": "1", "day": "2027-01-01",
                                                   "is_workday": "0", "note": "元旦"})
    admin_client.post(reverse("kernel:calendar"), {"declare": "1", "year": 2027, "source": "国办发明电"})
    assert CalendarOverride.objects.get(day=dt.date(2027, 1, 1)).is_workday is False
    assert CalendarYear.objects.filter(year=2027).exists()
    html = admin_client.get(reverse("kernel:calendar"), {"day": "2027-01-01", "n": 1}).content.decode()
    assert "2027年1月1日：休息日" in html and "2027年1月4日" in html
    admin_client.post(reverse("kernel:calendar"), {"remove": "2027-01-01"})
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_bad_override_shows_message(admin_client):
    response = admin_client.post(reverse("kernel:calendar"), {"override": "1", "day": "明天",
                                                              "is_workday": "1"})
    assert "输入一个有效的日期" in response.content.decode()
