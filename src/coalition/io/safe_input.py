"""The checks every importer runs on a file before a parser library sees its bytes.

Parsers (``json``, lxml, ``csv``, openpyxl, igraph) are fast and right on the files they
were written for, and slow, fragile or dangerous on others: a Latin-1 byte in a GML file
aborts the whole process inside igraph's C core, a nested JSON document exhausts Python's
recursion, an XML entity expands a kilobyte into gigabytes (the "billion laughs"), an
external entity reads a server file, a zip member unpacks a 1 GB sheet. Each function here
refuses such input quickly (one linear pass, bounded memory) with a
:class:`~.graph_model.FormatError` naming the line, byte, element or archive member, so
every importer reports it like any other problem of the file: a 422 on the API, a message
and exit status 1 in the CLI, nothing imported.

Rules, the same for every importer:

* a file is at most :data:`MAX_BYTES`; its text is UTF-8 (a byte order mark is allowed) and
  holds no NUL character;
* one field (a JSON string, an XML attribute or text, a CSV or XLSX cell, a GML string) is
  at most :data:`MAX_FIELD_CHARS` characters;
* nesting (JSON arrays/objects, XML elements, GML lists) is at most :data:`MAX_DEPTH` deep;
* numbers are finite (no ``NaN``, ``Infinity``); JSON objects have no repeated key;
* XML has no document type declaration (so no DTD, no entity of any kind) and is not
  fetched from anywhere;
* an archive (XLSX, zip of CSV files) has at most :data:`MAX_MEMBERS` members that
  unpack to at most :data:`MAX_UNPACKED` bytes together, as declared by the archive —
  which :mod:`zipfile` then holds every member to — and its XML parts have no DTD either;
* a table has at most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns (a workbook's
  sheet is also refused when it numbers a row past the limit, before a reader fills every
  empty row up to it).

Spreadsheet exports go the other way: :func:`neutralise_cell` keeps a text cell from being
run as a formula (OWASP, "CSV Injection") and :func:`restore_cell` undoes it on import.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, NoReturn

from lxml import etree

from coalition.io.graph_model import FormatError, Problem

__all__ = [
    "MAX_BLOB_CHARS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_DEPTH",
    "MAX_FIELD_CHARS",
    "MAX_MEMBERS",
    "MAX_ROWS",
    "MAX_UNPACKED",
    "ZIP_ERRORS",
    "check_field",
    "check_tree",
    "check_zip",
    "decode_utf8",
    "load_json",
    "neutralise_cell",
    "parse_xml",
    "refuse",
    "restore_cell",
]

MAX_BYTES = 64 * 1024 * 1024
MAX_FIELD_CHARS = 100_000
MAX_BLOB_CHARS = 3 * 1024 * 1024
"""The longest field where a format carries a file (a bundle's 2 MB asset, in base64)."""
MAX_DEPTH = 32
MAX_UNPACKED = 256 * 1024 * 1024
MAX_MEMBERS = 1_000
MAX_ROWS = 500_000
MAX_COLUMNS = 1_000


def refuse(fmt: str, where: str, why: str) -> NoReturn:
    """Raise a :class:`FormatError` with one problem."""
    raise FormatError(fmt, [Problem(where, why)])


def _position(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line} column {column}"


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def decode_utf8(data: bytes, fmt: str, *, name: str = "", limit: int = MAX_BYTES) -> str:
    """The text of ``data`` (UTF-8, an optional byte order mark removed), refused when it is
    larger than ``limit``, not UTF-8 (the line and byte of the first bad byte are named) or
    holds a NUL character."""
    prefix = f"{name} " if name else ""
    if len(data) > limit:
        refuse(fmt, f"{prefix}file".strip(), f"{_human(len(data))}, more than {_human(limit)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data.count(b"\n", 0, start) + 1
        refuse(
            fmt,
            f"{prefix}line {line} byte {start}",
            f"not UTF-8 text (byte 0x{data[start]:02X}); save the file as UTF-8",
        )
    nul = text.find("\x00")
    if nul >= 0:
        refuse(fmt, f"{prefix}{_position(text, nul)}", "a NUL character; this is not a text file")
    return text


def check_field(value: str, fmt: str, where: str, *, limit: int = MAX_FIELD_CHARS) -> None:
    """Refuse a text field longer than ``limit`` characters."""
    if len(value) > limit:
        refuse(fmt, where, f"a field of {len(value):,} characters (at most {limit:,})")


# ---------------------------------------------------------------- JSON

# strings (escapes included), brackets and the non-standard constants Python accepts
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|-?Infinity|NaN', re.DOTALL)


def _scan_json(text: str, fmt: str, max_chars: int) -> None:
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        first = token[0]
        if first == '"':
            if len(token) > max_chars + 2:
                check_field(token[1:-1], fmt, _position(text, m.start()), limit=max_chars)
        elif first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                refuse(fmt, _position(text, m.start()), f"nested more than {MAX_DEPTH} deep")
        elif first in "]}":
            depth -= 1
        else:
            refuse(fmt, _position(text, m.start()), f"{token} is not a JSON number")


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def load_json(
    data: bytes, fmt: str, *, max_chars: int = MAX_FIELD_CHARS, limit: int = MAX_BYTES
) -> Any:
    """Parse a JSON document after :func:`decode_utf8` and a scan that refuses nesting deeper
    than :data:`MAX_DEPTH`, strings over ``max_chars`` and ``NaN``/``Infinity`` (with their
    line); syntax errors and repeated keys are refused with their line too. ``limit``
    bounds the file's size, as in :func:`decode_utf8`."""
    text = decode_utf8(data, fmt, limit=limit)
    _scan_json(text, fmt, max_chars)
    try:
        value = json.loads(text, object_pairs_hook=_no_repeats)
    except json.JSONDecodeError as exc:
        refuse(fmt, f"line {exc.lineno} column {exc.colno}", f"not JSON: {exc.msg}")
    except ValueError as exc:  # from _no_repeats: json gives no position, so find one
        key = str(exc).split("'")[1] if "'" in str(exc) else ""
        pos = text.find(json.dumps(key)) if key else -1
        refuse(fmt, _position(text, pos) if pos >= 0 else "document", str(exc))
    check_tree(value, fmt, max_chars=max_chars)
    return value


def check_tree(value: Any, fmt: str, *, root: str = "", max_chars: int = MAX_FIELD_CHARS) -> None:
    """Refuse parsed JSON-like data (dicts, lists, scalars) nested deeper than
    :data:`MAX_DEPTH`, with a non-finite number, a string over ``max_chars``, a NUL or a
    lone surrogate (which no database column holds); the problem names the path
    (``actors[3].name``). Iterative: a deep document cannot exhaust the stack here."""
    stack: list[tuple[Any, str, int]] = [(value, root, 0)]
    while stack:
        item, path, depth = stack.pop()
        where = path or "document"
        if isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                refuse(fmt, where, f"nested more than {MAX_DEPTH} deep")
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str):
                    _check_text(key, fmt, f"{where} key", max_chars)
                    sub = f"{path}.{key}" if path else key
                else:
                    sub = f"{path}[{key}]"
                stack.append((child, sub, depth + 1))
        elif isinstance(item, float) and not math.isfinite(item):
            refuse(fmt, where, f"{item} is not a finite number")
        elif isinstance(item, str):
            _check_text(item, fmt, where, max_chars)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _check_text(text: str, fmt: str, where: str, limit: int) -> None:
    check_field(text, fmt, where, limit=limit)
    bad = _UNSTORABLE.search(text)
    if bad:
        refuse(fmt, where, f"the character U+{ord(bad.group()):04X} cannot be stored")


# ---------------------------------------------------------------- XML

_DECLARED_ENCODING = re.compile(r"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def parse_xml(data: bytes, fmt: str) -> etree._Element:
    """Parse an XML document after :func:`decode_utf8`, refusing a document type declaration
    (DTDs, internal and external entities) before the parser runs, then elements nested
    deeper than :data:`MAX_DEPTH` and over-long attributes or texts; every refusal names
    the line. The parser loads no DTD, resolves no entity and fetches
    nothing."""
    text = decode_utf8(data, fmt)
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        if not text.isascii():
            refuse(fmt, "line 1", f"declares encoding {declared.group(1)}; only UTF-8 is read")
    doctype = text.find("<!DOCTYPE")  # before parsing: no entity can expand
    if doctype >= 0:
        refuse(
            fmt,
            _position(text, doctype),
            "a document type declaration (DTD, entities) is not accepted",
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        refuse(fmt, f"line {exc.lineno}", f"not well-formed XML: {exc.msg}")
    depth = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        where = f"line {el.sourceline} <{etree.QName(el).localname}>"
        if depth > MAX_DEPTH:
            refuse(fmt, where, f"elements nested more than {MAX_DEPTH} deep")
        if el.text and len(el.text) > MAX_FIELD_CHARS:
            check_field(el.text, fmt, where)
        for name, value in el.attrib.items():
            if len(value) > MAX_FIELD_CHARS:
                check_field(value, fmt, f"{where} attribute {etree.QName(name).localname}")
    return root


# ---------------------------------------------------------------- archives


ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,  # an unknown compression method or zip version, strong encryption
    RuntimeError,  # an encrypted member
)
"""What :mod:`zipfile` raises, one way or another, for a damaged or unusual archive."""


def check_zip(
    data: bytes,
    fmt: str,
    *,
    kind: str = "a zip archive",
    limit: int = MAX_UNPACKED,
    xml_parts: bool = False,
) -> zipfile.ZipFile:
    """Open a zip archive, refusing it (naming the member) when it has more than
    :data:`MAX_MEMBERS` members or they unpack to more than ``limit`` bytes; with
    ``xml_parts`` (XLSX), also when an XML part has a document type declaration (an entity
    bomb for the spreadsheet library). :mod:`zipfile` refuses to unpack a member past its
    declared size, so the declared sizes bound what any later reader unpacks."""
    if len(data) > MAX_BYTES:
        refuse(fmt, "file", f"{_human(len(data))}, more than {_human(MAX_BYTES)}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        refuse(fmt, "archive", f"not {kind}: {exc}")
    if len(infos) > MAX_MEMBERS:
        refuse(fmt, "archive", f"{len(infos):,} members (at most {MAX_MEMBERS:,})")
    total = 0
    for info in infos:
        total += info.file_size
        if total > limit:
            refuse(
                fmt,
                f"archive member {info.filename}",
                f"the archive unpacks to more than {_human(limit)} (a zip bomb?)",
            )
    if xml_parts:
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                _check_xml_part(archive, info, fmt)
    return archive


# a spreadsheet row's number: a sheet may skip to row 1,048,576 in a few bytes, and a
# reader then produces every empty row in between
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=[\"'](\d+)")


def _check_xml_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, fmt: str) -> None:
    where = f"archive member {info.filename}"
    sheet = "/worksheets/" in info.filename
    try:
        with archive.open(info) as fh:
            for chunk in _chunks(fh):
                if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
                    refuse(
                        fmt, where, "a document type declaration (DTD, entities) is not accepted"
                    )
                rows = _ROW_NUMBER.findall(chunk) if sheet else ()
                if rows and max(map(int, rows)) > MAX_ROWS:
                    refuse(
                        fmt,
                        where,
                        f"a row numbered {max(map(int, rows)):,} (at most {MAX_ROWS:,} rows)",
                    )
    except ZIP_ERRORS as exc:
        refuse(fmt, f"archive member {info.filename}", f"damaged: {exc}")


def _chunks(fh: Any, size: int = 1 << 20) -> Iterator[bytes]:
    """Chunks that overlap by 64 bytes, so a marker split across two is still seen."""
    tail = b""
    while True:
        block = fh.read(size)
        if not block:
            return
        yield tail + block
        tail = block[-64:]


# ---------------------------------------------------------------- spreadsheet cells

_GUARDED = re.compile(r"'*[=+\-@\t\r]")


def neutralise_cell(text: str) -> str:
    """``text`` as a spreadsheet cell that no spreadsheet runs as a formula: prefixed with
    ``'`` when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP,
    "CSV Injection"), and also when it starts with quotes before one of those, so that
    :func:`restore_cell` gives back exactly ``text``."""
    return "'" + text if _GUARDED.match(text) else text


def restore_cell(text: str) -> str:
    """Inverse of :func:`neutralise_cell`: one leading ``'`` removed where it guards a
    formula character (a cell that only starts with ``'`` stays as it is)."""
    return text[1:] if text.startswith("'") and _GUARDED.match(text, 1) else text
