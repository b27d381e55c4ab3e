"""Reads of the inbox: each person's own items, gathered from every registered provider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.db.models import IntegerField, QuerySet, Subquery
from django.utils import timezone

from zhongshu.access.policy import can
from zhongshu.inbox.actions import InboxAction
from zhongshu.kernel import kept

from . import registry
from .models import Notification
from .registry import Box, InboxItem

if TYPE_CHECKING:
    from zhongshu.org.models import Person



def _providers(kind: str | None) -> list[registry.Provider]:
    if not kind:
        return registry.providers()
    return [p for p in registry.providers()
            if p.kind == kind or kind in dict(registry.provider_kinds(p))]


def _of_kind(items: Iterable[InboxItem], kind: str | None) -> list[InboxItem]:
    return [i for i in items if not kind or i.kind == kind]


def inbox_open(person: Person, box: str, *, kind: str | None = None,
               today: dt.date | None = None) -> list[InboxItem]:
    """The person's 待办 or 待阅 in full, most pressing first (the pages make full only
    the items they show)."""
    return inbox_complete(person, inbox_open_drafts(person, box, kind=kind, today=today))


def _drafts(provider: registry.Provider, person: Person) -> Iterable[InboxItem]:
    drafts = getattr(provider, "open_drafts", None)
    return drafts(person) if drafts is not None else provider.open_items(person)


def inbox_open_drafts(person: Person, box: str, *, kind: str | None = None,
                      today: dt.date | None = None) -> list[InboxItem]:
    """``inbox_open`` in its order, but a provider with ``open_drafts`` gives its items
    with the sort key only: pass what is shown through ``inbox_complete``."""
    items = inbox_open_boxes(person, today=today).get(box, [])
    return _of_kind(items, kind)


def inbox_open_boxes(person: Person, *, today: dt.date | None = None) -> dict[str, list[InboxItem]]:
    """The person's 待办 and 待阅 at once, each most pressing first, as drafts (see
    ``inbox_open_drafts``): every provider is asked once (the home page shows both).

    Kept until the next write to the office's records (``kernel.kept``): a secretary's
    or a liaison officer's two thousand open items take 20–40 ms to gather and sort,
    on every 工作台 and 待办 page, and change only when somebody acts."""
    if not can(person, InboxAction.VIEW):
        return {Box.TODO.value: [], Box.TOREAD.value: []}
    today = today or timezone.localdate()
    return kept.kept(kept.key("inbox", person.pk, today), lambda: _open_boxes(person, today))


def _open_boxes(person: Person, today: dt.date) -> dict[str, list[InboxItem]]:
    boxes: dict[str, list[InboxItem]] = {Box.TODO.value: [], Box.TOREAD.value: []}
    for p in registry.providers():
        for item in _drafts(p, person):
            boxes.setdefault(str(item.box), []).append(item)
    for items in boxes.values():
        items.sort(key=lambda i: i.sort_key(today))
    return boxes


def inbox_complete(person: Person, items: Iterable[InboxItem]) -> list[InboxItem]:
    """The drafts among ``items`` made full (title, link, masking), in the same order."""
    out = list(items)
    for p in registry.providers():
        complete = getattr(p, "complete", None)
        if complete is not None and out:
            out = complete(person, out)
    return out


def inbox_done(person: Person, box: str, *, kind: str | None = None, limit: int) -> list[InboxItem]:
    """Up to ``limit`` of the person's 已办 (box 待办) or 已阅 (box 待阅), newest first.
    Each provider returns at most ``limit`` rows, so merging stays bounded."""
    if not can(person, InboxAction.VIEW):
        return []
    items = [i for p in _providers(kind)
             for i in _of_kind(p.done_items(person, box, limit=limit), kind)]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    items.sort(key=lambda i: (i.done_at or epoch, i.key), reverse=True)
    return items[:limit]


def inbox_counts(person: Person) -> dict[str, int]:
    """The person's open 待办 and 待阅 counts, as the navigation shows them."""
    return shell_counts(person)[0]


class _RowCount(Subquery):
    """``(SELECT COUNT(*) FROM (subquery))``: a count as a column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def shell_counts(person: Person) -> tuple[dict[str, int], int]:
    """The navigation's 待办 and 待阅 counts and the unread notifications, in one query
    of scalar counts (a provider without ``open_count_querysets`` is counted apart),
    kept until the next write to the office's records or to anybody's notifications
    (``kernel.kept``): every page shows them."""
    return kept.kept(kept.key("shell", person.pk, notices=True), lambda: _shell_counts(person))


def _shell_counts(person: Person) -> tuple[dict[str, int], int]:
    counts = {Box.TODO.value: 0, Box.TOREAD.value: 0}
    columns: dict[str, _RowCount] = {}
    box_of: dict[str, str] = {}
    for provider in registry.providers() if can(person, InboxAction.VIEW) else []:
        querysets = getattr(provider, "open_count_querysets", None)
        if querysets is None:
            for box, n in provider.open_counts(person).items():
                counts[str(box)] = counts.get(str(box), 0) + n
            continue
        for box, parts in querysets(person).items():
            for qs in parts:
                name = f"c{len(columns)}"
                columns[name] = _RowCount(qs.order_by().values("pk"))
                box_of[name] = str(box)
    columns["unread"] = _RowCount(notifications_for(person, unread_only=True).order_by().values("pk"))
    # One row of the person's own table carries the counts (any table would do).
    found = get_user_model()._default_manager.filter(pk=person.pk).order_by().values(**columns).first()
    row: dict[str, int | None] = cast("dict[str, int | None]", found or {})
    for name, box in box_of.items():
        counts[box] = counts.get(box, 0) + (row.get(name) or 0)
    return counts, row.get("unread") or 0


def notifications_for(person: Person, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=person)
    return qs.filter(read_at__isnull=True) if unread_only else qs


MASKED_NOTICE = "（密级高于本人涉密等级的事项，不显示标题和内容）"


def notifications_shown(person: Person, notifications: Iterable[Notification]) -> list[Notification]:
    """The notifications as the person may read them now: one about an item whose level
    is above his clearance (raised since, or his clearance lowered) keeps its time and
    link but not its title or text (issue 11 §3). Nothing is saved."""
    rows = list(notifications)
    hidden = registry.hidden_keys(person, {n.item_key for n in rows})
    for n in rows:
        if n.item_key in hidden:
            n.title, n.body = MASKED_NOTICE, ""
    return rows


def unread_count(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()
