"""Stored files: write once by content, read checked, verify all, collect garbage
(docs/decisions/1310).

``put`` writes the object first and its ``StoredFile`` row second. A transaction that
rolls back afterwards, or a process that dies in between, leaves at most an object no row
names (``gc`` removes it after a grace period), never a row without its bytes. The same
bytes put twice are one object and one row, whatever rows of files point at it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, cast

from django.apps import apps as global_apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from . import blobs
from .models import StoredFile

log = logging.getLogger(__name__)

# An object younger than this is never collected: it may belong to a transaction that
# has written it and not yet committed its row.
GC_GRACE = dt.timedelta(hours=24)

Damaged = blobs.Damaged


def put(data: bytes | IO[bytes], *, model: type[models.Model] | None = None) -> StoredFile:
    """Store ``data`` (bytes, or a binary file read in chunks) and return its row.

    ``model`` is the StoredFile model to use (a migration passes its historical one)."""
    rows: Any = (model or StoredFile)._default_manager
    content, digest, size = blobs.spool(data)
    try:
        name = blobs.object_name(blobs.ALGORITHM, digest)
        with transaction.atomic():
            # Locked, so that ``gc`` cannot remove the row (and then the object) while
            # this transaction comes to point at it.
            row = rows.select_for_update().filter(digest=digest).first()
            if row is not None:
                if not blobs.present(name, row.size):  # lost or truncated: put it back
                    log.warning("file store: rewriting missing object %s", name)
                    blobs.write(name, content)
                return cast(StoredFile, row)
            blobs.write(name, content)
            try:
                with transaction.atomic():
                    row = rows.create(algorithm=blobs.ALGORITHM, digest=digest, size=size)
            except IntegrityError:  # another process stored the same bytes a moment ago
                row = rows.get(digest=digest)
            return cast(StoredFile, row)
    finally:
        content.close()


def read(blob: StoredFile) -> bytes:
    """The bytes of ``blob``, checked; ``Damaged`` with a Chinese message (and a log
    line naming the object) if they are missing or not what was stored."""
    try:
        return blob.read()
    except Damaged as exc:
        log.error("file store: %s is damaged: %s", blob.name, exc)
        raise


# --- who points at a stored file --------------------------------------------------------

def _referencing_fields() -> list[models.ForeignKey[Any, Any]]:
    """Every foreign key to StoredFile, in every installed app."""
    return [f for m in global_apps.get_models() for f in m._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is StoredFile]


def references(blob: StoredFile, limit: int = 5) -> list[str]:
    """What points at ``blob``, as a person reads it: ``收文文件 #12 关于…的通知.pdf``."""
    found: list[str] = []
    for field in _referencing_fields():
        model = field.model
        for row in model._default_manager.filter(**{field.name: blob}).order_by("pk")[:limit]:
            found.append(f"{model._meta.verbose_name} #{row.pk} {row}")
    return found


def referenced_ids() -> Iterator[int]:
    for field in _referencing_fields():
        yield from (field.model._default_manager.filter(**{f"{field.name}__isnull": False})
                    .values_list(field.attname, flat=True).distinct().iterator())


# --- verify ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    blob: StoredFile
    what: str
    used_by: list[str]


