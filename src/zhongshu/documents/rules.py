"""Object-level decisions about outgoing documents. Called through
``zhongshu.access.policy.can`` (which has refused anonymous and inactive people) or by
the routing engine's item hooks."""

from __future__ import annotations

from typing import Any

from zhongshu.access import admins
from zhongshu.access.policy import Action, can
from zhongshu.org.models import RoleCode

from . import doctypes

OFFICE_ROLES = {RoleCode.SECRETARY, RoleCode.OFFICE_DIRECTOR}


def _model():
    from .models import OutgoingDocument

    return OutgoingDocument


def may_draft(person: Any, obj: Any = None) -> bool:
    """Anyone who works in a unit drafts; the three administrators see no content."""
    return person.unit_id is not None and not admins.is_admin(person)


def may_edit(person: Any, doc: Any) -> bool:
    """The drafter while the draft is theirs; the reviewers on their pending step before
    sign-off. Their edits are versions with their name (tracked changes)."""
    from .models import OutgoingStatus

    if not isinstance(doc, _model()) or not can(person, Action.OBJECT_VIEW, doc):
        return False
    if doc.status == OutgoingStatus.DRAFT:
        return doc.registered_by_id == person.pk
    if doc.status != OutgoingStatus.ROUTING:
        return False
    from zhongshu.workflow.selectors import pending_step_of

    from .routing import OUTGOING_APPROVAL

    step = pending_step_of(person, doc, OUTGOING_APPROVAL)
    return step is not None and step.stage_key in doctypes.EDITABLE_STAGES


def may_submit(person: Any, doc: Any) -> bool:
    """The drafter sends his own draft for review (送审), once."""
    from .models import OutgoingStatus

    return (isinstance(doc, _model()) and doc.status == OutgoingStatus.DRAFT
            and doc.registered_by_id == person.pk and can(person, Action.OBJECT_VIEW, doc))


def may_act(person: Any, doc: Any, key: str) -> bool:
    """The stage keyed ``sign_off`` needs the leader's own sign-off right on the
    document (never delegable), whatever the stage is called."""
    if key == doctypes.SIGN_OFF:
        return can(person, Action.SIGN_OFF, doc) and may_sign_for(person, doc)
    return True


def may_sign_for(person: Any, doc: Any) -> bool:
    """Only those entitled sign the issuing organ's documents (签发权, data the office
    keeps); a document without an organ keeps the older rule (any leader who may see it)."""
    from . import organs

    if not doc.kind.issued:
        # A 签报 stays inside: any leader it is submitted to decides on it (呈批).
        return bool(person.has_role(RoleCode.LEADER))
    organ = doc.issuing_organ if getattr(doc, "issuing_organ_id", None) else None
    return organs.may_sign(person, organ)


def is_office(person: Any) -> bool:
    return bool(person.role_codes & OFFICE_ROLES)


def may_distribute(person: Any, doc: Any) -> bool:
    """The issuing office (and the drafter) keep the distribution list until it is sent."""
    from .models import OutgoingStatus

    if not isinstance(doc, _model()) or not can(person, Action.OBJECT_VIEW, doc):
        return False
    if doc.status in (OutgoingStatus.DISTRIBUTED, OutgoingStatus.ARCHIVED, OutgoingStatus.REJECTED):
        return False
    return doc.registered_by_id == person.pk or is_office(person)


def may_chase(person: Any, doc: Any) -> bool:
    """Reminders to recipients that have not confirmed receipt (催收)."""
    from .models import OutgoingStatus

    return (isinstance(doc, _model()) and doc.status in (OutgoingStatus.DISTRIBUTED, OutgoingStatus.ARCHIVED)
            and can(person, Action.OBJECT_VIEW, doc)
            and (doc.registered_by_id == person.pk or is_office(person)))


def may_void_number(person: Any, doc: Any) -> bool:
    from .models import OutgoingStatus

    return (isinstance(doc, _model()) and bool(doc.doc_number) and is_office(person)
            and doc.status in (OutgoingStatus.ROUTING, OutgoingStatus.SIGNED_OFF)
            and can(person, Action.OBJECT_VIEW, doc))


def may_reserve_number(person: Any, doc: Any) -> bool:
    """预留文号: the secretariat gives the number ahead (e.g. for a document quoted before
    it is issued), once it is signed off or on its way to sign-off."""
    from .models import OutgoingStatus

    return (isinstance(doc, _model()) and not doc.doc_number and doc.kind.issued and is_office(person)
            and doc.status in (OutgoingStatus.ROUTING, OutgoingStatus.SIGNED_OFF)
            and can(person, Action.OBJECT_VIEW, doc))


def may_issue(person: Any, doc: Any) -> bool:
    """印发: whoever holds the document's pending 复核/编号/用印/印制/分发 step."""
    from zhongshu.workflow.selectors import pending_step_of

    from .routing import OUTGOING_APPROVAL

    if not isinstance(doc, _model()) or not can(person, Action.OBJECT_VIEW, doc):
        return False
    step = pending_step_of(person, doc, OUTGOING_APPROVAL)
    return step is not None and step.stage_key in doctypes.ISSUING_STAGES
