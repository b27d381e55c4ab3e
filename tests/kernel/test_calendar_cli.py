"""`zhongshu calendar` at year end, as an operator meets it: a real process, a real
database file."""

import pytest

from tests.test_cli import run

NOTE = "2027年节假日安排未录入，暂按周一至周五及法定节假日计算（未含调休上班日），录入后自动重算"


@pytest.fixture(scope="module")
def db_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("calendar-cli")
    assert run(["migrate", "-v0"], path).returncode == 0
    return path


def test_an_unknown_year_is_refused_without_the_flag(db_dir):
    for args in (["add", "2026-12-28", "30"], ["is-workday", "2027-02-09"],
                 ["between", "2026-12-28", "2027-02-15"]):
        result = run(["calendar", *args], db_dir)
        assert result.returncode == 1 and result.stdout == ""
        assert "2027年的节假日安排尚未录入，无法计算工作日" in result.stderr
        assert "加 --provisional 可得到暂按周一至周五及法定节假日计算的结果" in result.stderr
        assert "Traceback" not in result.stderr


def test_provisional_answers_exit_zero_and_say_so_on_standard_error(db_dir):
    result = run(["calendar", "add", "2026-12-28", "30", "--provisional"], db_dir)
    assert (result.returncode, result.stdout.strip()) == (0, "2027-02-15")
    assert result.stderr.strip() == f"暂定结果：{NOTE}。"
    result = run(["calendar", "is-workday", "--provisional", "2027-02-09"], db_dir)
    assert (result.returncode, result.stdout.strip()) == (0, "false") and NOTE in result.stderr
    result = run(["calendar", "between", "2026-12-28", "2027-02-15", "--provisional"], db_dir)
    assert (result.returncode, result.stdout.strip()) == (0, "30") and NOTE in result.stderr


def test_an_exact_answer_with_the_flag_says_nothing_more(db_dir):
    result = run(["calendar", "add", "2026-09-30", "1", "--provisional"], db_dir)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "2026-10-08", "")


def test_recompute_runs_now_for_a_known_year_only(db_dir):
    result = run(["calendar", "recompute", "2027"], db_dir)
    assert result.returncode == 1 and "2027年的节假日安排尚未录入，无法重算期限。" in result.stderr
    result = run(["calendar", "recompute", "2026"], db_dir)
    assert result.returncode == 0 and result.stdout.strip() == "2026年：更新 0 项期限。"
