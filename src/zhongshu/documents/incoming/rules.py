"""Who does what on an incoming document. ``access.policy`` names these functions by
dotted path; services and views ask the policy, never these directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Q

from zhongshu.access.classification import CLASSIFIED_FROM, clearance_covers
from zhongshu.access.policy import Action, can
from zhongshu.kernel.queries import Probe
from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.org.selectors import office_units, served_units

from .models import Instruction

# Who handles a unit's incoming documents: its secretaries, office directors, confidential
# clerks, and the liaison officer of a subordinate unit that has no office of its own.
# State secrets (秘密 and above) go to the confidential clerk and the office directors only.
OFFICE_ROLES = frozenset({RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR,
                          RoleCode.CONFIDENTIAL_CLERK, RoleCode.LIAISON_OFFICER})
CLASSIFIED_OFFICE_ROLES = frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.CONFIDENTIAL_CLERK,
                                     RoleCode.LIAISON_OFFICER})
def office_roles_for(level: int | None) -> frozenset[str]:
    return CLASSIFIED_OFFICE_ROLES if level is not None and level >= CLASSIFIED_FROM else OFFICE_ROLES


def office_people(unit: Unit, level: int | None) -> list[Person]:
    """Everyone who handles ``unit``'s incoming documents of ``level``, cleared for it."""
    people = (Person.objects.filter(is_active=True, unit_id__in=office_units(unit),
                                    roles__code__in=office_roles_for(level))
              .distinct().order_by("sort_order", "id"))
    return [p for p in people if clearance_covers(p, level)]


def is_office_person(person: Any, incoming: Any) -> bool:
    if not (office_roles_for(incoming.classification) & person.role_codes):
        return False
    return incoming.recipient_unit_id in {u.pk for u in served_units(person)}


def _may_view(person: Any, obj: Any) -> bool:
    return can(person, Action.OBJECT_VIEW, obj)


REGISTER_ROLES = frozenset({RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY,
                            RoleCode.CONFIDENTIAL_CLERK, RoleCode.LIAISON_OFFICER})


@dataclass(frozen=True)
class Registration:
    """What a person asks to register (登记): a document of ``level`` for ``unit``."""

    unit: Unit
    level: int


def registration_refusal(person: Any, what: Registration | None) -> str:
    """Why ``person`` may not register ``what`` (or any 收文, with ``None``); empty when
    he may. One place for the rule and its reasons."""
    if not REGISTER_ROLES & person.role_codes:
        return "您不负责收文登记。"
    if what is None:
        return ""
    if what.unit.pk not in {u.pk for u in served_units(person)}:
        return f"您不能为“{what.unit.name}”登记收文。"
    if not clearance_covers(person, what.level):
        return "您的涉密等级不能登记该密级的文件，请交机要员登记。"
    if not office_roles_for(what.level) & person.role_codes:
        return "涉密文件由机要员或办公室主任登记。"
    return ""


def may_register(person: Any, what: Registration | None = None) -> bool:
    return not registration_refusal(person, what)


def may_act_on_task(person: Any, task: Any) -> bool:
    """A person acts on their own open task (or his unit's, as its contact: a 协办 task)
    of a document they may see."""
    from zhongshu.workflow.tasking import is_contact

    if task is None or task.status != "open" or not is_contact(person, task):
        return False
    return _may_view(person, task.subject)


def may_act_for_office(person: Any, incoming: Any) -> bool:
    """The recipient unit's office: start circulation, close a for-reference document."""
    return incoming is not None and is_office_person(person, incoming) and _may_view(person, incoming)


def need_to_know_q(person: Any) -> Q:
    """Implicit grants: the recipient unit's office (state secrets only to its clerks and
    directors), the handling unit's staff, whoever has or had a task on the document and
    the leaders who instructed it."""
    # Column tests first (they decide most rows at once), then correlated EXISTS probes
    # of the indexed person columns: an ``IN (…)`` list of a busy person's tasks would be
    # built in full on every request, and joins would multiply rows (decision 0901).
    q = Q(instruct_leader_id=person.pk) | Q(handler_id=person.pk)
    if getattr(person, "unit_id", None):
        roles = person.role_codes
        if roles & OFFICE_ROLES:
            office = Q(recipient_unit_id__in=[u.pk for u in served_units(person)])
            if not roles & CLASSIFIED_OFFICE_ROLES:
                office &= Q(classification__lt=CLASSIFIED_FROM)
            q = office | q
        q |= Q(handling_unit_id=person.unit_id)
    from django.contrib.contenttypes.models import ContentType

    from zhongshu.workflow.models import Task

    from .models import IncomingDocument

    ct = ContentType.objects.get_for_model(IncomingDocument)
    q |= Q(Probe(Task.objects.filter(subject_type_id=ct.pk, subject_id=OuterRef("pk"),
                                     person_id=person.pk)))
    if getattr(person, "unit_id", None):
        # The staff of a co-unit (协办单位) given a 协办 task, like the lead unit's.
        q |= Q(Probe(Task.objects.filter(subject_type_id=ct.pk, subject_id=OuterRef("pk"),
                                         unit_id=person.unit_id, person__isnull=True)))
    return (q
            | Q(Probe(Instruction.objects.filter(incoming_id=OuterRef("pk"), leader_id=person.pk))))
