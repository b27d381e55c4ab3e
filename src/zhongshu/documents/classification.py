"""定密变更 (issue 11 §6): a document's classification changes only by its own action.

A reviewer lowered a 机密 draft to 内部 while saving a version, and the trail said only
"save, version 2". Now:

- saving a version never changes the level or the secrecy period (``save_meta``: the
  editor's and the API's save are refused with a message when they differ);
- nobody creates an item above his own clearance (``check_create``);
- changing the level (变更密级, and lowering it: 降密/解密) is ``document_reclassify``,
  allowed to the item's 定密责任人 — the head or the leader in charge of its owner unit
  (定密单位), who must see the item and be cleared for the new level — with a reason,
  recorded as its own event with the old and new level and period;
- raising the level is refused while someone who is not cleared for the new level holds
  an open step or task on the item (he would keep work he may no longer see); such
  work is transferred or withdrawn first.

Who may is the access policy's ``OBJECT_RECLASSIFY`` (``may_reclassify``), so the page
and the service ask the same question.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhongshu.access.classification import (
    CLASSIFIED_FROM,
    Classified,
    Level,
    clearance_covers,
    highest_level,
)
from zhongshu.access.policy import Action, can
from zhongshu.audit.events import register
from zhongshu.audit.services import record
from zhongshu.org.models import Person
from zhongshu.workflow.models import (
    ACTIVE_TASK_STATUSES,
    OPEN_STEP_STATUSES,
    Step,
    Task,
)

LEVEL_FIELDS = ("classification", "secrecy_years", "secrecy_long_term")
REASON_MAX = 200

SAVE_REFUSED = ("保存稿件不改变密级和保密期限。如需变更密级，请在文件页面使用“变更密级”，"
                "由定密责任人填写理由后办理（单独记录审计）。")


@register
class ClassificationEvent(StrEnum):
    """Permanent once shipped: the auditor searches by them."""

    # The level or the period changed, upward or sideways (变更密级).
    CHANGE = "documents.classification.change"
    # The level was lowered (降密), or below 秘密: no longer a state secret (解密).
    LOWER = "documents.classification.lower"
    DECLASSIFY = "documents.classification.declassify"


def _period(years: Any, long_term: Any, level: int) -> tuple[int | None, bool]:
    if level < CLASSIFIED_FROM:
        return None, False
    return (int(years) if years not in (None, "") else None), bool(long_term)


def _level(value: Any) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"classification": "密级无效。"}) from None
    if level not in Level.values:
        raise ValidationError({"classification": "密级无效，应为公开、内部、秘密、机密或绝密。"})
    return level


def check_create(actor: Person, meta: dict) -> None:
    """Nobody creates an item above his own clearance: he could not open it afterwards,
    and it would be a state secret made by someone not cleared for it."""
    if "classification" not in meta or meta["classification"] is None:
        return
    level = _level(meta["classification"])
    if not clearance_covers(actor, level):
        raise ValidationError({"classification": (
            f"您的涉密等级最高可办理{Level(highest_level(actor)).label}事项，"
            f"不能拟制{Level(level).label}文件。")})


def save_meta(doc: Classified, meta: dict) -> dict:
    """The metadata a version's save may apply: without the level and period. A save
    that asks for another level or period is refused (``SAVE_REFUSED``) and changes
    nothing; one that repeats the current values (the editor always posts them) goes on."""
    asked = {k: meta[k] for k in LEVEL_FIELDS if k in meta}
    rest = {k: v for k, v in meta.items() if k not in LEVEL_FIELDS}
    if not asked or asked.get("classification") is None and len(asked) == 1:
        return rest
    level = _level(asked.get("classification", doc.classification))
    years, long_term = _period(asked.get("secrecy_years", doc.secrecy_years),
                               asked.get("secrecy_long_term", doc.secrecy_long_term), level)
    current = (doc.classification, *_period(doc.secrecy_years, doc.secrecy_long_term, doc.classification))
    if (level, years, long_term) != current:
        raise ValidationError({"classification": SAVE_REFUSED})
    return rest


def may_reclassify(person: Any, obj: Any) -> bool:
    """Whether ``person`` is the item's 定密责任人 and may change its level now: the
    policy's ``OBJECT_RECLASSIFY`` (the rule lives in ``access.policy``)."""
    return can(person, Action.OBJECT_RECLASSIFY, obj)


