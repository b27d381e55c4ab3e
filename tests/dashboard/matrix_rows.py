"""Policy-matrix rows of the home page's 通知公告 and the favicon (tests/access/matrix.py).

Everyone signed in reads the notice board; the office director and its secretaries keep
it (of the personas, the secretary). The world holds one notice the secretary published."""

from __future__ import annotations

from types import SimpleNamespace

from tests.access.matrix import Row, everyone, only, signed_in

KEEPERS = {"secretary"}

ROWS: dict[str, Row] = {
    # Browsers ask for it before signing in: sent on to the static icon, for everyone.
    "favicon": Row(get=everyone(301)),
    "announcements:list": Row(get=signed_in()),
    # An empty POST gets the form back with its errors.
    "announcements:create": Row(get=only(KEEPERS), post=only(KEEPERS)),
    "announcements:detail": Row(get=signed_in(), args=lambda w: [w.announcement.pk]),
    "announcements:edit": Row(get=only(KEEPERS), post=only(KEEPERS), args=lambda w: [w.announcement.pk]),
    # POST only: withdrawn, back to the list.
    "announcements:withdraw": Row(get=signed_in(405), post=only({"secretary": 302}),
                                  args=lambda w: [w.announcement.pk]),
}


def add_to_world(w: SimpleNamespace) -> None:
    from zhongshu.dashboard import services

    w.announcement = services.announcement_publish(actor=w.secretary, title="矩阵测试公告：会议室调整",
                                                   body="请各单位知悉。")
