"""收文 as the inbox's provider: open tasks are 待办 (签收, 初审, 拟办, 批示, 交办, 承办,
延期审批) or 待阅 (传阅); deadlines of handling and circulation drive the reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.inbox.registry import Box, InboxItem

from .models import IncomingTask, TaskKind, TaskStatus

_PLACEHOLDER = 999_999_999


def _url() -> str:
    return reverse("incoming:detail", args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


def _item(task: IncomingTask, url: str, *, done: bool = False) -> InboxItem:
    doc = task.incoming
    return InboxItem(
        key=f"incoming.task:{task.pk}", kind=IncomingInboxProvider.kind,
        kind_label=str(IncomingInboxProvider.label),
        box=Box.TOREAD if task.kind == TaskKind.READ else Box.TODO,
        title=f"{doc.title}（{TaskKind(task.kind).label}）", url=url.format(doc.pk),
        urgency=doc.urgency, deadline=task.deadline, created=task.activated_at or task.created_at,
        done_at=task.done_at if done else None)


class IncomingInboxProvider:
    kind = "incoming"
    label = _("收文")

    def open_items(self, person: Any) -> Iterable[InboxItem]:
        tasks = (IncomingTask.objects.filter(person=person, status=TaskStatus.OPEN)
                 .select_related("incoming"))
        url = _url()
        return [_item(t, url) for t in tasks]

    def open_counts(self, person: Any) -> dict[str, int]:
        qs = IncomingTask.objects.filter(person=person, status=TaskStatus.OPEN)
        reads = qs.filter(kind=TaskKind.READ).count()
        return {Box.TODO: qs.count() - reads, Box.TOREAD: reads}

    def done_items(self, person: Any, box: str, *, limit: int) -> Iterable[InboxItem]:
        qs = IncomingTask.objects.filter(person=person, status=TaskStatus.DONE)
        qs = qs.filter(kind=TaskKind.READ) if box == Box.TOREAD else qs.exclude(kind=TaskKind.READ)
        url = _url()
        return [_item(t, url, done=True)
                for t in qs.select_related("incoming").order_by("-done_at", "-id")[:limit]]

    def due_items(self, *, until: dt.date) -> Iterable[tuple[Any, InboxItem]]:
        tasks = (IncomingTask.objects.filter(status=TaskStatus.OPEN, deadline__lte=until)
                 .select_related("incoming", "person").order_by("id"))
        url = _url()
        return [(t.person, _item(t, url)) for t in tasks.iterator(chunk_size=500)]
