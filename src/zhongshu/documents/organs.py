"""Issuing organs (发文机关) and who may sign their documents (签发权): the reads and the
writes of the 发文机关 pages, and the rules the route and the policy ask.

An organ is data the office keeps: the header, the 机关代字, the 印发机关, who reviews
(核稿), which department is its secretariat (文书) and who archives. Who may sign is data
too — by office (书记 for 市委文件; 秘书长 or 主任 for 市委办文件) or authorised by one
who signs by office — and the policy checks it at sign-off and when a draft names its
signer, so a draft cannot be routed to someone not entitled."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from zhongshu.access.policy import can
from zhongshu.audit.services import record
from zhongshu.org.models import Person, RoleCode, Unit

from .actions import DocumentAction
from .events import OrganEvent
from .models import IssuingOrgan, SignAuthority

# Fields the office edits on an organ (``code`` is fixed once created).
ORGAN_FIELDS = ("name", "header_mark", "issuer_code", "format", "printing_office", "unit",
                "secretariat", "archive", "sort_order", "is_active")


def _ancestors(unit: Unit | None) -> Iterator[Unit]:
    seen: set[int] = set()
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        yield unit
        unit = unit.parent


# --- reads -------------------------------------------------------------------------

def organs_for(person: Person) -> list[IssuingOrgan]:
    """The organs a person's drafts may be issued by: those of his own unit and the units
    above it (a 处 of the office drafts for the office and for the committee), nearest
    first."""
    order = {u.pk: i for i, u in enumerate(_ancestors(person.unit))}
    organs = IssuingOrgan.objects.filter(is_active=True, unit_id__in=order)
    return sorted(organs, key=lambda o: (order[o.unit_id], o.sort_order, o.pk))


def default_organ(person: Person) -> IssuingOrgan | None:
    found = organs_for(person)
    return found[0] if found else None


def signers(organ: IssuingOrgan) -> list[Person]:
    """Who may sign the organ's documents, by office first."""
    rows = (SignAuthority.objects.filter(organ=organ, person__is_active=True)
            .select_related("person").order_by("authorised_by", "id"))
    return [row.person for row in rows]


def may_sign(person: Person, organ: IssuingOrgan | None) -> bool:
    if organ is None:
        return person.has_role(RoleCode.LEADER)
    return SignAuthority.objects.filter(organ=organ, person=person, person__is_active=True).exists()


def signs_by_office(person: Person, organ: IssuingOrgan) -> bool:
    return SignAuthority.objects.filter(organ=organ, person=person, authorised_by__isnull=True).exists()


def reviewers(organ: IssuingOrgan) -> list[Person]:
    """核稿: the organ's designated reviewers, else its office unit's head."""
    people = list(organ.reviewers.filter(is_active=True).order_by("sort_order", "id"))
    head = organ.unit.head if not people else None
    if head is not None and head.is_active:
        people = [head]
    return people


def secretariat_people(organ: IssuingOrgan) -> list[tuple[Person, Unit]]:
    """文书: the secretaries of the organ's secretariat, else of the organ's own unit."""
    for unit in (organ.secretariat, organ.unit):
        if unit is None:
            continue
        people = list(Person.objects.filter(unit=unit, roles__code=RoleCode.SECRETARY, is_active=True)
                      .order_by("sort_order", "id").distinct())
        if people:
            return [(p, unit) for p in people]
    return []


def archivists(organ: IssuingOrgan) -> list[tuple[Person, Unit]]:
    if organ.archive is not None:
        people = list(Person.objects.filter(unit=organ.archive, roles__code=RoleCode.ARCHIVIST,
                                            is_active=True).order_by("sort_order", "id").distinct())
        if people:
            return [(p, organ.archive) for p in people]
    return secretariat_people(organ)


def may_remove_signer(person: Person, authority: SignAuthority) -> bool:
    """The office's managers withdraw any right to sign; a leader, what he authorised."""
    return can(person, DocumentAction.ORGANS_MANAGE) or authority.authorised_by_id == person.pk


