"""Inputs too large to keep in the repository, built when a test needs them (a second or
less each): a zip member that unpacks to a gigabyte, and fields of tens of megabytes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

_CHUNK = 16 * 1024 * 1024


def _deflate_repeated(byte: bytes, size: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``size`` copies of ``byte`` and its CRC-32, made by
    compressing one chunk with a full flush (no reference crosses it) and repeating it."""
    assert size % _CHUNK == 0
    chunk = byte * _CHUNK
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    crc = 0
    for _ in range(size // _CHUNK):
        crc = zlib.crc32(chunk, crc)
    return block * (size // _CHUNK) + tail, crc


def _member(name: str, raw: bytes, crc: int, size: int, offset: int) -> tuple[bytes, bytes]:
    """A local file header + data, and its central directory entry (deflated, no zip64)."""
    fname = name.encode()
    fixed = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(raw), size)
    local = b"PK\x03\x04" + fixed + struct.pack("<HH", len(fname), 0) + fname + raw
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 20)
        + fixed
        + struct.pack("<HHHHHII", len(fname), 0, 0, 0, 0, 0, offset)
        + fname
    )
    return local, central


def zip_bomb(base: bytes, bomb_member: str, size: int = 1 << 30) -> bytes:
    """``base`` (a zip archive) with ``bomb_member`` replaced by ``size`` bytes of spaces,
    compressed about a thousand to one: a real archive whose member unpacks to ``size``."""
    members: list[tuple[str, bytes, int, int]] = []
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        for info in z.infolist():
            if info.filename == bomb_member:
                raw, crc = _deflate_repeated(b" ", size)
                members.append((info.filename, raw, crc, size))
            else:
                data = z.read(info)
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                members.append(
                    (info.filename, c.compress(data) + c.flush(), zlib.crc32(data), len(data))
                )
    body, directory = b"", b""
    for name, raw, crc, n in members:
        local, central = _member(name, raw, crc, n, len(body))
        body += local
        directory += central
    end = b"PK\x05\x06" + struct.pack(
        "<HHHHIIH", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return body + directory + end
