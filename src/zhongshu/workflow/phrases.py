"""常用意见: reads and writes of the phrases people insert into opinion boxes. Office-wide
phrases are the office director's to keep; everyone keeps their own. Every write is
audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from zhongshu.access.policy import can
from zhongshu.audit import services as audit
from zhongshu.org.models import Person

from .actions import WorkflowAction
from .events import WorkflowEvent
from .models import OpinionPhrase

MAX_PER_OWNER = 100


def may_manage(person: Person, phrase: OpinionPhrase | None = None, *, office: bool = False) -> bool:
    """Whether ``person`` may change ``phrase`` (or add one: office-wide if ``office``)."""
    office = office if phrase is None else phrase.owner_id is None
    if office:
        return can(person, WorkflowAction.PHRASE_MANAGE_OFFICE)
    return phrase is None or phrase.owner_id == person.pk


def phrases_for(person: Person) -> tuple[list[OpinionPhrase], list[OpinionPhrase]]:
    """The office's phrases and ``person``'s own, each in their order."""
    office = list(OpinionPhrase.objects.filter(owner__isnull=True))
    own = list(OpinionPhrase.objects.filter(owner_id=person.pk)) if person.pk else []
    return office, own


def own_phrases(person: Person) -> QuerySet[OpinionPhrase]:
    return OpinionPhrase.objects.filter(owner_id=person.pk)


def _clean(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": "请填写意见内容。"})
    return text


def _duplicate(owner: Person | None, text: str, exclude: int | None = None) -> bool:
    qs = OpinionPhrase.objects.filter(owner=owner, text=text)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def phrase_add(*, actor: Person, text: str, office: bool = False, sort_order: int = 100) -> OpinionPhrase:
    if not may_manage(actor, office=office):
        raise PermissionDenied
    text = _clean(text)
    owner = None if office else actor
    with transaction.atomic():
        if _duplicate(owner, text):
            raise ValidationError({"text": "已有相同的常用意见。"})
        if OpinionPhrase.objects.filter(owner=owner).count() >= MAX_PER_OWNER:
            raise ValidationError(f"常用意见最多 {MAX_PER_OWNER} 条，请先删除不用的。")
        phrase = OpinionPhrase.objects.create(owner=owner, text=text, sort_order=sort_order)
        audit.record(actor=actor, action=WorkflowEvent.PHRASE_ADD, obj=phrase,
                     details={"office": office, "text": text, "sort_order": sort_order})
    return phrase


def phrase_update(*, actor: Person, phrase: OpinionPhrase, text: str, sort_order: int) -> OpinionPhrase:
    if not may_manage(actor, phrase):
        raise PermissionDenied
    text = _clean(text)
    with transaction.atomic():
        if _duplicate(phrase.owner, text, exclude=phrase.pk):
            raise ValidationError({"text": "已有相同的常用意见。"})
        old = {"text": phrase.text, "sort_order": phrase.sort_order}
        phrase.text, phrase.sort_order = text, sort_order
        phrase.save(update_fields=["text", "sort_order"])
        audit.record(actor=actor, action=WorkflowEvent.PHRASE_UPDATE, obj=phrase,
                     details={"office": phrase.owner_id is None, "old": old,
                              "new": {"text": text, "sort_order": sort_order}})
    return phrase


def phrase_delete(*, actor: Person, phrase: OpinionPhrase) -> None:
    if not may_manage(actor, phrase):
        raise PermissionDenied
    with transaction.atomic():
        audit.record(actor=actor, action=WorkflowEvent.PHRASE_DELETE, obj=phrase,
                     details={"office": phrase.owner_id is None, "text": phrase.text})
        phrase.delete()
