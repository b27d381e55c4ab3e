"""`zhongshu render SPEC.json -o OUT [--format pdf|docx|ofd] [--viewer NAME] [--draft]
[--attach FILE …] [--seal ORGAN_CODE …]`.

``--seal`` seals the issued copy with the named organs' electronic seals (in issuing
order, one per 署名): the seal images at their places, and for PDF and OFD the
signatures (``seals.services.seal_issued``, audited as the system)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhongshu.layout.attachments import AttachmentError, AttachmentFile
from zhongshu.layout.fonts import FontConfigError
from zhongshu.layout.render import FORMATS, RenderError, format_for, render
from zhongshu.layout.spec import DocumentSpec, SpecError, load_spec


class Command(BaseCommand):
    help = "按 GB/T 9704-2012 排版一份公文（JSON 交换格式），输出 PDF、DOCX 或 OFD"
    # Rendering needs no database: start-up skips Django's system checks (issue 12 §9).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("spec", help="公文 JSON 文件")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.pdf/.docx/.ofd）")
        parser.add_argument("--format", choices=sorted(FORMATS), help="输出格式，默认按扩展名判断")
        parser.add_argument("--viewer", help="阅看人姓名：涉密公文加注阅看人和时间水印")
        parser.add_argument("--draft", action="store_true", help="草稿：加“草稿”字样，标出印章位置")
        parser.add_argument("--attach", action="append", default=[], metavar="FILE",
                            help="附件文件（PDF、OFD、DOCX 或图片），以文件名为附件标题，排在附件页后；可重复")
        parser.add_argument("--seal", action="extend", nargs="*", default=None, metavar="ORGAN_CODE",
                            help="用印：按发文机关顺序给出机关代码（如 sw swb），PDF 和 OFD 加电子签章；"
                                 "不给代码则按发文机关署名找印章")

    def options(self, options) -> dict:
        """Keyword arguments of ``render`` from the command's options."""
        return {"viewer": options["viewer"], "draft": options["draft"],
                "attachments": [attachment(Path(f)) for f in options["attach"]]}

    def handle(self, *args, **options):
        try:
            fmt = format_for(options["output"], options["format"])
            spec = load_spec(Path(options["spec"]))
            started = time.perf_counter()
            kwargs = self.options(options)
            codes = options["seal"]
            if codes is not None:
                if not codes:
                    codes = codes_by_name(spec)
                if options["draft"]:
                    raise CommandError("草稿不能用印：--seal 与 --draft 不能同时使用")
                data = sealed(spec, fmt, codes, kwargs)
            else:
                data = render(spec, fmt, **kwargs)
            elapsed = time.perf_counter() - started
        except (SpecError, RenderError, FontConfigError, AttachmentError) as exc:
            raise CommandError(str(exc)) from None
        out = Path(options["output"])
        out.write_bytes(data)
        self.stdout.write(f"已输出 {out}（{fmt.upper()}，{len(data)} 字节，用时 {elapsed:.2f} 秒）")


def codes_by_name(spec: DocumentSpec) -> list[str]:
    """The organ codes of the seals named as the document's 署名, in its order."""
    from zhongshu.seals.selectors import organ_codes_by_name

    if not spec.signature:
        raise CommandError("公文没有发文机关署名，请用 --seal 给出机关代码")
    codes = organ_codes_by_name(list(spec.signature))
    missing = [name for name, code in zip(spec.signature, codes, strict=True) if not code]
    if missing:
        raise CommandError(f"没有名为“{'”“'.join(missing)}”的电子印章，请用 --seal 给出机关代码")
    return [code for code in codes if code]


def sealed(spec: DocumentSpec, fmt: str, codes: list[str], kwargs: dict[str, Any]) -> bytes:
    """The issued copy with the organs' seals: images for every format, signatures for
    PDF and OFD."""
    from zhongshu.seals.selectors import seal_images
    from zhongshu.seals.services import SealError, seal_document

    images = seal_images(codes)
    data = render(spec, fmt, seal_images=images, **kwargs)
    if fmt == "docx":
        return data  # DOCX carries the seal image only: Word has no GB/T 38540 signature
    try:
        pdf, ofd = seal_document(actor=None, organ_codes=codes, spec=spec,
                                 **({"pdf": data} if fmt == "pdf" else {"ofd": data}))
        return (pdf if fmt == "pdf" else ofd) or data
    except SealError as exc:
        raise CommandError(str(exc)) from None


def attachment(path: Path) -> AttachmentFile:
    from zhongshu.kernel.files import sniff

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取附件 {path}：{exc.strerror or exc}") from None
    kind = sniff(data)
    if kind is None:
        raise CommandError(f"附件 {path} 不是 PDF、OFD、DOCX 或图片文件")
    return AttachmentFile(title=path.stem, kind=kind.code, content=data)
