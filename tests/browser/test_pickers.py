"""The people picker in Chromium, as the office director meets it on the page where the
office keeps its groups: open the dialog from the keyboard, search by a unit's name,
pick from the results and from the organisation tree with the keyboard, confirm, and
find focus back on the button; Esc discards. axe-core (from npm, injected locally)
finds no accessibility violation in the dialog or the closed picker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.picking import pick

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(browser, site: str, username: str):
    # The page's Content Security Policy admits no injected script: axe-core is added
    # by the test, so this context bypasses it (the page's own scripts are the same).
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(site + "/")
    return page


def axe_violations(page, selector: str) -> list[str]:
    """axe-core's WCAG 2.1 A/AA and best-practice rules on ``selector``. Two are off:
    ``region`` (a fragment is not a page) and the experimental
    ``label-content-name-mismatch``, which counts an open tree item's nested group (the
    WAI-ARIA tree pattern) as visible text missing from the item's name."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (sel) => {
            const r = await axe.run(sel, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
                                          rules: {"region": {enabled: false},
                                                  "label-content-name-mismatch": {enabled: false}}});
            return r.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }""", selector)
    return result


def test_the_office_director_picks_people_by_keyboard_in_an_accessible_dialog(demo_site, browser):
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/setup.sh installs it from package-lock.json")
    page = sign_in(browser, demo_site, "zhuren")
    page.goto(f"{demo_site}/org/groups/new/")
    opener = page.locator("#id_people-open")
    # The label of the field names the button; the plain select is hidden by the script.
    expect(opener).to_have_accessible_name(re.compile(r"人员.*选择人员"))
    expect(page.locator("select#id_people")).to_be_hidden()
    assert axe_violations(page, ".picker") == []

    # Open from the keyboard: focus moves into the dialog, to the search box.
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="选择人员（可多选）")
    expect(dialog).to_be_visible()
    search = dialog.get_by_label("搜索人员")
    expect(search).to_be_focused()

    # People search matches the name of their unit.
    search.press_sequentially("秘书一处")
    results = dialog.locator("[data-results]")
    expect(results).to_contain_text("赵晓东")
    page.keyboard.press("Tab")
    first = results.get_by_role("checkbox").first
    expect(first).to_be_focused()
    expect(first).to_have_accessible_name(re.compile("赵晓东"))
    page.keyboard.press("Space")
    expect(dialog.locator("[data-count]")).to_contain_text("已选 1 人：赵晓东")

    # The tree: arrows open units lazily and move between items; Space picks a person.
    tree = dialog.get_by_role("tree")
    root = tree.get_by_role("treeitem", name="示例市委", exact=True)
    root.focus()
    page.keyboard.press("ArrowRight")  # open 示例市委
    expect(root).to_have_attribute("aria-expanded", "true")
    office = tree.get_by_role("treeitem", name="市委办公室", exact=True)
    expect(office).to_be_visible()
    page.keyboard.press("ArrowRight")  # to its first child
    expect(office).to_be_focused()
    page.keyboard.press("ArrowDown")
    district = tree.get_by_role("treeitem", name="东城区委", exact=True)
    expect(district).to_be_focused()
    page.keyboard.press("ArrowRight")  # open 东城区委
    liaison = tree.get_by_role("treeitem", name="何思远", exact=True)
    expect(liaison).to_be_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(liaison).to_be_focused()
    page.keyboard.press("Space")
    expect(liaison).to_have_attribute("aria-selected", "true")
    expect(dialog.locator("[data-count]")).to_contain_text("已选 2 人：赵晓东、何思远")
    page.keyboard.press("ArrowLeft")  # to its unit
    expect(district).to_be_focused()

    # The office's groups and the accessibility check of the open dialog.
    expect(dialog.get_by_role("button", name="添加“市委常委”")).to_be_visible()
    assert axe_violations(page, "#id_people-dialog") == []

    # Tab stays in the dialog: backwards from its first control to its last.
    close = dialog.get_by_role("button", name="关闭，不保存选择")
    close.focus()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="取消", exact=True)).to_be_focused()

    # Confirm from the keyboard: the dialog closes, focus returns, chips show the choice.
    dialog.get_by_role("button", name="确定").focus()
    with page.expect_response(lambda r: "/org/pick/recent/" in r.url) as recent:
        page.keyboard.press("Enter")
    assert recent.value.status == 204
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    chips = page.locator("#id_people-chips")
    expect(chips).to_contain_text("赵晓东")
    expect(chips).to_contain_text("何思远")

    # Esc discards what was picked since opening and returns focus too.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="最近选择")).to_be_visible()
    dialog.get_by_role("button", name="添加“市委常委”").click()
    expect(dialog.locator("[data-count]")).to_contain_text("陈国栋")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    expect(chips).not_to_contain_text("陈国栋")

    # A chip's remove button is labelled and works from the keyboard.
    remove = chips.get_by_role("button", name="移除 何思远")
    remove.focus()
    page.keyboard.press("Enter")
    expect(chips).not_to_contain_text("何思远")

    # The form submits what the picker chose.
    page.get_by_label("名称").fill("秘书一处领导")
    page.get_by_label("标识").fill("ms1-leads")
    page.get_by_label("类型").select_option("people")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("常用分组“秘书一处领导”已保存。")).to_be_visible()

    from zhongshu.org.models import PickGroup, RecentPick

    group = PickGroup.objects.get(code="ms1-leads")
    assert list(group.people.values_list("username", flat=True)) == ["mishu1"]
    assert RecentPick.objects.filter(person__username="zhuren", key="org.pick_group.people").exists()


def test_a_unit_picker_adds_a_group_from_the_keyboard(demo_site, browser):
    page = sign_in(browser, demo_site, "zhuren")
    page.goto(f"{demo_site}/org/groups/new/")
    opener = page.locator("#id_units-open")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="选择单位（可多选）")
    expect(dialog.get_by_label("搜索单位")).to_be_focused()
    add = dialog.get_by_role("button", name="添加“各区县委”")
    add.focus()
    page.keyboard.press("Enter")
    count = dialog.locator("[data-count]")
    expect(count).to_contain_text("已选 6 个单位：东城区委")
    # In a unit picker the units of the tree are chosen themselves.
    tree = dialog.get_by_role("tree")
    root = tree.get_by_role("treeitem", name="示例市委", exact=True)
    root.focus()
    page.keyboard.press("ArrowRight")
    district = tree.get_by_role("treeitem", name="东城区委", exact=True)
    expect(district).to_have_attribute("aria-selected", "true")
    district.focus()
    page.keyboard.press("Space")
    expect(count).to_contain_text("已选 5 个单位")
    assert axe_violations(page, "#id_units-dialog") == []
    dialog.get_by_role("button", name="确定").focus()
    page.keyboard.press("Enter")
    expect(opener).to_be_focused()
    chips = page.locator("#id_units-chips")
    expect(chips).to_contain_text("西城区委")
    expect(chips).not_to_contain_text("东城区委")


def test_the_pick_helper_chooses_like_a_user(demo_site, browser):
    page = sign_in(browser, demo_site, "zhuren")
    page.goto(f"{demo_site}/org/groups/new/")
    pick(page, "单位", "东城区委", "督查室")
    # The form posts them in the order chosen, not the organisation's order.
    checked = page.locator("select#id_units option:checked")
    expect(checked).to_have_count(2)
    assert [t.strip() for t in checked.all_text_contents()] == ["东城区委", "督查室"]


def test_a_phrase_is_inserted_into_the_opinion_box(demo_site, browser):
    from tests.workflow_sample.models import Memo
    from zhongshu.org.models import Person
    from zhongshu.workflow import services
    from zhongshu.workflow.models import AssigneeKind, OpinionPhrase, StageMode, StepAction

    zhuren = Person.objects.get(username="zhuren")
    drafter = Person.objects.get(username="mishu1")
    OpinionPhrase.objects.create(owner=zhuren, text="请秘书一处抓紧办理。")
    template = services.template_create(actor=zhuren, purpose="memo_approval", code="phrases", name="意见测试", stages=[
        {"name": "主任审核", "mode": StageMode.SINGLE, "delegable": False, "deadline_workdays": 2,
         "assignees": [{"kind": AssigneeKind.PERSON, "person": zhuren.pk}],
         "actions": [StepAction.AGREE, StepAction.AGREE_WITH_OPINION]}])
    memo = Memo.objects.create(title="关于常用意见的签报", owner=drafter)
    route = services.route_start(actor=drafter, obj=memo, template=template, title=memo.title)

    page = sign_in(browser, demo_site, "zhuren")
    page.goto(f"{demo_site}/workflow/routes/{route.pk}/")
    box = page.get_by_label("意见", exact=True)
    box.fill("经审核，")
    phrases = page.get_by_label("常用意见")
    expect(phrases).to_be_visible()
    phrases.select_option("请秘书一处抓紧办理。")
    page.get_by_role("button", name="插入意见框").click()
    expect(box).to_have_value("经审核，请秘书一处抓紧办理。")
    expect(box).to_be_focused()
    assert axe_violations(page, "[data-phrases]") == []
