"""The 变更密级 page of a document (issue 11 §6): thin; the rules are in
``documents.classification`` and the policy's ``OBJECT_RECLASSIFY``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.access.classification import Classified, Level, highest_level
from zhongshu.kernel.http import AuthedRequest
from zhongshu.org.models import Person

from . import selectors
from .classification import REASON_MAX, document_reclassify, may_reclassify
from .incoming import selectors as incoming_selectors


class ReclassifyForm(forms.Form):
    classification = forms.TypedChoiceField(label=_("新密级"), coerce=int, choices=Level.choices)
    secrecy_years = forms.IntegerField(label=_("保密期限（年）"), min_value=1, max_value=30, required=False,
                                       help_text=_("秘密不超过10年，机密不超过20年，绝密不超过30年"))
    secrecy_long_term = forms.BooleanField(label=_("长期"), required=False)
    reason = forms.CharField(label=_("理由（定密依据）"), max_length=REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写变更密级的理由（定密依据）。")})

    def __init__(self, *args: object, person: Person, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        top = highest_level(person)
        field = self.fields["classification"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(v, label) for v, label in Level.choices if v <= top]


def _document(request: AuthedRequest, kind: str, pk: int) -> tuple[Classified, str]:
    doc: Classified | None
    if kind == "outgoing":
        doc = selectors.document_get(request.user, pk)
        url = reverse("documents:detail", args=[pk])
    elif kind == "incoming":
        doc = incoming_selectors.document_get(request.user, pk)
        url = reverse("incoming:detail", args=[pk])
    else:
        doc = None
    if doc is None:
        raise Http404
    return doc, url


def page(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    doc, back = _document(request, kind, pk)
    if not may_reclassify(request.user, doc):
        raise PermissionDenied
    form = ReclassifyForm(request.POST or None, person=request.user, initial={
        "classification": doc.classification, "secrecy_years": doc.secrecy_years,
        "secrecy_long_term": doc.secrecy_long_term})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = document_reclassify(
                actor=request.user, document=doc, classification=data["classification"],
                secrecy_years=data["secrecy_years"], secrecy_long_term=data["secrecy_long_term"],
                reason=data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("密级已变更为%(mark)s，已记录审计。") % {
                "mark": changed.secrecy_mark or Level(changed.classification).label})
            return redirect(back)
    return render(request, "documents/reclassify.html", {
        "doc": doc, "form": form, "back": back, "level": Level(doc.classification)})
