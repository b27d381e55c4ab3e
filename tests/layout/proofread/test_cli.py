"""`zhongshu proofread`: exit codes, JSON Lines, the readable report, the term list."""

import json

import pytest

from tests.layout.proofread.helpers import NOTICE
from zhongshu import cli
from zhongshu.layout.proofread.models import ProofreadTerm

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    try:
        code = cli.main(["proofread", *map(str, args)])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def clean(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text(NOTICE, encoding="utf-8")
    return path


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text(NOTICE.replace("〔2026〕3号", "[2026]3号"), encoding="utf-8")
    return path


def test_clean_file_exits_0_with_empty_findings(capsys, clean):
    code, out, _ = run(capsys, clean, "--json")
    assert code == 0
    assert json.loads(out) == {"file": str(clean), "findings": []}


def test_error_finding_exits_1_and_json_lines_shape(capsys, clean, broken):
    code, out, _ = run(capsys, clean, broken, "--json")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [str(clean), str(broken)]
    finding = lines[1]["findings"][0]
    assert set(finding) == {"rule", "severity", "line", "column", "excerpt", "message", "suggestion"}
    assert (finding["rule"], finding["severity"], finding["line"]) == ("doc-number-format", "error", 2)


def test_warnings_alone_exit_0(capsys, tmp_path):
    path = tmp_path / "warn.txt"
    path.write_text(NOTICE.replace("根据", "根据国办发[2018]128号和"), encoding="utf-8")
    code, out, _ = run(capsys, path, "--json")
    assert code == 0
    assert {f["severity"] for f in json.loads(out)["findings"]} == {"warning"}


def test_unreadable_input_exits_2_and_other_files_are_still_checked(capsys, tmp_path, broken):
    binary = tmp_path / "bad.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01broken")
    missing = tmp_path / "missing.txt"
    code, out, err = run(capsys, binary, missing, broken, "--json")
    assert code == 2  # an unchecked file outranks an error finding
    assert str(binary) in err and str(missing) in err
    assert [json.loads(line)["file"] for line in out.splitlines()] == [str(broken)]


def test_invalid_json_file_is_unreadable(capsys, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, path)
    assert code == 2 and "JSON" in err


def test_json_input_and_type_option(capsys, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({
        "doc_type": "通知", "title": "某单位关于某事的通知", "main_recipients": "各科室",
        "body": [{"type": "paragraph", "text": "请于1月5日前报送。"}],
        "signature": ["某单位"], "date": "2026-01-05"}, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, path, "--json")
    assert code == 0 and json.loads(out)["findings"] == []
    code, out, _ = run(capsys, path, "--json", "--type", "请示")
    assert code == 1
    assert "title-form" in {f["rule"] for f in json.loads(out)["findings"]}


def test_readable_report_in_chinese(capsys, clean, broken):
    code, out, _ = run(capsys, clean, broken)
    assert code == 1
    assert f"{clean}：未发现问题。" in out
    assert "第2行第1列 [错误] 发文字号（doc-number-format）" in out
    assert "建议：改为“市政办发〔2026〕3号”" in out


def test_term_list_comes_from_the_database(capsys, tmp_path):
    ProofreadTerm.objects.create(term="群众路线教育", replacement="主题教育", severity="error")
    path = tmp_path / "t.txt"
    path.write_text(NOTICE.replace("为做好", "结合群众路线教育，为做好"), encoding="utf-8")
    code, out, _ = run(capsys, path, "--json")
    assert code == 1
    assert [f["suggestion"] for f in json.loads(out)["findings"]] == ["改为“主题教育”"]
    # The built-in list on request: the office's own entry is not in it.
    code, out, _ = run(capsys, path, "--json", "--builtin-terms")
    assert code == 0


def test_many_files_in_one_call(capsys, tmp_path):
    paths = []
    for i in range(200):
        path = tmp_path / f"d{i}.txt"
        path.write_text(NOTICE if i % 2 else NOTICE.replace("。。", "。").replace("通知如下。", "通知如下。。"),
                        encoding="utf-8")
        paths.append(path)
    code, out, _ = run(capsys, *paths, "--json")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(results) == 200
    assert sum(bool(r["findings"]) for r in results) == 100


def test_standard_input_and_loose_json_shapes(capsys, monkeypatch):
    import io

    doc = {"title": "某单位关于某事的通知", "main_recipients": "各科室", "signature": "某单位",
           "attachments": {"title": "名单。"}, "date": "2026-01-05"}
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(doc, ensure_ascii=False).encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = run(capsys, "-", "--json")
    result = json.loads(out)
    assert result["file"] == "-"
    assert [f["rule"] for f in result["findings"]] == ["attachment-note"]  # 名单。: punctuation
    assert code == 1
