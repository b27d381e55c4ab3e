"""One 通知 through the demo office as the demo describes it (README, issue 10): a 秘书一处
科员 drafts a 市委办 通知 → the 处长 (mishu1) reviews → the office director (zhuren) 核稿 →
督查室 and 信息处 countersign → the secretary general (mishuzhang) signs it off from the
document page → the 文书 of 综合处 (wenshu) checks, numbers, seals, prints and sends it
on one screen → 东城区委's liaison receives the issued PDF with its copy number and signs
for it; 西城区委's liaison, who has not, is chased; no recipient opens the sender's page."""

import re
from pathlib import Path

import pymupdf
import pytest
from django.conf import settings
from django.utils import timezone

from tests.browser.picking import pick
from zhongshu.documents.incoming.models import IncomingDocument, IncomingFile
from zhongshu.documents.models import OutgoingDocument
from zhongshu.inbox.models import Notification
from zhongshu.org.models import Person

pytestmark = pytest.mark.browser

TITLE = "关于做好年终岁末安全生产工作的通知"
SHOTS = Path(settings.VAR_DIR) / "screens"


def sign_in(browser, site, username, width=1280):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(site + "/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/")
    return page


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"outgoing-{name}.png"), full_page=True)


def add_block(page, after, kind):
    page.get_by_label(f"在第 {after} 块后添加的类型", exact=True).select_option(kind)
    page.get_by_role("button", name=f"在第 {after} 块后添加", exact=True).click()
    page.locator(f"#block-{after}[data-kind={kind}]").wait_for()


def open_from_inbox(page, site):
    page.goto(f"{site}/inbox/")
    page.get_by_role("link", name=re.compile(TITLE)).first.click()
    page.get_by_role("heading", level=1, name=TITLE).wait_for()


def act(page, action="同意", opinion=""):
    form = page.locator("#act")
    stage = form.get_by_role("heading", level=2).inner_text()
    form.get_by_label("办理").select_option(label=action)
    if opinion:
        form.get_by_label("意见", exact=True).fill(opinion)
    form.get_by_role("button", name="提交").click()
    page.get_by_text("已办理。").wait_for()
    return stage


def review(browser, site, username, stage, action="同意", opinion=""):
    page = sign_in(browser, site, username)
    open_from_inbox(page, site)
    assert act(page, action, opinion) == f"办理：{stage}"
    page.context.close()


def labelled(page, selector):
    """Every form control in ``selector`` has an accessible name (its label)."""
    missing = page.eval_on_selector_all(
        f"{selector} input:not([type=hidden]), {selector} select, {selector} textarea, {selector} button",
        """els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                                   && !(e.tagName === 'BUTTON' && e.innerText.trim())).map(e => e.outerHTML)""")
    assert missing == [], missing


