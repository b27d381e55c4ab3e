"""The file store's objects: bytes named by their digest, in the storage Django's
``STORAGES["files"]`` names (the local file system under ``var/files`` by default, or
S3-compatible object storage, ``ZHONGSHU_FILE_STORE``; docs/decisions/1310).

This module knows nothing of the database: ``kernel.models.StoredFile`` is the row that
records an object's digest and size, ``kernel.filestore`` writes and checks both. An
object's name is derived from its digest, so the same bytes are always the same object
(one 45 MB attachment sent to 21 units is stored once) and writing one again is harmless.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages

from zhongshu.audit.chain import sm3_available

from .files import UnacceptableFile

CHUNK = 1024 * 1024


# SM3 (GB/T 32905) where OpenSSL carries it, as the audit chain does (audit.chain);
# each row records its algorithm, so a store written with either keeps verifying.
ALGORITHM = "sm3" if sm3_available() else "sha256"


class Damaged(UnacceptableFile):
    """An object is missing or is not the bytes that were stored; the message, in
    Chinese, says which and how. A file that may not be handed out, like any other
    (``kernel.files``): every download already refuses those with their message."""

    def __init__(self, what: str):
        super().__init__(f"存储的文件已损坏：{what}。请联系系统管理员从备份恢复（zhongshu files verify 列出所有损坏的文件）。")
        self.what = what


def hasher(algorithm: str = ALGORITHM) -> Any:
    return hashlib.new(algorithm)


def object_name(algorithm: str, digest: str) -> str:
    """``sm3/ab/cd/abcd…``: two levels of 256 folders keep directories small."""
    return f"{algorithm}/{digest[:2]}/{digest[2:4]}/{digest}"


def store() -> Storage:
    return storages["files"]


class LocalStore(FileSystemStorage):
    """A FileSystemStorage whose writes are atomic: an object is written to a temporary
    file beside it, flushed to disk, then renamed into place. A process that dies while
    writing leaves a temporary file (removed by ``files gc``), never a truncated object
    under its final name; writing an object that exists replaces it with the same bytes."""

    TEMP_PREFIX = ".tmp-"

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def _save(self, name: str, content: File[bytes]) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=self.TEMP_PREFIX, dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temp, self.file_permissions_mode)
            os.replace(temp, full_path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        return name


def write(name: str, content: IO[bytes]) -> None:
    """Write ``content`` (a file positioned at its start) under ``name``, replacing any
    object of that name (which, named by digest, holds the same bytes or a damaged copy)."""
    storage = store()
    saved = storage.save(name, File(content, name=os.path.basename(name)))
    if saved != name:  # pragma: no cover - a storage that renames would break the naming
        storage.delete(saved)
        raise RuntimeError(f"file store renamed {name!r} to {saved!r}; it must allow overwriting")


def chunks(name: str) -> Iterator[bytes]:
    """The object's bytes in chunks; ``Damaged`` if it is missing."""
    storage = store()
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Damaged("文件缺失（存储中找不到该文件）") from exc
    except Exception as exc:  # botocore's ClientError for a missing key, and the like
        if _is_missing(exc):
            raise Damaged("文件缺失（存储中找不到该文件）") from exc
        raise
    with handle:
        while True:
            try:
                chunk = handle.read(CHUNK)
            except Exception as exc:
                if _is_missing(exc):
                    raise Damaged("文件缺失（存储中找不到该文件）") from exc
                raise
            if not chunk:
                return
            yield chunk


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    code = (response or {}).get("Error", {}).get("Code", "") if isinstance(response, dict) else ""
    return code in {"404", "NoSuchKey", "NotFound"}


def read_checked(name: str, *, algorithm: str, digest: str, size: int) -> bytes:
    """The object's bytes, after checking that they are exactly ``size`` bytes with
    ``digest``; ``Damaged`` (naming what differs) otherwise."""
    h, parts, got = hasher(algorithm), [], 0
    for chunk in chunks(name):
        got += len(chunk)
        if got > size:
            raise Damaged(f"文件大小不符（应为 {size} 字节，实际更大）")
        h.update(chunk)
        parts.append(chunk)
    if got != size:
        raise Damaged(f"文件大小不符（应为 {size} 字节，实际 {got} 字节）")
    if h.hexdigest() != digest:
        raise Damaged(f"文件内容已被改动（{algorithm.upper()} 摘要不符）")
    return b"".join(parts)


def check(name: str, *, algorithm: str, digest: str, size: int) -> str | None:
    """What is wrong with the object (in Chinese), or None; reads it in chunks without
    keeping it."""
    h, got = hasher(algorithm), 0
    try:
        for chunk in chunks(name):
            got += len(chunk)
            h.update(chunk)
    except Damaged as exc:
        return exc.what
    if got != size:
        return f"文件大小不符（应为 {size} 字节，实际 {got} 字节）"
    if h.hexdigest() != digest:
        return f"文件内容已被改动（{algorithm.upper()} 摘要不符）"
    return None


def present(name: str, size: int) -> bool:
    """The object exists with the expected size (cheap: no bytes are read)."""
    storage = store()
    try:
        return storage.exists(name) and storage.size(name) == size
    except Exception as exc:
        if _is_missing(exc):
            return False
        raise


def spool(data: bytes | IO[bytes], algorithm: str = ALGORITHM) -> tuple[IO[bytes], str, int]:
    """``data`` as a file at its start, with its digest and size. A stream is copied in
    chunks into a temporary file (kept in memory up to 8 MB) while it is hashed, so a
    large upload is never held whole."""
    h = hasher(algorithm)
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        h.update(raw)
        return io.BytesIO(raw), h.hexdigest(), len(raw)
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    size = 0
    while chunk := data.read(CHUNK):
        h.update(chunk)
        out.write(chunk)
        size += len(chunk)
    out.seek(0)
    return out, h.hexdigest(), size
