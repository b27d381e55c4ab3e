"""The supervision office, in a real browser on the demo: it finds the overlapping pair
on the review page, merges one plan into the other with a reason, and reads the burden
map drawn by ECharts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser


def test_supervision_office_merges_overlapping_plans(demo_site, page):  # noqa: F811
    page.goto(demo_site + "/")
    page.get_by_label("账号").fill("ducha")
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(demo_site + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="督查督办").click()
    page.get_by_role("link", name="督查检查考核计划").click()
    page.get_by_role("link", name="统筹审核").click()
    summary = page.get_by_test_id("summary")
    assert "发现重叠 2 组" in summary.inner_text()
    pair = page.get_by_test_id("pair").filter(has_text="时间重叠")
    # The housing bureau's plan goes into the emergency bureau's.
    name = re.compile(r"^并入《\d+年安全生产专项检查》$")
    row = pair.get_by_role("row").filter(has=page.get_by_role("button", name=name))
    merge = row.get_by_role("button", name=name)
    row.get_by_placeholder("理由（必填）").first.fill("同一周到东城区，合并为联合检查")
    merge.click()
    page.get_by_text("已并入").wait_for()
    assert "发现重叠 1 组" in page.get_by_test_id("summary").inner_text()

    page.get_by_role("link", name="基层负担").click()
    page.locator("#chart-burden canvas").wait_for()
    table = page.get_by_test_id("burden")
    assert "东城区委" in table.inner_text()