def organ_list() -> QuerySet[IssuingOrgan]:
    return IssuingOrgan.objects.select_related("unit", "secretariat", "archive").order_by("sort_order", "id")


def authorities(organ: IssuingOrgan) -> QuerySet[SignAuthority]:
    return organ.signers.select_related("person", "person__unit", "authorised_by").order_by("authorised_by", "id")


# --- writes ------------------------------------------------------------------------

@transaction.atomic
def organ_save(*, actor: Person, organ: IssuingOrgan | None = None, code: str = "",
               reviewers: Iterable[Person] | None = None, **fields: object) -> IssuingOrgan:
    """Create an organ (``code`` given) or change one; audited with what changed."""
    if not can(actor, DocumentAction.ORGANS_MANAGE):
        raise PermissionDenied
    creating = organ is None
    if organ is None:
        code = (code or "").strip()
        if not code:
            raise ValidationError({"code": "请填写标识。"})
        if IssuingOrgan.objects.filter(code=code).exists():
            raise ValidationError({"code": f"标识“{code}”已被使用。"})
        organ = IssuingOrgan(code=code)
    # As stored, not as a bound form may already have changed the instance in memory.
    stored = IssuingOrgan.objects.filter(pk=organ.pk).first() if not creating else None
    before = {k: str(getattr(stored, k, "")) for k in ORGAN_FIELDS} if stored is not None else {}
    for key, value in fields.items():
        if key in ORGAN_FIELDS:
            setattr(organ, key, value)
    if organ.unit_id and organ.unit.kind == "department":
        raise ValidationError({"unit": "内设处室不能作为发文机关，请选择机关本身。"})
    organ.full_clean()
    organ.save()
    if reviewers is not None:
        organ.reviewers.set(list(reviewers))
    after = {k: str(getattr(organ, k, "")) for k in ORGAN_FIELDS}
    changed = {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k) != v}
    record(actor=actor, action=OrganEvent.CREATE if creating else OrganEvent.UPDATE, obj=organ,
           details={"code": organ.code, "changed": changed,
                    "reviewers": [p.full_name for p in organ.reviewers.all()]})
    return organ


@transaction.atomic
def signer_add(*, actor: Person, organ: IssuingOrgan, person: Person, by_office: bool = False,
               note: str = "") -> SignAuthority:
    """Give someone the right to sign the organ's documents. By office: only the office's
    managers record it. Authorised: the actor must sign by office himself (书记 authorises
    a 副书记) — a manager of the office records no authorisation in a leader's name."""
    if not person.is_active or not person.has_role(RoleCode.LEADER):
        raise ValidationError("签发人须为在职领导。")
    if by_office:
        if not can(actor, DocumentAction.ORGANS_MANAGE):
            raise PermissionDenied
        granted_by = None
    else:
        if not signs_by_office(actor, organ):
            raise PermissionDenied("只有依职务签发的领导可以授权他人签发。")
        granted_by = actor
    if SignAuthority.objects.filter(organ=organ, person=person).exists():
        raise ValidationError(f"{person.full_name}已有{organ.name}的签发权。")
    row = SignAuthority.objects.create(organ=organ, person=person, authorised_by=granted_by,
                                       note=(note or "").strip()[:100])
    record(actor=actor, action=OrganEvent.SIGNER_ADD, obj=organ,
           details={"person": person.full_name, "person_id": person.pk, "by_office": by_office,
                    "note": row.note})
    return row


@transaction.atomic
def signer_remove(*, actor: Person, authority: SignAuthority) -> None:
    """Withdraw a right to sign: the office's managers, or the leader who authorised it."""
    organ = authority.organ
    if not may_remove_signer(actor, authority):
        raise PermissionDenied
    details = {"person": authority.person.full_name, "person_id": authority.person_id,
               "by_office": authority.by_office}
    authority.delete()
    record(actor=actor, action=OrganEvent.SIGNER_REMOVE, obj=organ, details=details)
