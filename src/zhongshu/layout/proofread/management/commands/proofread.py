"""`zhongshu proofread FILE… [--json] [--type 通知]`: proofread documents.

Exit status: 0 no error-severity finding, 1 at least one error finding, 2 at least one file
could not be read (named on stderr; the other files are still checked). When both happen,
2 wins: a file that was never checked must not pass for a clean run in a script.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from zhongshu.layout.proofread import RULE_NAMES, UnreadableInput, check, has_error
from zhongshu.layout.proofread.patterns import TYPES
from zhongshu.layout.proofread.terms import DEFAULT_TERMS


class Command(BaseCommand):
    help = "公文校对：检查 JSON 或纯文本公文，--json 输出 JSON Lines"
    # Checking text touches no model but the term list; skip the system checks so stderr
    # carries only what concerns the files (scripts read it).
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="公文文件（.json 或 UTF-8 文本），- 表示标准输入")
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
        parser.add_argument("--type", dest="doc_type", choices=[t for t in TYPES if t != "令"],
                            help="文种（默认从标题判断）")
        parser.add_argument("--builtin-terms", action="store_true",
                            help="使用内置的规范用语表，不读数据库")

    def handle(self, *args, **opts) -> None:
        terms = list(DEFAULT_TERMS)
        if not opts["builtin_terms"]:
            from zhongshu.layout.proofread.selectors import active_terms_or_default

            terms, from_db = active_terms_or_default()
            if not from_db:
                self.stderr.write("提示：数据库不可用，使用内置规范用语表。")
        any_error = unreadable = False
        out = self.stdout
        for name in opts["files"]:
            try:
                content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
                findings = check(content, name=name, doc_type=opts["doc_type"], terms=terms)
            except (OSError, UnreadableInput) as exc:
                unreadable = True
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                self.stderr.write(f"{name}: 无法读取：{reason}")
                continue
            any_error = any_error or has_error(findings)
            if opts["json"]:
                out.write(json.dumps({"file": name, "findings": [f.as_dict() for f in findings]},
                                     ensure_ascii=False))
            else:
                out.write(self._report(name, findings))
        code = 2 if unreadable else 1 if any_error else 0
        if code:
            out.flush()
            raise SystemExit(code)

    @staticmethod
    def _report(name: str, findings) -> str:
        if not findings:
            return f"{name}：未发现问题。"
        errors = sum(f.severity == "error" for f in findings)
        lines = [f"{name}：{errors} 处错误，{len(findings) - errors} 处提示"]
        for f in findings:
            level = "错误" if f.severity == "error" else "提示"
            where = f"第{f.line}行第{f.column}列" if f.line else "全文"
            lines.append(f"  {where} [{level}] {RULE_NAMES.get(f.rule, f.rule)}（{f.rule}）：{f.message}")
            if f.excerpt:
                lines.append(f"      原文：{f.excerpt}")
            if f.suggestion:
                lines.append(f"      建议：{f.suggestion}")
        return "\n".join(lines)
