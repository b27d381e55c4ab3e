"""The audit chain's keys (密钥环), kept outside the database.

Each event's digest is an HMAC under the current key, so someone who can rewrite the
database but cannot read this file cannot recompute the chain. The file lives in
``ZHONGSHU_AUDIT_KEY_FILE`` (default ``$ZHONGSHU_VAR_DIR/audit-chain.key``), is created
on first start with mode 0600, and holds every key the chain has used, so rotating the
key never breaks the verification of older events:

    {"version": 1, "current": "<id>",
     "keys": [{"id": "…", "secret": "<hex>", "created_at": "…",
               "first_seq": 1, "last_seq": 4812}, …]}

``first_seq`` is the first event signed with the key (written when the key is first
used, or at rotation); ``last_seq`` is set when the key is retired. No event may be
unkeyed at or after the first keyed one, nor signed with a key past its ``last_seq``.

Stdlib only: the settings module creates the file before Django is set up."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger(__name__)

VERSION = 1


class KeyringError(Exception):
    """The keyring file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class ChainKey:
    id: str
    secret: bytes = field(repr=False)
    created_at: str = ""
    first_seq: int | None = None
    last_seq: int | None = None


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, ChainKey]

    @property
    def current_key(self) -> ChainKey:
        return self.keys[self.current]

    @property
    def keyed_from(self) -> int | None:
        """The first event that had to be keyed, if any key has been used."""
        seqs = [k.first_seq for k in self.keys.values() if k.first_seq is not None]
        return min(seqs) if seqs else None


def new_key() -> ChainKey:
    return ChainKey(id=secrets.token_hex(4), secret=secrets.token_bytes(32),
                    created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def _to_json(ring: Keyring) -> str:
    return json.dumps({"version": VERSION, "current": ring.current, "keys": [
        {"id": k.id, "secret": k.secret.hex(), "created_at": k.created_at,
         "first_seq": k.first_seq, "last_seq": k.last_seq} for k in ring.keys.values()]},
        ensure_ascii=False, indent=1) + "\n"


def _write_private(path: Path, text: str) -> Path:
    """A new file beside ``path`` holding ``text``, readable by this user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def ensure_keyring(path: Path) -> bool:
    """Create the keyring with one fresh key unless it exists. Safe when several
    processes start at once: the file appears whole or not at all (a hard link fails
    if another process created it first). Returns whether it was created."""
    if path.exists():
        return False
    ring = new_key()
    tmp = _write_private(path, _to_json(Keyring(current=ring.id, keys={ring.id: ring})))
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def save(path: Path, ring: Keyring) -> None:
    tmp = _write_private(path, _to_json(ring))
    os.replace(tmp, path)
    _cache.clear()


def parse(text: str) -> Keyring:
    try:
        data = json.loads(text)
        keys = {}
        for k in data["keys"]:
            keys[str(k["id"])] = ChainKey(id=str(k["id"]), secret=bytes.fromhex(k["secret"]),
                                          created_at=k.get("created_at", ""),
                                          first_seq=k.get("first_seq"), last_seq=k.get("last_seq"))
        ring = Keyring(current=str(data["current"]), keys=keys)
        ring.current_key  # noqa: B018 (must exist)
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyringError(f"审计链密钥文件格式错误：{exc}") from None
    return ring


_cache: dict[tuple[str, int], Keyring] = {}


def load(path: Path) -> Keyring:
    """The keyring, re-read whenever the file changes (a rotation in another process)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise KeyringError(f"无法读取审计链密钥文件 {path}：{exc.strerror}") from None
    cache_key = (str(path), stat.st_mtime_ns)
    ring = _cache.get(cache_key)
    if ring is None:
        try:
            ring = parse(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise KeyringError(f"无法读取审计链密钥文件 {path}：{exc.strerror}") from None
        _cache.clear()
        _cache[cache_key] = ring
    return ring


def mark_first_use(path: Path, ring: Keyring, seq: int) -> None:
    """Write down the first event signed with the current key. Called under the chain
    lock, once per key; a failure to write only weakens the check of unkeyed events."""
    key = ring.current_key
    if key.first_seq is not None:
        return
    updated = Keyring(current=ring.current, keys={**ring.keys, key.id: replace(key, first_seq=seq)})
    try:
        save(path, updated)
    except OSError as exc:
        log.warning("audit keyring %s: cannot record the first keyed event: %s", path, exc)


def rotated(ring: Keyring, new: ChainKey, *, last_seq: int) -> Keyring:
    """``ring`` with its current key retired after ``last_seq`` and ``new`` signing
    from ``last_seq + 1`` on."""
    old = ring.current_key
    first = old.first_seq if old.first_seq is not None else last_seq
    keys = {**ring.keys, old.id: replace(old, last_seq=last_seq, first_seq=first),
            new.id: replace(new, first_seq=last_seq + 1)}
    return Keyring(current=new.id, keys=keys)
