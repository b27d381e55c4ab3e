"""Who a stage's assignee specs mean, at the moment the stage starts.

A spec is a small dict stored in ``StageDef.assignees``:

- ``{"kind": "person", "person": <id>}``
- ``{"kind": "unit_head", "unit": <id>}`` / ``{"kind": "unit_leader", "unit": <id>}``
- ``{"kind": "role_in_unit", "unit": <id>, "role": "<RoleCode>"}`` — every active holder
- ``{"kind": "drafter"}``, ``{"kind": "drafter_unit_head"}``, ``{"kind": "drafter_unit_leader"}``

Resolution happens when a stage starts rather than when the route starts, so that a new
department head receives the stages that reach the department after the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from zhongshu.access.classification import clearance_covers
from zhongshu.org.models import Person, RoleCode, Unit

from .models import AssigneeKind

if TYPE_CHECKING:
    from .models import Route


_NEEDS_UNIT = {AssigneeKind.UNIT_HEAD, AssigneeKind.UNIT_LEADER, AssigneeKind.ROLE_IN_UNIT}


@dataclass(frozen=True)
class Assignment:
    person: Person
    unit: Unit | None


def clean_specs(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check specs as the editor saves them; returns them normalised."""
    if not specs:
        raise ValidationError("每个环节至少要有一个办理人。")
    cleaned = []
    for spec in specs:
        kind = spec.get("kind")
        if kind not in AssigneeKind.values:
            raise ValidationError(f"未知的办理人类型：{kind}")
        item: dict[str, Any] = {"kind": kind}
        person_pk: Any = spec.get("person")  # as the editor sent it; checked here
        unit_pk: Any = spec.get("unit")
        if kind == AssigneeKind.PERSON:
            if not Person.objects.filter(pk=person_pk, is_active=True).exists():
                raise ValidationError("指定的人员不存在或已停用。")
            item["person"] = int(spec["person"])
        if kind in _NEEDS_UNIT:
            if not Unit.objects.filter(pk=unit_pk).exists():
                raise ValidationError("指定的单位不存在。")
            item["unit"] = int(spec["unit"])
        if kind == AssigneeKind.ITEM:
            slot = str(spec.get("slot") or "").strip()
            if not slot:
                raise ValidationError("由事项指定的办理人须写明用途（slot）。")
            item["slot"] = slot[:40]
        if kind == AssigneeKind.ROLE_IN_UNIT:
            if spec.get("role") not in RoleCode.values:
                raise ValidationError("请选择角色。")
            item["role"] = spec["role"]
        if item not in cleaned:
            cleaned.append(item)
    return cleaned


# What the items' assignee slots mean, in the office's words (the slot codes themselves are
# stable keys and never shown). A slot not named here reads as "由事项指定" alone.
SLOT_LABELS = {
    "office": "办公室",
    "countersign": "会签单位负责人",
    "sign_off": "签发领导",
    "reviewers": "审核人",
    "department_head": "拟稿部门负责人",
    "reviewer": "审核人",
    "checker": "核稿人",
    "secretariat": "文书",
    "archivist": "档案员",
    "office_review": "核稿人",
    "archive": "归档部门",
}


def describe(spec: dict[str, Any], units: dict[int, Unit], people: dict[int, Person]) -> str:
    """The spec in the office's words, for the editor and the timeline."""
    kind = spec["kind"]
    label = str(AssigneeKind(kind).label)
    if kind == AssigneeKind.PERSON:
        person = people.get(spec["person"])
        return str(person) if person else label
    if kind == AssigneeKind.ITEM:
        slot = SLOT_LABELS.get(spec.get("slot", ""))
        return f"{label}（{slot}）" if slot else label
    if kind in _NEEDS_UNIT:
        unit = units.get(spec["unit"])
        unit_name = unit.name if unit else "?"
        if kind == AssigneeKind.UNIT_HEAD:
            return f"{unit_name}负责人"
        if kind == AssigneeKind.UNIT_LEADER:
            return f"{unit_name}分管领导"
        return f"{unit_name}{RoleCode(spec['role']).label}"
    return label


@dataclass(frozen=True)
class Context:
    """What resolution needs to know about the route: its author (nobody reviews his
    own work), whether this stage is the author's own, the item's classification
    (nobody below it is given its work), and the item's hooks for ``item`` slots."""

    author: Person
    author_stage: bool
    level: int | None
    stage_name: str
    subject: Model | None = None
    route: Route | None = None


def only_item_specs(specs: list[dict[str, Any]]) -> bool:
    return bool(specs) and all(s["kind"] == AssigneeKind.ITEM for s in specs)


