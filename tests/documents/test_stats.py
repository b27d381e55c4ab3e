"""办文 statistics: the slowest open items (发文 and 收文 together, by working days
waited on the kernel calendar), stage and unit averages computed in SQL, and the page."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.documents.conftest import notice_spec
from tests.documents.helpers import agree_until
from tests.documents.incoming import helpers as incoming_helpers
from tests.documents.incoming.conftest import build_org
from zhongshu.access.models import Grant
from zhongshu.documents import services, stats
from zhongshu.documents.incoming.models import IncomingDocument
from zhongshu.documents.incoming.selectors import tasks_of
from zhongshu.documents.models import OutgoingDocument
from zhongshu.documents.selectors import documents_visible
from zhongshu.workflow.models import Step, StepStatus, TaskStatus

SH = ZoneInfo("Asia/Shanghai")
# Tuesday 13 October 2026. National Day ran from Thursday 1 to Wednesday 7 October and
# Saturday 10 October was a working day (调休), so the span below mixes both.
NOW = dt.datetime(2026, 10, 13, 10, 0, tzinfo=SH)


def at(day: int, hour: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=SH)


def outgoing_at_review(office, title: str, *, since: dt.datetime, due: dt.date | None) -> OutgoingDocument:
    """A 发文 waiting at 核稿 (the secretary's step) since ``since``."""
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(title))
    services.outgoing_submit(actor=office.drafter, document=doc)
    agree_until(doc, "核稿")
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    assert Step.objects.filter(route__content_type=ct, route__object_id=doc.pk,
                               status=StepStatus.PENDING).update(activated_at=since, due_date=due)
    return doc


def incoming_open(org, viewer, walk, title: str, *, since: dt.datetime, deadline: dt.date | None,
                  seen: bool = True) -> IncomingDocument:
    """A 收文 whose open step has waited since ``since``; put into ``viewer``'s need-to-know
    unless ``seen`` is false."""
    doc = walk(org, title=title)
    assert tasks_of(doc).filter(status=TaskStatus.OPEN).update(activated_at=since, due_date=deadline)
    if seen:
        Grant.objects.create(content_type=ContentType.objects.get_for_model(IncomingDocument),
                             object_id=doc.pk, person=viewer, reason="测试")
    return doc


@pytest.fixture
def waiting(office):
    """Four open items the office's secretary may see, and an older one they may not."""
    org = build_org()
    viewer = office.secretary
    w = SimpleNamespace(viewer=viewer, org=org)
    w.old_out = outgoing_at_review(office, "关于报送年度总结的通知", since=at(28, 9, month=9),
                                   due=dt.date(2026, 9, 30))
    w.handling = incoming_open(org, viewer, incoming_helpers.to_handling, "关于申请专项经费的请示",
                               since=at(30, 15, month=9), deadline=dt.date(2026, 10, 12))
    w.proposing = incoming_open(org, viewer, incoming_helpers.to_proposing, "关于召开座谈会的函",
                                since=at(9, 16), deadline=None)
    w.new_out = outgoing_at_review(office, "关于做好节后安全检查的通知", since=at(12, 8),
                                   due=dt.date(2026, 10, 15))
    w.hidden = incoming_open(org, viewer, incoming_helpers.to_handling, "不应出现的来文",
                             since=at(1, 9, month=9), deadline=dt.date(2026, 9, 10), seen=False)
    return w


def test_slowest_are_ranked_by_working_days_waited_across_both_kinds(waiting):
    items = stats.slowest_open(waiting.viewer, now=NOW)
    assert [i.title for i in items] == ["关于报送年度总结的通知", "关于申请专项经费的请示",
                                        "关于召开座谈会的函", "关于做好节后安全检查的通知"]
    assert [i.kind for i in items] == ["发文", "收文", "收文", "发文"]
    # 28 Sep → 13 Oct: 29, 30 Sep, 8, 9, 10 (调休), 12, 13 Oct; the holiday and Sunday count not.
    assert [i.workdays for i in items] == [7, 5, 3, 1]
    # Overdue in working days after the deadline; no deadline, no figure; not yet due, 0.
    assert [i.overdue for i in items] == [5, 1, None, 0]
    assert [i.stage for i in items] == ["核稿", "承办", "拟办", "核稿"]
    assert items[0].since == at(28, 9, month=9) and items[0].waiting_for == ["李秘书"]
    assert items[1].waiting_for == ["处长己"]
    assert items[0].url == reverse("documents:detail", args=[waiting.old_out.pk])
    assert items[1].url == reverse("incoming:detail", args=[waiting.handling.pk])


def test_a_document_the_viewer_may_not_see_is_not_listed(waiting):
    titles = [i.title for i in stats.slowest_open(waiting.viewer, now=NOW)]
    assert "不应出现的来文" not in titles
    # It is the oldest open item of all: its own office sees it first.
    assert stats.slowest_open(waiting.org.secretary, now=NOW)[0].title == "不应出现的来文"


def test_the_list_is_cut_at_the_limit_with_one_row_per_document(waiting):
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    # A stage with several pending people still makes one row for its document.
    step = Step.objects.get(route__content_type=ct, route__object_id=waiting.old_out.pk,
                            status=StepStatus.PENDING)
    Step.objects.create(route=step.route, position=step.position, round=step.round, order=1,
                        stage_name=step.stage_name, assignee=waiting.org.secretary,
                        status=StepStatus.PENDING, activated_at=at(29, 9, month=9))
    items = stats.slowest_open(waiting.viewer, now=NOW, limit=2)
    assert [i.title for i in items] == ["关于报送年度总结的通知", "关于申请专项经费的请示"]
    assert items[0].waiting_for == ["李秘书", "秘书甲"]
    assert items[0].waiting_for_text == "李秘书、秘书甲"


