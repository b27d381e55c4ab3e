"""Walking a document along its route in tests."""

from __future__ import annotations

from zhongshu.documents import services
from zhongshu.documents.models import OutgoingDocument
from zhongshu.workflow.models import Step, StepStatus


def pending(doc: OutgoingDocument) -> list[Step]:
    route = services.current_route(doc)
    return list(route.steps.filter(status=StepStatus.PENDING).select_related("assignee", "route")
                .order_by("id")) if route else []


def agree_until(doc: OutgoingDocument, stage: str, *, text: str = "") -> None:
    """Every pending step agrees until the route's open stage is ``stage``."""
    for _ in range(40):
        steps = pending(doc)
        if not steps or steps[0].stage_name == stage:
            return
        for step in steps:
            services.outgoing_act(actor=step.assignee, document=doc, step=step,
                                  action="agree_opinion" if text else "agree", text=text)
    raise AssertionError(f"never reached {stage}")


def act(doc: OutgoingDocument, stage: str, action: str = "agree", **kwargs):
    step = next(s for s in pending(doc) if s.stage_name == stage)
    return services.outgoing_act(actor=step.assignee, document=doc, step=step, action=action, **kwargs)