def test_a_notice_goes_the_demo_offices_way_and_recipients_receive_the_issued_text(demo_site, browser):
    site = demo_site
    drafter = sign_in(browser, site, "keyuan1")
    drafter.get_by_role("navigation", name="主导航").get_by_role("link", name="办文").click()
    drafter.get_by_role("link", name="拟稿").click()
    # The organ is chosen on the draft; the 处 is only the 拟稿单位.
    assert drafter.get_by_label("发文机关").locator("option:checked").inner_text() == "中共示例市委办公室"
    drafter.get_by_label("文种").select_option("通知")
    drafter.get_by_label("标题").fill(TITLE)
    drafter.get_by_label("主送机关").fill("各区县委办公室")
    pick(drafter, "会签单位", "督查室", "信息处")
    drafter.locator("#block_text_0").fill("为切实做好年终岁末安全生产工作，现将有关事项通知如下。")
    add_block(drafter, after=1, kind="h1")
    drafter.locator("#block_text_1").fill("压实安全责任")
    add_block(drafter, after=2, kind="paragraph")
    drafter.locator("#block_text_2").fill("各地要层层落实安全生产责任制。")
    drafter.get_by_role("button", name="保存").click()
    drafter.get_by_text("草稿已保存为第 1 稿。").wait_for()
    assert drafter.locator("#issuing-organ").inner_text() == "中共示例市委办公室"
    assert drafter.locator("#drafting-unit").inner_text() == "秘书一处"
    drafter.get_by_role("button", name="送审").click()
    drafter.get_by_text("已送审。").wait_for()
    assert drafter.locator("#act").count() == 0  # nobody reviews his own draft
    drafter.context.close()

    review(browser, site, "mishu1", "部门审核", "同意并附意见", "同意，请核稿。")
    review(browser, site, "zhuren", "核稿", "同意并附意见", "文字已核，请会签。")
    review(browser, site, "ducha", "会签")
    review(browser, site, "xinxi", "会签")

    # The leader's 待办 opens the document itself: clean copy, opinions, the 签发 box.
    leader = sign_in(browser, site, "mishuzhang")
    open_from_inbox(leader, site)
    assert "一、压实安全责任" in leader.locator("#clean-copy").inner_text()
    route_table = leader.locator("#route").inner_text()
    assert "文字已核，请会签。" in route_table and "同意，请核稿。" in route_table
    shot(leader, "1-leader-sign-off")
    leader.get_by_role("link", name="发文稿纸").click()
    sheet = leader.locator("#sheet")
    assert "中共示例市委办公室发文稿纸" in sheet.inner_text()
    assert "文字已核，请会签。" in sheet.inner_text() and "待签发" in sheet.inner_text()
    labelled(leader, "main")
    shot(leader, "2-sheet")
    leader.go_back()
    assert act(leader, "同意并附意见", "同意印发。") == "办理：签发"
    assert "签发" in leader.locator("#route .route-flow").text_content()
    leader.context.close()

    # 印发 on one screen by the 文书: the number is shown before it is given.
    clerk = sign_in(browser, site, "wenshu")
    open_from_inbox(clerk, site)
    year = timezone.localdate().year
    issue = clerk.locator("#issue")
    assert f"示市委办发〔{year}〕1号" in issue.inner_text()
    assert "请先在下方填写分发名单" in issue.inner_text()
    dist = clerk.locator("#distribution")
    pick(clerk, "主送单位（内部，电子交换）", "东城区委", "西城区委")
    dist.get_by_role("button", name="保存分发名单").click()
    clerk.get_by_text("分发名单已保存。").wait_for()
    assert "3 份（分发 2 份，留存 1 份）" in clerk.locator("#copies-planned").inner_text()
    labelled(clerk, "#issue")
    shot(clerk, "3-issue")
    clerk.locator("#issue").get_by_role("button", name="印发").click()
    clerk.get_by_text("已完成复核、编号、用印、印制、分发。").wait_for()
    assert clerk.locator("#doc-number").inner_text().startswith(f"示市委办发〔{year}〕1号")
    dist_text = clerk.locator("#distribution").inner_text()
    assert "000001" in dist_text and "已签收 0 / 2" in dist_text
    assert dist_text.index("东城区委") < dist_text.index("西城区委")

    doc = OutgoingDocument.objects.get(title=TITLE)
    assert doc.copies_printed == 3 and doc.status == "distributed"

    # 东城区委's liaison receives the issued PDF (red header, number, copy number) and signs.
    receiver = sign_in(browser, site, "lianluo01")
    receiver.goto(site + "/documents/incoming/pending/")
    row = receiver.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("button", name="签收").click()
    receiver.get_by_text("没有待签收的来文。").wait_for()
    received = IncomingDocument.objects.get(title=TITLE, recipient_unit__code="DCQ")
    receiver.goto(f"{site}/documents/incoming/{received.pk}/")
    page_text = receiver.locator("main").inner_text()
    assert "中共示例市委办公室" in page_text and "秘书一处" not in page_text
    assert f"{doc.doc_number} {TITLE}（份号000001）.pdf" in page_text
    shot(receiver, "4-received")
    issued = IncomingFile.objects.get(incoming=received, kind="pdf", is_attachment=False)
    text = "".join(p.get_text() for p in pymupdf.open(stream=bytes(issued.content), filetype="pdf"))
    flat = text.replace("\n", "").replace(" ", "")
    assert "中共示例市委办公室文件" in flat and doc.doc_number in flat and "000001" in flat
    # The recipient cannot open the sender's page.
    response = receiver.goto(f"{site}/documents/outgoing/{doc.pk}/")
    assert response.status == 404
    receiver.context.close()

    # A laggard: 西城区委's liaison is chased, and the reminder opens a page he may see.
    clerk.reload()
    clerk.get_by_role("button", name="催收未签收单位").click()
    clerk.get_by_text(re.compile(r"已向 \d+ 人发送催收提醒")).wait_for()
    laggard = Person.objects.get(unit__code="XCQ", roles__code="liaison_officer")
    note = Notification.objects.get(recipient=laggard, title__startswith="【催收】")
    assert not Notification.objects.filter(recipient__unit__code="XCQ", title__startswith="【催收】") \
        .exclude(recipient=laggard).filter(recipient__headed_units__code="XCQ").exists()
    chased = sign_in(browser, site, laggard.username)
    response = chased.goto(site + note.url)
    assert response.status == 200 and TITLE in chased.locator("main").inner_text()
    chased.context.close()
    clerk.context.close()
