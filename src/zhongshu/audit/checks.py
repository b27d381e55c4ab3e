"""System checks of the audit chain's set-up (``zhongshu manage check``; run at start)."""

from __future__ import annotations

import stat
from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register

from . import chain, keys


@register()
def audit_chain_checks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not chain.sm3_available():
        problems.append(Warning(
            "本机 OpenSSL 不支持 SM3，审计链改用 HMAC-SHA256。",
            hint="安装带 SM3 的 OpenSSL（1.1.1 及以上，未禁用 SM3）后重启；每条事件记有自己的算法，已有事件照常校验。",
            id="audit.W001"))
    path = chain.keyring_path()
    try:
        keys.load(path)
    except keys.KeyringError as exc:
        problems.append(Error(str(exc), hint="检查 ZHONGSHU_AUDIT_KEY_FILE 和文件权限；从备份恢复密钥文件。",
                              id="audit.E001"))
        return problems
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        problems.append(Warning(
            f"审计链密钥文件 {path} 可被其他用户读取。",
            hint=f"chmod 600 {path}", id="audit.W002"))
    return problems
