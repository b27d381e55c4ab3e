"""The `zhongshu` command as an operator meets it: a real process, a real database file."""

import os
import subprocess
import sys

import pytest

ZS = [sys.executable, "-m", "zhongshu.cli"]


def run(args, tmp_path, **env):
    environment = {**os.environ, "ZHONGSHU_VAR_DIR": str(tmp_path),
                   "ZHONGSHU_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(ZS + args, capture_output=True, text=True, env=environment, timeout=120)


def test_help_lists_every_command(tmp_path):
    out = run(["--help"], tmp_path).stdout
    for name in ["run", "worker", "migrate", "demo", "calendar"]:
        assert f"  {name} " in out


def test_unknown_command_is_refused(tmp_path):
    result = run(["frobnicate"], tmp_path)
    assert result.returncode == 2 and "unknown command" in result.stderr


@pytest.mark.parametrize(("var", "value", "message"), [
    ("ZHONGSHU_PORT", "eighty", "ZHONGSHU_PORT='eighty'"),
    ("ZHONGSHU_PORT", "70000", "1 to 65535"),
    ("ZHONGSHU_DATABASE_URL", "mysql://x/y", "only sqlite"),
    ("ZHONGSHU_DEBUG", "perhaps", "expected true or false"),
])
def test_invalid_settings_stop_start_up_with_a_clear_message(tmp_path, var, value, message):
    result = run(["calendar", "is-workday", "2026-10-10"], tmp_path, **{var: value})
    assert result.returncode == 2
    assert "configuration error" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_calendar_commands(tmp_path):
    assert run(["migrate", "-v0"], tmp_path).returncode == 0
    assert run(["calendar", "is-workday", "2026-10-10"], tmp_path).stdout.strip() == "true"
    assert run(["calendar", "is-workday", "2026-02-14"], tmp_path).stdout.strip() == "true"
    assert run(["calendar", "is-workday", "2026-10-05"], tmp_path).stdout.strip() == "false"
    assert run(["calendar", "add", "2026-09-30", "1"], tmp_path).stdout.strip() == "2026-10-08"
    assert run(["calendar", "between", "2026-09-30", "2026-10-12"], tmp_path).stdout.strip() == "4"
    unknown = run(["calendar", "is-workday", "2027-06-01"], tmp_path)
    assert unknown.returncode != 0
    assert "2027年的节假日安排尚未录入" in unknown.stderr
