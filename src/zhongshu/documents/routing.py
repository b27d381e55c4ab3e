"""发文 on the routing engine: the purpose 发文审批 with its stage keys, the default
template of each type (``outgoing-<slug>``), and the hooks the engine asks a document.

The templates are ordinary templates of the engine: the office edits them on the
workflow pages and every edit is a new version. They are created the first time a
document of the type is sent (or by the demo loader), by the system."""

from __future__ import annotations

from typing import Any

from zhongshu.kernel.http import reverse_id
from zhongshu.org.models import Person, Unit
from zhongshu.workflow import registry
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import RouteTemplate, Step

from . import doctypes

OUTGOING_APPROVAL = "outgoing_approval"
TEMPLATE_PREFIX = "outgoing-"


# After 签发 the secretariat numbers, seals, prints, sends and files: clerical stages that
# review nothing, which the drafter (often a clerk of the secretariat) may also hold.
CLERICAL = frozenset({doctypes.NUMBERING, doctypes.SEALING, doctypes.PRINTING,
                      doctypes.DISTRIBUTION, doctypes.ARCHIVING})


def _keys() -> tuple[registry.StageKey, ...]:
    labels = doctypes.STAGE_LABELS
    return tuple(
        registry.StageKey(key, labels[key], author=key == doctypes.DRAFTING,
                          reviews=key not in CLERICAL, delegable=key != doctypes.SIGN_OFF)
        for key in labels)


def kind_of_template(code: str) -> doctypes.DocKind | None:
    slug = code.removeprefix(TEMPLATE_PREFIX)
    return next((k for k in doctypes.KINDS if k.slug == slug), None)


def required_keys(template_code: str) -> frozenset[str]:
    """Every stage of the type's default route is required (核稿 before 签发 is the
    regulation's, 编号/印制/分发 make an issued document); a template for no known type
    keeps at least 拟稿, 签发 and 归档."""
    kind = kind_of_template(template_code)
    if kind is None:
        return frozenset({doctypes.DRAFTING, doctypes.SIGN_OFF, doctypes.ARCHIVING})
    return frozenset(stage["key"] for stage in doctypes.default_stages(kind))


PURPOSE = registry.Purpose(code=OUTGOING_APPROVAL, label="发文审批",
                           model="documents.outgoingdocument", keys=_keys(),
                           requires=required_keys)


def template_code(kind: doctypes.DocKind) -> str:
    return f"{TEMPLATE_PREFIX}{kind.slug}"


def ensure_template(kind: doctypes.DocKind) -> RouteTemplate:
    """The type's template, created with its default stages if it does not exist yet.
    Runs inside the caller's transaction."""
    return workflow.template_ensure(
        code=template_code(kind), name=f"{kind.name}发文流程", purpose=OUTGOING_APPROVAL,
        description=f"{kind.name}的默认发文流程", stages=doctypes.default_stages(kind),
        note="默认流程")


def ensure_all() -> list[RouteTemplate]:
    return [ensure_template(kind) for kind in doctypes.KINDS]


class OutgoingItem(registry.ItemBase):
    """What the routing engine asks an outgoing document (docs/workflow.md)."""

    label = "发文"

    def may_start(self, person: Person, obj: Any, purpose: str) -> bool:
        from . import rules

        return purpose == OUTGOING_APPROVAL and rules.may_submit(person, obj)

    def may_view(self, person: Person, obj: Any) -> bool:
        from zhongshu.access.policy import Action, can

        return can(person, Action.OBJECT_VIEW, obj)

    def may_act(self, person: Person, obj: Any, step: Step, key: str) -> bool:
        from . import rules

        return rules.may_act(person, obj, key)

    def assignees(self, obj: Any, slot: str, route: Any) -> list[tuple[Person, Unit | None]]:
        from . import hooks

        return hooks.assignees(obj, slot)

    def after_act(self, obj: Any, result: registry.ActResult) -> None:
        from . import hooks

        hooks.after_act(obj, result)

    def may_withdraw(self, person: Person, obj: Any, step: Step) -> bool:
        """撤回 before sign-off only: after it, numbers, copies and deliveries exist."""
        return step.stage_key in doctypes.EDITABLE_STAGES

    def url(self, object_id: int) -> str:
        return reverse_id("documents:detail", object_id)
