"""One incoming 请示 through the demo office: registered by a secretary, 初审, 拟办 by the
office director, the secretary of the committee's instruction, assignment to a handling
unit with a deadline, circulation to two readers, and completion by the handling unit."""

import pytest
from django.conf import settings

from tests import uploads
from tests.browser.picking import pick
from zhongshu.documents.incoming.models import IncomingDocument, Instruction
from zhongshu.org.models import Person, Unit

pytestmark = pytest.mark.browser

TITLE = "关于申请防汛应急专项资金的请示"
PDF = uploads.pdf("东城区委来文扫描件")


def sign_in(browser, site, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/")
    return page


def open_from_inbox(page, site, box="todo"):
    page.goto(f"{site}/inbox/?tab={box}")
    page.get_by_role("link", name=TITLE, exact=False).first.click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()


def message(page):
    return page.locator(".messages").inner_text()


def test_incoming_request_from_registration_to_completion(demo_site, browser, tmp_path):
    scan = tmp_path / "请示.pdf"
    scan.write_bytes(PDF)

    # 秘书一处 registers the paper request from 东城区委 for the committee.
    mishu = sign_in(browser, demo_site, "mishu1")
    mishu.get_by_role("navigation", name="主导航").get_by_role("link", name="办文").click()
    mishu.get_by_role("link", name="收文", exact=True).click()
    mishu.get_by_role("link", name="登记来文").click()
    assert mishu.get_by_label("收文单位").locator("option:checked").inner_text() == "中共示例市委员会"
    mishu.get_by_label("标题").fill(TITLE)
    mishu.get_by_label("文种").select_option(label="请示")
    mishu.get_by_label("来文字号").fill("东委〔2026〕12号")
    mishu.get_by_label("来文单位", exact=True).select_option(label="中共示例市东城区委员会")
    mishu.get_by_label("紧急程度").select_option(label="加急")
    mishu.get_by_label("来文正文（PDF、OFD、DOCX 或图片）").set_input_files(str(scan))
    mishu.get_by_role("button", name="登记").click()
    mishu.get_by_role("heading", level=1, name=TITLE).wait_for()
    doc = IncomingDocument.objects.get(title=TITLE)
    assert f"已登记，收文号 {doc.receipt_number}。" in message(mishu)
    assert mishu.locator("#receipt-number").inner_text() == doc.receipt_number
    mishu.get_by_role("button", name="初审通过").click()
    assert "初审通过，已转拟办。" in message(mishu)

    # The office director proposes handling and sends it to 陈国栋 (市委书记).
    zhuren = sign_in(browser, demo_site, "zhuren")
    zhuren.goto(demo_site + "/documents/incoming/")
    zhuren.get_by_role("link", name=TITLE).click()
    zhuren.get_by_label("拟办意见").fill("拟请市财政局研究提出意见，呈国栋书记阅示。")
    pick(zhuren, "呈批领导", "陈国栋")
    zhuren.get_by_role("button", name="提交拟办意见").click()
    assert "呈陈国栋批示" in message(zhuren)

    # 市委书记 finds it in 待办 and instructs (批办性).
    shuji = sign_in(browser, demo_site, "shuji")
    open_from_inbox(shuji, demo_site)
    assert "拟请市财政局研究提出意见" in shuji.locator("#timeline").inner_text()
    shuji.get_by_label("批示类型").select_option(label="批办性")
    shuji.get_by_label("批示内容").fill("请市财政局抓紧研究，五个工作日内提出意见。")
    shuji.get_by_role("button", name="批示").click()
    assert "批示已记录。" in message(shuji)
    assert Instruction.objects.get().kind == "actionable"

    # The secretary assigns it to 市财政局 and circulates it to two readers at once.
    mishu.reload()
    pick(mishu, "承办单位", "市财政局")
    mishu.get_by_label("办理时限（工作日）").fill("5")
    mishu.get_by_role("button", name="交办").click()
    assert "已交办。" in message(mishu)
    readers = [Person.objects.get(username="mishuzhang"), Person.objects.get(username="zhuren")]
    pick(mishu, "传阅人（可多选；依次传阅按列表顺序）", *[p.full_name for p in readers])
    mishu.get_by_role("button", name="发起传阅").click()
    assert "已发起传阅。" in message(mishu)
    # The office sees at a glance where it is and who has not read it.
    mishu.goto(demo_site + "/documents/incoming/")
    row = mishu.locator("#incoming-register tbody tr").filter(has_text=TITLE)
    assert "林志远" in row.locator(".unread").inner_text()
    assert "周文博" in row.locator(".unread").inner_text()

    # Both readers mark it read; the secretary-general adds a comment.
    mishuzhang = sign_in(browser, demo_site, "mishuzhang")
    open_from_inbox(mishuzhang, demo_site, box="toread")
    mishuzhang.get_by_label("阅文意见（可不填）").fill("已阅，请财政局抓紧。")
    mishuzhang.get_by_role("button", name="已阅").click()
    assert "已阅。" in message(mishuzhang)
    zhuren.goto(f"{demo_site}/documents/incoming/{doc.pk}/")
    zhuren.get_by_role("button", name="已阅").click()
    mishu.reload()
    row = mishu.locator("#incoming-register tbody tr").filter(has_text=TITLE)
    assert row.locator(".unread").inner_text() == "—"

    # The head of 市财政局 completes it with the reply.
    head = Unit.objects.get(code="CZJ").head
    handler = sign_in(browser, demo_site, head.username)
    open_from_inbox(handler, demo_site)
    assert handler.locator("#deadline").inner_text() == IncomingDocument.objects.get().deadline.isoformat()
    handler.get_by_label("办理结果（答复）").fill("经研究，拟安排防汛应急资金 300 万元，已报市政府。")
    handler.get_by_role("button", name="办结").click()
    assert "已办结。" in message(handler)
    assert handler.locator("#status").inner_text() == "已办结"

    # The page's timeline tells the whole story, who and when.
    mishu.goto(f"{demo_site}/documents/incoming/{doc.pk}/")
    timeline = mishu.locator("#timeline").inner_text()
    for step in ("登记", "初审通过", "拟办", "批示", "交办", "发起传阅", "已阅", "办结"):
        assert step in timeline, step
    for name in ("赵晓东", "周文博", "陈国栋", "林志远", head.full_name):
        assert name in timeline, name
    assert "各环节用时" in mishu.locator("#durations").inner_text()
    # The route diagram: every stage of the main path done, by whom.
    assert mishu.locator("#route .route-done").count() == 6
    assert head.full_name in mishu.locator("#route .route-done").last.inner_text()
