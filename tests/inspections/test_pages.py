"""The pages as people meet them: list with filters and pages, the form and its
messages, a plan with its overlaps and route, the review page with merge and refusal,
the burden map's numbers, the settings; who may open what."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from tests.inspections.conftest import approve, make_plan
from zhongshu.audit.models import AuditEvent
from zhongshu.inspections import services
from zhongshu.inspections.models import InspectionPlan, PlanStatus

D = dt.date


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def pair(w):
    """An approved plan and a submitted one at 东城区委 in the same week, on similar topics."""
    first = make_plan(w.em_clerk, w.emergency, "安全生产专项检查", [w.dongcheng, w.xicheng],
                      D(2026, 10, 12), D(2026, 10, 16))
    second = make_plan(w.housing_clerk, w.housing, "建筑施工安全生产大检查", [w.dongcheng],
                       D(2026, 10, 14), D(2026, 10, 15))
    approve(first, w)
    services.plan_submit(actor=w.housing_clerk, plan=second)
    return first, second


def test_list_shows_what_the_viewer_may_see_with_filters(client, w, pair):
    first, second = pair
    client.force_login(w.officer)
    body = _text(client.get(reverse("inspections:home")))
    assert "安全生产专项检查" in body and "建筑施工安全生产大检查" in body
    assert "登记计划" in body and "统筹审核" in body and "基层负担" in body
    body = _text(client.get(reverse("inspections:home"), {"organiser": w.housing.pk}))
    assert "建筑施工安全生产大检查" in body and "安全生产专项检查<" not in body
    body = _text(client.get(reverse("inspections:home"), {"status": "approved", "q": "安全"}))
    assert ">安全生产专项检查<" in body and "建筑施工" not in body
    body = _text(client.get(reverse("inspections:home"), {"date_from": "2026-11-01"}))
    assert "没有符合条件的计划" in body
    # The housing bureau's clerk sees his own plan, not the emergency bureau's.
    client.force_login(w.housing_clerk)
    body = _text(client.get(reverse("inspections:home")))
    assert "建筑施工安全生产大检查" in body and ">安全生产专项检查<" not in body
    assert "统筹审核" not in body
    # The inspected district sees the approved plan that will visit it, not the pending one.
    client.force_login(w.district_staff)
    body = _text(client.get(reverse("inspections:home")))
    assert ">安全生产专项检查<" in body and "建筑施工安全生产大检查" not in body


def test_list_bad_filters_get_a_message_not_an_error(client, w, pair):
    client.force_login(w.officer)
    response = client.get(reverse("inspections:home"), {"date_from": "2026-13-45", "unit": "abc",
                                                         "status": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert "起始日期“2026-13-45”不是有效日期" in _text(response)


def test_list_is_paginated(client, w):
    for i in range(23):
        make_plan(w.em_clerk, w.emergency, f"第{i}次检查", [w.dongcheng], D(2026, 1, 1) + dt.timedelta(days=i),
                  D(2026, 1, 1) + dt.timedelta(days=i))
    client.force_login(w.em_clerk)
    body = _text(client.get(reverse("inspections:home")))
    assert "第 1 / 2 页，共 23 条" in body
    assert body.count('href="/inspections/') - body.count('href="/inspections/new') >= 20
    body = _text(client.get(reverse("inspections:home"), {"page": 2}))
    assert "第 2 / 2 页" in body and "第0次检查" in body


def test_create_form_validates_and_creates(client, w):
    client.force_login(w.em_clerk)
    body = _text(client.get(reverse("inspections:create")))
    assert "登记督查检查考核计划" in body and 'class="req"' in body and "被检查单位" in body
    response = client.post(reverse("inspections:create"), {
        "topic": "防汛检查", "organiser": w.emergency.pk, "starts_on": "2026-06-09",
        "ends_on": "2026-06-01", "form": "inspect"})
    body = _text(response)
    assert response.status_code == 200
    assert "请至少选择一个被检查单位。" in body and "结束日期不能早于开始日期。" in body
    assert InspectionPlan.objects.count() == 0
    response = client.post(reverse("inspections:create"), {
        "topic": "防汛检查", "organiser": w.housing.pk, "units": [w.dongcheng.pk],
        "starts_on": "2026-06-01", "ends_on": "2026-06-02", "form": "inspect"})
    assert "选择一个有效的选项" in _text(response)  # not his body to organise
    response = client.post(reverse("inspections:create"), {
        "topic": "防汛检查", "organiser": w.emergency.pk, "units": [w.dongcheng.pk, w.xicheng.pk],
        "starts_on": "2026-06-01", "ends_on": "2026-06-02", "form": "inspect",
        "participants": "3人", "description": "查阅资料"})
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspections:detail", args=[plan.pk])
    body = _text(client.get(response["Location"]))
    assert "防汛检查" in body and "东城区委、西城区委" in body and "报送审批" in body
    assert "没有发现与其他计划时间重叠或主题相近" in body


def test_edit_and_submit_from_the_page(client, w):
    plan = make_plan(w.em_clerk, w.emergency, "防汛检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 2))
    client.force_login(w.em_clerk)
    response = client.post(reverse("inspections:edit", args=[plan.pk]), {
        "topic": "防汛备汛检查", "organiser": w.emergency.pk, "units": [w.xicheng.pk],
        "starts_on": "2026-06-03", "ends_on": "2026-06-04", "form": "inspect"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.topic == "防汛备汛检查" and list(plan.units.all()) == [w.xicheng]
    response = client.post(reverse("inspections:submit", args=[plan.pk]), follow=True)
    body = _text(response)
    assert "已报送审批" in body and "审批中" in body and "督查检查考核计划审批" in body
    # Not editable once submitted; others may not even see it.
    assert client.get(reverse("inspections:edit", args=[plan.pk])).status_code == 403
    client.force_login(w.outsider)
    assert client.get(reverse("inspections:detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("inspections:submit", args=[plan.pk])).status_code == 404


def test_detail_shows_the_overlap_and_the_reviewers_step(client, w, pair):
    first, second = pair
    client.force_login(w.officer)
    body = _text(client.get(reverse("inspections:detail", args=[second.pk])))
    overlaps = body[body.index('data-testid="overlaps"'):body.index('id="route"')]
    assert "安全生产专项检查" in overlaps and "时间重叠" in overlaps and "主题相近" in overlaps
    assert "东城区委" in overlaps and "0.82" in overlaps and "安全、生产" in overlaps
    assert "办理：督查室审核" in body
    assert "合并到所选计划" in body and "不予开展" in body
    # The registrant is told of the clash, not what the other body plans, and decides nothing.
    client.force_login(w.housing_clerk)
    body = _text(client.get(reverse("inspections:detail", args=[second.pk])))
    assert "另有 1 个其他单位的计划与本计划时间重叠或主题相近" in body
    assert "安全生产专项检查<" not in body and "市应急管理局" not in body
    assert "合并到所选计划" not in body and "办理：" not in body and "没有发现" not in body
    # The emergency bureau's clerk sees his own plan's clash with what he may see: none.
    client.force_login(w.em_clerk)
    body = _text(client.get(reverse("inspections:detail", args=[first.pk])))
    assert "另有 1 个其他单位的计划" in body and "建筑施工" not in body


def test_review_page_lists_pairs_and_merges(client, w, pair):
    first, second = pair
    client.force_login(w.officer)
    body = _text(client.get(reverse("inspections:review"), {"year": 2026, "quarter": 4}))
    assert "审批中和已批准的计划 2 个，发现重叠 1 组" in body
    assert body.count('data-testid="pair"') == 1
    assert "并入《安全生产专项检查》" in body and "并入《建筑施工安全生产大检查》" in body
    body = _text(client.get(reverse("inspections:review"), {"year": 2026, "quarter": 1}))
    assert "该期间没有发现时间重叠或主题相近的计划" in body
    # A merge without a reason changes nothing.
    before = AuditEvent.objects.count()
    response = client.post(reverse("inspections:merge", args=[second.pk]),
                           {"into": first.pk, "reason": "", "next": "review"}, follow=True)
    assert "合并须填写理由" in _text(response)
    assert AuditEvent.objects.count() == before
    response = client.post(reverse("inspections:merge", args=[second.pk]),
                           {"into": first.pk, "reason": "同周同区，合并为联合检查", "next": "review"},
                           follow=True)
    body = _text(response)
    assert "已并入《安全生产专项检查》" in body and "发现重叠 0 组" in body
    second.refresh_from_db()
    assert second.status == PlanStatus.MERGED
    body = _text(client.get(reverse("inspections:detail", args=[first.pk])))
    assert "市住房城乡建设局（联合）" in body and "建筑施工安全生产大检查" in body


def test_refuse_from_the_plan_page(client, w, pair):
    first, second = pair
    client.force_login(w.officer)
    response = client.post(reverse("inspections:refuse", args=[first.pk]),
                           {"reason": "本月东城区迎检过多，为基层减负"}, follow=True)
    body = _text(response)
    assert "已决定不予开展" in body and "不予开展" in body and "本月东城区迎检过多，为基层减负" in body
    # Others may not decide: 403 for a plan they see, 404 for one they do not.
    client.force_login(w.housing_clerk)
    assert client.post(reverse("inspections:refuse", args=[second.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("inspections:refuse", args=[first.pk]), {"reason": "x"}).status_code == 404


def _chart(body: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S)
    assert match, "chart data missing"
    return json.loads(match.group(1))


def test_burden_map_counts_visits_by_unit_and_month(client, w, pair):
    first, second = pair  # 东城区委 twice in October, 西城区委 once
    across = make_plan(w.commerce_clerk, w.commerce, "商贸流通调研", [w.xicheng],
                       D(2026, 11, 28), D(2026, 12, 3), form="survey")
    approve(across, w)  # spans November and December
    make_plan(w.em_clerk, w.emergency, "草稿不计入", [w.xicheng], D(2026, 10, 1), D(2026, 10, 2))
    client.force_login(w.leader)
    response = client.get(reverse("inspections:burden"), {"year": 2026, "quarter": 4})
    body = _text(response)
    assert "vendor/echarts/echarts.min.js" in body and 'id="chart-burden"' in body
    chart = _chart(body)
    assert chart["months"] == ["10月", "11月", "12月"]
    assert chart["units"] == ["东城区委", "西城区委"]
    cells = {(x, y): v for x, y, v in chart["cells"]}
    assert cells == {(0, 0): 2, (1, 0): 0, (2, 0): 0, (0, 1): 1, (1, 1): 1, (2, 1): 1}
    assert chart["max"] == 2
    table = body[body.index('data-testid="burden"'):]
    assert re.search(r"<td>东城区委</td><td>.*?>2</a></td><td>0</td><td>0</td><td>2</td>", table)
    assert re.search(r"<td>西城区委</td>(<td>.*?>1</a></td>){3}<td>2</td>", table)
    # The whole year: twelve months.
    chart = _chart(_text(client.get(reverse("inspections:burden"), {"year": 2026, "quarter": 0})))
    assert len(chart["months"]) == 12
    # An empty quarter says so.
    assert "该期间没有审批中或已批准的计划" in _text(
        client.get(reverse("inspections:burden"), {"year": 2026, "quarter": 1}))


def test_settings_page(client, w):
    client.force_login(w.officer)
    body = _text(client.get(reverse("inspections:settings")))
    assert "主题相似度阈值" in body and 'value="0.50"' in body and 'value="90"' in body
    response = client.post(reverse("inspections:settings"), {"similarity_threshold": "2",
                                                             "similar_window_days": "30"})
    assert response.status_code == 200
    assert "主题相似度阈值应在 0.10 至 1.00 之间" in _text(response)
    assert not AuditEvent.objects.filter(action="inspections.settings.update").exists()
    response = client.post(reverse("inspections:settings"), {"similarity_threshold": "0.4",
                                                             "similar_window_days": "60"}, follow=True)
    body = _text(response)
    assert "设置已保存" in body and 'value="0.40"' in body and 'value="60"' in body


@pytest.mark.parametrize("name", ["inspections:review", "inspections:burden", "inspections:settings"])
def test_office_pages_are_refused_to_others(client, w, name):
    client.force_login(w.em_clerk)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(w.sysadmin)
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("inspections:home")).status_code == 403


def test_menu_opens_the_plans(client, w):
    client.force_login(w.em_clerk)
    body = _text(client.get(reverse("inspections:home")))
    # The 督查督办 area's menu entry opens the supervision app, whose pages link the plans
    # (and which sends a person who only plans inspections straight to them).
    assert 'aria-current="page">督查督办' in body
    area = client.get(reverse("supervision:home"), follow=True).content.decode()
    assert f'href="{reverse("inspections:home")}"' in area


def test_the_reviewers_inbox_and_route_page_approve_the_plan(client, w):
    plan = make_plan(w.em_clerk, w.emergency, "防汛备汛工作检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    route = services.plan_submit(actor=w.em_clerk, plan=plan)
    client.force_login(w.officer)
    body = _text(client.get(reverse("inbox:home")))
    assert "计划审批" in body and "防汛备汛工作检查" in body
    assert reverse("inspections:detail", args=[plan.pk]) in body or reverse(
        "workflow:route_detail", args=[route.pk]) in body
    response = client.post(reverse("workflow:route_act", args=[route.pk]), {"action": "agree", "text": ""},
                           follow=True)
    assert "已办理" in _text(response)
    client.force_login(w.director)
    client.post(reverse("workflow:route_act", args=[route.pk]), {"action": "agree_opinion",
                                                                 "text": "同意，压缩为两天。"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    body = _text(client.get(reverse("inspections:detail", args=[plan.pk])))
    assert "已批准" in body and "批准" in body and "同意，压缩为两天。" in body
    # The district to be visited now sees the plan.
    client.force_login(w.district_staff)
    assert "防汛备汛工作检查" in _text(client.get(reverse("inspections:detail", args=[plan.pk])))