def uncleared_holders(obj: Classified, level: int) -> list[Person]:
    """People holding an open step or task on ``obj`` who are not cleared for ``level``."""
    ct = ContentType.objects.get_for_model(type(obj))
    ids = set(Step.objects.filter(route__content_type=ct, route__object_id=obj.pk,
                                  status__in=OPEN_STEP_STATUSES).values_list("assignee_id", flat=True))
    ids |= set(Task.objects.filter(subject_type=ct, subject_id=obj.pk, status__in=ACTIVE_TASK_STATUSES,
                                   person__isnull=False).values_list("person_id", flat=True))
    people = Person.objects.filter(pk__in=ids).order_by("sort_order", "id")
    return [p for p in people if not clearance_covers(p, level)]


def _event(old: int, new: int) -> ClassificationEvent:
    if new < CLASSIFIED_FROM <= old:
        return ClassificationEvent.DECLASSIFY
    if new < old:
        return ClassificationEvent.LOWER
    return ClassificationEvent.CHANGE


@transaction.atomic
def document_reclassify(*, actor: Person, document: Classified, classification: int,
                        secrecy_years: int | None = None, secrecy_long_term: bool = False,
                        reason: str) -> Classified:
    """变更密级 / 降密 / 解密 of a document (发文 or 收文) by its 定密责任人, with a reason.
    Recorded as its own event, at the higher of the two levels (so that the event is
    masked like the item was), with the old and new level, mark and period."""
    model = type(document)
    doc = model._default_manager.select_for_update().get(pk=document.pk)
    if not can(actor, Action.OBJECT_RECLASSIFY, doc):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写变更密级的理由（定密依据）。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"理由不超过 {REASON_MAX} 字。"})
    level = _level(classification)
    if not clearance_covers(actor, level):
        raise ValidationError({"classification": "不能将密级定为高于本人涉密等级的级别。"})
    years, long_term = _period(secrecy_years, secrecy_long_term, level)
    old = doc.classification
    old_years, old_long = _period(doc.secrecy_years, doc.secrecy_long_term, old)
    old_mark = doc.secrecy_mark or Level(old).label
    if (level, years, long_term) == (old, old_years, old_long):
        raise ValidationError("密级和保密期限均未改变。")
    if level > old:
        blocked = uncleared_holders(doc, level)
        if blocked:
            raise ValidationError({"classification": (
                "以下人员正在办理该文件，但涉密等级不足以办理" + Level(level).label + "事项："
                + "、".join(p.full_name for p in blocked) + "。请先转办或收回其办理环节，再提高密级。")})
    doc.classification, doc.secrecy_years, doc.secrecy_long_term = level, years, long_term
    if level >= CLASSIFIED_FROM:
        if old < CLASSIFIED_FROM or level != old or not doc.classified_on:
            doc.classified_on = timezone.localdate()
    else:
        doc.classified_on = None
    Classified.clean(doc)  # the period fits the level (保守国家秘密法's ceilings)
    fields = ["classification", "secrecy_years", "secrecy_long_term", "classified_on"]
    if any(f.name == "updated_at" for f in doc._meta.get_fields()):
        fields.append("updated_at")
    doc.save(update_fields=fields)
    record(actor=actor, action=_event(old, level), obj=doc, classification=max(old, level), details={
        "old_level": old, "new_level": level, "old_mark": str(old_mark),
        "new_mark": str(doc.secrecy_mark or Level(level).label),
        "old_period": {"years": old_years, "long_term": old_long},
        "new_period": {"years": years, "long_term": long_term}, "reason": reason})
    return doc
