"""`zhongshu files`: check every stored file, or remove what nothing points at."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongshu.kernel import blobs, filestore
from zhongshu.kernel.models import StoredFile


class Command(BaseCommand):
    help = "文件存储：verify 校验每个文件的大小和 SM3 摘要 | gc 清理无人引用的文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="逐个校验存储的文件（存在、大小、摘要）；有损坏时列出并以非零状态退出")
        verify.add_argument("--quiet", action="store_true", help="不显示进度")
        gc = sub.add_parser("gc", help="删除无任何记录引用、且早于宽限期的文件（上传失败、已删除附件、过期的任务结果）")
        gc.add_argument("--grace-hours", type=int, default=int(filestore.GC_GRACE.total_seconds() // 3600),
                        help="宽限期（小时，默认 24）：更新的文件不清理")
        gc.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"])(opts)

    def _verify(self, opts: dict[str, Any]) -> None:
        total = StoredFile.objects.count()
        show = not opts["quiet"] and total > 0

        def progress(done: int, all_: int) -> None:
            if show:
                sys.stderr.write(f"\r已校验 {done}/{all_}")
                sys.stderr.flush()

        damaged = list(filestore.verify_all(progress=progress))
        if show:
            sys.stderr.write("\n")
        for problem in damaged:
            used = "；".join(problem.used_by) or "无记录引用"
            self.stdout.write(f"损坏：{problem.blob.name}（{problem.blob.size} 字节）：{problem.what}。引用：{used}")
        if damaged:
            raise CommandError(f"文件存储校验失败：{len(damaged)} 个文件损坏或缺失（共 {total} 个）。"
                               "请从备份恢复上列文件。")
        self.stdout.write(f"文件存储完好：共 {total} 个文件，大小和摘要（{blobs.ALGORITHM.upper()}）均相符。")

    def _gc(self, opts: dict[str, Any]) -> None:
        if opts["grace_hours"] < 1:
            raise CommandError("宽限期至少 1 小时：更新的文件可能属于尚未提交的上传。")
        done = filestore.gc(grace=dt.timedelta(hours=opts["grace_hours"]), dry_run=opts["dry_run"])
        verb = "可清理" if opts["dry_run"] else "已清理"
        self.stdout.write(f"{verb}：{done.rows} 条无人引用的文件记录，{done.objects} 个无记录的存储对象。")
