"""Pages of the access app: the security admin's clearances and grants, leaders'
delegations, forwarding requests and their decisions. Thin: rules live in services and
the policy."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.kernel.http import AuthedRequest
from zhongshu.org.models import Clearance, PasswordResetRequest, Person, ResetStatus

from . import forms, selectors, services
from .admins import is_admin
from .classification import Level
from .grants import grants_of
from .models import Delegation, ForwardPurpose, ForwardRequest, ForwardStatus, Grant
from .policy import DELEGABLE_ACTIONS, Action, can, visible
from .views import require

PAGE_SIZE = 30


def _form_errors(form: django_forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require(Action.CLEARANCE_SET)
def clearance_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    clearance = request.GET.get("clearance", "")
    qs = selectors.people_for_clearance(q=q, clearance=clearance)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/clearance_list.html", {
        "page": page, "q": q, "clearance": clearance, "clearances": Clearance.choices})


@require(Action.CLEARANCE_SET)
def clearance_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.select_related("unit"), pk=pk)
    if not can(request.user, Action.CLEARANCE_SET, person):
        raise PermissionDenied  # their own clearance: visible, but not theirs to change
    if is_admin(person):
        # Set at installation, changed only by ``zhongshu admins`` (三员分立).
        return render(request, "access/clearance_form.html", {"person": person, "is_admin_account": True})
    form = forms.ClearanceForm(request.POST or None, initial={
        "clearance": person.clearance, "roles": sorted(person.role_codes)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.person_clearance_set(actor=request.user, person=person,
                                              clearance=data["clearance"], reason=data["reason"])
                services.person_roles_set(actor=request.user, person=person, roles=data["roles"],
                                          reason=data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已将“%(name)s”的涉密等级设为%(level)s，业务角色已保存。") % {
                "name": person.full_name, "level": person.get_clearance_display()})
            return redirect("access:clearance_list")
    return render(request, "access/clearance_form.html", {"form": form, "person": person})


# Fields that carry an item's number, most specific first (收文号, then 文号).
NUMBER_FIELDS = ("receipt_number", "doc_number")


def _summaries(viewer: Person, objects: list[Any]) -> dict[tuple[type, int], dict[str, Any]]:
    """What the security admin's pages show of each object: kind, number and
    classification, and its title only where her own clearance and need-to-know reach
    (``visible``, one query per model) — never a private draft's title by her office."""
    by_model: dict[type[Model], list[Any]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    out = {}
    for model, items in by_model.items():
        seen = set(visible(viewer, model._default_manager.filter(pk__in=[o.pk for o in items]))
                   .values_list("pk", flat=True))
        for obj in items:
            number = next((getattr(obj, f) for f in NUMBER_FIELDS if getattr(obj, f, "")), "")
            out[(model, obj.pk)] = {
                "kind": model._meta.verbose_name, "id": obj.pk, "number": number,
                "level": Level(obj.classification), "title": str(obj) if obj.pk in seen else None}
    return out


def _grant_rows(viewer: Person, grants: list[Grant]) -> list[dict[str, Any]]:
    wanted: dict[int, set[int]] = {}
    for g in grants:
        wanted.setdefault(g.content_type_id, set()).add(g.object_id)
    objects = []
    for ct_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is not None:
            objects += list(model._default_manager.filter(pk__in=ids))
    summaries = _summaries(viewer, objects)
    by_key = {(ContentType.objects.get_for_model(m).pk, pk): v for (m, pk), v in summaries.items()}
    return [{"grant": g, "obj": by_key.get((g.content_type_id, g.object_id))} for g in grants]


@require(Action.GRANT_MANAGE)
def grant_list(request: AuthedRequest) -> HttpResponse:
    lookup = forms.ObjectLookupForm(request.GET if "object_id" in request.GET else None)
    if lookup.is_bound and lookup.is_valid():
        return redirect("access:object_grants", label=lookup.cleaned_data["model"],
                        object_id=lookup.cleaned_data["object_id"])
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.active_grants(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "access/grant_list.html", {
        "page": page, "rows": _grant_rows(request.user, list(page.object_list)), "q": q, "lookup": lookup})


@require(Action.GRANT_MANAGE)
def object_grants(request: AuthedRequest, label: str, object_id: int) -> HttpResponse:
    obj = services.object_for(label, object_id)
    if obj is None:
        raise Http404
    form = forms.GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.grant_add(actor=request.user, obj=obj, person=data["person"],
                                        unit=data["unit"], reason=data["reason"],
                                        expires_at=data["expires_at"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if isinstance(result, Grant):
                messages.success(request, _("已加入知悉范围。"))
            else:
                messages.success(request, _("涉密事项的授权已提交定密单位领导审批（申请 #%(n)s），批准后生效。")
                                 % {"n": result.pk})
            return redirect("access:object_grants", label=label, object_id=object_id)
    page = Paginator(grants_of(obj), PAGE_SIZE).get_page(request.GET.get("page"))
    pending = ForwardRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
        purpose=ForwardPurpose.GRANT, status=ForwardStatus.PENDING).select_related(
        "recipient_person", "recipient_unit", "requested_by")
    return render(request, "access/object_grants.html", {
        "summary": _summaries(request.user, [obj])[(type(obj), obj.pk)], "obj": obj, "label": label,
        "form": form, "page": page, "pending": pending})


@require(Action.GRANT_MANAGE)
@require_POST
def grant_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(Grant.objects.select_related("content_type"), pk=pk)
    try:
        services.grant_revoke(actor=request.user, grant=grant)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤销该授权。"))
    return redirect("access:object_grants", label=grant.content_type.app_label + "." + grant.content_type.model,
                    object_id=grant.object_id)


def delegation_list(request: AuthedRequest) -> HttpResponse:
    may_delegate = can(request.user, Action.DELEGATION_MANAGE)
    form = forms.DelegationForm(request.POST or None) if may_delegate else None
    if request.method == "POST":
        if form is None:  # not may_delegate
            raise PermissionDenied
        if form.is_valid():
            try:
                services.delegation_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("委托已设立。"))
                return redirect("access:delegation_list")
    lists = selectors.delegations_for(request.user)
    return render(request, "access/delegation_list.html", {
        "form": form, "given": Paginator(lists["given"], PAGE_SIZE).get_page(request.GET.get("page")),
        "received": lists["received"][:50],
        "labels": {a.value: label for a, label in DELEGABLE_ACTIONS.items()}})


@require_POST
def delegation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    # Someone else's delegation is not theirs to see: 404, not 403.
    delegation = get_object_or_404(Delegation, pk=pk, delegator=request.user)
    try:
        services.delegation_revoke(actor=request.user, delegation=delegation)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("委托已撤销。"))
    return redirect("access:delegation_list")


