"""Writes to the term list: policy checked, one transaction each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.audit.services import record
from zhongshu.layout.proofread.actions import ProofreadAction

from .models import ProofreadTerm, Severity


def _clean(term: str, replacement: str) -> tuple[str, str]:
    term, replacement = term.strip(), replacement.strip()
    if not term:
        raise ValidationError("请填写不宜使用的词语。")
    if replacement and term in replacement:
        # The replacement would itself be flagged on every later check.
        raise ValidationError("建议用语不能包含不宜使用的词语本身。")
    return term, replacement


def term_create(*, actor, term: str, replacement: str = "", note: str = "",
                severity: str = Severity.WARNING, active: bool = True) -> ProofreadTerm:
    if not can(actor, ProofreadAction.TERMLIST_MANAGE):
        raise PermissionDenied
    term, replacement = _clean(term, replacement)
    with transaction.atomic():
        if ProofreadTerm.objects.filter(term=term).exists():
            raise ValidationError("词语“%(term)s”已在列表中。", params={"term": term})
        item = ProofreadTerm.objects.create(term=term, replacement=replacement, note=note.strip(),
                                            severity=severity, active=active, updated_by=actor)
        record(actor=actor, action="proofread.term.create", obj=item,
               details={"replacement": replacement, "severity": severity, "active": active})
        return item


def term_update(*, actor, item: ProofreadTerm, term: str, replacement: str = "", note: str = "",
                severity: str = Severity.WARNING, active: bool = True) -> ProofreadTerm:
    if not can(actor, ProofreadAction.TERMLIST_MANAGE):
        raise PermissionDenied
    term, replacement = _clean(term, replacement)
    with transaction.atomic():
        locked = ProofreadTerm.objects.select_for_update().get(pk=item.pk)
        if ProofreadTerm.objects.filter(term=term).exclude(pk=locked.pk).exists():
            raise ValidationError("词语“%(term)s”已在列表中。", params={"term": term})
        before = {"term": locked.term, "replacement": locked.replacement,
                  "severity": locked.severity, "active": locked.active}
        locked.term, locked.replacement, locked.note = term, replacement, note.strip()
        locked.severity, locked.active, locked.updated_by = severity, active, actor
        locked.save()
        record(actor=actor, action="proofread.term.update", obj=locked, details={
            "before": before, "after": {"term": term, "replacement": replacement,
                                        "severity": severity, "active": active}})
        return locked


def term_set_active(*, actor, item: ProofreadTerm, active: bool) -> ProofreadTerm:
    if not can(actor, ProofreadAction.TERMLIST_MANAGE):
        raise PermissionDenied
    with transaction.atomic():
        ProofreadTerm.objects.filter(pk=item.pk).update(active=active, updated_by=actor,
                                                        updated_at=timezone.now())
        item.refresh_from_db()
        record(actor=actor, action="proofread.term.activate" if active else "proofread.term.deactivate",
               obj=item)
        return item
