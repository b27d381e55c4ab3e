"""The journey of issue 14 in a real browser, on the demo office: the secretary of the
committee gives a 批办性 instruction on a 收文; the supervision office turns it into a
task for a lead unit and a co-unit; the lead unit's liaison officer accepts it, reports
progress and requests completion with evidence from a phone-sized window; the office
sends it back once, then closes it; the ledger, the statistics and the leader's view
follow each step."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests import uploads
from zhongshu.documents.incoming import services as incoming
from zhongshu.org.models import Person, Unit

pytestmark = pytest.mark.browser

TITLE = "关于东城区老旧小区改造资金的请示"
PHONE = {"width": 390, "height": 844}


def sign_in(browser, site, username, viewport=None):
    context = browser.new_context(locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/")
    return page


def message(page) -> str:
    return page.locator(".messages").inner_text()


def ledger_row(page, site, unit_name: str) -> str:
    page.goto(site + "/supervision/ledger/?cols=title&cols=unit&cols=status&cols=light")
    return page.locator("#ledger tbody tr", has_text=unit_name).first.inner_text()


def test_instruction_to_closed_task(demo_site, browser, tmp_path):
    site = demo_site
    committee = Unit.objects.get(code="SW")
    dcq, xcq = Unit.objects.get(code="DCQ"), Unit.objects.get(code="XCQ")
    mishu, zhuren = Person.objects.get(username="mishu1"), Person.objects.get(username="zhuren")
    shuji_p = Person.objects.get(username="shuji")
    doc = incoming.incoming_register(actor=mishu, recipient_unit=committee, title=TITLE,
                                     doc_type="请示", doc_number="东委〔2026〕15号", sender_unit=dcq,
                                     urgency="normal", files=[("请示.pdf", uploads.pdf("请示"))])
    incoming.incoming_intake_check(actor=mishu, incoming=doc, accept=True)
    incoming.incoming_propose(actor=zhuren, incoming=doc, opinion="呈国栋书记阅示。", leader=shuji_p)

    # The secretary of the committee instructs (批办性) on the 收文.
    shuji = sign_in(browser, site, "shuji")
    shuji.goto(f"{site}/documents/incoming/{doc.pk}/")
    shuji.get_by_label("批示类型").select_option(label="批办性")
    shuji.get_by_label("批示内容").fill("请督查室督促东城区委牵头、西城区委配合，抓紧落实。")
    shuji.get_by_role("button", name="批示").click()
    assert "批示已记录。" in message(shuji)

    # The supervision office finds it in the 批示件 register and gives the task.
    ducha = sign_in(browser, site, "ducha")
    ducha.get_by_role("navigation", name="主导航").get_by_role("link", name="督查督办").click()
    ducha.get_by_role("link", name="批示件登记簿").click()
    row = ducha.locator("#register tbody tr", has_text=TITLE)
    assert "批办性" in row.inner_text() and "未立项" in row.inner_text()
    row.get_by_role("link", name="立项交办").click()
    ducha.get_by_label("督办事项").fill("落实老旧小区改造资金")
    ducha.get_by_label("牵头单位").select_option(label=dcq.name)
    ducha.get_by_label("协办单位").select_option(label=[xcq.name])
    ducha.get_by_label("办理时限（工作日）").fill("10")
    ducha.get_by_label("进展报送周期（工作日）").fill("5")
    ducha.get_by_role("button", name="立项并交办").click()
    assert "已立项并交办：落实老旧小区改造资金" in message(ducha)
    tasks = ducha.locator("#matter-tasks").inner_text()
    assert dcq.name in tasks and xcq.name in tasks and "待接收" in tasks
    assert "待接收" in ledger_row(ducha, site, "东城区委")

    # The leader's view shows his instruction with its tasks.
    shuji.goto(site + "/supervision/leader/")
    card = shuji.locator("#leader-instructions li", has_text=TITLE)
    assert "任务 2 项，已办结 0 项" in card.inner_text()

    # The lead unit's liaison officer, on a phone.
    phone = sign_in(browser, site, "lianluo01", viewport=PHONE)
    phone.goto(site + "/supervision/")
    phone.wait_for_url(site + "/supervision/mine/")
    phone.get_by_role("link", name="落实老旧小区改造资金").click()
    phone.get_by_role("button", name="接收任务").click()
    assert "已接收任务。" in message(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    phone.get_by_label("办理进展").fill("已完成摸底，制定了改造方案。")
    phone.get_by_role("button", name="报送进展").click()
    assert "已报送办理进展。" in message(phone)
    assert "已完成摸底" in phone.locator("#task-reports").inner_text()
    assert "办理中" in ledger_row(ducha, site, "东城区委")
    evidence = tmp_path / "验收报告.pdf"
    evidence.write_bytes(uploads.pdf("验收报告"))
    phone.get_by_label("办理结果").fill("改造资金已全部拨付到位。")
    phone.get_by_label("佐证材料").set_input_files(str(evidence))
    phone.get_by_role("button", name="申请办结").click()
    assert "已申请办结" in message(phone)
    assert "待审核" in ledger_row(ducha, site, "东城区委")

    # The office sends it back once …
    ducha.goto(site + "/supervision/ledger/")
    ducha.locator("#ledger tbody tr", has_text="东城区委").get_by_role("link").first.click()
    assert "验收报告.pdf" in ducha.locator("#task-reports").inner_text()
    ducha.get_by_label("审核意见（退回时必填）").fill("请补充资金拨付凭证。")
    ducha.get_by_role("button", name="退回重办").click()
    assert "已退回重办。" in message(ducha)
    assert "办理中" in ledger_row(ducha, site, "东城区委")

    # … the liaison answers, and the office closes it.
    phone.reload()
    assert "请补充资金拨付凭证。" in phone.locator("#task-timeline").inner_text()
    phone.get_by_label("办理结果").fill("已补充拨付凭证。")
    phone.get_by_role("button", name="申请办结").click()
    assert "已申请办结" in message(phone)
    ducha.goto(site + "/supervision/ledger/")
    ducha.locator("#ledger tbody tr", has_text="东城区委").get_by_role("link").first.click()
    ducha.get_by_role("button", name="审核通过，办结").click()
    assert "已审核通过，任务办结。" in message(ducha)
    assert "已办结" in ledger_row(ducha, site, "东城区委")

    # Statistics and the leader's view reflect it.
    ducha.goto(site + "/supervision/stats/")
    stats = ducha.locator("#stats-table tbody tr", has_text="东城区委").inner_text().split("\t")
    assert stats[:4] == [dcq.name, "1", "1", "100.0%"]
    ducha.locator("#chart-units canvas").wait_for()
    shuji.goto(site + "/supervision/leader/")
    card = shuji.locator("#leader-instructions li", has_text=TITLE)
    assert "任务 2 项，已办结 1 项" in card.inner_text()
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    ducha.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
    ducha.goto(site + "/supervision/ledger/")
    ducha.screenshot(path=str(tmp_path / "ledger.png"), full_page=True)
    shuji.set_viewport_size({"width": 820, "height": 1180})  # a tablet
    shuji.screenshot(path=str(tmp_path / "leader.png"), full_page=True)
