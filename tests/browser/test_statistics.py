"""The statistics page in a browser: the slowest open items come with the page, the
averages arrive by htmx while the page says it is counting, and the charts are drawn."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_outgoing_journey import sign_in
from tests.documents.conftest import notice_spec
from tests.documents.helpers import act
from zhongshu.documents import services
from zhongshu.org.models import Person

pytestmark = pytest.mark.browser


def test_the_averages_arrive_after_the_page_and_are_charted(demo_site, browser):
    drafter = Person.objects.get(username="mishu1")
    doc = services.outgoing_create(actor=drafter, doc_type="通知", spec=notice_spec("关于统计页面测试的通知"))
    services.outgoing_submit(actor=drafter, document=doc)
    act(doc, "部门审核")
    page = sign_in(browser, demo_site, "mishu1")
    page.goto(f"{demo_site}/documents/outgoing/stats/")
    expect(page.get_by_test_id("slowest")).to_contain_text("关于统计页面测试的通知")
    # The fragment replaced the "counting" notice and its charts were drawn (ECharts
    # puts a canvas into each chart box).
    expect(page.locator("#stats-aggregates")).to_contain_text("件发文")
    expect(page.locator("#stats-aggregates")).not_to_contain_text("正在统计")
    expect(page.locator("#chart-stage canvas")).to_have_count(1)
    expect(page.locator("#chart-month canvas")).to_have_count(1)
    expect(page.locator("#chart-slowest canvas")).to_have_count(1)
    # Within ten minutes the page carries the averages itself, charts included.
    page.reload()
    expect(page.locator("#chart-stage canvas")).to_have_count(1)
    # Labels are kept inside the chart (never clipped), long names cut with "…".
    option = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-unit')).getOption()")
    assert option["grid"][0]["containLabel"] is True
    assert option["yAxis"][0]["axisLabel"]["overflow"] == "truncate"
    # A year without documents: the charts say so in words, not as empty axes.
    page.goto(f"{demo_site}/documents/outgoing/stats/?year=2001")
    expect(page.locator("#chart-stage")).to_have_text("暂无数据")
    expect(page.locator("#chart-slowest")).to_have_text("暂无数据")
    expect(page.locator("#chart-month canvas")).to_have_count(0)