def forward_list(request: AuthedRequest) -> HttpResponse:
    lists = selectors.forward_requests_for(request.user)
    return render(request, "access/forward_list.html", {
        "mine": Paginator(lists["mine"], PAGE_SIZE).get_page(request.GET.get("page")),
        "waiting": lists["waiting"][:100], "decided": lists["decided"][:20]})


def forward_create(request: AuthedRequest, label: str, object_id: int) -> HttpResponse:
    obj = services.object_for(label, object_id)
    if obj is None or not can(request.user, Action.OBJECT_FORWARD, obj):
        raise Http404  # invisible and missing look the same
    form = forms.RecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.object_share(actor=request.user, obj=obj, person=data["person"],
                                           unit=data["unit"], reason=data["reason"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if isinstance(result, Grant):
                messages.success(request, _("已转发。"))
                return redirect("access:forward_list")
            messages.success(request, _("转发申请已提交，待定密单位领导审批。"))
            return redirect("access:forward_detail", pk=result.pk)
    return render(request, "access/forward_form.html", {
        "obj": obj, "level": Level(obj.classification), "form": form})


def forward_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    fr = selectors.forward_request_for(request.user, pk)
    if fr is None:
        raise Http404
    may_decide = fr.status == ForwardStatus.PENDING and can(request.user, Action.FORWARD_DECIDE, fr)
    form = forms.DecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:  # not may_decide
            raise PermissionDenied
        if form.is_valid():
            try:
                services.forward_decide(actor=request.user, request=fr,
                                        approve=form.cleaned_data["decision"] == "approve",
                                        note=form.cleaned_data["note"])
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("审批已记录。"))
                return redirect("access:forward_detail", pk=fr.pk)
    obj = fr.obj
    # The decider sees the object's title only if they may see the object itself.
    title = str(obj) if obj is not None and can(request.user, Action.OBJECT_VIEW, obj) else None
    return render(request, "access/forward_detail.html", {
        "fr": fr, "title": title, "level": Level(fr.classification), "form": form})


@require(Action.PASSWORD_RESET_APPROVE)
def password_reset_list(request: AuthedRequest) -> HttpResponse:
    """The system admin's requests to reset passwords of people cleared 重要 or 核心."""
    pending = (PasswordResetRequest.objects.filter(status=ResetStatus.PENDING)
               .select_related("person", "person__unit", "requested_by"))
    decided = (PasswordResetRequest.objects.exclude(status=ResetStatus.PENDING)
               .select_related("person", "requested_by", "decided_by"))
    return render(request, "access/password_reset_list.html", {
        "pending": pending[:100], "decided": Paginator(decided, PAGE_SIZE).get_page(request.GET.get("page"))})


@require(Action.PASSWORD_RESET_APPROVE)
def password_reset_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    reset = get_object_or_404(PasswordResetRequest.objects.select_related(
        "person", "person__unit", "requested_by", "decided_by"), pk=pk)
    may_decide = reset.status == ResetStatus.PENDING and can(request.user, Action.PASSWORD_RESET_APPROVE, reset)
    form = forms.DecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:  # not may_decide
            raise PermissionDenied
        if form.is_valid():
            try:
                services.password_reset_decide(actor=request.user, request=reset,
                                               approve=form.cleaned_data["decision"] == "approve",
                                               note=form.cleaned_data["note"])
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("审批已记录。"))
                return redirect("access:password_reset_list")
    return render(request, "access/password_reset_detail.html", {"reset": reset, "form": form})
