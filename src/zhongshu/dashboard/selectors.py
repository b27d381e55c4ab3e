"""Reads of the home page (工作台): the person's own work, most pressing first, what is
due and late, the office's notices and the shortcuts the policy allows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongshu.access.policy import Action, can
from zhongshu.documents.actions import DocumentAction
from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.inbox import selectors as inbox
from zhongshu.inbox.registry import Box, InboxItem
from zhongshu.kernel import kept
from zhongshu.kernel.urgency import Urgency
from zhongshu.layout.actions import LayoutAction
from zhongshu.layout.proofread.actions import ProofreadAction
from zhongshu.org.models import RoleCode
from zhongshu.supervision.actions import SupervisionAction

from .actions import DashboardAction
from .models import Announcement

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from zhongshu.org.models import Person

SHOWN = 8  # items of each list on the home page; the inbox has the rest
SOON_DAYS = 3  # a deadline within this many days is "即将到期"

# (label, URL name, the action that shows it), in the order the office uses them.
SHORTCUTS: list[tuple[StrOrPromise, str, StrEnum]] = [
    (_("起草发文"), "documents:create", DocumentAction.DRAFT),
    (_("收文登记"), "incoming:create", IncomingAction.REGISTER),
    (_("待签收来文"), "incoming:pending", IncomingAction.LIST),
    (_("发文登记簿"), "documents:register", DocumentAction.REGISTER_VIEW),
    (_("收文登记簿"), "incoming:register", IncomingAction.LIST),
    (_("发文统计"), "documents:stats", DocumentAction.STATS_VIEW),
    (_("排版预览"), "layout:render", LayoutAction.RENDER),
    (_("公文校对"), "proofread:check", ProofreadAction.USE),
    (_("督办台账"), "supervision:ledger", SupervisionAction.MANAGE),
    (_("我的批示"), "supervision:leader", SupervisionAction.LEADER_VIEW),
    (_("发布通知公告"), "announcements:create", DashboardAction.ANNOUNCEMENT_MANAGE),
    (_("单位与人员"), "org:unit_list", Action.ORG_VIEW),
    (_("工作日历"), "kernel:calendar", Action.CALENDAR_MANAGE),
    (_("涉密等级与授权"), "access:clearance_list", Action.CLEARANCE_SET),
    (_("审计日志"), "audit:event_list", Action.AUDIT_VIEW),
]

# Roles whose work lives in a module not yet built: (role, the module's URL name, a line
# saying what will come and what to do meanwhile).
COMING: list[tuple[str, str, StrOrPromise]] = [
    (RoleCode.INFORMATION_OFFICER, "information:home",
     _("信息报送模块尚在建设中：信息的报送、编辑和采用情况将在这里显示。")),
    (RoleCode.DUTY_OFFICER, "duty:home",
     _("值班模块尚在建设中：值班安排、值班记录和交接班将在这里显示。")),
    (RoleCode.ARCHIVIST, "archive:home",
     _("档案模块尚在建设中：归档、档号和移交将在这里显示。目前待归档的公文在“待办”中办理。")),
]


def _reverse(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Row:
    """One item as the home page shows it."""

    item: InboxItem
    state: str  # deadline_state
    urgency_label: str  # "" for 普通


@dataclass
class Workbench:
    todo: list[Row]
    toread: list[Row]
    todo_total: int
    toread_total: int
    overdue: list[InboxItem] = field(default_factory=list)
    due_today: list[InboxItem] = field(default_factory=list)
    due_soon: list[InboxItem] = field(default_factory=list)
    shortcuts: list[dict] = field(default_factory=list)
    coming: list[str] = field(default_factory=list)


def deadline_state(item: InboxItem, today: dt.date) -> str:
    """"overdue", "today", "soon" or "" — how pressing the item's deadline is."""
    if item.deadline is None:
        return ""
    if item.deadline < today:
        return "overdue"
    if item.deadline == today:
        return "today"
    return "soon" if (item.deadline - today).days <= SOON_DAYS else ""


def shortcuts_for(person: Person) -> list[dict]:
    out = []
    for label, name, action in SHORTCUTS:
        url = _reverse(name)
        if url and can(person, action):
            out.append({"label": label, "url": url})
    return out


def coming_for(person: Person) -> list[str]:
    codes = person.role_codes
    return [str(line) for role, name, line in COMING if role in codes and not _reverse(name)]


def _row(item: InboxItem, today: dt.date) -> Row:
    label = "" if item.urgency == Urgency.NORMAL else str(Urgency(item.urgency).label)
    return Row(item=item, state=deadline_state(item, today), urgency_label=label)


def workbench(person: Person, today: dt.date) -> Workbench:
    """The person's 待办 and 待阅 (most pressing first, as the inbox orders them), what is
    late and due, the shortcuts the policy allows and the modules still to come. Only the
    items shown are read in full; the counts come from the inbox's sort keys."""
    boxes = inbox.inbox_open_boxes(person, today=today)
    todo, toread = boxes[Box.TODO.value], boxes[Box.TOREAD.value]
    states = {i.key: deadline_state(i, today) for i in todo}
    # Both lists' shown items made full at once (one batch of queries per kind of item).
    shown = inbox.inbox_complete(person, todo[:SHOWN] + toread[:SHOWN])
    return Workbench(
        todo=[_row(i, today) for i in shown[:len(todo[:SHOWN])]],
        toread=[_row(i, today) for i in shown[len(todo[:SHOWN]):]],
        todo_total=len(todo), toread_total=len(toread),
        overdue=[i for i in todo if states[i.key] == "overdue"],
        due_today=[i for i in todo if states[i.key] == "today"],
        due_soon=[i for i in todo if states[i.key] == "soon"],
        shortcuts=shortcuts_for(person), coming=coming_for(person))


OFFICE_SLOWEST = 5  # the office's slowest open documents on a leader's home page


def office_slowest(person: Person) -> list[Any]:
    """For those who read the office's statistics (leaders, the director, secretaries): the
    open documents, 发文 and 收文, that have waited longest at their current stage — what
    is stuck, at a glance. Only what the person may see; kept until the next write to
    the office's records (``kernel.kept``), as it changes only with them and the day."""
    if not can(person, DocumentAction.STATS_VIEW):
        return []
    from zhongshu.documents.stats import slowest_open

    return kept.kept(kept.key("slowest", person.pk, timezone.localdate()),
                     lambda: slowest_open(person, limit=OFFICE_SLOWEST))


def announcements_shown(person: Person, today: dt.date) -> QuerySet[Announcement]:
    """The notices on the board today, pinned first, newest first."""
    if not can(person, DashboardAction.ANNOUNCEMENT_VIEW):
        return Announcement.objects.none()
    return (Announcement.objects.filter(withdrawn_at__isnull=True)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .select_related("author"))


def announcements_all(person: Person) -> QuerySet[Announcement]:
    """Every notice, withdrawn and expired ones too, for the office that keeps the board;
    the others see what is shown today."""
    if can(person, DashboardAction.ANNOUNCEMENT_MANAGE):
        return Announcement.objects.select_related("author")
    from django.utils import timezone

    return announcements_shown(person, timezone.localdate())
