"""Writes of the pickers: the office's groups (audited) and a person's recent choices."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from zhongshu.access.policy import can
from zhongshu.audit import services as audit
from zhongshu.org.models import Person, PickGroup, PickKind, RecentPick, Unit

from .actions import OrgAction, OrgEvent
from .scope import PickerScope
from .selectors import RECENT_LIMIT


def _check(actor: Person | None) -> None:
    if actor is not None and not can(actor, OrgAction.PICK_GROUP_MANAGE):
        raise PermissionDenied


def _members(kind: str, people: Iterable[Person], units: Iterable[Unit]) -> tuple[list[int], list[int]]:
    people_ids = sorted({p.pk for p in people}) if kind == PickKind.PEOPLE else []
    unit_ids = sorted({u.pk for u in units}) if kind == PickKind.UNITS else []
    return people_ids, unit_ids


def pick_group_save(*, actor: Person | None, group: PickGroup | None = None, code: str, name: str,
                    kind: str, people: Iterable[Person] = (), units: Iterable[Unit] = (),
                    sort_order: int = 100, is_active: bool = True) -> PickGroup:
    """Create a group, or change one: its name, members, order, whether it is offered.
    ``actor=None`` is the system (the demo loader). The code and kind of an existing
    group never change."""
    _check(actor)
    kind = PickKind(kind).value
    people_ids, unit_ids = _members(kind, people, units)
    if not name.strip():
        raise ValidationError({"name": "请填写分组名称。"})
    try:
        with transaction.atomic():
            if group is None:
                group = PickGroup.objects.create(code=code, name=name.strip(), kind=kind,
                                                 sort_order=sort_order, is_active=is_active)
                old: dict = {}
                event = OrgEvent.PICK_GROUP_CREATE
            else:
                if group.kind != kind or group.code != code:
                    raise ValidationError("分组的标识和类型保存后不能修改。")
                old = {"name": group.name, "sort_order": group.sort_order, "is_active": group.is_active,
                       "people": sorted(group.people.values_list("pk", flat=True)),
                       "units": sorted(group.units.values_list("pk", flat=True))}
                group.name, group.sort_order, group.is_active = name.strip(), sort_order, is_active
                group.save()
                event = OrgEvent.PICK_GROUP_UPDATE
            group.people.set(people_ids)
            group.units.set(unit_ids)
            new = {"name": group.name, "sort_order": sort_order, "is_active": is_active,
                   "people": people_ids, "units": unit_ids}
            changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
            audit.record(actor=actor, action=event, obj=group,
                         details={"code": group.code, "kind": kind, "changes": changes})
    except IntegrityError:
        raise ValidationError({"code": "该标识已被其他分组使用。"}) from None
    return group


def recent_remember(*, person: Person, scope: PickerScope, ids: Iterable[int]) -> None:
    """Put ``ids`` (just chosen in the picker ``scope``) at the front of ``person``'s
    recent choices. Only ids the picker offers are kept. Not audited: it records a
    convenience of the person's own screen, not an act on anything (the choice itself
    is audited by the service that uses it)."""
    if not scope.key or not getattr(person, "is_authenticated", False):
        return
    wanted = [int(i) for i in ids][:RECENT_LIMIT]
    offered = set(scope.queryset().filter(pk__in=wanted).values_list("pk", flat=True))
    fresh = [i for i in dict.fromkeys(wanted) if i in offered]
    if not fresh:
        return
    try:
        with transaction.atomic():
            row, _ = RecentPick.objects.select_for_update().get_or_create(
                person=person, key=scope.key, kind=scope.kind)
            row.ids = (fresh + [i for i in row.ids if i not in fresh])[:RECENT_LIMIT]
            row.save()
    except IntegrityError:
        # The same person's other tab created the row a moment earlier: theirs stands.
        return
