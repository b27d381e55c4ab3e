"""Pages of the routing engine: the template editor and an item's route. Thin: the rules
live in services, selectors and the access policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongshu.access.policy import can
from zhongshu.access.views import require
from zhongshu.kernel.http import AuthedRequest
from zhongshu.org.models import Person, Unit
from zhongshu.workflow.actions import WorkflowAction

from . import assignees, registry, selectors, services
from .forms import ActForm, StageForm, StageFormSet, TemplateForm, stages_from
from .models import RouteTemplate, StageDef, Step, StepAction, TemplateVersion

PAGE_SIZE = 30


@require(WorkflowAction.TEMPLATE_VIEW)
def template_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.templates_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflow/template_list.html", {
        "page": page, "may_manage": can(request.user, WorkflowAction.TEMPLATE_MANAGE)})


def _stage_rows(stages: list[StageDef]) -> list[dict[str, Any]]:
    """Stages with their assignees in words, for read-only display."""
    unit_ids = {s.get("unit") for st in stages for s in st.assignees if s.get("unit")}
    person_ids = {s.get("person") for st in stages for s in st.assignees if s.get("person")}
    units = Unit.objects.in_bulk(unit_ids)
    people = Person.objects.in_bulk(person_ids)
    return [{"stage": st, "assignees": [assignees.describe(s, units, people) for s in st.assignees],
             "action_labels": [str(StepAction(a).label) for a in st.actions]} for st in stages]


@require(WorkflowAction.TEMPLATE_MANAGE)
def template_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(RouteTemplate, pk=pk) if pk else None
    current = template.current_version if template else None
    initial = ([dict(StageForm.initial_from(s), ORDER=s.position + 1) for s in current.stages.all()]
               if current else [])
    form = TemplateForm(request.POST or None, instance=template)
    formset = StageFormSet(request.POST or None, initial=initial, prefix="stages")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if template is None:
                    template = services.template_create(
                        actor=request.user, code=data["code"], name=data["name"],
                        purpose=data["purpose"],
                        description=data["description"], stages=stages_from(formset),
                        note=data["note"])
                else:
                    services.template_update(
                        actor=request.user, template=template, name=data["name"],
                        description=data["description"], is_active=data["is_active"],
                        stages=stages_from(formset), note=data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("流转模板“%(name)s”已保存为第 %(n)s 版。") % {
                "name": template.name, "n": template.current_version.number
                if template.current_version else None})
            return redirect("workflow:template_edit", pk=template.pk)
    versions = list(template.versions.select_related("created_by").order_by("-number")) if template else []
    purpose = registry.purpose(template.purpose) if template else None
    return render(request, "workflow/template_edit.html", {
        "form": form, "formset": formset, "template": template, "versions": versions,
        "purpose": purpose, "key_labels": _key_labels(purpose)})


def _key_labels(purpose: registry.Purpose | None) -> dict[str, str]:
    """What each stage key means, for the editor: the key itself is shown, never edited."""
    if purpose is None:
        return {}
    return {k.key: k.label for k in purpose.keys}


@require(WorkflowAction.TEMPLATE_VIEW)
def template_version(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    version = get_object_or_404(TemplateVersion.objects.select_related("template", "created_by"),
                                template_id=pk, number=number)
    return render(request, "workflow/template_version.html", {
        "version": version, "rows": _stage_rows(list(version.stages.all())),
        "route_count": version.routes.count()})


def route_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    route = selectors.route_get(request.user, pk)
    if route is None:
        raise Http404
    timeline = selectors.route_timeline(route)
    step = selectors.my_pending_step(request.user, route)
    act_form = _act_form(step, timeline["stages"]) if step else None
    subject = route.subject
    return render(request, "workflow/route_detail.html", {
        "route": route, "subject": subject, "subject_url": getattr(subject, "get_absolute_url", None),
        "rows": _stage_rows(timeline["stages"]), "steps": timeline["steps"],
        "opinions": timeline["opinions"], "step": step, "act_form": act_form})


def _act_form(step: Step, stages: list[StageDef], data: QueryDict | None = None) -> ActForm:
    stage = next(s for s in stages if s.position == step.position)
    earlier = [s for s in stages if s.position < step.position]
    return ActForm(data, stage=stage, earlier=earlier)


@require_POST
def route_act(request: AuthedRequest, pk: int) -> HttpResponse:
    route = selectors.route_get(request.user, pk)
    if route is None:
        raise Http404
    step = selectors.my_pending_step(request.user, route)
    if step is None:
        messages.error(request, _("您在该事项上没有待办理的环节，可能已经办理过。"))
        return redirect("workflow:route_detail", pk=pk)
    form = _act_form(step, list(route.template_version.stages.all()), request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：%(errors)s") % {
            "errors": "；".join(str(e) for errs in form.errors.values() for e in errs)})
        return redirect("workflow:route_detail", pk=pk)
    data = form.cleaned_data
    try:
        services.step_act(actor=request.user, step=step, action=data["action"], text=data["text"],
                          return_to=data.get("return_to"), target=data.get("target"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已办理。"))
    return redirect("workflow:route_detail", pk=pk)
