"""`zhongshu audit verify`: walk the audit chain; exit 1 naming the first broken event."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.audit import chain


class Command(BaseCommand):
    help = "安全审计：verify 校验审计事件链是否完整"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="逐条校验审计事件链；发现被修改、删除或重排的事件时以非零状态退出")

    def handle(self, *args, **opts) -> None:
        verdict = chain.verify()
        if not verdict.ok:
            raise CommandError(f"审计链校验失败：{verdict.message}（此前 {verdict.count} 条事件完好）")
        self.stdout.write(f"审计链完整：共 {verdict.count} 条事件，链尾摘要 {verdict.head_hash}"
                          f"（算法 {chain.ALGORITHM}）")
