"""True and false examples for the rules on a document's elements."""

import pytest

from tests.layout.proofread.helpers import NOTICE, REPORT, REQUEST, errors, found
from zhongshu.layout.proofread import check


def test_the_sample_documents_are_clean():
    for text in (NOTICE, REQUEST, REPORT):
        assert check(text) == []


# ---------------------------------------------------------------- doc-number-format


@pytest.mark.parametrize(("number", "fragment"), [
    ("市政办发[2026]3号", "六角括号"),
    ("市政办发【2026】3号", "六角括号"),
    ("市政办发(2026)3号", "六角括号"),
    ("市政办发（2026）3号", "六角括号"),
    ("市政办发〔26〕3号", "写全四位"),
    ("市政办发〔2026〕03号", "虚位"),
    ("市政办发〔2026〕第3号", "第"),
    ("市政办发〔2026〕3", "号"),
])
def test_doc_number_errors(number, fragment):
    text = NOTICE.replace("市政办发〔2026〕3号", number)
    hits = errors(text, "doc-number-format")
    assert len(hits) == 1
    assert fragment in hits[0].message
    assert hits[0].line == 2
    assert hits[0].suggestion == "改为“市政办发〔2026〕3号”"


def test_doc_number_after_title_or_before_it_and_multi_digit_is_fine():
    moved = NOTICE.replace("市政办发〔2026〕3号\n", "")
    moved = "市政办发〔2026〕103号\n" + moved
    assert found(moved, "doc-number-format") == []


def test_cited_number_with_wrong_brackets_is_a_warning():
    text = NOTICE.replace("根据《中华人民共和国安全生产法》", "根据国办发[2018]128号文件")
    hits = found(text, "doc-number-format")
    assert [h.severity for h in hits] == ["warning"]


# ---------------------------------------------------------------- title-form


def test_title_without_type_is_an_error():
    text = NOTICE.replace("安全工作的通知\n", "安全工作的安排\n", 1)
    assert "法定文种" in errors(text, "title-form")[0].message


def test_title_ending_with_punctuation():
    text = NOTICE.replace("安全工作的通知\n", "安全工作的通知。\n", 1)
    assert "末尾不加标点" in errors(text, "title-form")[0].message


def test_title_type_contradicting_the_given_type():
    hits = errors(NOTICE, "title-form", doc_type="请示")
    assert "不一致" in hits[0].message
    assert errors(NOTICE, "title-form", doc_type="通知") == []


def test_mixed_type_and_angle_brackets():
    assert errors(REQUEST.replace("经费的请示", "经费的请示报告"), "title-form")
    assert errors(NOTICE.replace("关于做好", "关于印发<方案>做好"), "title-form")


def test_wrapped_title_and_redundant_wording():
    wrapped = NOTICE.replace("关于做好2026年", "关于做好2026年\n")
    assert found(wrapped, "title-form") == []
    assert [f.severity for f in found(NOTICE.replace("关于做好", "关于对做好"), "title-form")] == ["warning"]


# ---------------------------------------------------------------- heading-order


def test_heading_gap_and_repeat():
    gap = NOTICE.replace("二、强化隐患排查", "三、强化隐患排查")
    assert "不连续" in errors(gap, "heading-order")[0].message
    repeat = NOTICE.replace("2.分管负责同志", "1.分管负责同志")
    assert "重复" in errors(repeat, "heading-order")[0].message
    back = NOTICE.replace("（二）加强值守", "（一）加强值守")
    assert errors(back, "heading-order")


@pytest.mark.parametrize("wrong", ["1、主要负责同志", "（一）、落实责任", "(一)落实责任", "一.加强组织领导"])
def test_heading_wrong_forms(wrong):
    original = {"1": "1.主要负责同志", "（": "（一）落实责任", "(": "（一）落实责任", "一": "一、加强组织领导"}
    text = NOTICE.replace(original[wrong[0]], wrong)
    assert any("写法不规范" in f.message for f in errors(text, "heading-order"))


