"""Issue 11 §12: no installation runs on a shared default secret key."""

import stat
import subprocess
import sys

import pytest

from zhongshu.config.env import SettingError, env_secret_key


def test_a_secret_key_is_generated_on_first_start_readable_by_the_service_only(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHONGSHU_SECRET_KEY", raising=False)
    path = tmp_path / "var" / "secret_key"
    first = env_secret_key("ZHONGSHU_SECRET_KEY", path)
    assert len(first) >= 50 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert env_secret_key("ZHONGSHU_SECRET_KEY", path) == first  # kept across starts
    other = env_secret_key("ZHONGSHU_SECRET_KEY", tmp_path / "elsewhere" / "secret_key")
    assert other != first  # never shared between installations


def test_a_configured_key_wins_and_a_short_one_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHONGSHU_SECRET_KEY", "k" * 40)
    assert env_secret_key("ZHONGSHU_SECRET_KEY", tmp_path / "secret_key") == "k" * 40
    assert not (tmp_path / "secret_key").exists()
    monkeypatch.setenv("ZHONGSHU_SECRET_KEY", "short")
    with pytest.raises(SettingError, match="至少 32 个字符"):
        env_secret_key("ZHONGSHU_SECRET_KEY", tmp_path / "secret_key")


def test_the_settings_module_no_longer_has_a_default_key(tmp_path):
    code = ("import os; os.environ.pop('ZHONGSHU_SECRET_KEY', None);"
            "from zhongshu.config import settings as s; print(s.SECRET_KEY); print(s.AUDIT_KEY_FILE)")
    env = {"ZHONGSHU_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert "insecure" not in out[0] and out[0] == (tmp_path / "secret_key").read_text().strip()
    assert out[1] == str(tmp_path / "audit-chain.key")
    assert stat.S_IMODE((tmp_path / "audit-chain.key").stat().st_mode) == 0o600
