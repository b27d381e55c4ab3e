"""What one picker may offer: its kind, its key and its filters, carried signed from the
form's widget to the dialog's endpoints so that the dialog lists exactly what the
field accepts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet

from zhongshu.access.admins import ADMIN_ROLES
from zhongshu.org.models import Person, PickKind, Unit, UnitKind

SALT = "zhongshu.org.picker"
INTERNAL_KINDS = (UnitKind.ORGAN, UnitKind.DEPARTMENT, UnitKind.SUBORDINATE)


class BadScope(Exception):
    """The token was forged, truncated or is of an older shape."""


@dataclass(frozen=True)
class PickerScope:
    kind: str  # PickKind
    key: str = ""
    multiple: bool = True
    roles: tuple[str, ...] = ()
    internal_only: bool = False
    unit_kinds: tuple[str, ...] = ()
    # Only these ids, when a form narrowed the field's queryset (``fields.RESTRICT_LIMIT``).
    ids: tuple[int, ...] = ()

    def token(self) -> str:
        return signing.dumps({"k": self.kind, "key": self.key, "m": int(self.multiple),
                              "r": list(self.roles), "i": int(self.internal_only),
                              "uk": list(self.unit_kinds), "ids": list(self.ids)},
                             salt=SALT, compress=True)

    @classmethod
    def load(cls, token: str) -> PickerScope:
        try:
            data = signing.loads(token, salt=SALT)
            scope = cls(kind=PickKind(data["k"]).value, key=str(data["key"])[:60],
                        multiple=bool(data["m"]), roles=tuple(data["r"]),
                        internal_only=bool(data["i"]), unit_kinds=tuple(data["uk"]),
                        ids=tuple(int(i) for i in data.get("ids", [])))
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise BadScope(str(exc)) from None
        return scope

    @property
    def people(self) -> bool:
        return self.kind == PickKind.PEOPLE

    def queryset(self) -> QuerySet:
        if self.people:
            qs = people_queryset(roles=self.roles)
        else:
            qs = units_queryset(internal_only=self.internal_only, kinds=self.unit_kinds)
        return qs.filter(pk__in=self.ids) if self.ids else qs


def people_queryset(*, roles: Iterable[str] = ()) -> QuerySet[Person]:
    """People a picker may offer: active, in an active unit, never an administrator
    account (三员 do no business work), with one of ``roles`` if given."""
    admin = Person.roles.through.objects.filter(person_id=OuterRef("pk"),
                                                role__code__in=list(ADMIN_ROLES))
    qs = (Person.objects.filter(is_active=True, unit__is_active=True)
          .exclude(Exists(admin)).select_related("unit"))
    roles = list(roles)
    if roles:
        having = Person.roles.through.objects.filter(person_id=OuterRef("pk"), role__code__in=roles)
        qs = qs.filter(Exists(having))
    return qs.order_by("unit__sort_order", "unit_id", "sort_order", "id")


def units_queryset(*, internal_only: bool = False, kinds: Iterable[str] = ()) -> QuerySet[Unit]:
    """Units a picker may offer: active ones; only this system's own units (not external
    organs, which receive on paper or by another channel) when ``internal_only``."""
    qs = Unit.objects.filter(is_active=True)
    kinds = list(kinds)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if internal_only:
        qs = qs.filter(kind__in=INTERNAL_KINDS)
    return qs.order_by("sort_order", "id")


def person_matches(q: str) -> Q:
    """A person found by name, account, or the name of their unit (全称或简称)."""
    return (Q(full_name__icontains=q) | Q(username__icontains=q) | Q(unit__name__icontains=q)
            | Q(unit__short_name__icontains=q))


def unit_matches(q: str) -> Q:
    return Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__iexact=q)
