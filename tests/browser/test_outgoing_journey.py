"""One 通知 through the demo office, from draft to distribution, and its receipt in a
recipient unit: drafted and reviewed in 秘书一处, signed off by the secretary of the
committee (who reads the clean copy), numbered, sealed, printed with copy numbers,
distributed electronically to 东城区委, and signed for there."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from zhongshu.documents.models import OutgoingDocument
from zhongshu.org.models import Person

pytestmark = pytest.mark.browser

TITLE = "关于做好年终岁末安全生产工作的通知"


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


def add_block(page, after, kind):
    """The body editor's 在此后添加 under block ``after`` (counted from 1), waiting for
    the redrawn editor to hold the new block."""
    page.get_by_label(f"在第 {after} 块后添加的类型", exact=True).select_option(kind)
    page.get_by_role("button", name=f"在第 {after} 块后添加", exact=True).click()
    page.locator(f"#block-{after}[data-kind={kind}]").wait_for()


def act(page, action="同意", opinion=""):
    form = page.locator("#act")
    stage = form.get_by_role("heading", level=2).inner_text()
    form.get_by_label("办理").select_option(label=action)
    if opinion:
        form.get_by_label("意见").fill(opinion)
    form.get_by_role("button", name="提交").click()
    page.get_by_text("已办理。").wait_for()
    return stage


def test_a_notice_goes_from_draft_to_distribution_and_is_received(demo_site, browser):
    site = demo_site
    clerk = sign_in(browser, site, "mishu1")
    clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="办文").click()
    clerk.get_by_role("link", name="拟稿").click()
    clerk.get_by_label("文种").select_option("通知")
    clerk.get_by_label("标题").fill(TITLE)
    clerk.get_by_label("主送机关").fill("各区委，各县委")
    clerk.get_by_label("签发领导").select_option(label="陈国栋")
    clerk.locator("#block_text_0").fill("为切实做好年终岁末安全生产工作，现将有关事项通知如下。")
    add_block(clerk, after=1, kind="h1")
    clerk.locator("#block_text_1").fill("压实安全责任")
    add_block(clerk, after=2, kind="paragraph")
    clerk.locator("#block_text_2").fill("各地要层层落实安全生产责任制。")
    clerk.get_by_label("发文机关署名").fill("中共示例市委办公室")
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_text("草稿已保存为第 1 稿。").wait_for()
    assert "一、压实安全责任" in clerk.locator("#tracked").inner_text()
    clerk.get_by_role("button", name="送审").click()
    clerk.get_by_text("已送审。").wait_for()
    # The drafter heads 秘书一处: nobody reviews his own draft, so the department review
    # goes to the office director in charge of the department, and 核稿 to a colleague.
    assert clerk.locator("#act").count() == 0
    director = sign_in(browser, site, "zhuren")
    director.goto(f"{site}/inbox/")
    director.get_by_role("link", name=re.compile(TITLE)).first.click()
    assert act(director, "同意并附意见", "同意，请核稿。") == "办理：部门审核"
    director.context.close()
    colleague_name = (Person.objects.filter(unit__code="BGS-MS1", roles__code="secretary")
                      .exclude(username="mishu1").order_by("sort_order", "id").first().username)
    colleague = sign_in(browser, site, colleague_name)
    colleague.goto(f"{site}/inbox/")
    colleague.get_by_role("link", name=re.compile(TITLE)).first.click()
    assert act(colleague) == "办理：核稿"
    colleague.context.close()

    leader = sign_in(browser, site, "shuji")
    leader.get_by_role("navigation", name="主导航").get_by_role("link", name="办文").click()
    todo = leader.locator("section").filter(has=leader.get_by_role("heading", name="我的待办"))
    todo.get_by_role("link", name=TITLE).click()
    # Leaders read the clean copy first.
    assert "一、压实安全责任" in leader.locator("#clean-copy").inner_text()
    assert leader.locator("#tracked").count() == 0
    assert act(leader, "同意并附意见", "同意印发。") == "办理：签发"
    assert "签发" in leader.locator("#route .route-flow").text_content()
    leader.context.close()

    clerk.reload()
    year = timezone.localdate().year
    # 复核 checks the signed text: a colleague again, not the drafter.
    assert clerk.locator("#act").count() == 0
    colleague = sign_in(browser, site, colleague_name)
    colleague.goto(f"{site}/inbox/")
    colleague.get_by_role("link", name=re.compile(TITLE)).first.click()
    assert act(colleague) == "办理：复核"
    colleague.context.close()
    clerk.reload()
    assert act(clerk) == "办理：编号"
    assert clerk.locator("#doc-number").inner_text() == f"示市委办发〔{year}〕1号"
    dist = clerk.locator("#distribution")
    dist.get_by_label("主送单位（内部，电子交换）").select_option(label="中共示例市东城区委员会")
    dist.get_by_label("外部单位").fill("中共示例省委办公厅|机要交通|抄送")
    dist.get_by_role("button", name="保存分发名单").click()
    clerk.get_by_text("分发名单已保存。").wait_for()
    assert act(clerk) == "办理：用印"
    assert act(clerk) == "办理：印制"
    assert "000001" in clerk.locator("#distribution").inner_text()
    assert act(clerk) == "办理：分发"
    dist_text = clerk.locator("#distribution").inner_text()
    assert "未签收" in dist_text and "已签收 0 / 1" in dist_text

    receiver = sign_in(browser, site, "lianluo01")
    receiver.goto(site + "/documents/incoming/pending/")
    row = receiver.get_by_role("row").filter(has_text=TITLE)
    row.get_by_role("button", name="签收").click()
    receiver.get_by_text("没有待签收的来文。").wait_for()
    receiver.context.close()

    clerk.reload()
    dist_text = clerk.locator("#distribution").inner_text()
    assert "已签收 1 / 1" in dist_text
    assert re.search(r"已签收 \d{4}-\d{2}-\d{2}", dist_text)
    doc = OutgoingDocument.objects.get(title=TITLE)
    assert doc.get_status_display() == "已分发" and doc.copies_printed == 3
    assert act(clerk) == "办理：归档"
    doc.refresh_from_db()
    assert doc.status == "archived"
