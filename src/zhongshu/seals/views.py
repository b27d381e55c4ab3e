"""Pages of the seals: the register, a seal with its keys, and the security
administrator's making, rotating and revoking. Thin: rules live in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require

from . import forms, selectors, services
from .actions import SealAction
from .models import Seal, SealKey, SealStatus

PAGE_SIZE = 30


def _errors(form: forms.forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require(SealAction.VIEW)
def seal_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    status = request.GET.get("status", "")
    page = Paginator(selectors.seal_list(q=q, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seals/seal_list.html", {
        "page": page, "q": q, "status": status, "statuses": SealStatus.choices,
        "may_manage": can(request.user, SealAction.MANAGE)})


@require(SealAction.MANAGE)
def seal_create(request: HttpRequest) -> HttpResponse:
    form = forms.SealCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seal = services.seal_create(actor=request.user, organ_code=data["organ_code"], name=data["name"],
                                        valid_until=data["valid_until"],
                                        image=data["image"].read() if data["image"] else None)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"已为“{seal.name}”制作电子印章。")
            return redirect("seals:detail", pk=seal.pk)
    return render(request, "seals/seal_form.html", {"form": form})


@require(SealAction.VIEW)
def seal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    seal = get_object_or_404(Seal, pk=pk)
    return render(request, "seals/seal_detail.html", {
        "seal": seal, "keys": selectors.seal_keys(seal), "may_manage": can(request.user, SealAction.MANAGE),
        "rotate_form": forms.RotateForm(), "revoke_form": forms.RevokeForm()})


@require(SealAction.VIEW)
def seal_image(request: HttpRequest, pk: int) -> HttpResponse:
    seal = get_object_or_404(Seal, pk=pk)
    return HttpResponse(bytes(seal.image), content_type="image/png")


def _post(request: HttpRequest, form_class: type[forms.ReasonForm], seal: Seal,
          action: Callable[[dict[str, Any]], object], ok: str) -> HttpResponse:
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, ok)
    else:
        messages.error(request, "；".join(f"{form.fields[n].label if n in form.fields else ''}：{' '.join(e)}"
                                         for n, e in form.errors.items()))
    return redirect("seals:detail", pk=seal.pk)


@require_POST
@require(SealAction.MANAGE)
def seal_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    seal = get_object_or_404(Seal, pk=pk)
    return _post(request, forms.RotateForm, seal, lambda d: services.seal_key_rotate(
        actor=request.user, seal=seal, reason=d["reason"], image=d["image"].read() if d.get("image") else None),
        "已更换签章密钥，旧密钥已停止签章。")


@require_POST
@require(SealAction.MANAGE)
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = get_object_or_404(SealKey.objects.select_related("seal"), pk=pk)
    return _post(request, forms.ReasonForm, key.seal, lambda d: services.seal_key_revoke(
        actor=request.user, key=key, reason=d["reason"]), f"已吊销密钥 {key.es_id}，它签过的文件验证不再通过。")


@require_POST
@require(SealAction.MANAGE)
def seal_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    seal = get_object_or_404(Seal, pk=pk)
    return _post(request, forms.RevokeForm, seal, lambda d: services.seal_revoke(
        actor=request.user, seal=seal, reason=d["reason"]), f"已停用“{seal.name}”的印章。")


@require(SealAction.VIEW)
def revocation_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.revocation_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "seals/revocation_list.html", {"page": page})


