"""Answers kept between page views until somebody writes.

A register's total for one person and filter, a person's open items, the navigation's
counts or 工作台's slowest open documents cost up to tens of milliseconds each at a
million documents (docs/benchmarks/load.md), on every page, and they cannot change
between two views unless a record of the office changed. So each is kept under the
*data generation*: a number, in the shared cache, that every committed write to the
office's records changes. The next page after any write computes afresh; with no
writes, a person's next views are served from what was kept.

Writes are noticed at the database connection, not by model signals, because services
also write with ``update()``, ``bulk_create()`` and raw SQL: an execute wrapper on every
connection sees each INSERT, UPDATE and DELETE on the watched apps' tables.

- After the transaction commits, the shared number changes (once per transaction; for a
  write outside a transaction, before the connection's next statement), so every
  process and host computes afresh. A page that read the number before the commit and
  computed on older rows keeps its answer under the old number, which nobody asks for
  again.
- At the moment of the write, a number private to this process changes too and is part
  of every key: a page served by the same process inside the writing transaction (a
  test's, or a request that writes and then reads) never sees an answer kept before it.

A person's notifications (``inbox_notification``) are written far more often than the
rest — every click on one marks it read, the reminder jobs insert them by the hundred —
and change only the unread count of the page shell. So they have a generation of their
own (``NOTICES``), which only answers built with ``key(..., notices=True)`` (the shell's
counts) depend on: reading a notification does not make every register count again.

The answers themselves are kept in the process's memory (at most ``MAX_KEPT`` answers
and ``MAX_KEPT_ITEMS`` list items, least recently used dropped first) and, with Redis as the shared cache, there too, so one
process's answer serves the others. Not in the database cache (decision 1320): every
miss would write a row — a person's open items are a few hundred kilobytes — and rows
orphaned by each write would pile up until culled; there each process computes its own
copy once per generation. Only the generation number must be shared for the answers to
be right everywhere. Entries also expire after ``KEEP_SECONDS``,
for rows changed by programs outside Zhongshu (``psql``), which no wrapper sees. What is
kept is shared by the requests of the process: callers must not change it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

T = TypeVar("T")

logger = logging.getLogger(__name__)

KEY = "zs:data:generation"
NOTICES = "zs:notices:generation"
KEEP_SECONDS = 300
MAX_KEPT = 1000  # answers per process
# and list items in all: a busy person's open items are 2,000 (about 0.5 MB), so a process
# holds at most about 50 MB of answers whatever the number of people
MAX_KEPT_ITEMS = 100_000

# The apps whose tables hold what registers, inboxes and statistics count, who may see
# it (people, units, roles, grants), and notifications. Sessions, the cache table, the
# audit trail and sign-in attempts are written on reads and are not watched.
WATCHED_TABLES = ("documents_", "incoming_", "workflow_", "supervision_", "inspections_",
                  "inbox_", "access_", "org_", "dashboard_", "kernel_calendar")

# Written, and read, apart from the rest (see the module's docstring): checked first, as
# "inbox_" is watched too.
NOTICE_TABLES = ("inbox_notification",)

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)', re.IGNORECASE)

# this process's own write counts, by generation (see the module's docstring)
_local: dict[str, int] = {KEY: 0, NOTICES: 0}


# The counters as this thread's request first read them: a page asks for the data
# generation for each of its kept answers, and with the database cache each read is a
# query. Reset when a request starts and ends (outside requests, each call reads).
_request = threading.local()


def counter(name: str) -> int:
    """A number kept in the shared cache under ``name`` that only ever moves on (this
    module's data generation, the policy's in ``access.generation``); read once per
    request. A later write by another process is seen by the next request; one by this
    process changes the keys through ``_local``, and :func:`advance` forgets the number."""
    memo: dict[str, int] | None = getattr(_request, "counters", None)
    if memo is not None and name in memo:
        return memo[name]
    value = cache.get(name)
    if value is None:
        # A fresh cache: start from a number no earlier cache can have used.
        cache.add(name, time.time_ns(), None)
        value = cache.get(name, 0)
    if memo is not None:
        memo[name] = int(value)
    return int(value)


def advance(name: str) -> None:
    """Move the :func:`counter` ``name`` on."""
    memo: dict[str, int] | None = getattr(_request, "counters", None)
    if memo is not None:
        memo.pop(name, None)
    try:
        cache.incr(name)
    except ValueError:  # nothing kept yet, or evicted
        cache.set(name, time.time_ns(), None)


def _request_started(**kwargs: Any) -> None:
    _request.counters = {}


def _request_finished(**kwargs: Any) -> None:
    _request.counters = None


def generation(name: str = KEY) -> str:
    """The current data generation (or the notifications', ``NOTICES``), as part of a
    cache key."""
    flush_all()
    return f"{counter(name)}.{_local[name]}"


def bump(name: str = KEY) -> None:
    """Called outside any transaction (after a commit, or between autocommit
    statements), so a failure here cannot spoil the writer's work: a database cache
    whose table does not exist yet (during ``migrate``) has nothing kept to spoil."""
    try:
        advance(name)
    except DatabaseError:
        logger.debug("%s not bumped: the cache is not ready", name, exc_info=True)


def key(*parts: object, params: Iterable[tuple[str, str]] = (), notices: bool = False) -> str:
    """A cache key from ``parts`` (kind, viewer, date …) and request parameters (in any
    order), under the current generation; with ``notices``, under the notifications'
    generation too (for answers that count notifications)."""
    digest = hashlib.sha1(repr(sorted(params)).encode(), usedforsecurity=False).hexdigest()[:16]
    generations = [generation(), generation(NOTICES)] if notices else [generation()]
    return ":".join(["zs:kept", *generations, *map(str, parts), digest])


_store: OrderedDict[str, tuple[float, Any, int]] = OrderedDict()  # key → (until, answer, size)
_held = 0  # the sizes of what _store holds
_store_lock = threading.Lock()
_MISSING: Any = object()


def _shared_store() -> bool:
    """Whether answers are also shared between processes through the cache: yes with
    Redis (or the tests' local memory), no with the database cache, where every miss
    would write a row and rows orphaned by each write would pile up until culled."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    return not isinstance(caches["default"], DatabaseCache)


def _size(value: Any) -> int:
    """About how much an answer holds: its list items (a person's open items are the large
    ones), one for anything else."""
    if isinstance(value, dict):
        return 1 + sum(_size(v) for v in value.values())
    if isinstance(value, list | tuple):
        return 1 + sum(_size(v) if isinstance(v, list | tuple | dict) else 1 for v in value)
    return 1


def kept(cache_key: str, compute: Callable[[], T], seconds: int = KEEP_SECONDS) -> T:
    """The answer kept under ``cache_key`` (from :func:`key`, or any key that changes
    whenever the answer would), or ``compute()`` kept there now. The key is taken before computing, so an answer computed while another
    transaction commits is kept under the generation it may predate."""
    global _held
    now = time.monotonic()
    with _store_lock:
        found = _store.get(cache_key)
        if found is not None and found[0] > now:
            _store.move_to_end(cache_key)
            return found[1]  # type: ignore[no-any-return]
    shared = _shared_store()
    value = cache.get(cache_key, _MISSING) if shared else _MISSING
    if value is _MISSING:
        value = compute()
        if shared:
            cache.set(cache_key, value, seconds)
    size = _size(value)
    if size > MAX_KEPT_ITEMS:
        return cast("T", value)
    with _store_lock:
        old = _store.pop(cache_key, None)
        _held -= old[2] if old else 0
        _store[cache_key] = (now + seconds, value, size)
        _held += size
        while len(_store) > MAX_KEPT or _held > MAX_KEPT_ITEMS:
            _held -= _store.popitem(last=False)[1][2]
    return cast("T", value)


def register_key(request: Any, kind: str) -> str:
    """The key of a register's total for this person, today, and the request's filters
    (neither the page shown, the order nor the columns change a total)."""
    from django.utils import timezone

    return key(kind, request.user.pk, timezone.localdate(),
               params=request_params(request.GET, ignore=("page", "sort", "cols")))


def request_params(params: Any, *, ignore: Iterable[str] = ("page",)) -> list[tuple[str, str]]:
    """A QueryDict's (name, value) pairs, every value of a repeated name, without
    ``ignore`` (the page number does not change a total)."""
    skip = set(ignore)
    return [(k, v) for k, values in params.lists() if k not in skip for v in values]


# --- noticing writes ------------------------------------------------------------------

def _after_commit(names: set[str]) -> None:
    for name in sorted(names):
        bump(name)


def _committed_write_seen(connection: BaseDatabaseWrapper, name: str) -> None:
    """An autocommit write is committed, but its cursor may still hold the rows its
    RETURNING gave back: running the cache's own statements on the same connection
    now (the database cache) would lose them on SQLite. So the bump waits for the next
    statement on the connection, the end of the request, or the next :func:`generation`."""
    due: set[str] = getattr(connection, "_zs_kept_due", set())
    connection._zs_kept_due = due | {name}  # type: ignore[attr-defined]


def _flush(connection: BaseDatabaseWrapper) -> None:
    due: set[str] = getattr(connection, "_zs_kept_due", set())
    if not due:
        return
    connection._zs_kept_due = set()  # type: ignore[attr-defined]
    if connection.in_atomic_block:
        for name in due:
            _on_commit_once(connection, name)
    else:
        _after_commit(due)


def _on_commit_once(connection: BaseDatabaseWrapper, name: str) -> None:
    # One hook per transaction, bumping every generation the transaction wrote: Django
    # gives ``run_on_commit`` a new list at every commit and rollback (and savepoint
    # rollback), so the list we appended to tells whether this transaction has one.
    if getattr(connection, "_zs_kept_hooks", None) is not connection.run_on_commit:
        names: set[str] = set()
        connection.on_commit(lambda: _after_commit(names), robust=True)
        connection._zs_kept_hooks = connection.run_on_commit  # type: ignore[attr-defined]
        connection._zs_kept_names = names  # type: ignore[attr-defined]
    connection._zs_kept_names.add(name)  # type: ignore[attr-defined]


def _written(sql: str) -> str | None:
    """The generation a statement changes, if it writes a watched table."""
    if sql[:1] not in "IUDiud ":
        return None
    m = _WRITE.match(sql)
    table = m.group(1).lower() if m else ""
    if table.startswith(NOTICE_TABLES):
        return NOTICES
    return KEY if table.startswith(WATCHED_TABLES) else None


def _watch(execute: Callable[..., Any], sql: str, params: Any, many: bool,
           context: dict[str, Any]) -> Any:
    connection = context["connection"]
    _flush(connection)  # the last statement's rows are read by now
    result = execute(sql, params, many, context)
    name = _written(sql)
    if name is not None:
        _local[name] += 1
        if connection.in_atomic_block:
            _on_commit_once(connection, name)
        else:
            _committed_write_seen(connection, name)
    return result


def flush_all(**kwargs: Any) -> None:
    """Bump for autocommit writes still waiting (a signal receiver: request_finished)."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _flush(connection)


def _install(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def connect() -> None:
    """Watch every database connection opened from now on (KernelConfig.ready)."""
    from django.core.signals import request_finished, request_started

    connection_created.connect(_install, dispatch_uid="zhongshu.kernel.kept")
    request_finished.connect(flush_all, dispatch_uid="zhongshu.kernel.kept.flush")
    request_started.connect(_request_started, dispatch_uid="zhongshu.kernel.kept.started")
    request_finished.connect(_request_finished, dispatch_uid="zhongshu.kernel.kept.finished")
