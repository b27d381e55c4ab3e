"""Policy-matrix rows for the inspection-plan pages, and the plan they need in the
matrix world: a draft the secretary registered for the office, to visit 政研室. The
office's staff (leader, secretary, clerk) see it; the leader sees every plan; nobody of
the personas coordinates (督查员, 办公室主任), so the review, settings and decisions are
refused to all; administrators see no plan at all."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from tests.access.matrix import Row, only, signed_in

# Everyone who works in a unit lists and registers plans; not the three administrators.
WORKERS = {"staff", "leader", "secretary", "clerk", "cleared_granted", "cleared_ungranted",
           "granted_uncleared", "flowadmin"}
SEES_PLAN = {"leader", "secretary", "clerk"}


def _plan(w: SimpleNamespace) -> list:
    return [w.inspection_plan.pk]


def _sees(ok: int, mine: set[str] | None = None) -> dict:
    """Those who see the plan get 403 unless ``mine`` (who may act) gets ``ok``; the rest 404."""
    allowed = {p: 403 for p in SEES_PLAN} | {p: ok for p in (mine or set())}
    return only(allowed, deny=404)


ROWS: dict[str, Row] = {
    "inspections:home": Row(get=only(WORKERS)),
    # An empty POST gets the form back with its messages.
    "inspections:create": Row(get=only(WORKERS), post=only(WORKERS)),
    "inspections:detail": Row(get=only(SEES_PLAN, deny=404), args=_plan),
    "inspections:edit": Row(get=_sees(200, {"secretary"}), post=_sees(200, {"secretary"}), args=_plan),
    # POST only. The matrix office has no supervision officer: the secretary's submission
    # is refused with a message (and rolled back), back on the plan's page.
    "inspections:submit": Row(get=signed_in(405), post=_sees(302, {"secretary"}), args=_plan),
    "inspections:refuse": Row(get=signed_in(405), post=_sees(302), args=_plan),
    "inspections:merge": Row(get=signed_in(405), post=_sees(302), args=_plan),
    "inspections:review": Row(get=only(set())),
    "inspections:burden": Row(get=only({"leader"})),
    "inspections:settings": Row(get=only(set()), post=only(set())),
}


def add_to_world(w: SimpleNamespace) -> None:
    from zhongshu.inspections import services

    w.inspection_plan = services.plan_create(
        actor=w.secretary, topic="矩阵测试专项检查", organiser=w.office, units=[w.other],
        starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 3), form="inspect")
