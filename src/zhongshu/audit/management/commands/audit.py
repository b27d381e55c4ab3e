"""`zhongshu audit`: verify the chain (against anchors), export an anchor, rotate the key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.audit import chain, denials, keys
from zhongshu.audit import services as audit


class Command(BaseCommand):
    help = "安全审计：verify 校验审计链 | anchor 导出锚点 | rotate-key 轮换审计链密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="逐条校验审计事件链；发现被修改、删除或重排的事件时以非零状态退出")
        verify.add_argument("--anchor", action="append", default=[], metavar="FILE",
                            help="锚点文件（可多次给出）：审计链须与其中每个锚点相符")
        anchor = sub.add_parser("anchor", help="导出链尾锚点（带时间和签名），保存在数据库之外；建议每日一次")
        anchor.add_argument("--output", metavar="FILE", help="追加写入该文件（新建时仅本用户可读）")
        rotate = sub.add_parser("rotate-key", help="轮换审计链密钥：旧密钥保留用于校验此前的事件")
        rotate.add_argument("--reason", required=True, help="轮换原因（记入审计日志）")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

    def _verify(self, opts: dict[str, Any]) -> None:
        anchors = []
        for name in opts["anchor"]:
            try:
                found = chain.anchors_read(Path(name).read_text(encoding="utf-8"))
            except OSError as exc:
                raise CommandError(f"无法读取锚点文件 {name}：{exc.strerror}") from None
            if not found:
                raise CommandError(f"锚点文件 {name} 中没有锚点。")
            anchors += found
        verdict = chain.verify(anchors=anchors)
        if not verdict.ok:
            raise CommandError(f"审计链校验失败：{verdict.message}（此前 {verdict.count} 条事件完好）")
        text = f"审计链完整：共 {verdict.count} 条事件，链尾摘要 {verdict.head_hash}（算法 {chain.ALGORITHM}）"
        if anchors:
            text += f"；与 {verdict.anchors_checked} 个锚点相符"
        self.stdout.write(text)

    def _anchor(self, opts: dict[str, Any]) -> None:
        # The counts of throttled refusal windows belong in the day's chain (issue 11 §11).
        denials.summarise()
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(f"审计链校验失败，不导出锚点：{verdict.message}")
        line = chain.anchor_line(chain.anchor_make())
        if opts["output"]:
            path = Path(opts["output"])
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as f:
                f.write(line + "\n")
        self.stdout.write(line)

    def _rotate_key(self, opts: dict[str, Any]) -> None:
        try:
            old, new = audit.chain_key_rotate(reason=opts["reason"])
        except (ValueError, keys.KeyringError, OSError) as exc:
            raise CommandError(f"密钥轮换失败：{exc}") from None
        self.stdout.write(f"审计链密钥已轮换：{old} → {new}。旧密钥保留在 {chain.keyring_path()} 中，用于校验此前的事件；"
                          "请立即备份该文件。")
