"""The picker's dialog endpoints (HTML fragments, fetched by ``pickers.js``) and the
pages where the office keeps its groups."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhongshu.access.views import require
from zhongshu.org.models import PickGroup

from . import selectors, services
from .actions import OrgAction
from .forms import PickGroupForm
from .scope import BadScope, PickerScope

BAD_SCOPE = "选择框已过期或参数有误，请刷新页面后重试。"


def _scope(request: HttpRequest) -> PickerScope | None:
    token = request.GET.get("s") or request.POST.get("s") or ""
    try:
        return PickerScope.load(token)
    except BadScope:
        return None


def _base(request: HttpRequest) -> str:
    # The id prefix of the widget, echoed into ids of the fragment.
    base = request.GET.get("b", "")
    return base if re.fullmatch(r"[A-Za-z0-9_-]{1,80}", base) else "picker"


def _bad() -> HttpResponse:
    return HttpResponseBadRequest(BAD_SCOPE, content_type="text/plain; charset=utf-8")


@require_GET
def pick_dialog(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope is None:
        return _bad()
    groups = [{"group": g.group, "members": g.members,
               "json": json.dumps([{"pk": c.pk, "label": c.label, "detail": c.detail} for c in g.members],
                                  ensure_ascii=False)}
              for g in selectors.groups(scope)] if scope.multiple else []
    return render(request, "org/pickers/_dialog.html", {
        "b": _base(request), "is_people": scope.people, "multiple": scope.multiple,
        "nodes": selectors.tree_roots(scope), "groups": groups,
        "recent": selectors.recent(scope, request.user)})


@require_GET
def pick_tree(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    unit = request.GET.get("unit", "")
    level = request.GET.get("level", "")
    if scope is None or not unit.isdigit():
        return _bad()
    nodes, people = selectors.tree_level(scope, int(unit))
    return render(request, "org/pickers/_nodes.html", {
        "b": _base(request), "nodes": nodes, "people": people,
        "level": min(int(level), 50) if level.isdigit() else 2})


@require_GET
def pick_search(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope is None:
        return _bad()
    q = request.GET.get("q", "").strip()[:50]
    choices, more = selectors.search(scope, q)
    return render(request, "org/pickers/_results.html", {
        "b": _base(request), "q": q, "choices": choices, "more": more})


@require_POST
def pick_recent(request: HttpRequest) -> HttpResponse:
    """Remember what was just chosen (the dialog's 确定)."""
    scope = _scope(request)
    ids = [i for i in request.POST.getlist("id") if i.isdigit()]
    if scope is None:
        return _bad()
    services.recent_remember(person=request.user, scope=scope, ids=[int(i) for i in ids])
    return HttpResponse(status=204)


# --- the office's groups ---------------------------------------------------------------

@require(OrgAction.PICK_GROUP_MANAGE)
def group_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.group_counts(), 50).get_page(request.GET.get("page"))
    return render(request, "org/pickers/group_list.html", {"page": page})


@require(OrgAction.PICK_GROUP_MANAGE)
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    group = get_object_or_404(PickGroup, pk=pk) if pk else None
    form = PickGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.pick_group_save(
                actor=request.user, group=group, code=data["code"], name=data["name"],
                kind=data["kind"], people=data.get("people") or [], units=data.get("units") or [],
                sort_order=data["sort_order"], is_active=data["is_active"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("常用分组“%(name)s”已保存。") % {"name": group.name})
            return redirect("org:pick_group_list")
    return render(request, "org/pickers/group_form.html", {"form": form, "group": group})
