"""The body block editor of the draft pages: its operations, the body it saves, its htmx
fragment endpoints and the page without scripts (Django test client)."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from tests.documents.test_pages import draft, form_data
from zhongshu.documents import blocks as body_blocks
from zhongshu.documents.blocks import Block

# A body as the editor posts it: a paragraph, a level-2 heading, a 2×3 table and a
# level-1 heading, with indexes that need not be consecutive (the order is theirs).
MIXED = {
    "block_type_0": "paragraph", "block_text_0": "现将有关事项通知如下。",
    "block_type_1": "h2", "block_text_1": "工作要求",
    "block_type_2": "table", "block_rows_2": "2", "block_cols_2": "3", "block_header_2": "on",
    "block_cell_2_0_0": "单位", "block_cell_2_0_1": "人数", "block_cell_2_0_2": "时间",
    "block_cell_2_1_0": "县委办", "block_cell_2_1_1": "3", "block_cell_2_1_2": "12月",
    "block_type_5": "h1", "block_text_5": "保障措施",
}
MIXED_BODY = [
    {"type": "paragraph", "text": "现将有关事项通知如下。"},
    {"type": "heading", "level": 2, "text": "工作要求"},
    {"type": "table", "rows": [["单位", "人数", "时间"], ["县委办", "3", "12月"]], "header": True},
    {"type": "heading", "level": 1, "text": "保障措施"},
]


def post(data: dict) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        q[key] = value
    return q


def without_blocks(data: dict) -> dict:
    return {k: v for k, v in data.items() if not k.startswith("block_")}


# --- the editor's state and operations -------------------------------------------------

def test_posted_blocks_come_back_in_order_and_save_as_the_interchange_body():
    blocks = body_blocks.from_post(post(MIXED))
    assert [b.kind for b in blocks] == ["paragraph", "h2", "table", "h1"]
    body, problems = body_blocks.to_body(blocks)
    assert problems == [] and body == MIXED_BODY


def test_headings_are_numbered_as_the_renderer_numbers_them():
    kinds = ["h1", "h2", "h2", "h3", "h4", "paragraph", "h1", "h2", "h3"]
    blocks = body_blocks.numbered([Block(k, "x") for k in kinds])
    assert [b.prefix for b in blocks] == ["一、", "（一）", "（二）", "1.", "（1）", "", "二、", "（一）", "1."]
    assert [b.index for b in blocks] == list(range(len(kinds)))


def test_the_compared_text_numbers_headings_as_the_clean_copy_does():
    from zhongshu.documents import content

    spec = {"title": "通知", "body": ["引言", *MIXED_BODY, {"type": "heading", "level": 2, "text": "分工"}]}
    assert content.text_of(spec).splitlines() == [
        "通知", "引言", "现将有关事项通知如下。", "（一）工作要求", "单位 | 人数 | 时间", "县委办 | 3 | 12月",
        "一、保障措施", "（一）分工"]
    shown = [b.get("prefix") for b in content.blocks_for_display(spec)]
    assert shown == [None, None, "（一）", None, "一、", "（一）"]


def test_operations_add_remove_move_and_shape_tables():
    blocks = [Block("paragraph", "甲"), Block("h1", "乙")]
    blocks, focus = body_blocks.apply(blocks, "add:0", {"add_kind_0": "table"})
    assert [b.kind for b in blocks] == ["paragraph", "table", "h1"] and focus == 1
    assert blocks[1].rows == [["", ""], ["", ""]]
    blocks, _ = body_blocks.apply(blocks, "add:-1", {"add_kind_start": "h3"})
    assert [b.kind for b in blocks] == ["h3", "paragraph", "table", "h1"]
    blocks, focus = body_blocks.apply(blocks, "up:3", {})
    assert [b.text for b in blocks] == ["", "甲", "乙", ""] and focus == 2
    blocks, _ = body_blocks.apply(blocks, "down:0", {})
    assert [b.kind for b in blocks] == ["paragraph", "h3", "h1", "table"]
    blocks, _ = body_blocks.apply(blocks, "remove:1", {})
    assert [b.kind for b in blocks] == ["paragraph", "h1", "table"]
    table = blocks[2]
    table.rows = [["a", "b"], ["c", "d"]]
    body_blocks.apply(blocks, "row_add:2", {})
    body_blocks.apply(blocks, "col_add:2", {})
    assert table.rows == [["a", "b", ""], ["c", "d", ""], ["", "", ""]]
    body_blocks.apply(blocks, "col_remove:2:0", {})
    body_blocks.apply(blocks, "row_remove:2:1", {})
    assert table.rows == [["b", ""], ["", ""]]
    # Nonsense and out-of-range buttons change nothing; the last row and column stay.
    for op in ("up:0", "down:2", "remove:9", "add:7", "explode:1", "row_remove:x", ""):
        assert [b.kind for b in body_blocks.apply(blocks, op, {})[0]] == ["paragraph", "h1", "table"]
    single = [Block("table", rows=[["只有一格"]])]
    body_blocks.apply(single, "row_remove:0:0", {})
    body_blocks.apply(single, "col_remove:0:0", {})
    assert single[0].rows == [["只有一格"]]


def test_changing_a_kind_keeps_the_words():
    as_text = body_blocks.from_post(post({"block_type_0": "paragraph", "block_rows_0": "2", "block_cols_0": "2",
                                          "block_cell_0_0_0": "单位", "block_cell_0_0_1": "时间",
                                          "block_cell_0_1_0": "县委办", "block_cell_0_1_1": "12月"}))
    assert as_text[0].text == "单位 | 时间\n县委办 | 12月"
    as_table = body_blocks.from_post(post({"block_type_0": "table", "block_text_0": as_text[0].text}))
    assert as_table[0].rows == [["单位", "时间"], ["县委办", "12月"]] and as_table[0].header


def test_bad_blocks_are_refused_in_chinese_and_empty_paragraphs_left_out():
    blocks = [Block("paragraph", "  "), Block("h1", " "), Block("h2", "（一）工作要求"),
              Block("table", rows=[["单位", "时间"], [" ", ""], ["县委办", ""]]),
              Block("table", rows=[["", ""]]), Block("h3", "2026年安排")]
    body, problems = body_blocks.to_body(blocks)
    assert problems == ["第 2 块（一级标题 一、）：标题没有文字，请填写或删除该块。",
                        "第 3 块（二级标题 （一））：标题序号由系统编排，请删去开头的“（一）”。",
                        "第 4 块（表格）：第 2 行没有内容，请填写或删除该行。",
                        "第 5 块（表格）：表格没有内容，请填写或删除该表格。"]
    assert blocks[3].problems == ["第 2 行没有内容，请填写或删除该行。"]
    assert body[-1] == {"type": "heading", "level": 3, "text": "2026年安排"}


# --- the pages -------------------------------------------------------------------------

def test_saving_a_mixed_body_with_a_table_makes_a_version_with_those_blocks_in_order(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    editor = client.get(reverse("documents:edit", args=[doc.pk]))
    page = editor.content.decode()
    # The stored body is in the editor: a table as cells, the heading with its number.
    assert 'name="block_cell_3_1_0" value="县委办"' in page and "一、" in page
    assert reverse("documents:edit_body", args=[doc.pk]) in page
    base = editor.context["form"].initial["base_version"]
    data = {**without_blocks(form_data(title=doc.title)), "base_version": base, **MIXED}
    response = client.post(reverse("documents:edit", args=[doc.pk]), data)
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.versions.count() == 2 and doc.current_version.number == 2
    assert doc.current_version.spec["body"] == MIXED_BODY
    clean = client.get(reverse("documents:detail", args=[doc.pk]) + "?view=clean").content.decode()
    assert "（一）工作要求" in clean and "一、保障措施" in clean and "县委办" in clean


def test_a_new_draft_starts_with_one_paragraph_and_saves_cells(client, office):
    client.force_login(office.drafter)
    page = client.get(reverse("documents:create")).content.decode()
    assert 'id="block_text_0"' in page and 'name="block_type_1"' not in page
    assert reverse("documents:create_body") in page
    response = client.post(reverse("documents:create"), {**without_blocks(form_data()), **MIXED})
    assert response.status_code == 302
    from zhongshu.documents.models import OutgoingDocument

    assert OutgoingDocument.objects.get().current_version.spec["body"] == MIXED_BODY


def test_bad_blocks_are_shown_beside_the_block_and_nothing_is_saved(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    data = {**without_blocks(form_data(title=doc.title)), "base_version": doc.current_version_id,
            "block_type_0": "h1", "block_text_0": "",
            "block_type_1": "table", "block_rows_1": "2", "block_cols_1": "2",
            "block_cell_1_0_0": "单位", "block_cell_1_0_1": "时间"}
    response = client.post(reverse("documents:edit", args=[doc.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "第 1 块（一级标题 一、）：标题没有文字" in page
    assert "第 2 块（表格）：第 2 行没有内容，请填写或删除该行。" in page
    assert 'value="单位"' in page  # what was typed is still there
    assert doc.versions.count() == 1


@pytest.mark.parametrize("url_name", ["documents:create_body", "documents:edit_body"])
def test_the_fragment_redraws_the_editor_with_the_change_and_keeps_what_was_typed(client, office, url_name):
    doc = draft(office)
    client.force_login(office.drafter)
    url = reverse(url_name, args=[doc.pk] if url_name == "documents:edit_body" else None)
    data = {**without_blocks(form_data()), **MIXED, "add_kind_1": "h1", "body_op": "add:1"}
    response = client.post(url, data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.startswith('<fieldset class="card body-editor" id="body-editor"') and "<html" not in page
    assert f'hx-post="{url}"' in page
    kinds = [b.kind for b in response.context["blocks"]]
    assert kinds == ["paragraph", "h2", "h1", "table", "h1"]
    # Renumbered: the new heading is 一、, the one after it 二、; typed words kept.
    assert [b.prefix for b in response.context["blocks"]] == ["", "（一）", "一、", "", "二、"]
    assert 'id="block_text_2" name="block_text_2"' in page and "autofocus" in page
    assert 'name="block_cell_3_1_0" value="县委办"' in page and "现将有关事项通知如下。" in page
    moved = client.post(url, {**MIXED, "body_op": "up:3"}).context["blocks"]
    assert [b.kind for b in moved] == ["paragraph", "h2", "h1", "table"]
    grown = client.post(url, {**MIXED, "body_op": "row_add:2"}).content.decode()
    assert 'name="block_rows_2" value="3"' in grown and 'name="block_cell_2_2_2" value=""' in grown
    retyped = client.post(url, {**MIXED, "block_type_2": "paragraph", "body_op": "retype:2"})
    assert retyped.context["blocks"][2].text == "单位 | 人数 | 时间\n县委办 | 3 | 12月"
    assert doc.versions.count() == 1  # nothing is saved by the editor's buttons


def test_the_fragments_are_guarded_like_drafting_and_editing(client, office):
    doc = draft(office)
    url = reverse("documents:edit_body", args=[doc.pk])
    client.force_login(office.colleague)  # same unit, not the drafter: cannot even see it
    assert client.post(url, MIXED).status_code == 404
    client.force_login(office.drafter)
    assert client.get(url).status_code == 405
    from zhongshu.documents import services

    services.outgoing_submit(actor=office.drafter, document=doc)  # the drafter's turn is over
    assert client.post(url, MIXED).status_code == 403
    client.force_login(office.head)  # the reviewer on their pending step may
    assert client.post(url, MIXED).status_code == 200


def test_without_scripts_the_buttons_redraw_the_whole_page_and_save_nothing(client, office):
    doc = draft(office)
    client.force_login(office.drafter)
    data = {**without_blocks(form_data(title=doc.title, notes="未保存的附注")),
            "base_version": doc.current_version_id, **MIXED, "body_op": "remove:0"}
    response = client.post(reverse("documents:edit", args=[doc.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page
    assert [b.kind for b in response.context["blocks"]] == ["h2", "table", "h1"]
    assert "未保存的附注" in page and 'class="form-errors"' not in page
    assert doc.versions.count() == 1
