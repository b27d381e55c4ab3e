"""收文统计: 办结率 and 超期率 by 承办单位 for a period, on a fixed dataset."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.documents.incoming.helpers import register, to_assigning
from zhongshu.documents.incoming import services
from zhongshu.documents.incoming.models import IncomingDocument
from zhongshu.documents.incoming.stats import incoming_stats

TZ = timezone.get_current_timezone()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def dataset(org):
    """In March 2026: 督查处 is given four (two closed in time, one closed late, one open
    and late), 测试区委 two (one closed in time, one open and not yet due); one more came
    in but was never given to a unit; one of 督查处's came in April (outside the period)."""
    def handled(unit, came, deadline, closed=None, title="来文"):
        doc = to_assigning(org, title=title)
        doc = services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=unit, workdays=5)
        if closed is not None:
            holder = org.handler if unit == org.dept else org.sub_head
            services.incoming_complete(actor=holder, incoming=doc, summary="已办结。")
        IncomingDocument.objects.filter(pk=doc.pk).update(
            created_at=at(came), deadline=deadline, completed_at=at(closed, 23) if closed else None)
        return doc

    march = dt.date(2026, 3, 1)
    handled(org.dept, march, dt.date(2026, 3, 10), closed=dt.date(2026, 3, 9))
    handled(org.dept, march, dt.date(2026, 3, 10), closed=dt.date(2026, 3, 10))  # on the day: in time
    handled(org.dept, march, dt.date(2026, 3, 10), closed=dt.date(2026, 3, 11))  # late
    handled(org.dept, dt.date(2026, 3, 31), dt.date(2026, 4, 10))  # open, late by 5 May
    handled(org.sub, march, dt.date(2026, 3, 20), closed=dt.date(2026, 3, 18))
    handled(org.sub, march, dt.date(2026, 6, 30))  # open, not yet due
    handled(org.dept, dt.date(2026, 4, 2), dt.date(2026, 4, 10))  # outside the period
    unassigned = register(org, title="仅登记")
    IncomingDocument.objects.filter(pk=unassigned.pk).update(created_at=at(dt.date(2026, 3, 5)))


def test_rates_by_handling_unit_for_a_period(org):
    dataset(org)
    data = incoming_stats(org.secretary, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
                          today=dt.date(2026, 5, 5))
    assert data.received == 7
    rows = {r.unit: (r.total, r.completed, r.overdue, r.completion_rate, r.overdue_rate) for r in data.rows}
    assert rows == {"督查处": (4, 3, 2, 75.0, 50.0), "测试区委": (2, 1, 0, 50.0, 0.0)}
    assert [r.unit for r in data.rows] == ["督查处", "测试区委"]  # most documents first
    assert (data.total.total, data.total.completed, data.total.overdue) == (6, 4, 2)
    assert (data.total.completion_rate, data.total.overdue_rate) == (66.7, 33.3)


def test_the_stats_page_beside_the_outgoing_stats(org, client):
    dataset(org)
    client.force_login(org.secretary)
    r = client.get(reverse("incoming:stats"), {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    html = r.content.decode()
    assert r.status_code == 200 and "收文统计" in html
    assert "2026-03-01 至 2026-03-31 共收文 7 件" in html and "交办承办单位 6 件" in html
    table = html[html.index('id="incoming-stats"'):]
    row = table[table.index("<td>督查处</td>"):]
    row = row[:row.index("</tr>")]
    assert ">4<" in row and ">3<" in row and "75.0%" in row
    assert "66.7%" in table and "合计" in table
    # Linked from the 办文 tabs, beside 发文统计.
    tabs = html[html.index('class="tabs"'):]
    assert tabs.index("发文统计") < tabs.index("收文统计")
    assert 'aria-current="page">收文统计' in html.replace("\n", "")
    # …and from the 收文登记簿.
    assert reverse("incoming:stats") in client.get(reverse("incoming:register")).content.decode()


def test_a_bad_period_is_refused_in_chinese(org, client):
    client.force_login(org.secretary)
    for params, message in ((dict(date_from="2026-13-01"), "日期“2026-13-01”无效"),
                            (dict(date_from="2026-05-01", date_to="2026-03-01"), "起始日期不能晚于截止日期"),
                            (dict(date_from="1900-01-01", date_to="2026-03-01"), "统计期间不能超过十年")):
        r = client.get(reverse("incoming:stats"), params)
        assert r.status_code == 200 and message in r.content.decode()


def test_stats_count_only_what_the_viewer_may_see(org, client):
    dataset(org)
    secret = to_assigning(org, actor=org.clerk, title="机密来文", classification=3, secrecy_years=10)
    services.incoming_assign(actor=org.clerk, incoming=secret, handling_unit=org.dept, workdays=5)
    IncomingDocument.objects.filter(pk=secret.pk).update(created_at=at(dt.date(2026, 3, 3)))
    period = dict(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), today=dt.date(2026, 5, 5))
    assert incoming_stats(org.secretary, **period).total.total == 6
    assert incoming_stats(org.clerk, **period).total.total == 7
    # People without the register have no statistics page.
    client.force_login(org.handler)
    assert client.get(reverse("incoming:stats")).status_code == 403
