"""True and false examples for the rules on running text."""

import pytest

from tests.layout.proofread.helpers import NOTICE, errors, found
from zhongshu.layout.proofread import Term, check

BODY = "各单位要在1月20日前完成排查，排查率达到100%，网址：http://www.example.gov.cn/a,b。"


def body(text: str) -> str:
    return NOTICE.replace(BODY, text)


# ---------------------------------------------------------------- punctuation-pairing


@pytest.mark.parametrize("text", [
    "各单位要落实“三个责任，确保安全。",
    "各单位要落实三个责任”，确保安全。",
    "依据《安全生产法，确保安全。",
    "各单位（含直属单位要确保安全。",
    "各单位要确保安全】。",
])
def test_unbalanced_marks(text):
    hits = errors(body(text), "punctuation-pairing")
    assert len(hits) == 1


def test_nested_and_balanced_marks_are_fine():
    text = "根据《关于印发〈方案〉的通知》（某发〔2025〕1号）和“两个确立”‘要求’，确保安全。"
    assert found(body(text), "punctuation-pairing") == []


def test_a_title_may_open_a_mark_on_one_line_and_close_it_on_the_next():
    text = NOTICE.replace("关于做好2026年春节期间安全工作的通知",
                          "关于贯彻《中华人民共和国安全\n生产法》做好安全工作的通知")
    assert found(text, "punctuation-pairing") == []


# ---------------------------------------------------------------- punctuation-width


@pytest.mark.parametrize(("text", "mark"), [
    ("各单位要落实责任,确保安全。", ","),
    ("各单位要落实责任;确保安全。", ";"),
    ("主要任务如下:落实责任。", ":"),
    ("是否落实责任?请报告。", "?"),
    ("务必落实责任!", "!"),
    ("各单位(含直属单位)要确保安全。", "("),
])
def test_half_width_marks_between_chinese(text, mark):
    hits = errors(body(text), "punctuation-width")
    assert hits and any(mark in h.message for h in hits)


@pytest.mark.parametrize("text", [
    "网址：http://www.example.gov.cn/x?a=1,b=2;c:d!e。",
    "邮箱：office@example.gov.cn，时间10:30，金额3,000元，增长3.5%。",
    "世界卫生组织（World Health Organization, WHO）发布了指南。",
    "按照ISO 9001:2015标准执行。",
])
def test_urls_numbers_and_english_keep_their_marks(text):
    assert found(body(text), "punctuation-width") == []


# ---------------------------------------------------------------- punctuation-repeat


@pytest.mark.parametrize("text", [
    "各单位要落实责任，，确保安全。",
    "各单位要落实责任。。",
    "各单位要落实责任，。",
    "落实安全、、消防责任。",
    "落实责任；。",
])
def test_doubled_or_conflicting_marks(text):
    assert len(errors(body(text), "punctuation-repeat")) == 1


def test_ellipsis_and_rhetorical_marks_are_fine():
    text = "包括消防、交通……等方面。难道不应该落实吗？！"
    assert found(body(text), "punctuation-repeat") == []


# ---------------------------------------------------------------- digit-width


def test_full_width_digits_and_letters():
    hits = errors(body("排查率达到１００％，按ＧＢ标准执行。"), "digit-width")
    assert [h.message for h in hits] == ["使用了全角数字“１００”", "使用了全角字母“ＧＢ”"]
    assert hits[0].suggestion == "改为半角“100”"


def test_half_width_digits_and_chinese_numerals_are_fine():
    text = "“十四五”期间，三四个单位要在1月20日前完成，一律按GB/T 9704-2012执行。"
    assert found(body(text), "digit-width") == []


# ---------------------------------------------------------------- term-list


def test_default_terms_are_flagged_with_replacement():
    hits = found(body("截止到目前，其它单位已完成。"), "term-list")
    assert [(h.excerpt.count("截止到") > 0, h.suggestion) for h in hits][0][1] == "改为“截至”"
    assert {h.suggestion for h in hits} == {"改为“截至”", "改为“其他”"}


def test_term_list_is_a_parameter_and_may_be_empty():
    terms = [Term("老名称", "新名称", "机构更名", "error")]
    hits = [f for f in check(body("老名称已完成排查。"), terms=terms) if f.rule == "term-list"]
    assert hits[0].severity == "error" and hits[0].suggestion == "改为“新名称”"
    assert [f for f in check(body("截止到目前。"), terms=[]) if f.rule == "term-list"] == []


def test_correct_wording_is_not_flagged():
    text = "截至目前，其他单位和农业部门、文化部门已完成。"
    assert found(body(text), "term-list") == []


# ---------------------------------------------------------------- placeholder


@pytest.mark.parametrize("text", [
    "请XXX同志负责。", "请××同志负责。", "于【】前完成。", "联系人：待填。", "请某某单位负责。",
    "请xxx负责。", "金额____元。",
])
def test_placeholders(text):
    assert len(errors(body(text), "placeholder")) == 1


def test_latin_words_and_real_text_are_not_placeholders():
    text = "采购XXL型号帐篷，网址：http://xxx.example.gov.cn/a。"
    assert found(body(text), "placeholder") == []


def test_doubled_half_width_marks_after_chinese_but_not_in_english():
    assert len(errors(body("各单位要落实责任,,确保安全。"), "punctuation-repeat")) == 1
    assert found(body("He asked: really?! 各单位要落实责任。"), "punctuation-repeat") == []
