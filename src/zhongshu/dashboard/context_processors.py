"""What the page shell needs on every page: the signed-in person, unit and navigation.

It lives in the dashboard, the top of the dependency order, because it names every
area; and it shows a menu entry only when the policy lets the person open its page
(``can``), never by role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zhongshu.access import generation
from zhongshu.access.delegation import has_received_delegation
from zhongshu.access.policy import Action, can
from zhongshu.documents.actions import DocumentAction
from zhongshu.documents.incoming.actions import IncomingAction
from zhongshu.inspections.actions import InspectionAction
from zhongshu.kernel import kept
from zhongshu.layout.actions import LayoutAction
from zhongshu.layout.proofread.actions import ProofreadAction
from zhongshu.seals.actions import SealAction
from zhongshu.supervision.actions import SupervisionAction

# The office's areas of work, in the order staff think of them. Each entry lists the pages that can open an area, best first: while an area's own
# app is not installed, the first of its tools that is stands in; an area with none
# shows as unavailable rather than as a dead link.
NAVIGATION = [
    ("documents", _("办文"), ("documents:home", "incoming:register", "layout:render", "proofread:check")),
    ("meetings", _("办会"), ("meetings:home",)),
    ("supervision", _("督查督办"), ("supervision:home", "inspections:home")),
    ("information", _("信息"), ("information:home",)),
    ("duty", _("值班"), ("duty:home",)),
    ("archive", _("档案"), ("archive:home",)),
]
# The tools of the 办文 area until the documents app gives it a home page of its own:
# (tab key, label, URL name, the action that shows the tab).
DOCUMENT_TOOLS = [
    ("incoming", _("收文"), "incoming:register", IncomingAction.LIST),
    ("render", _("排版预览"), "layout:render", LayoutAction.RENDER),
    ("check", _("公文校对"), "proofread:check", ProofreadAction.USE),
    ("terms", _("规范用语表"), "proofread:term_list", ProofreadAction.TERMLIST_MANAGE),
    ("organs", _("发文机关"), "documents:organ_list", DocumentAction.ORGANS_VIEW),
    ("seals", _("电子印章"), "seals:list", SealAction.VIEW),
]
# The 办文 area's own pages, shown as tabs to whoever may open them.
DOCUMENT_TABS = [
    ("home", _("办文首页"), "documents:home", None),
    ("register", _("发文登记簿"), "documents:register", DocumentAction.REGISTER_VIEW),
    ("numbers", _("文号登记"), "documents:numbers", DocumentAction.REGISTER_VIEW),
    ("stats", _("发文统计"), "documents:stats", DocumentAction.STATS_VIEW),
    ("incoming_stats", _("收文统计"), "incoming:stats", IncomingAction.LIST),
]
# URL namespaces that belong to an area of the navigation.
AREA_OF_NAMESPACE = {"org": "system", "kernel": "system", "audit": "audit",
                     "layout": "documents", "proofread": "documents", "incoming": "documents",
                     "inspections": "supervision", "seals": "documents"}


# Area pages that not everyone may open: the menu offers them only to those who may.
AREA_ACTIONS = {"supervision:home": SupervisionAction.USE, "inspections:home": InspectionAction.LIST}


def _url(names: tuple[str, ...], user: Any = None) -> str | None:
    for name in names:
        action = AREA_ACTIONS.get(name)
        if user is not None and action is not None and not can(user, action):
            continue
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


# The person's menus depend on his roles, unit, the units he heads and his delegations:
# they are computed once and kept (kernel.kept) under the policy's generation
# number, which any change of those bumps (``access.generation``). A delegation
# starts and ends by the clock, not by a write, so entries also expire after a minute;
# the menus are links only — every page asks the policy itself.
MENU_SECONDS = 60


def _menus(user: Any) -> dict[str, Any]:
    nav = [{"key": key, "label": str(label), "url": _url(names, user)} for key, label, names in NAVIGATION]
    may_manage_org = can(user, Action.ORG_VIEW)
    if may_manage_org:
        nav.append({"key": "system", "label": str(_("系统管理")), "url": reverse("org:unit_list")})
    # The other two administrators and the leaders' own pages (access, audit apps).
    if can(user, Action.CLEARANCE_SET):
        nav.append({"key": "security", "label": str(_("安全保密")), "url": _url(("access:clearance_list",))})
    # The security administrator reads the trail from her own area's tabs.
    if can(user, Action.AUDIT_VIEW) and not can(user, Action.CLEARANCE_SET):
        nav.append({"key": "audit", "label": str(_("安全审计")), "url": _url(("audit:event_list",))})
    if can(user, Action.DELEGATION_MANAGE) or has_received_delegation(user):
        nav.append({"key": "delegation", "label": str(_("委托与转发")), "url": _url(("access:delegation_list",))})
    document_tools = [{"key": key, "label": str(label), "url": _url((name,))}
                      for key, label, name, action in DOCUMENT_TOOLS if can(user, action)]
    document_tabs = [{"key": key, "label": str(label), "url": _url((name,))}
                     for key, label, name, action in DOCUMENT_TABS if action is None or can(user, action)]
    return {"nav_items": nav, "document_tools": document_tools,
            "document_tabs": [t for t in document_tabs if t["url"]],
            "is_system_admin": may_manage_org}


def menus_for(user: Any) -> dict[str, Any]:
    """The person's navigation, tools and tabs, kept (``kernel.kept``) under the policy's
    generation rather than the data's: only the policy's inputs change them."""
    return kept.kept(f"zs:menus:{user.pk}:{generation.current()}", lambda: _menus(user),
                     seconds=MENU_SECONDS)


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = request.resolver_match.namespace if request.resolver_match else ""
    current = AREA_OF_NAMESPACE.get(current, current)
    if current == "access":
        url_name = (request.resolver_match.url_name if request.resolver_match else "") or ""
        current = "security" if url_name.startswith(("clearance", "grant", "object_grants")) else "delegation"
    # A copy: the template may not change what the next page takes from the cache.
    menus = dict(menus_for(user))
    menus["nav_current"] = current
    return menus
