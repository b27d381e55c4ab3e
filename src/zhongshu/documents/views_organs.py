"""Pages of the issuing organs (发文机关) and who may sign their documents (签发权)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require
from zhongshu.kernel.http import AuthedRequest

from . import organs
from .actions import DocumentAction
from .forms import OrganForm, SignerForm
from .models import IssuingOrgan, SignAuthority


def _organ(pk: int) -> IssuingOrgan:
    organ = organs.organ_list().filter(pk=pk).first()
    if organ is None:
        raise Http404
    return organ


@require(DocumentAction.ORGANS_VIEW)
def organ_list(request: AuthedRequest) -> HttpResponse:
    rows = [(o, organs.signers(o)) for o in organs.organ_list()]
    return render(request, "documents/organs.html", {
        "rows": rows, "may_manage": can(request.user, DocumentAction.ORGANS_MANAGE)})


@require(DocumentAction.ORGANS_VIEW)
def organ_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organ = _organ(pk)
    user = request.user
    may_manage = can(user, DocumentAction.ORGANS_MANAGE)
    may_authorise = organs.signs_by_office(user, organ)
    return render(request, "documents/organ.html", {
        "organ": organ, "reviewers": organs.reviewers(organ),
        "authorities": [(a, organs.may_remove_signer(user, a)) for a in organs.authorities(organ)],
        "may_manage": may_manage, "may_authorise": may_authorise,
        "signer_form": SignerForm() if may_manage or may_authorise else None})


@require(DocumentAction.ORGANS_MANAGE)
def organ_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    organ = _organ(pk) if pk is not None else None
    form = OrganForm(request.POST or None, instance=organ)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("code", "reviewers")}
        try:
            saved = organs.organ_save(actor=request.user, organ=organ, code=form.cleaned_data.get("code", ""),
                                      reviewers=form.cleaned_data["reviewers"], **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("发文机关“%(n)s”已保存。") % {"n": saved.name})
            return redirect("documents:organ_detail", pk=saved.pk)
    return render(request, "documents/organ_edit.html", {"form": form, "organ": organ})


@require_POST
@require(DocumentAction.ORGANS_VIEW)
def signer_add(request: AuthedRequest, pk: int) -> HttpResponse:
    organ = _organ(pk)
    form = SignerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择领导。"))
        return redirect("documents:organ_detail", pk=pk)
    # The office records who signs by office; a leader who signs by office authorises.
    by_office = request.POST.get("by_office") == "1"
    try:
        organs.signer_add(actor=request.user, organ=organ, person=form.cleaned_data["person"],
                          by_office=by_office, note=form.cleaned_data["note"])
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权设定该机关的签发人。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已设定签发权。"))
    return redirect("documents:organ_detail", pk=pk)


@require_POST
@require(DocumentAction.ORGANS_VIEW)
def signer_remove(request: AuthedRequest, pk: int, authority_id: int) -> HttpResponse:
    organ = _organ(pk)
    authority = SignAuthority.objects.filter(organ=organ, pk=authority_id).select_related("person").first()
    if authority is None:
        raise Http404
    try:
        organs.signer_remove(actor=request.user, authority=authority)
    except PermissionDenied:
        messages.error(request, _("您无权撤销该签发权。"))
    else:
        messages.success(request, _("已撤销%(p)s的签发权。") % {"p": authority.person.full_name})
    return redirect("documents:organ_detail", pk=pk)
