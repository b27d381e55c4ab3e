"""`zhongshu seal verify FILE…`: check the electronic seals of sealed PDF or OFD files.

Prints each signature (organ, seal code, time, validity) and whether the file was
altered after it; exits 0 when every file has seals and all of them hold, 1 otherwise
(each failure named), 2 when a file cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhongshu.seals.verify import Report, verify_file


def _t(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "未知"


def describe(path: str, report: Report) -> list[str]:
    lines = [f"{path}（{report.kind.upper() or '未知格式'}）"]
    if report.error:
        lines.append(f"  失败：{report.error}")
        return lines
    for f in report.findings:
        code = f"，机关代码 {f.organ_code}" if f.organ_code else ""
        lines.append(f"  签章 {f.index}：{f.organ or '未知机关'}{code}，印章编码 {f.es_id or '未知'}")
        lines.append(f"    签章时间 {_t(f.signed_at)}；印章有效期 {_t(f.valid_start)} 至 {_t(f.valid_end)}")
        altered = any("改动" in p for p in f.problems)
        lines.append(f"    文件内容：{'已被改动' if altered else '签章后未被改动'}")
        lines += [f"    说明：{n}" for n in f.notes]
        lines += [f"    失败：{p}" for p in f.problems]
        lines.append(f"    结论：{'有效' if f.ok else '无效'}")
    lines.append(f"  结果：{'全部签章有效' if report.ok else '签章验证未通过'}")
    return lines


class Command(BaseCommand):
    help = "电子印章：verify FILE…  验证 PDF 或 OFD 文件上的电子签章（GB/T 38540、PAdES）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="验证签章：逐个列出签章机关、有效期、文件是否被改动")
        verify.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for name in options["files"]:
            try:
                data = Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"无法读取 {name}：{exc.strerror or exc}", returncode=2) from None
            report = verify_file(data)
            self.stdout.write("\n".join(describe(name, report)))
            failed = failed or not report.ok
        if failed:
            raise CommandError("签章验证未通过", returncode=1)
