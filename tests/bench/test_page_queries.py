"""The everyday pages run a fixed number of queries, whatever the number of rows they
show: 工作台, 待办, the 发文 and 收文 registers and the 督查督办 ledger, for the demo's
typical people, measured with the demo alone and again after the benchmark generators
have added documents and supervised tasks (pages of 30–50 rows, dozens of open items)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parents[2]

PAGES = {"home": "/", "inbox": "/inbox/", "outgoing": "/documents/outgoing/",
         "incoming": "/documents/incoming/", "ledger": "/supervision/ledger/"}
VIEWERS = ["mishu1", "wenshu", "zhuren", "ducha", "lianluo01"]


def _load(folder: str, name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{folder}_{name}", ROOT / "bench" / folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _queries(client) -> dict[tuple[str, str], tuple[int, int, str, list[str]]]:
    """(viewer, page) → (status, number of queries, body, the queries' SQL)."""
    from zhongshu.kernel import kept
    from zhongshu.org.models import Person

    out = {}
    for username in VIEWERS:
        client.force_login(Person.objects.get(username=username))
        for name, url in PAGES.items():
            client.get(url)  # the session's first renewal and the menus' first computation
            kept.bump()  # but the page's own work measured in full: totals and inbox counted again
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            out[username, name] = (response.status_code, len(ctx.captured_queries), response.content.decode(),
                                   [q["sql"][:120] for q in ctx.captured_queries])
    return out


def _generated(documents: int, tasks: int) -> None:
    _load("documents", "generate").main(["--count", str(documents), "--until", "2026-11-20"])
    _load("supervision", "generate").main(["--tasks", str(tasks), "--extra", str(tasks), "--until", "2026-11-30"])


def _rows(body: str, marker: str) -> int:
    return body.count(marker)


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_the_rows(client):
    from django.core.management import call_command
    from django.db import transaction

    from zhongshu.workflow.models import Step, Task

    def open_items() -> int:
        return (Step.objects.filter(status="pending").count()
                + Task.objects.filter(status__in=["open", "accepted"]).count())

    call_command("demo", verbosity=0)
    # Some data (rows of every kind on every page), then — rolled back — three times as much.
    with transaction.atomic():
        _generated(150, 120)
        small, few = _queries(client), open_items()
        transaction.set_rollback(True)
    _generated(450, 400)
    large, many = _queries(client), open_items()

    # The data did grow where the pages look: full register pages, a long ledger, open items.
    for key, marker in [(("mishu1", "outgoing"), "<tr"), (("mishu1", "incoming"), "<tr"),
                        (("ducha", "ledger"), "data-task=")]:
        assert 5 <= _rows(small[key][2], marker) <= _rows(large[key][2], marker), key
    from zhongshu.supervision.views import PAGE_SIZE

    assert _rows(large["ducha", "ledger"][2], "data-task=") == PAGE_SIZE
    assert many > 2 * few
    # The registers and the ledger: exactly the same queries for a page of few rows or many.
    # 工作台 and 待办 read their items in one batch per kind of item (发文 steps, 收文
    # tasks, supervised tasks: their levels), and 工作台 also the office's slowest 发文
    # and 收文 (their titles, holders, deadlines), so a kind that only the larger data
    # brings adds its batch — a few queries per kind, never one per item.
    batches = {"inbox": 3, "home": 6}
    changed = {key: (small[key][1], large[key][1], [q for q in large[key][3] if q not in small[key][3]])
               for key in small
               if (large[key][1] != small[key][1] if key[1] not in batches
                   else not small[key][1] <= large[key][1] <= small[key][1] + batches[key[1]])}
    assert changed == {}, f"pages whose query count changed with the data (few rows, many): {changed}"
    for key, (status, count, _body, _sql) in large.items():
        assert status in (200, 403), key
        # A page is the request's own work plus the shell (session, person, roles, counts).
        assert count <= 25, (key, count)