def test_skipped_level_is_a_warning_only():
    text = NOTICE.replace("（一）落实责任。各单位要落实主体责任，详见附件1。\n", "")
    text = text.replace("（二）加强值守。", "节日期间加强值守。")
    hits = found(text, "heading-order")
    assert hits and {h.severity for h in hits} == {"warning"}


def test_numbers_like_3_5_and_continued_numbering_are_not_headings_errors():
    text = NOTICE.replace("各单位要在1月20日前", "3.5亿元资金已下达，各单位要在1月20日前")
    assert found(text, "heading-order") == []
    # （三） under 二、 continuing （二） under 一、: real rules number items straight through.
    through = NOTICE.replace("各单位要在1月20日前完成排查", "（三）各单位要在1月20日前完成排查")
    assert found(through, "heading-order") == []


def test_json_headings_are_numbered_and_checked_for_levels():
    import json

    doc = {"title": "关于某事的通知", "main_recipients": "各单位", "doc_type": "通知",
           "body": [{"type": "heading", "level": 1, "text": "总体要求"},
                    {"type": "heading", "level": 3, "text": "跳过一级"},
                    {"type": "heading", "level": 1, "text": "二、自带序号"}],
           "signature": ["某单位"], "date": "2026-01-05"}
    hits = check(json.dumps(doc, ensure_ascii=False), name="a.json")
    heading = [h for h in hits if h.rule == "heading-order"]
    assert {h.severity for h in heading} == {"warning", "error"}
    assert any("自带序号" in h.message for h in heading)


# ---------------------------------------------------------------- date-format


@pytest.mark.parametrize(("date", "fragment"), [
    ("2026年01月05日", "虚位"),
    ("二〇二六年一月五日", "阿拉伯数字"),
    ("2026.1.5", "××××年×月×日"),
    ("2026-01-05", "××××年×月×日"),
    ("26年1月5日", "四位"),
    ("2026年2月30日", "不存在"),
])
def test_signing_date_errors(date, fragment):
    hits = errors(NOTICE.replace("2026年1月5日", date), "date-format")
    assert hits and fragment in hits[0].message


def test_dates_in_running_text_are_not_the_signing_date():
    text = NOTICE.replace("节日期间实行", "2026年01月05日起，节日期间实行")
    assert found(text, "date-format") == []


def test_printing_date_before_signing_date_and_wrong_printing_date():
    early = NOTICE.replace("2026年1月6日印发", "2026年1月4日印发")
    assert [f.severity for f in found(early, "date-format")] == ["warning"]
    padded = NOTICE.replace("2026年1月6日印发", "2026年01月06日印发")
    assert errors(padded, "date-format")


def test_json_date_must_be_iso():
    import json

    doc = {"title": "关于某事的通知", "main_recipients": "各单位：", "date": "2026/1/5",
           "signature": ["某单位"]}
    assert errors(json.dumps(doc, ensure_ascii=False), "date-format", name="a.json")
    doc["date"] = "2026-01-05"
    assert found(json.dumps(doc, ensure_ascii=False), "date-format", name="a.json") == []


# ---------------------------------------------------------------- attachment-note


@pytest.mark.parametrize(("note", "fragment"), [
    ("附件:1.春节期间值班安排表\n2.隐患排查清单", "全角冒号"),
    ("附件：1、春节期间值班安排表\n2、隐患排查清单", "下脚点"),
    ("附件：1.春节期间值班安排表。\n2.隐患排查清单", "不加标点"),
    ("附件：1.春节期间值班安排表\n3.隐患排查清单", "不连续"),
    ("附件：（1）春节期间值班安排表\n（2）隐患排查清单", "阿拉伯数字"),
    ("附件如文", "附件如文"),
])
def test_attachment_note_errors(note, fragment):
    text = NOTICE.replace("附件：1.春节期间值班安排表\n2.隐患排查清单", note)
    hits = errors(text, "attachment-note")
    assert any(fragment in h.message for h in hits), hits


def test_attachment_reference_beyond_the_count():
    text = NOTICE.replace("详见附件1", "详见附件3")
    assert "只有2个附件" in errors(text, "attachment-note")[0].message


