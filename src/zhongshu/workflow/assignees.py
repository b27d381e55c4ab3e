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

from django.core.exceptions import ValidationError

from zhongshu.org.models import Person, RoleCode, Unit

from .models import AssigneeKind

_NEEDS_UNIT = {AssigneeKind.UNIT_HEAD, AssigneeKind.UNIT_LEADER, AssigneeKind.ROLE_IN_UNIT}


@dataclass(frozen=True)
class Assignment:
    person: Person
    unit: Unit | None


def clean_specs(specs: list[dict]) -> list[dict]:
    """Check specs as the editor saves them; returns them normalised."""
    if not specs:
        raise ValidationError("每个环节至少要有一个办理人。")
    cleaned = []
    for spec in specs:
        kind = spec.get("kind")
        if kind not in AssigneeKind.values:
            raise ValidationError(f"未知的办理人类型：{kind}")
        item: dict = {"kind": kind}
        if kind == AssigneeKind.PERSON:
            if not Person.objects.filter(pk=spec.get("person"), is_active=True).exists():
                raise ValidationError("指定的人员不存在或已停用。")
            item["person"] = int(spec["person"])
        if kind in _NEEDS_UNIT:
            if not Unit.objects.filter(pk=spec.get("unit")).exists():
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


def describe(spec: dict, units: dict[int, Unit], people: dict[int, Person]) -> str:
    """The spec in the office's words, for the editor and the timeline."""
    kind = spec["kind"]
    label = str(AssigneeKind(kind).label)
    if kind == AssigneeKind.PERSON:
        person = people.get(spec["person"])
        return str(person) if person else label
    if kind == AssigneeKind.ITEM:
        return f"{label}（{spec.get('slot', '')}）"
    if kind in _NEEDS_UNIT:
        unit = units.get(spec["unit"])
        unit_name = unit.name if unit else "?"
        if kind == AssigneeKind.UNIT_HEAD:
            return f"{unit_name}负责人"
        if kind == AssigneeKind.UNIT_LEADER:
            return f"{unit_name}分管领导"
        return f"{unit_name}{RoleCode(spec['role']).label}"
    return label


def _one(person: Person | None, unit: Unit | None, missing: str) -> list[Assignment]:
    if person is None or not person.is_active:
        raise ValidationError(missing)
    return [Assignment(person, unit)]


def only_item_specs(specs: list[dict]) -> bool:
    return bool(specs) and all(s["kind"] == AssigneeKind.ITEM for s in specs)


def resolve(specs: list[dict], *, drafter: Person, stage_name: str,
            subject: object = None) -> list[Assignment]:
    """The people a stage goes to, in the order of its specs, each person once. Specs of
    kind ``item`` may resolve to nobody (the caller then skips the stage)."""
    result: list[Assignment] = []
    for spec in specs:
        kind = spec["kind"]
        unit = Unit.objects.select_related("head", "leader_in_charge").filter(
            pk=spec.get("unit")).first() if kind in _NEEDS_UNIT else None
        prefix = f"环节“{stage_name}”找不到办理人："
        if kind == AssigneeKind.ITEM:
            decide = getattr(subject, "workflow_assignees", None)
            if not callable(decide):
                raise ValidationError(prefix + "该事项不能指定办理人。")
            found = [Assignment(p, u) for p, u in decide(spec["slot"]) if p.is_active]
        elif kind == AssigneeKind.PERSON:
            found = _one(Person.objects.filter(pk=spec["person"]).first(), None,
                         prefix + "指定人员不存在或已停用。")
        elif kind == AssigneeKind.UNIT_HEAD:
            found = _one(unit.head if unit else None, unit, prefix + f"{unit or '单位'}未设负责人。")
        elif kind == AssigneeKind.UNIT_LEADER:
            found = _one(unit.leader_in_charge if unit else None, unit,
                         prefix + f"{unit or '单位'}未设分管领导。")
        elif kind == AssigneeKind.ROLE_IN_UNIT:
            holders = list(Person.objects.filter(unit=unit, roles__code=spec["role"], is_active=True)
                           .order_by("sort_order", "id").distinct()) if unit else []
            if not holders:
                raise ValidationError(prefix + f"{unit or '单位'}没有{RoleCode(spec['role']).label}。")
            found = [Assignment(p, unit) for p in holders]
        elif kind == AssigneeKind.DRAFTER:
            found = _one(drafter, drafter.unit, prefix + "拟稿人已停用。")
        elif kind == AssigneeKind.DRAFTER_UNIT_HEAD:
            dept = drafter.unit
            found = _one(dept.head if dept else None, dept,
                         prefix + f"拟稿人所在部门{dept or ''}未设负责人。")
        else:  # DRAFTER_UNIT_LEADER
            dept = drafter.unit
            found = _one(dept.leader_in_charge if dept else None, dept,
                         prefix + f"拟稿人所在单位{dept or ''}未设分管领导。")
        for assignment in found:
            if all(a.person.pk != assignment.person.pk for a in result):
                result.append(assignment)
    return result
