"""我的常用意见: the page where a person keeps their own phrases and the office director
the office-wide ones."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import phrases
from .models import OpinionPhrase


class PhraseForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("意见内容"), max_length=200,
                           help_text=gettext_lazy("例如：拟同意，请领导审示。"))
    sort_order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=9999, initial=100)


def phrase_list(request: HttpRequest) -> HttpResponse:
    office, own = phrases.phrases_for(request.user)
    may_office = phrases.may_manage(request.user, office=True)
    form = PhraseForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        as_office = request.POST.get("scope") == "office"
        try:
            phrases.phrase_add(actor=request.user, text=form.cleaned_data["text"], office=as_office,
                               sort_order=form.cleaned_data["sort_order"])
        except PermissionDenied:
            form.add_error(None, _("全办通用意见由办公室主任维护。"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("常用意见已添加。"))
            return redirect("workflow:phrases")
    return render(request, "workflow/phrases.html", {
        "office": office, "own": own, "form": form, "may_office": may_office})


def _phrase_or_404(request: HttpRequest, pk: int) -> OpinionPhrase:
    # Another person's phrases are theirs alone: to anyone else they do not exist.
    return get_object_or_404(OpinionPhrase.objects.filter(
        Q(owner__isnull=True) | Q(owner_id=request.user.pk)), pk=pk)


def phrase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    phrase = _phrase_or_404(request, pk)
    if not phrases.may_manage(request.user, phrase):
        raise PermissionDenied
    form = PhraseForm(request.POST or None, initial={"text": phrase.text, "sort_order": phrase.sort_order})
    if request.method == "POST" and form.is_valid():
        try:
            phrases.phrase_update(actor=request.user, phrase=phrase, text=form.cleaned_data["text"],
                                  sort_order=form.cleaned_data["sort_order"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("常用意见已修改。"))
            return redirect("workflow:phrases")
    return render(request, "workflow/phrase_edit.html", {"form": form, "phrase": phrase})


@require_POST
def phrase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    phrase = _phrase_or_404(request, pk)
    if not phrases.may_manage(request.user, phrase):
        raise PermissionDenied
    phrases.phrase_delete(actor=request.user, phrase=phrase)
    messages.success(request, _("常用意见“%(text)s”已删除。") % {"text": phrase.text})
    return redirect("workflow:phrases")
