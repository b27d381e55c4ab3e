"""The OFD container (ZIP) in one exact form, so that a changed byte anywhere in it is seen.

The GB/T 38540 signature protects the package's files (their SM3 digests), not the ZIP
around them: a changed time stamp, attribute or comment in a ZIP header would change the
file without touching any signed content. The sealed package is therefore written in a
single canonical form (entries in order, DEFLATE, fixed time 1980-01-01, no extra fields or
comments, nothing between or after the parts) and ``check_canonical`` rebuilds every header
from the entries and compares it byte for byte; the compressed data is checked by
decompression and CRC (and then by the signature's digests)."""

from __future__ import annotations

import struct
import zlib

_TIME, _DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00
_VERSION = 20
_UNIX_FILE = (0o100644 << 16)
_MADE_BY = (3 << 8) | _VERSION  # Unix, 2.0


def _flags(name: bytes) -> int:
    try:
        name.decode("ascii")
    except UnicodeDecodeError:
        return 0x800  # the name is UTF-8
    return 0


def _local(name: bytes, crc: int, csize: int, usize: int) -> bytes:
    return struct.pack("<4s5H3L2H", b"PK\x03\x04", _VERSION, _flags(name), 8, _TIME, _DATE,
                       crc, csize, usize, len(name), 0) + name


def _central(name: bytes, crc: int, csize: int, usize: int, offset: int) -> bytes:
    return struct.pack("<4s6H3L5H2L", b"PK\x01\x02", _MADE_BY, _VERSION, _flags(name), 8, _TIME, _DATE,
                       crc, csize, usize, len(name), 0, 0, 0, 0, _UNIX_FILE, offset) + name


def _end(count: int, size: int, offset: int) -> bytes:
    return struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, offset, 0)


def _assemble(entries: list[tuple[bytes, int, bytes, int]]) -> bytes:
    """entries: (name, CRC, compressed data, uncompressed size)."""
    out = bytearray()
    central = bytearray()
    for name, crc, data, usize in entries:
        central += _central(name, crc, len(data), usize, len(out))
        out += _local(name, crc, len(data), usize) + data
    return bytes(out + central + _end(len(entries), len(central), len(out)))


def write_canonical(files: dict[str, bytes]) -> bytes:
    entries = []
    for name, content in files.items():
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        entries.append((name.encode(), zlib.crc32(content), data, len(content)))
    return _assemble(entries)


def check_canonical(data: bytes) -> bool:
    """Whether ``data`` is exactly the canonical ZIP of the entries it holds."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
        entries = []
        for info in infos:
            start = info.header_offset + 30 + len(info.filename.encode())
            entries.append((info.filename.encode(), info.CRC, data[start:start + info.compress_size],
                            info.file_size))
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return _assemble(entries) == data
