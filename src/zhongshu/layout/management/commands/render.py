"""`zhongshu render SPEC.json -o OUT [--format pdf|docx|ofd] [--viewer NAME]`."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhongshu.layout.fonts import FontConfigError
from zhongshu.layout.render import FORMATS, RenderError, format_for, render
from zhongshu.layout.spec import SpecError, load_spec


class Command(BaseCommand):
    help = "按 GB/T 9704-2012 排版一份公文（JSON 交换格式），输出 PDF、DOCX 或 OFD"

    def add_arguments(self, parser):
        parser.add_argument("spec", help="公文 JSON 文件")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.pdf/.docx/.ofd）")
        parser.add_argument("--format", choices=sorted(FORMATS), help="输出格式，默认按扩展名判断")
        parser.add_argument("--viewer", help="阅看人姓名：涉密公文加注阅看人和时间水印")

    def handle(self, *args, **options):
        try:
            fmt = format_for(options["output"], options["format"])
            spec = load_spec(Path(options["spec"]))
            started = time.perf_counter()
            data = render(spec, fmt, viewer=options["viewer"])
            elapsed = time.perf_counter() - started
        except (SpecError, RenderError, FontConfigError) as exc:
            raise CommandError(str(exc)) from None
        out = Path(options["output"])
        out.write_bytes(data)
        self.stdout.write(f"已输出 {out}（{fmt.upper()}，{len(data)} 字节，用时 {elapsed:.2f} 秒）")