def test_attachment_pages_must_match_the_note():
    text = NOTICE + "附件1\n春节期间值班安排表\n附件2\n隐患排查清单\n附件3\n多出来的附件\n"
    assert "3个附件" in errors(text, "attachment-note")[0].message
    ok = NOTICE + "附件1\n春节期间值班安排表\n附件2\n隐患排查清单\n"
    assert errors(ok, "attachment-note") == []


def test_single_attachment_without_number_is_fine_with_number_a_warning():
    one = NOTICE.replace("附件：1.春节期间值班安排表\n2.隐患排查清单", "附件：春节期间值班安排表")
    one = one.replace("详见附件1", "详见附件")
    assert found(one, "attachment-note") == []
    numbered = one.replace("附件：春节", "附件：1.春节")
    assert [f.severity for f in found(numbered, "attachment-note")] == ["warning"]


# ---------------------------------------------------------------- main-recipient


def test_recipient_missing_or_without_full_width_colon():
    missing = NOTICE.replace("各区人民政府，市政府各部门：\n", "")
    assert "应有主送机关" in errors(missing, "main-recipient")[0].message
    half = NOTICE.replace("市政府各部门：", "市政府各部门:")
    assert "全角冒号" in errors(half, "main-recipient")[0].message
    comma = NOTICE.replace("市政府各部门：", "市政府各部门，")
    assert errors(comma, "main-recipient")
    bare = NOTICE.replace("市政府各部门：", "市政府各部门")
    assert "缺少全角冒号" in errors(bare, "main-recipient")[0].message


def test_types_published_generally_need_no_recipient():
    text = NOTICE.replace("各区人民政府，市政府各部门：\n", "").replace("的通知\n", "的通告\n", 1)
    assert found(text, "main-recipient") == []


# ---------------------------------------------------------------- request-rules


def test_request_with_two_recipients_or_a_person():
    two = REQUEST.replace("市人民政府：", "市委、市人民政府：")
    assert "一个上级机关" in errors(two, "request-rules")[0].message
    person = REQUEST.replace("市人民政府：", "王市长：")
    assert "个人" in errors(person, "request-rules")[0].message


def test_request_without_contact_is_a_warning():
    text = REQUEST.replace("（联系人：李明，电话：0571-87654321）\n", "")
    assert [f.severity for f in found(text, "request-rules")] == ["warning"]


def test_report_must_not_ask_for_instructions():
    text = REPORT.replace("特此报告。", "妥否，请批示。")
    assert "夹带请示" in errors(text, "request-rules")[0].message
    # A notice may say 请批示-like things; the rule is about reports only.
    assert found(NOTICE.replace("通知如下", "请示如下"), "request-rules") == []


def test_request_rules_follow_the_type_given_on_the_command_line():
    text = REPORT.replace("特此报告。", "妥否，请批示。").replace("情况的报告\n", "情况\n", 1)
    assert errors(text, "request-rules", doc_type="报告")


# ---------------------------------------------------------------- cc-format


@pytest.mark.parametrize(("line", "fragment"), [
    ("抄送：市委办公室，市人大常委会办公室", "句号"),
    ("抄送：市委办公室、市人大常委会办公室。", "逗号"),
    ("抄送：市委办公室,市人大常委会办公室。", "全角逗号"),
    ("抄送:市委办公室，市人大常委会办公室。", "冒号"),
])
def test_cc_errors(line, fragment):
    text = NOTICE.replace("抄送：市委办公室，市人大常委会办公室。", line)
    assert any(fragment in h.message for h in errors(text, "cc-format"))


def test_printing_line_must_end_with_yinfa():
    text = NOTICE.replace("2026年1月6日印发", "2026年1月6日")
    assert "印发" in errors(text, "cc-format")[0].message


def test_class_names_with_dunhao_inside_are_fine():
    text = NOTICE.replace("抄送：市委办公室，市人大常委会办公室。", "抄送：各省、自治区、直辖市人民政府。")
    assert found(text, "cc-format") == []
