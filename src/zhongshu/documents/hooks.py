"""What the routing engine asks an outgoing document (who handles a stage named by the
document) and what the document does when a stage is done — by the stage's key, never
its name: sign-off, numbering, printing copy numbers, distribution, archiving. Runs inside the engine's transaction, so
a refusal here rolls the whole action back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow.models import RouteStatus, StepAction
from zhongshu.workflow.registry import ActResult
from zhongshu.workflow.services import WorkflowError

from . import doctypes


def _ancestors(unit: Unit | None):
    seen = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        yield unit
        unit = unit.parent


def office_people(doc: Any) -> list[tuple[Person, Unit | None]]:
    """The issuing office's secretaries: of the issuing unit, or the nearest unit above it
    that has any."""
    for unit in _ancestors(doc.owner_unit):
        people = list(Person.objects.filter(unit=unit, roles__code=RoleCode.SECRETARY, is_active=True)
                      .order_by("sort_order", "id").distinct())
        if people:
            return [(p, unit) for p in people]
    return []


def _organ_assignees(doc: Any, slot: str) -> list[tuple[Person, Unit | None]] | None:
    """Slots the issuing organ answers (核稿, 文书, 归档); None without an organ."""
    from . import organs

    organ = doc.issuing_organ if doc.issuing_organ_id else None
    if organ is None:
        return None
    if slot == "office_review":
        people = [p for p in organs.reviewers(organ) if p.pk != doc.registered_by_id]
        if not people and organ.unit.leader_in_charge_id:
            # The director drafted it himself: the leader in charge of the office reviews.
            people = [organ.unit.leader_in_charge]
        found: list[tuple[Person, Unit | None]] = [(p, organ.unit) for p in people]
        if not found:
            raise WorkflowError(f"{organ.name}未指定核稿人，且对应单位未设负责人。")
        return found
    if slot == "secretariat":
        found = list(organs.secretariat_people(organ))
        if not found:
            raise WorkflowError(f"{organ.name}的文书部门没有秘书/文书，无法印发。")
        return found
    if slot == "archive":
        return list(organs.archivists(organ)) or None
    return None


def assignees(doc: Any, slot: str) -> list[tuple[Person, Unit | None]]:
    if slot in ("office_review", "secretariat", "archive"):
        found = _organ_assignees(doc, slot)
        if found is not None:
            return found
        slot = "office"
    if slot == "office":
        found = office_people(doc)
        if not found:
            raise WorkflowError(f"{doc.owner_unit}及其上级单位没有秘书/文书，无法核稿和印发。")
        return found
    if slot == "countersign":
        units = list(doc.countersign_units.select_related("head").order_by("sort_order", "id"))
        missing = [u.name for u in units if u.head is None]
        if missing:
            raise WorkflowError(f"会签单位{'、'.join(missing)}未设负责人。")
        return [(u.head, u) for u in units]
    if slot == "sign_off" and not doc.kind.issued and doc.sign_off_leader_id:
        # 签报 呈批: the leader named first, then each further leader in turn.
        further = [p for p in doc.also_submit_to.filter(is_active=True).order_by("sort_order", "id")
                   if p.pk != doc.sign_off_leader_id]
        return [(doc.sign_off_leader, None), *[(p, None) for p in further]]
    if slot == "sign_off" and doc.issuing_organ_id:
        from . import organs

        if doc.sign_off_leader_id:
            if not organs.may_sign(doc.sign_off_leader, doc.issuing_organ):
                raise WorkflowError(f"{doc.sign_off_leader.full_name}无权签发{doc.issuing_organ.name}的文件。")
            return [(doc.sign_off_leader, None)]
        entitled = organs.signers(doc.issuing_organ)
        if not entitled:
            raise WorkflowError(f"{doc.issuing_organ.name}尚未设定签发人。")
        return [(entitled[0], None)]
    if slot == "sign_off":
        leader = doc.sign_off_leader or next(
            (u.leader_in_charge for u in _ancestors(doc.owner_unit) if u.leader_in_charge_id), None)
        if leader is None:
            raise WorkflowError("未指定签发领导，且发文单位未设分管领导。")
        return [(leader, None)]
    raise WorkflowError(f"未知的办理人用途：{slot}")


def number_stage() -> str:
    """The key of the stage at whose end the 发文字号 is given (configurable: some offices
    number at sign-off, most at the 编号 stage after the final check)."""
    return getattr(settings, "DOCUMENTS_NUMBER_STAGE", doctypes.NUMBERING)


def after_act(doc: Any, result: ActResult) -> None:
    """The document's own effects, by stage key, in the engine's transaction."""
    from . import services
    from .models import OutgoingDocument, OutgoingStatus

    route, opinion, actor = result.route, result.opinion, result.actor
    doc = OutgoingDocument.objects.select_for_update().select_related("owner_unit").get(pk=doc.pk)
    now = timezone.now()
    changed = set()
    if opinion.action == StepAction.REJECT:
        doc.status = OutgoingStatus.REJECTED
        changed.add("status")
    for key in result.done_keys:
        if key == doctypes.SIGN_OFF:
            doc.signed_off_by = opinion.author
            doc.signed_off_at = now
            doc.status = OutgoingStatus.SIGNED_OFF
            changed |= {"signed_off_by", "signed_off_at", "status"}
        if key == number_stage() and doc.kind.issued and not doc.doc_number:
            services.number_assign(doc=doc, actor=actor)
        if key == doctypes.PRINTING:
            if not doc.doc_number and doc.kind.issued:
                raise WorkflowError("尚未编发文字号，不能印制。")
            services.copies_assign(doc=doc, actor=actor)
        if key == doctypes.DISTRIBUTION:
            services.distribution_send(doc=doc, actor=actor)
    if route.status == RouteStatus.COMPLETED:
        doc.status = OutgoingStatus.ARCHIVED
        doc.archived_at = now
        changed |= {"status", "archived_at"}
    if changed:
        doc.save(update_fields=[*changed, "updated_at"])
