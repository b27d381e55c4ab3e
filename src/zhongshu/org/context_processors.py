"""What the page shell needs on every page: the signed-in person, unit and navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import RoleCode

# The office's areas of work, in the order staff think of them. An area whose app is
# not installed yet shows as unavailable rather than as a dead link.
# Each entry lists the pages that can open an area, best first: while an area's own
# app is not installed, the first of its tools that is stands in.
NAVIGATION = [
    ("documents", _("办文"), ("documents:home", "layout:render", "proofread:check")),
    ("meetings", _("办会"), ("meetings:home",)),
    ("supervision", _("督查督办"), ("supervision:home",)),
    ("information", _("信息"), ("information:home",)),
    ("duty", _("值班"), ("duty:home",)),
    ("archive", _("档案"), ("archive:home",)),
]
# URL namespaces that belong to an area of the navigation.
AREA_OF_NAMESPACE = {"org": "system", "kernel": "system", "audit": "system",
                     "layout": "documents", "proofread": "documents"}


def _url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def shell(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    nav = [{"key": key, "label": label, "url": _url(names)} for key, label, names in NAVIGATION]
    if user.has_role(RoleCode.SYSTEM_ADMIN):
        nav.append({"key": "system", "label": _("系统管理"), "url": reverse("org:unit_list")})
    current = request.resolver_match.namespace if request.resolver_match else ""
    current = AREA_OF_NAMESPACE.get(current, current)
    return {"nav_items": nav, "nav_current": current,
            "is_system_admin": user.has_role(RoleCode.SYSTEM_ADMIN)}
