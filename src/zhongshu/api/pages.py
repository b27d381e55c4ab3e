"""The holder's page of personal API tokens (reached from the profile page). Thin: the
rules live in the services and the policy."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.api.actions import ApiAction
from zhongshu.kernel.http import AuthedRequest

from . import forms, selectors, services

PAGE_SIZE = 30


def token_list(request: AuthedRequest) -> HttpResponse:
    """List, create and revoke one's own tokens. A new secret is shown in this response
    only: it is neither stored nor put in a message or the session."""
    may_create = can(request.user, ApiAction.TOKEN_MANAGE)
    form = forms.TokenForm(request.POST or None) if may_create else None
    issued = None
    if request.method == "POST":
        if form is None:  # not may_create
            raise PermissionDenied
        if form.is_valid():
            try:
                issued = services.token_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                form = forms.TokenForm()
    page = Paginator(selectors.tokens_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, "api/token_list.html", {
        "form": form, "page": page, "issued": issued, "may_create": may_create})
    if issued is not None:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    # Someone else's token is not theirs to see: 404, not 403.
    token = selectors.token_get(request.user, pk)
    if token is None:
        raise Http404
    try:
        services.token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("令牌已撤销，使用它的系统将无法再访问。"))
    return redirect("tokens:list")
