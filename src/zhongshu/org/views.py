"""System administration of units and people, sign-in and the profile page. Thin: the
rules live in services, selectors and the access policy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zhongshu.access.admins import is_admin
from zhongshu.access.policy import Action, can
from zhongshu.access.views import require
from zhongshu.kernel.http import AuthedRequest
from zhongshu.kernel.job_views import job_context
from zhongshu.kernel.jobs import my_jobs

from . import importer, imports, lockout, selectors, services
from .forms import (
    ImportForm,
    OneTimePasswordChangeForm,
    OwnPasswordChangeForm,
    PersonForm,
    ResetForm,
    UnitForm,
)
from .models import Person, RoleCode, Unit
from .pickers.actions import OrgAction

PAGE_SIZE = 30


def password_change(request: AuthedRequest) -> HttpResponse:
    """The only page a one-time password opens: the person chooses their own password,
    and is told who reset the old one and when."""
    person = request.user
    if not person.must_change_password:
        return redirect("org:profile")
    form = OneTimePasswordChangeForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.person_change_own_password(actor=person, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, person)
        messages.success(request, _("密码已修改，请使用新密码。"))
        return redirect("home")
    return render(request, "org/password_change.html", {"form": form})


@require(Action.PASSWORD_RESET)
def person_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    """The system admin resets a password: at once for most people, after the security
    admin's approval for people cleared 重要 or 核心. The one-time password is shown on
    this response only."""
    person = get_object_or_404(Person.objects.select_related("unit"), pk=pk)
    if not can(request.user, Action.PASSWORD_RESET, person):
        raise PermissionDenied  # an administrator, or oneself
    form = ResetForm(request.POST or None)
    one_time = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "request":
                services.password_reset_request(actor=request.user, person=person,
                                                reason=form.cleaned_data["reason"])
                messages.success(request, _("已提交安全保密管理员审批；批准后再回到本页重置。"))
                return redirect("org:person_reset_password", pk=person.pk)
            one_time = services.person_password_reset(actor=request.user, person=person,
                                                      reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
    state = services.reset_state(person)
    response = render(request, "org/person_reset.html", {
        "person": person, "form": form, "one_time": one_time, **state,
        "approval_days": services.RESET_APPROVAL_DAYS})
    return response


def profile(request: AuthedRequest) -> HttpResponse:
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.person_change_own_password(actor=request.user,
                                            password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, form.user)
        messages.success(request, _("密码已修改。"))
        return redirect("org:profile")
    return render(request, "org/profile.html", {
        "form": form, "may_keep_groups": can(request.user, OrgAction.PICK_GROUP_MANAGE)})


@require(Action.ORG_VIEW)
def unit_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    if q:
        page = Paginator(selectors.unit_search(q), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "org/unit_list.html", {"q": q, "page": page})
    tree = selectors.unit_tree()
    tree_page = Paginator(tree, 100).get_page(request.GET.get("page"))
    return render(request, "org/unit_list.html", {"q": q, "tree_page": tree_page})


@require(Action.ORG_MANAGE)
def unit_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if unit is None:
                    unit = services.unit_create(actor=request.user, **{
                        k: data[k] for k in ("name", "code", "kind", "parent", "short_name",
                                             "issuer_code", "sort_order", "is_active")})
                    services.unit_update(actor=request.user, unit=unit, head=data["head"],
                                         leader_in_charge=data["leader_in_charge"])
                else:
                    services.unit_update(actor=request.user, unit=unit, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("单位“%(name)s”已保存。") % {"name": unit.name})
            return redirect("org:unit_list")
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


@require(Action.ORG_VIEW)
def person_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    unit_id = request.GET.get("unit") or None
    role = request.GET.get("role", "")
    locked_only = request.GET.get("locked") == "1"
    qs = selectors.person_search(q=q, unit_id=int(unit_id) if unit_id and unit_id.isdigit() else None,
                                 role=role)
    if locked_only:
        qs = qs.filter(username__in=lockout.locked_usernames())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    locks = lockout.locked_until(p.username for p in page.object_list)
    rows = [{"person": p, "locked_until": locks.get(p.username)} for p in page.object_list]
    return render(request, "org/person_list.html", {
        "page": page, "rows": rows, "q": q, "unit_id": unit_id, "role": role,
        "locked_only": locked_only, "units": selectors.unit_tree(), "roles": RoleCode.choices,
    })


@require(Action.ORG_MANAGE)
def person_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk) if pk else None
    form = PersonForm(request.POST or None, instance=person)
    if person is not None and is_admin(person) and request.method == "POST":
        # The page shows an administrator's account read-only; a forged POST is refused.
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password", None)
        try:
            with transaction.atomic():
                if person is None:
                    person = services.person_create(actor=request.user, password=password, **data)
                else:
                    services.person_update(actor=request.user, person=person, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("人员“%(name)s”已保存。") % {"name": person.full_name})
            return redirect("org:person_list")
    locked = lockout.locked_until([person.username]).get(person.username) if person else None
    return render(request, "org/person_form.html", {
        "form": form, "person": person, "locked_until": locked,
        "is_admin_account": person is not None and is_admin(person)})


@require(Action.ACCOUNT_UNLOCK)
def person_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk)
    if request.method == "POST":
        lockout.account_unlock(actor=request.user, person=person)
        messages.success(request, _("账号“%(name)s”已解除锁定。") % {"name": person.full_name})
    return redirect("org:person_list")


@require(Action.ORG_MANAGE)
def import_start(request: AuthedRequest) -> HttpResponse:
    """批量导入: upload a workbook; it is validated and imported in the background."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_submit(actor=request.user, file_name=upload.name, content=upload.read())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("jobs:detail", pk=job.pk)
    recent = [job_context(job, request.user)
              for job in my_jobs(request.user, kind=imports.ORG_IMPORT)[:10]]
    return render(request, "org/import_start.html", {"form": form, "recent": recent})


@require(Action.ORG_MANAGE)
def import_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(
        importer.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''org-import-template.xlsx"
    return response