def verify_all(progress: Callable[[int, int], None] | None = None,
               batch: int = 500) -> Iterator[Problem]:
    """Check every stored file (present, its size, its digest), reading each in chunks;
    yields the damaged ones. ``progress(done, total)`` is called after every batch."""
    total, done, last = StoredFile.objects.count(), 0, 0
    while True:
        rows = list(StoredFile.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not rows:
            break
        for row in rows:
            what = blobs.check(row.name, algorithm=row.algorithm, digest=row.digest, size=row.size)
            if what is not None:
                log.error("file store: %s is damaged: %s", row.name, what)
                yield Problem(row, what, references(row))
        done += len(rows)
        last = rows[-1].pk
        if progress is not None:
            progress(done, total)


# --- garbage ------------------------------------------------------------------------------

@dataclass
class Collected:
    rows: int = 0
    objects: int = 0


def gc(*, grace: dt.timedelta = GC_GRACE, now: dt.datetime | None = None,
       dry_run: bool = False) -> Collected:
    """Remove stored files no row points at (a finished job's result, a removed
    attachment) and objects no row names (a rolled-back upload), both older than
    ``grace``. A row still pointed at is never removed: the foreign keys protect it."""
    now = now or timezone.now()
    cutoff = now - grace
    result = Collected()
    used = set(referenced_ids())
    for row in StoredFile.objects.filter(created_at__lt=cutoff).exclude(pk__in=used).iterator():
        if dry_run:
            result.rows += 1
            continue
        try:
            with transaction.atomic():
                locked = StoredFile.objects.select_for_update().filter(pk=row.pk).first()
                if locked is None:
                    continue
                locked.delete()  # PROTECT refuses if a row has come to point at it
        except (IntegrityError, models.ProtectedError):
            continue
        result.rows += 1
    names = set(StoredFile.objects.values_list("algorithm", "digest").iterator())
    storage = blobs.store()
    for name in _all_objects(storage):
        base = name.rsplit("/", 1)[-1]
        algorithm = name.split("/", 1)[0]
        if (algorithm, base) in names:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, OSError):
            continue
        if modified >= cutoff:
            continue
        # Checked again just before: put() may have stored these bytes meanwhile.
        if StoredFile.objects.filter(digest=base).exists():
            continue
        if not dry_run:
            storage.delete(name)
        result.objects += 1
    return result


def _all_objects(storage: Any, prefix: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for f in files:
        yield f"{prefix}{f}"
    for d in folders:
        yield from _all_objects(storage, f"{prefix}{d}/")


# --- moving contents out of the database, and back (migrations) ---------------------------

def move_out(apps: Any, label: str, *, content: str = "content", blob: str = "blob",
             batch: int = 200, log_to: Callable[[str], None] | None = None) -> int:
    """Move every row's bytes from its ``content`` column into the file store, pointing
    ``blob`` at them. One row at a time, each committed on its own: a migration that
    dies half-way has lost nothing (moved rows keep their bytes in the column until the
    next migration drops it) and continues where it stopped when run again."""
    model, stored = apps.get_model(label), apps.get_model("kernel", "StoredFile")
    todo = model._default_manager.filter(**{f"{blob}__isnull": True, f"{content}__isnull": False})
    moved, last = 0, 0
    while True:
        pks = list(todo.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not pks:
            break
        for pk in pks:
            data = model._default_manager.filter(pk=pk).values_list(content, flat=True).first()
            if data is None:
                continue
            with transaction.atomic():
                row = put(bytes(data), model=stored)
                model._default_manager.filter(pk=pk, **{f"{blob}__isnull": True}).update(**{blob: row})
            moved += 1
        last = pks[-1]
        if log_to is not None:
            log_to(f"{label}: {moved} moved")
    return moved


def move_in(apps: Any, label: str, *, content: str = "content", blob: str = "blob",
            batch: int = 200) -> int:
    """The reverse of ``move_out``: each row's bytes back into its column (read and
    checked from the store), its ``blob`` cleared, one committed row at a time."""
    model, stored = apps.get_model(label), apps.get_model("kernel", "StoredFile")
    todo = model._default_manager.filter(**{f"{blob}__isnull": False})
    moved = 0
    while True:
        rows = list(todo.order_by("pk").values_list("pk", blob)[:batch])
        if not rows:
            break
        for pk, blob_id in rows:
            found = stored.objects.get(pk=blob_id)
            data = blobs.read_checked(blobs.object_name(found.algorithm, found.digest),
                                      algorithm=found.algorithm, digest=found.digest, size=found.size)
            with transaction.atomic():
                model._default_manager.filter(pk=pk).update(**{content: data, blob: None})
            moved += 1
    return moved