def _eligible(person: Person | None, ctx: Context) -> bool:
    if person is None or not person.is_active:
        return False
    if not ctx.author_stage and person.pk == ctx.author.pk:
        return False
    return clearance_covers(person, ctx.level)


def _why_not(person: Person, ctx: Context) -> str:
    if not person.is_active:
        return f"{person}的账号已停用"
    if person.pk == ctx.author.pk:
        return f"{person}是拟稿人，不能审核本人起草的事项"
    return f"{person}的涉密等级不能办理该密级的事项"


def _single(person: Person | None, unit: Unit | None, ctx: Context, missing: str,
            *, fallback: Person | None = None) -> list[Assignment]:
    """One person for a single-person spec. When he is the route's author on a stage
    that reviews the author's work, the unit's leader in charge takes the stage (the
    副主任 in charge reviews a 处长's own draft); otherwise the stage is refused with the
    reason, never given to someone who may not hold it."""
    prefix = f"环节“{ctx.stage_name}”找不到办理人："
    if person is None or not person.is_active:
        raise ValidationError(prefix + missing)
    if not ctx.author_stage and person.pk == ctx.author.pk:
        if fallback is not None and _eligible(fallback, ctx):
            return [Assignment(fallback, unit)]
        raise ValidationError(prefix + f"{person}是拟稿人，不能审核本人起草的事项，且没有可代为审核的分管领导。")
    if not clearance_covers(person, ctx.level):
        raise ValidationError(prefix + f"{person}的涉密等级不能办理该密级的事项。")
    return [Assignment(person, unit)]


def resolve(specs: list[dict[str, Any]], ctx: Context) -> list[Assignment]:
    """The people a stage goes to, in the order of its specs, each person once. Specs of
    kind ``item`` may resolve to nobody (the caller then skips the stage); people the
    item names who are not cleared for it, or who are the author on a reviewing stage,
    are left out."""
    from . import registry

    result: list[Assignment] = []
    for spec in specs:
        kind = spec["kind"]
        unit_pk: Any = spec.get("unit")
        unit = Unit.objects.select_related("head", "leader_in_charge").filter(
            pk=unit_pk).first() if kind in _NEEDS_UNIT else None
        prefix = f"环节“{ctx.stage_name}”找不到办理人："
        if kind == AssigneeKind.ITEM:
            hooks = registry.item_hooks(type(ctx.subject)) if ctx.subject is not None else None
            if hooks is None or ctx.route is None:
                raise ValidationError(prefix + "该事项不能指定办理人。")
            named = hooks.assignees(ctx.subject, spec["slot"], ctx.route)
            found = [Assignment(p, u) for p, u in named if _eligible(p, ctx)]
            if named and not found:
                raise ValidationError(prefix + "；".join(_why_not(p, ctx) for p, _u in named) + "。")
        elif kind == AssigneeKind.PERSON:
            found = _single(Person.objects.filter(pk=spec["person"]).first(), None, ctx,
                            "指定人员不存在或已停用。")
        elif kind == AssigneeKind.UNIT_HEAD:
            found = _single(unit.head if unit else None, unit, ctx, f"{unit or '单位'}未设负责人。",
                            fallback=unit.leader_in_charge if unit else None)
        elif kind == AssigneeKind.UNIT_LEADER:
            found = _single(unit.leader_in_charge if unit else None, unit, ctx,
                            f"{unit or '单位'}未设分管领导。")
        elif kind == AssigneeKind.ROLE_IN_UNIT:
            holders = list(Person.objects.filter(unit=unit, roles__code=spec["role"], is_active=True)
                           .order_by("sort_order", "id").distinct()) if unit else []
            found = [Assignment(p, unit) for p in holders if _eligible(p, ctx)]
            if not found:
                raise ValidationError(prefix + f"{unit or '单位'}没有可办理的{RoleCode(spec['role']).label}。")
        elif kind == AssigneeKind.DRAFTER:
            found = _single(ctx.author, ctx.author.unit, ctx, "拟稿人已停用。")
        elif kind == AssigneeKind.DRAFTER_UNIT_HEAD:
            dept = ctx.author.unit
            found = _single(dept.head if dept else None, dept, ctx,
                            f"拟稿人所在部门{dept or ''}未设负责人。",
                            fallback=dept.leader_in_charge if dept else None)
        else:  # DRAFTER_UNIT_LEADER
            dept = ctx.author.unit
            found = _single(dept.leader_in_charge if dept else None, dept, ctx,
                            f"拟稿人所在单位{dept or ''}未设分管领导。")
        for assignment in found:
            if all(a.person.pk != assignment.person.pk for a in result):
                result.append(assignment)
    return result
