"""Choosing in a picker (org.pickers) from a browser test, as a user does: open the
field's dialog, search each name, tick it, confirm. For tests whose forms moved from a
plain <select> to a picker::

    pick(page, "会签单位", "督查室", "信息处")
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def pick(page: Page, field_label: str, *names: str) -> None:
    """Choose ``names`` (a person's name, a unit's short name) in the picker whose form
    label reads ``field_label``; what was chosen before stays chosen."""
    label = page.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(field_label)}\s*\*?\s*$"))
    field_id = label.first.get_attribute("for")
    page.locator(f"#{field_id}-open").click()
    dialog = page.locator(f"#{field_id}-dialog")
    search = dialog.locator("[data-search]")
    expect(search).to_be_focused()
    for name in names:
        search.fill(name)
        box = dialog.locator("[data-results]").get_by_role("checkbox", name=re.compile(rf"^\s*{re.escape(name)}(\s|$)"))
        expect(box.first).to_be_visible()
        box.first.check()
    dialog.locator("[data-confirm]").click()
    expect(dialog).to_be_hidden()
    chips = page.locator(f"#{field_id}-chips")
    for name in names:
        expect(chips).to_contain_text(name)
