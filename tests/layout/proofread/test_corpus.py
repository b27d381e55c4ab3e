"""Real published documents through `zhongshu proofread --json`: silent on the documents as
published (apart from what the manifest expects of pre-2012 documents), and every injected
error flagged with the right rule id."""

import json

import pytest
from bench.proofread.evaluate import CORPUS, injections, load_corpus

from zhongshu import cli
from zhongshu.layout.proofread import RULE_IDS

pytestmark = pytest.mark.django_db

DOCS = load_corpus()


def run_json(capsys, paths):
    try:
        code = cli.main(["proofread", "--json", *map(str, paths)])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert err == ""
    return code, {item["file"]: item["findings"] for item in map(json.loads, out.splitlines())}


def test_corpus_is_large_and_varied_enough():
    assert len(DOCS) >= 20
    # The nine types the issue names, each with at least one real document.
    types = {d["type"] for d in DOCS}
    assert {"通知", "请示", "报告", "函", "批复", "意见", "决定", "通报", "纪要"} <= types
    assert all(d["source"] for d in DOCS)
    # Every file in the folder is listed, so nothing is measured without a source.
    listed = {d["file"] for d in DOCS}
    assert listed == {p.name for p in CORPUS.glob("*.txt")}


def test_expected_errors_are_real_and_explained(capsys):
    """The manifest's allowances are not a blanket pass: each one is raised on its document,
    and an allowance other than a pre-2012 date says why in the entry's notes."""
    allowed = [d for d in DOCS if d.get("expected_errors")]
    _, results = run_json(capsys, [CORPUS / d["file"] for d in allowed])
    for entry in allowed:
        raised = {f["rule"] for f in results[str(CORPUS / entry["file"])]
                  if f["severity"] == "error"}
        assert set(entry["expected_errors"]) <= raised, entry["file"]
        for rule in entry["expected_errors"]:
            if rule != "date-format" or not entry.get("pre_2012"):
                assert rule in entry.get("notes", ""), (entry["file"], rule)


def test_real_documents_produce_no_unexpected_error(capsys):
    paths = [CORPUS / d["file"] for d in DOCS]
    _, results = run_json(capsys, paths)
    for entry, path in zip(DOCS, paths, strict=True):
        errors = {f["rule"] for f in results[str(path)] if f["severity"] == "error"}
        assert errors <= set(entry.get("expected_errors", [])), (entry["file"], results[str(path)])
    # The pre-2012 documents really are flagged for their Chinese-numeral dates.
    dated = [e for e in DOCS if e.get("pre_2012")]
    assert dated and all(
        any(f["rule"] == "date-format" for f in results[str(CORPUS / e["file"])]) for e in dated)


def test_every_injected_error_is_flagged_with_its_rule(capsys, tmp_path):
    cases = injections(DOCS)
    assert {rule for _, rule, _ in cases} == set(RULE_IDS)
    # request-rules is injected into both a real 请示 (a second recipient) and a real 报告.
    assert {DOCS[i]["type"] for i, rule, _ in cases if rule == "request-rules"} >= {"请示", "报告"}
    paths = []
    for k, (index, rule, text) in enumerate(cases):
        path = tmp_path / f"{k:03d}-{rule}-{DOCS[index]['file']}"
        path.write_text(text, encoding="utf-8")
        paths.append((path, rule))
    code, results = run_json(capsys, [p for p, _ in paths])
    assert code == 1
    missed = [p.name for p, rule in paths if rule not in {f["rule"] for f in results[str(p)]}]
    assert missed == []
