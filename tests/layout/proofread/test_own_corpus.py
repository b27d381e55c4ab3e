"""The developers' own corpus (tests/layout/proofread_corpus/): 54 documents written in the
style of published ones, every statutory type plus 令, 公告, 通告 and replies to deputies'
suggestions. The proofreader raises no error on any of them, and finds every injected error
(recall ≥ 0.95 per rule); and the cases issue 12 §12 names are silent."""

import json

import pytest
from bench.proofread.evaluate import OWN_CORPUS, evaluate, load_corpus

from zhongshu import cli
from zhongshu.layout.proofread import ERROR, RULE_IDS, check

pytestmark = pytest.mark.django_db

DOCS = load_corpus(OWN_CORPUS)


def test_corpus_is_large_and_varied():
    assert len(DOCS) >= 50
    types = {d["type"] for d in DOCS}
    assert {"通知", "请示", "报告", "函", "批复", "意见", "决定", "通报", "纪要", "令", "公告", "通告"} <= types
    counts = {t: sum(d["type"] == t for d in DOCS) for t in ("请示", "纪要", "批复", "意见")}
    assert counts["请示"] >= 5 and counts["纪要"] >= 2 and counts["批复"] >= 5 and counts["意见"] >= 5
    assert {d["file"] for d in DOCS} == {p.name for p in OWN_CORPUS.glob("*.txt")}


def test_no_error_on_any_document_through_the_command(capsys):
    paths = [OWN_CORPUS / d["file"] for d in DOCS]
    try:
        code = cli.main(["proofread", "--json", *map(str, paths)])
    except SystemExit as exc:
        code = exc.code
    out, _ = capsys.readouterr()
    results = {item["file"]: item["findings"] for item in map(json.loads, out.splitlines())}
    errors = {name: [f for f in found if f["severity"] == "error"] for name, found in results.items()}
    assert {name: e for name, e in errors.items() if e} == {}
    assert code in (0, None)


def test_every_rule_finds_injected_errors_and_raises_no_false_error():
    result = evaluate(DOCS)
    assert result["unexpected_errors"] == []
    for rule in RULE_IDS:
        stats = result["stats"][rule]
        assert stats["injected"] > 0, rule
        assert stats["detected"] / stats["injected"] >= 0.95, (rule, dict(stats))
        assert stats["fp_clean_error"] == 0, rule


def _errors(text: str) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in check(text) if f.severity == ERROR]


REPLY = """示例市交通运输局对市十六届人大五次会议第126号建议的答复
李红梅代表：
您提出的建议收悉，现答复如下。
示例市交通运输局
2026年6月30日"""


@pytest.mark.parametrize("title", [
    "示例市人民政府关于加快发展数字经济的实施意见",
    "示例市人民政府办公室关于推进社区养老服务发展的指导意见",
    "中共示例市委 示例市人民政府关于促进民营经济高质量发展的若干意见",
])
def test_compound_opinion_titles_are_real_forms(title):
    text = f"{title}\n示政发〔2026〕8号\n各区县人民政府，市政府各部门：\n现提出如下意见。\n示例市人民政府\n2026年3月5日"
    assert _errors(text) == []


@pytest.mark.parametrize("title", [
    "示例市交通运输局对市十六届人大五次会议第126号建议的答复",
    "示例市教育局关于市政协十四届五次会议第0210号提案的答复",
])
def test_replies_to_suggestions_and_proposals(title):
    assert _errors(REPLY.replace(REPLY.splitlines()[0], title)) == []


def test_a_title_that_is_no_form_is_still_flagged():
    assert any(e.startswith("title-form") for e in _errors(REPLY.replace("建议的答复", "建议的回复情况")))


@pytest.mark.parametrize("title", ["通    知", "通　知", "纪  要"])
def test_titles_spaced_for_layout(title):
    text = f"{title}\n机关各处室：\n定于2026年5月8日召开全体干部职工大会。\n示例市档案馆办公室\n2026年5月6日"
    assert not [e for e in _errors(text) if e.startswith("title-form")]


@pytest.mark.parametrize("number", ["第12号", "第 305 号", "（第15号）", "第十二号"])
def test_the_number_of_an_order(number):
    text = (f"示例市人民政府令\n{number}\n《示例市城市绿化管理办法》已经市人民政府常务会议审议通过，"
            "现予公布，自2026年3月1日起施行。\n市长  李明华\n2026年1月20日")
    assert _errors(text) == []


@pytest.mark.parametrize("number", ["示政发〔2026〕第8号", "示政发(2026)8号", "示政发〔26〕8号"])
def test_a_malformed_document_number_is_still_flagged(number):
    text = f"示例市人民政府关于做好防汛工作的通知\n{number}\n各区县人民政府：\n请做好防汛工作。\n示例市人民政府\n2026年6月1日"
    assert any(e.startswith("doc-number-format") for e in _errors(text))


def test_a_title_naming_normative_documents_is_a_title():
    text = ("示例市人民政府关于废止部分市政府规范性文件的决定\n示政发〔2026〕19号\n各区县人民政府：\n"
            "决定废止12件规范性文件。\n示例市人民政府\n2026年8月10日")
    assert _errors(text) == []


def test_a_single_attachment_whose_title_starts_with_a_year():
    text = ("示例市交通运输局关于拨付养护补助资金的请示\n示交〔2026〕14号\n市人民政府：\n恳请拨付资金。\n妥否，请批示。\n"
            "附件：2026年农村公路养护补助资金测算表\n示例市交通运输局\n2026年2月8日\n（联系人：周建平，电话：0000-66778899）")
    assert _errors(text) == []


def test_an_opening_sentence_is_not_read_as_recipients():
    text = ("示例市人民政府关于做好防汛工作的通知\n示政发〔2026〕9号\n"
            "根据省政府部署，现将有关事项通知如下：\n一、压实责任\n示例市人民政府\n2026年6月1日")
    assert any(e.startswith("main-recipient") for e in _errors(text))


def test_mixed_latin_and_chinese_text_keeps_its_marks():
    body = ("PM2.5浓度为32微克/立方米，执行GB/T 9704-2012标准，会议时间为上午9:30，比例尺为1:500，"
            "详见https://www.example.gov.cn/a?b=1，邮箱：hbj@example.gov.cn，推进“AI+政务”，支持Windows、Linux，"
            "发布Version 2.0，提供API接口。")
    text = f"示例市人民政府关于空气质量工作的通知\n示政发〔2026〕3号\n各区县人民政府：\n{body}\n示例市人民政府\n2026年1月15日"
    assert _errors(text) == []