def test_stage_and_unit_times_are_averaged_in_the_database(waiting, office):
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    for doc, hours in ((waiting.old_out, 4), (waiting.new_out, 2)):
        Step.objects.filter(route__content_type=ct, route__object_id=doc.pk, stage_name="部门审核").update(
            activated_at=at(1, 8, month=9), acted_at=at(1, 8 + hours, month=9))
    with CaptureQueriesContext(connection) as queries:
        data = stats.aggregates(waiting.viewer, None)
        stats.slowest_open(waiting.viewer, now=NOW)
    assert ("部门审核", 3.0, 2) in data["per_stage"]
    # The department's two 拟稿 steps (a moment each) and two 部门审核 steps (4 h, 2 h).
    assert ("综合处", 1.5, 4) in data["per_unit"]
    step_reads = [q["sql"] for q in queries.captured_queries
                  if q["sql"].split(" FROM ", 1)[1].startswith('"workflow_step"')]
    # Steps are read grouped, walked oldest first with a LIMIT, or for the listed
    # documents only: never one row per step of every document.
    assert step_reads and all("GROUP BY" in sql or "LIMIT" in sql or '"route_id" IN (' in sql
                              for sql in step_reads)
    assert data["total"] == documents_visible(waiting.viewer).count() == 2


def test_the_year_filter_keeps_other_years_out(waiting):
    assert stats.slowest_open(waiting.viewer, now=NOW, year=timezone.now().year - 1) == []


def test_statistics_page_lists_the_slowest_with_their_chart(client, waiting, monkeypatch):
    monkeypatch.setattr(stats, "timezone", SimpleNamespace(now=lambda: NOW, localdate=timezone.localdate))
    client.force_login(waiting.viewer)
    response = client.get(reverse("documents:stats"))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="slowest"' in page
    table = page[page.index('data-testid="slowest"'):]
    order = [table.index(t) for t in ("关于报送年度总结的通知", "关于申请专项经费的请示",
                                      "关于召开座谈会的函", "关于做好节后安全检查的通知")]
    assert order == sorted(order) and "不应出现的来文" not in page
    assert reverse("incoming:detail", args=[waiting.handling.pk]) in table
    assert "2026-09-28 09:00" in table and "无时限" in table
    charts = json.loads(page.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert charts["slowest"] == {"names": ["关于报送年度总结的通知", "关于申请专项经费的请示",
                                           "关于召开座谈会的函", "关于做好节后安全检查的通知"],
                                 "workdays": [7, 5, 3, 1]}
    fragment = client.get(response.context["aggregates_url"]).content.decode()
    charts = json.loads(fragment.split('id="chart-agg-data" type="application/json">')[1].split("</script>")[0])
    assert "部门审核" in charts["stage"]["names"] and charts["types"] == [{"name": "通知", "data": [2]}]


def test_a_wait_beginning_in_a_year_the_calendar_does_not_know_shows_no_count(waiting):
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    Step.objects.filter(route__content_type=ct, route__object_id=waiting.old_out.pk,
                        status=StepStatus.PENDING).update(activated_at=dt.datetime(2001, 3, 1, 9, 0, tzinfo=SH),
                                                          due_date=dt.date(2001, 3, 9))
    first = stats.slowest_open(waiting.viewer, now=NOW)[0]
    # Listed first (it has waited longest) but not counted on a guessed calendar.
    assert first.title == "关于报送年度总结的通知" and first.workdays is None and first.overdue is None


def test_the_page_shows_this_year_by_default_and_all_years_on_request(client, waiting):
    client.force_login(waiting.viewer)
    this_year = timezone.localdate().year
    page = client.get(reverse("documents:stats")).content.decode()
    assert f'<option value="{this_year}" selected>' in page and f"?year={this_year}" in page
    fragment = client.get(reverse("documents:stats_aggregates"), {"year": this_year}).content.decode()
    assert f"{this_year}年共 2 件发文" in fragment
    fragment = client.get(reverse("documents:stats_aggregates"), {"year": this_year - 1}).content.decode()
    assert f"{this_year - 1}年共 0 件发文" in fragment
    page = client.get(reverse("documents:stats"), {"year": "all"}).content.decode()
    assert '<option value="all" selected>' in page and "?year=all" in page
    fragment = client.get(reverse("documents:stats_aggregates"), {"year": "all"}).content.decode()
    assert "统计范围内共 2 件发文" in fragment


def test_aggregates_are_kept_for_ten_minutes_but_the_slowest_are_read_afresh(waiting):
    first = stats.aggregates(waiting.viewer, None)
    slowest = stats.slowest_open(waiting.viewer, now=NOW)
    with CaptureQueriesContext(connection) as queries:
        again = stats.aggregates(waiting.viewer, None)
    assert again["per_stage"] == first["per_stage"] and again["computed_at"] == first["computed_at"]
    sqls = [q["sql"] for q in queries.captured_queries]
    assert not any("AVG(" in sql.upper() for sql in sqls)  # the averages were not recomputed
    # The slowest list is live: a document finished since then leaves it at once.
    finished = slowest[0]
    tasks_of().filter(subject_id__in=IncomingDocument.objects.filter(title=finished.title)
                      .values("pk")).update(status=TaskStatus.DONE)
    Step.objects.filter(route__object_id__in=OutgoingDocument.objects.filter(title=finished.title)
                        .values("pk")).update(status=StepStatus.AGREED)
    assert finished.title not in [i.title for i in stats.slowest_open(waiting.viewer, now=NOW)]
