"""The default routing templates of outgoing documents, one per type (``outgoing-<slug>``).

They are ordinary templates of the routing engine: the office edits them on the
workflow pages and every edit is a new version. They are created the first time a
document of the type is sent (or by the demo loader), by the person sending it."""

from __future__ import annotations

from zhongshu.audit.services import record
from zhongshu.workflow.models import RouteTemplate, StageDef, TemplateVersion

from . import doctypes


def template_code(kind: doctypes.DocKind) -> str:
    return f"outgoing-{kind.slug}"


def ensure_template(kind: doctypes.DocKind, *, actor) -> RouteTemplate:
    """The type's template, created with its default stages if it does not exist yet.
    Runs inside the caller's transaction."""
    template = RouteTemplate.objects.filter(code=template_code(kind)).first()
    if template is not None:
        return template
    template, created = RouteTemplate.objects.get_or_create(
        code=template_code(kind),
        defaults={"name": f"{kind.name}发文流程", "description": f"{kind.name}的默认发文流程"})
    if created:
        version = TemplateVersion.objects.create(template=template, number=1, created_by=actor,
                                                 note="默认流程")
        StageDef.objects.bulk_create(StageDef(version=version, position=i, **stage)
                                     for i, stage in enumerate(doctypes.default_stages(kind)))
        record(actor=actor, action="workflow.template.create", obj=template,
               details={"default_for": kind.name})
    return template


def ensure_all(*, actor) -> list[RouteTemplate]:
    return [ensure_template(kind, actor=actor) for kind in doctypes.KINDS]
