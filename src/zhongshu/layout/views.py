"""排版预览: paste or upload a document's JSON, download PDF/DOCX/OFD or preview the PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render as render_template
from django.utils import timezone

from zhongshu.access.views import require
from zhongshu.kernel.http import AuthedRequest
from zhongshu.layout.actions import LayoutAction

from .fonts import FontConfigError
from .render import FORMATS, content_disposition, render
from .spec import SpecError, load_spec


@require(LayoutAction.RENDER)
def render_page(request: AuthedRequest) -> HttpResponse:
    errors: list[str] = []
    text = ""
    draft = bool(request.POST.get("draft"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        raw = upload.read() if upload else request.POST.get("spec", "").encode("utf-8")
        text = raw.decode("utf-8", errors="replace")
        fmt = request.POST.get("format", "pdf")
        if fmt not in FORMATS:
            errors.append("请选择 PDF、DOCX 或 OFD 格式。")
        elif not raw.strip():
            errors.append("请粘贴公文 JSON 或选择文件。")
        else:
            try:
                spec = load_spec(raw)
                # classified documents carry the viewer's name and the time
                data = render(spec, fmt, viewer=request.user.full_name or request.user.get_username(),
                              when=timezone.localtime(), draft=draft)
            except SpecError as exc:
                errors = exc.problems
            except FontConfigError as exc:
                errors = [str(exc)]
            else:
                response = HttpResponse(data, content_type=FORMATS[fmt])
                # named by 发文字号 and 标题 (RFC 5987 for the Chinese name)
                response["Content-Disposition"] = content_disposition(
                    spec, fmt, inline=bool(request.POST.get("preview")) and fmt == "pdf")
                return response
    return render_template(request, "layout/render.html", {"errors": errors, "text": text, "draft": draft,
                                                           "formats": list(FORMATS)},
                           status=400 if errors else 200)
