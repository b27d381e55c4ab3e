"""Policy-matrix rows of this app's reading and answering pages (tests/access/matrix.py).

The matrix world's 收文 (``w.incoming``) waits for the office's 初审: the secretary and
the clerk are on its route and see it; for everyone else it does not exist (404). The
register and 收文统计 are the office's and the leaders' (``IncomingAction.LIST``)."""

from __future__ import annotations

from types import SimpleNamespace

from tests import uploads
from tests.access.matrix import Row, only, signed_in

# The office and the leaders keep the register (and its statistics).
LISTERS = {"leader", "secretary", "clerk"}
# On the matrix document's route (its 初审): the only personas who see it.
ROUTE = {"secretary", "clerk"}


def _main_file(w: SimpleNamespace) -> int:
    return w.incoming.files.get(is_reply=False).pk


def _reply_file(w: SimpleNamespace) -> int:
    """A reply file (答复文件) on the matrix document, as the handler gives at 办结."""
    from zhongshu.documents.incoming.models import IncomingFile
    from zhongshu.kernel import filestore

    data = uploads.pdf("答复")
    return IncomingFile.objects.get_or_create(
        incoming=w.incoming, is_reply=True,
        defaults={"name": "答复.pdf", "kind": "pdf", "content_type": "application/pdf",
                  "size": len(data), "blob": filestore.put(data)})[0].pk


ROWS: dict[str, Row] = {
    # The viewer's page images and the printable 文件处理签: as the document itself.
    "incoming:page_image": Row(get=only(ROUTE, deny=404),
                               args=lambda w: [w.incoming.pk, _main_file(w), 1]),
    "incoming:slip": Row(get=only(ROUTE, deny=404), args=lambda w: [w.incoming.pk]),
    # The reply page: whoever sees the document (the sending unit's contacts only once it
    # is closed; the matrix document's sender is given by name, so it has none).
    "incoming:reply": Row(get=only(ROUTE, deny=404), args=lambda w: [w.incoming.pk]),
    "incoming:reply_download": Row(get=only(ROUTE, deny=404),
                                   args=lambda w: [w.incoming.pk, _reply_file(w)]),
    # POST only. Before 初审 passes no reply may be drafted: those who see the document
    # are sent back to it with a message (nothing is written); the rest get 404.
    "incoming:draft_reply": Row(get=signed_in(405), post=only(dict.fromkeys(ROUTE, 302), deny=404),
                                args=lambda w: [w.incoming.pk]),
    "incoming:stats": Row(get=only(LISTERS)),
}
