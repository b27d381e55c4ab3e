"""Who sees and does what in 督查督办. ``access.policy`` asks these through the app's
registered decisions; views and services ask the policy.

Need-to-know of a matter: whoever registered it, the supervision office (督查员, within
their clearance: it supervises every matter), the leader who instructed it, and the
units that hold (or held) one of its tasks — their head and their liaison officers.
A unit sees only its own tasks; a leader the tasks of his instructions."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet

from zhongshu.access.classification import clearance_covers, highest_level
from zhongshu.access.policy import Action, can
from zhongshu.kernel.queries import Probe
from zhongshu.org.models import RoleCode

from .models import TASK_KIND, Matter


def is_office(person: Any) -> bool:
    return person.has_role(RoleCode.SUPERVISION_OFFICER)


def contact_units(person: Any) -> list[int]:
    """The units whose supervised tasks ``person`` acts on: the units he heads, and his
    own unit when he is its liaison officer."""
    from zhongshu.org.selectors import headed_unit_ids

    ids = headed_unit_ids(person)
    if person.unit_id and person.has_role(RoleCode.LIAISON_OFFICER) and person.unit_id not in ids:
        ids.append(person.unit_id)
    return ids


def need_to_know_q(person: Any) -> Q:
    """Implicit grants on ``Matter`` (registered in place: column tests and probes)."""
    from zhongshu.workflow.models import Task

    if is_office(person):
        return Q(pk__isnull=False)
    q = Q(leader_id=person.pk)
    units = contact_units(person)
    if units:
        ct = ContentType.objects.get_for_model(Matter)
        q |= Q(Probe(Task.objects.filter(subject_type_id=ct.pk, subject_id=OuterRef("pk"),
                                         kind=TASK_KIND, unit_id__in=units)))
    return q


USE_ROLES = frozenset({RoleCode.SUPERVISION_OFFICER, RoleCode.LEADER, RoleCode.OFFICE_DIRECTOR,
                       RoleCode.LIAISON_OFFICER})


def may_use(person: Any, obj: Any = None) -> bool:
    """The area's pages: the supervision office, leaders, office directors, liaison
    officers, and the head of any unit (whose tasks he acts on)."""
    from zhongshu.access import admins

    if admins.sees_no_content(person):
        return False
    return bool(USE_ROLES & person.role_codes) or bool(contact_units(person))


def may_view_matter(person: Any, matter: Any) -> bool:
    return matter is not None and can(person, Action.OBJECT_VIEW, matter)


def may_act_on_task(person: Any, task: Any) -> bool:
    """The holding unit's contacts (head, liaison officer), cleared for the matter."""
    if task is None or task.kind != TASK_KIND or task.unit_id is None:
        return False
    return task.unit_id in contact_units(person) and clearance_covers(
        person, task.subject.classification)


def may_review_task(person: Any, task: Any) -> bool:
    return (task is not None and is_office(person)
            and clearance_covers(person, task.subject.classification))


def ledger_scope(person: Any, qs: QuerySet) -> QuerySet:
    """The ledger rows ``person`` may see: all for the supervision office, his
    instructions' for a leader, its own for a unit — always within his clearance."""
    qs = qs.filter(classification__lte=highest_level(person))
    if is_office(person):
        return qs
    # Only the clauses that can match, so that a unit's list walks its own index.
    q = Q(leader_id=person.pk) if person.has_role(RoleCode.LEADER) else Q(pk__in=[])
    units = contact_units(person)
    if units:
        q |= Q(unit_id__in=units)
    return qs.filter(q)


def instruction_need_to_know_q(person: Any) -> Q:
    """Implicit grants on ``InstructionRecord``: the supervision office, the leader who
    gave it, and the readers it was circulated to."""
    from .models import InstructionRecord

    if is_office(person):
        return Q(pk__isnull=False)
    through = InstructionRecord.readers.through
    return Q(leader_id=person.pk) | Q(Probe(through.objects.filter(
        instructionrecord_id=OuterRef("pk"), person_id=person.pk)))
