"""催收: chasing a recipient unit that has not signed for a delivered copy.

The chase must reach the people who can sign — the holders of the open 签收 step: the
receiving unit's 收发 contact, its liaison officer or confidential clerk (whoever the
office is, docs/incoming.md "Who is the office"), not the unit's head — and its link
opens the incoming item, which every one of them may see. The sending side
(``documents.services.outgoing_chase``) has decided the actor may chase and calls
``receipt_chase`` once per laggard copy.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from zhongshu.access.policy import Action, can
from zhongshu.audit.services import record
from zhongshu.kernel import notify
from zhongshu.org.models import Person
from zhongshu.workflow.models import Task, TaskStatus

from .models import EventKind, IncomingDocument, IncomingEvent, Status, TaskKind

NOTICE_KIND = "overdue"  # inbox.NotificationKind.OVERDUE (超期催办), as the sender's chase was


def receipt_holders(incoming: IncomingDocument) -> list[Person]:
    """Who holds the open 签收 of ``incoming`` and may open it: the people a chase reaches.
    Empty once it is signed for."""
    if incoming.status != Status.PENDING_RECEIPT:
        return []
    ct = ContentType.objects.get_for_model(IncomingDocument)
    ids = Task.objects.filter(subject_type=ct, subject_id=incoming.pk, kind=TaskKind.RECEIVE.code,
                              status=TaskStatus.OPEN, person__isnull=False).values("person_id")
    people = Person.objects.filter(pk__in=ids, is_active=True).order_by("sort_order", "id")
    return [p for p in people if can(p, Action.OBJECT_VIEW, incoming)]


def receipt_chase(*, actor: Person | None, incoming: IncomingDocument, title: str,
                  body: str) -> list[Person]:
    """Remind the holders of ``incoming``'s open 签收 (``receipt_holders``), once per person,
    copy and day, with a link to the incoming item; a line on its timeline says who was
    chased. Returns the people reminded (none when the copy is signed for already)."""
    people = receipt_holders(incoming)
    if not people:
        return []
    url = reverse("incoming:detail", args=[incoming.pk])
    today = timezone.localdate()
    for person in people:
        notify.send(notify.Notice(recipient=person, kind=NOTICE_KIND, key=f"incoming.receipt:{incoming.pk}",
                                  day=today, title=title[:200], body=body, url=url))
    names = [str(p) for p in people]
    IncomingEvent.objects.create(incoming=incoming, kind=EventKind.CHASED, actor=actor,
                                 details={"people": names})
    record(actor=actor, action=f"incoming.{EventKind.CHASED}", obj=incoming, details={"people": names})
    return people
