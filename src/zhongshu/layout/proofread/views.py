"""公文校对 pages: check a pasted or uploaded document; keep the term list. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require
from zhongshu.kernel.http import AuthedRequest
from zhongshu.layout.proofread.actions import ProofreadAction

from . import selectors, services
from .document import BLANK, UnreadableInput, load
from .engine import RULE_NAMES, check_document
from .forms import CheckForm, TermForm
from .models import ProofreadTerm

PAGE_SIZE = 30


@require(ProofreadAction.USE)
def check_page(request: AuthedRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = CheckForm(request.POST if posted else None, request.FILES if posted else None)
    context: dict = {"form": form, "can_manage": can(request.user, ProofreadAction.TERMLIST_MANAGE)}
    if posted and form.is_valid():
        upload = form.cleaned_data.get("upload")
        content = upload.read() if upload else form.cleaned_data["text"]
        name = upload.name if upload else ""
        try:
            doc = load(content, name=name, doc_type=form.cleaned_data["doc_type"] or None)
        except UnreadableInput as exc:
            form.add_error("upload" if upload else "text", _("无法读取：%(reason)s") % {"reason": exc})
        else:
            findings = check_document(doc, terms=selectors.active_terms())
            context.update(_annotated(doc, findings))
            context["checked"] = True
    return render(request, "proofread/check.html", context)


def _annotated(doc, findings) -> dict:
    """Lines split into plain and marked segments so the template needs no logic."""
    by_line: dict[int, list] = {}
    for i, f in enumerate(findings, 1):
        by_line.setdefault(f.line, []).append((i, f))
    rows = []
    for ln in doc.lines:
        marks = by_line.get(ln.no, [])
        segments, pos = [], 0
        text = ln.text
        for i, f in sorted(marks, key=lambda m: m[1].column):
            start = min(max(f.column - 1, pos), len(text))
            if start > pos:
                segments.append({"text": text[pos:start]})
            # Overlapping findings share the first one's mark; each keeps its number.
            end = min(max(start + f.length, start + 1), len(text))
            segments.append({"text": text[start:end] or "␣", "mark": i, "severity": f.severity,
                             "title": f.message})
            pos = end
        if pos < len(text):
            segments.append({"text": text[pos:]})
        rows.append({"no": ln.no, "segments": segments, "blank": ln.kind == BLANK,
                     "count": len(marks)})
    items = [{"n": i, "f": f, "name": RULE_NAMES.get(f.rule, f.rule)}
             for i, f in enumerate(findings, 1)]
    errors = sum(f.severity == "error" for f in findings)
    return {"rows": rows, "items": items, "errors": errors, "warnings": len(findings) - errors,
            "doc_type": doc.doc_type}


@require(ProofreadAction.TERMLIST_MANAGE)
def term_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.term_search(q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "proofread/term_list.html", {"q": q, "page": page})


@require(ProofreadAction.TERMLIST_MANAGE)
def term_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(ProofreadTerm, pk=pk) if pk else None
    form = TermForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("term", "replacement", "note", "severity", "active")}
        try:
            if item is None:
                item = services.term_create(actor=request.user, **data)
            else:
                item = services.term_update(actor=request.user, item=item, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("规范用语“%(term)s”已保存。") % {"term": item.term})
            return redirect("proofread:term_list")
    return render(request, "proofread/term_form.html", {"form": form, "item": item})


@require(ProofreadAction.TERMLIST_MANAGE)
@require_POST
def term_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ProofreadTerm, pk=pk)
    item = services.term_set_active(actor=request.user, item=item, active=not item.active)
    if item.active:
        messages.success(request, _("已启用“%(term)s”。") % {"term": item.term})
    else:
        messages.success(request, _("已停用“%(term)s”。") % {"term": item.term})
    return redirect("proofread:term_list")
