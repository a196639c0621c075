"""The bundle's core: a section declared once, and its export, checks and import derived from it.

A :class:`Section` is one table of the bundle: its model, its fields (:class:`Col`: the key in
the bundle, the row schema's type, the table's columns, and how the value is read, written and
checked), the key other rows name it by, what a share leaves out, and its rules. Nested rows
(an actor's capabilities, a conversation's votes) are sections too, under a ``nested`` field.

- export (:func:`export_rows`) reads a section's columns of one network in id order, column by
  column, and writes references as the bundle's own keys (``ref``, a position, a term);
- check (:func:`check_rows`) names every dangling reference, duplicate and broken rule of a
  row by its place (``actors[3].capabilities[0].term``);
- import (:func:`load_rows`) writes the checked rows in bulk, references turned into the new
  ids (:mod:`.bulk`).

References go backwards only: a section names sections declared before it (or earlier siblings
in the same parent), so one pass in order reads, checks and writes a whole bundle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import repeat
from operator import itemgetter
from typing import Annotated, Any, cast

from pydantic import ConfigDict, NaiveDatetime, with_config
from pydantic import Field as Spec
from sqlalchemy import select
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from ... import clock
from .bulk import insert, insert_numbered

PARENT = "^"  # a qualified reference (``Col.by``) that names a row of the same parent
TOP: Any = object()  # the "parent" of a top-level row


@dataclass
class BundleProblem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def now() -> datetime:
    """The time of import, for a timestamp the bundle leaves out.

    UTC without a zone, as the store's own defaults write it (see :mod:`coalition.clock`).
    """
    return clock.utcnow()


@dataclass
class Exporting:
    """What an export knows while it runs: which keys the rows already written have."""

    db: Session
    network_id: int
    include_private: bool
    index: dict[str, dict[int, Any]] = field(default_factory=dict)  # section: db id -> key
    hidden: set[int] = field(default_factory=set)  # actors a share holds as placeholders

    @property
    def share(self) -> bool:
        return not self.include_private


@dataclass
class Importing:
    """What an import knows while it runs: the new id of each row named by its bundle key."""

    db: Session
    network_id: int
    now: datetime
    ids: dict[str, dict[Any, int]] = field(default_factory=dict)
    numbered: frozenset[str] = frozenset()  # sections whose rows others name


@dataclass
class Checking:
    """What the checks know: the parsed bundle and the keys of every section."""

    parsed: Mapping[str, list[Any]]
    keys: dict[str, Any] = field(default_factory=dict)  # section: set (or range) of keys
    memo: dict[str, Any] = field(default_factory=dict)


@dataclass
class Batch:
    """Rows of one section on their way into the database; nested rows know their parent."""

    rows: list[Any]
    parent_ids: list[int] | None = None
    parent_keys: list[Any] | None = None
    positions: list[int] | None = None  # a nested row's place in its parent's list


Columns = Mapping[str, Sequence[Any]]
Out = Callable[[Columns, Exporting], Sequence[Any]]
Into = Callable[[Batch, Importing], list[list[Any]]]
# A rule of one row: (where in the row: "" for the row itself or a field's path, reason).
RowCheck = Callable[[Any, Checking], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Col:
    """One field of a section: its key in the bundle and the table's columns behind it."""

    key: str | None  # None: a column the bundle does not carry (computed on import)
    type: Any = None  # the row schema's annotation
    columns: tuple[str, ...] = ()
    out: Out | None = None  # the value in the bundle, from the columns read
    into: Into | None = None  # one list per column, from the bundle's rows
    to: str | None = None  # a reference: the section whose key it holds
    by: str | None = None  # qualified: the key is (row[by] or the parent's key, value)
    optional: bool = False
    section: Section | None = None  # nested rows
    check: RowCheck | None = None


@dataclass(frozen=True)
class Unique:
    """No two rows (of one parent, for nested rows) with the same values of ``keys``."""

    keys: tuple[str, ...]
    reason: str  # may name the row's values: "duplicate ref {ref}"
    at: str = ""  # the field the problem is reported on ("" = the row)
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Section:
    """One table of the bundle, declared once."""

    name: str  # the key in the bundle (or in the parent's rows)
    model: Any
    fields: tuple[Col, ...]
    key: str | None = None  # the field other rows name it by; None: its position
    missing: str = "no row {value} in {name}"  # a reference to a row it does not have
    parent: str | None = None  # nested: the column that holds the parent's id
    scope: Callable[[int], Any] | None = None  # top level: this network's rows (network_id)
    order_by: tuple[str, ...] = ("id",)
    sort: Callable[[Any], Any] | None = None  # rows are written in this order
    scalar: str | None = None  # rows are this field's value, not objects
    private: bool = False  # a share leaves the whole section out
    share_where: Callable[[], Any] | None = None  # a share holds only these rows
    share_keep: Callable[[Mapping[str, Any], Exporting], bool] | None = None
    share: Callable[[list[dict[str, Any]], Columns, Exporting], list[dict[str, Any]]] | None = None
    unique: tuple[Unique, ...] = ()
    rules: tuple[RowCheck, ...] = ()  # per-row rules beyond references
    checks: tuple[Callable[[Checking], Iterator[BundleProblem]], ...] = ()  # whole section
    constants: tuple[tuple[str, Any], ...] = ()  # columns every imported row gets
    distinct: bool = False  # scalar rows: each value once
    left_out: tuple[str, ...] = ()  # the table's columns a bundle does not carry, on purpose
    row: Any = None  # the row schema; None: a typed dict of the fields' types
    # Once the rows are in (their ids known): links between rows of the section itself.
    after: Callable[[Batch, Importing], None] | None = None

    @property
    def nested(self) -> tuple[Col, ...]:
        return tuple(f for f in self.fields if f.section is not None)

    @property
    def table(self) -> Any:
        return self.model.__table__


# ---------------------------------------------------------------- fields

_ROW = ConfigDict(strict=True, extra="forbid")
row_config = with_config(_ROW)  # a typed dict row: strict, no unknown keys

# Timestamps are naive ISO 8601, as stored.
Stamp = Annotated[NaiveDatetime | None, Spec(default=None)]  # absent: the time of import
Text = Annotated[str, Spec(default="")]


def _take(key: str) -> Into:
    return lambda batch, _: [list(map(itemgetter(key), batch.rows))]


def val(key: str, type: Any, column: str | None = None) -> Col:
    """A value kept as it is."""
    name = column or key
    return Col(key, type, (name,), lambda c, _: c[name], _take(key))


def flag(key: str, type: Any = Annotated[bool, Spec(default=False)]) -> Col:
    """A yes/no, stored as 0/1."""
    return Col(
        key,
        type,
        (key,),
        lambda c, _: [bool(v) for v in c[key]],
        lambda b, _: [[int(r[key]) for r in b.rows]],
    )


def iso(v: Any) -> str | None:
    return v.isoformat() if v is not None else None


def day(key: str, type: Any) -> Col:
    """A date or a (naive) timestamp, ISO 8601 in the bundle."""
    return Col(key, type, (key,), lambda c, _: [iso(v) for v in c[key]], _take(key))


def created(key: str = "created_at", type: Any = Stamp) -> Col:
    """A timestamp that is the time of import when the bundle leaves it out."""
    return Col(
        key,
        type,
        (key,),
        lambda c, _: [iso(v) for v in c[key]],
        lambda b, ctx: [[r[key] or ctx.now for r in b.rows]],
    )


def copied(key: str, type: Any, kind: type = list) -> Col:
    """A JSON list or object, written as a copy (empty when the column is empty)."""
    return Col(key, type, (key,), lambda c, _: [kind(v or kind()) for v in c[key]], _take(key))


def computed(column: str, value: Callable[[Any], Any]) -> Col:
    """A column the bundle does not carry: computed from the row on import."""
    return Col(None, None, (column,), None, lambda b, _: [[value(r) for r in b.rows]])


def position(column: str) -> Col:
    """A nested row's place in its parent's list, stored so it is read back in that order."""
    return Col(None, None, (column,), None, lambda b, _: [list(b.positions or ())])


def counted(key: str = "ref") -> Col:
    """The row's number in its section, 1..N in id order (a ``ref``)."""
    return Col(
        key,
        Annotated[int, Spec(ge=1)],
        (),
        lambda c, _: range(1, len(c["id"]) + 1),
    )


def ref(
    key: str,
    to: str,
    column: str,
    *,
    optional: bool = False,
    by: str | None = None,
    type: Any = None,
) -> Col:
    """A reference to a row of section ``to`` by its key (a ``ref``, a position, a term).

    ``by`` qualifies the key: a role is ``(initiative, position)``; ``PARENT`` names a row of
    the same parent (a vote's participant in its conversation).
    """
    type_: Any = type or (Annotated[int | None, Spec(default=None)] if optional else int)

    def out(c: Columns, ctx: Exporting) -> list[Any]:
        index = ctx.index[to]
        if optional:
            return [index.get(v) if v is not None else None for v in c[column]]
        return [index[v] for v in c[column]]

    def into(b: Batch, ctx: Importing) -> list[list[Any]]:
        ids = ctx.ids.get(to, {})
        values = [r[key] for r in b.rows]
        if by is None:
            return [[ids[v] if v is not None else None for v in values]]
        quals = b.parent_keys if by == PARENT else [r[by] for r in b.rows]
        assert quals is not None
        return [
            [ids[(q, v)] if v is not None else None for q, v in zip(quals, values, strict=True)]
        ]

    return Col(key, type_, (column,), out, into, to=to, by=by, optional=optional)


def nested(key: str, section: Section) -> Col:
    """Rows of another table held in this row's ``key`` (exported with their parent)."""
    child: Any = section.row if section.row is not None else row_schema(section)
    return Col(key, Annotated[list[child], Spec(default_factory=list)], section=section)


_SCHEMAS: dict[int, Any] = {}


def row_schema(section: Section) -> Any:
    """The validation schema of a section's rows: a typed dict of its fields' types.

    Typed dicts, not models: building a model instance per row cost about four times as much
    (tens of seconds at 100,000 actors).
    """
    if section.row is not None:
        return section.row
    if id(section) in _SCHEMAS:
        return _SCHEMAS[id(section)]
    if section.scalar is not None:
        (only,) = (f for f in section.fields if f.key == section.scalar)
        schema: Any = only.type
    else:
        annotations = {f.key: f.type for f in section.fields if f.key is not None}
        schema = cast(Any, TypedDict)(f"Bundle_{section.name}", annotations)
        schema.__pydantic_config__ = _ROW
    _SCHEMAS[id(section)] = schema
    return schema


# ---------------------------------------------------------------- export


def _read(section: Section, ctx: Exporting, where: Any) -> dict[str, Sequence[Any]]:
    """The section's columns of the rows ``where`` selects (a share's choice applied)."""
    table = section.table
    names = ["id"] if "id" in table.c else []
    if section.parent is not None:
        names.append(section.parent)
    for f in section.fields:
        if f.out is not None:
            names += [c for c in f.columns if c not in names]
    stmt = select(*(table.c[n] for n in names)).where(where)
    if ctx.share and section.share_where is not None:
        stmt = stmt.where(section.share_where())
    if section.order_by:
        stmt = stmt.order_by(*(table.c[n] for n in section.order_by))
    rows: Sequence[Any] = ctx.db.execute(stmt).all()
    if ctx.share and section.share_keep is not None:
        keep = section.share_keep
        rows = [r for r in rows if keep(r._mapping, ctx)]
    if not rows:
        return {n: () for n in names}
    return dict(zip(names, zip(*rows, strict=True), strict=True))


def export_rows(section: Section, ctx: Exporting, where: Any) -> tuple[list[Any], Columns]:
    """The rows of ``section`` that ``where`` selects, as the bundle writes them."""
    if section.private and ctx.share:
        return [], {"id": (), **({section.parent: ()} if section.parent else {})}
    cols = _read(section, ctx, where)
    keys: list[str] = []
    values: list[Sequence[Any]] = []
    for f in section.fields:
        if f.key is None:
            continue
        keys.append(f.key)
        if f.section is not None:
            values.append(_children(f.section, section, ctx, where, cols))
        else:
            assert f.out is not None
            values.append(f.out(cols, ctx))
    rows: list[Any] = [dict(zip(keys, v, strict=True)) for v in zip(*values, strict=True)]
    if ctx.share and section.share is not None:
        rows = section.share(rows, cols, ctx)
    if section.scalar is not None:
        rows = [r[section.scalar] for r in rows]
    return rows, cols


def _children(
    child: Section, parent: Section, ctx: Exporting, where: Any, cols: Columns
) -> list[list[Any]]:
    """The nested rows of each parent row, in the parent rows' order."""
    assert child.parent is not None
    ids = select(parent.table.c.id).where(where)
    rows, child_cols = export_rows(child, ctx, child.table.c[child.parent].in_(ids))
    ids_of = child_cols.get("id") or repeat(None)
    groups: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    for owner, row_id, row in zip(child_cols[child.parent], ids_of, rows, strict=False):
        groups[owner].append((row_id, row))
    index = ctx.index.setdefault(child.name, {})
    out = []
    for owner in cols["id"]:
        group = groups.get(owner, [])
        if child.sort is not None:
            sort = child.sort
            group.sort(key=lambda pair: sort(pair[1]))
        for n, (row_id, row) in enumerate(group):
            if row_id is not None:
                index[row_id] = row[child.key] if child.key else n
        out.append([row for _, row in group])
    return out


def export_section(section: Section, ctx: Exporting) -> list[Any]:
    """A top-level section of the network; its rows' keys are remembered for later sections."""
    net = ctx.network_id
    where = section.scope(net) if section.scope else section.table.c.network_id == net
    rows, cols = export_rows(section, ctx, where)
    pairs = list(zip(cols.get("id") or [None] * len(rows), rows, strict=True))
    if section.sort is not None:
        sort = section.sort
        pairs.sort(key=lambda pair: sort(pair[1]))
    key = section.key
    ctx.index[section.name] = {
        row_id: (row[key] if key else n) for n, (row_id, row) in enumerate(pairs)
    }
    return [row for _, row in pairs]


# ---------------------------------------------------------------- check


def register(
    section: Section,
    rows: Sequence[Any],
    ctx: Checking,
    owners: Sequence[Any] | None = None,
    places: Sequence[int] | None = None,
) -> None:
    """The keys of a section's rows (and of their nested rows), before anything is checked.

    Nested rows come with their parent's key (``owners``) and their place in its list."""
    if owners is None and not section.key and not section.nested:
        ctx.keys[section.name] = range(len(rows))  # named by position only
        return
    if owners is not None and not section.nested and section.name not in _named():
        return  # nested rows nothing names (an actor's capabilities)
    of = owners if owners is not None else [TOP] * len(rows)
    at = places if places is not None else range(len(rows))
    keys = [_key_of(section, row, n, o) for row, n, o in zip(rows, at, of, strict=True)]
    ctx.keys[section.name] = range(len(rows)) if owners is None and not section.key else set(keys)
    for f in section.nested:
        assert f.section is not None and f.key is not None
        lists = [row[f.key] for row in rows]  # scalar rows have no key of their own
        register(
            f.section,
            [c for children in lists for c in children],
            ctx,
            [k for k, children in zip(keys, lists, strict=True) for _ in children],
            [m for children in lists for m in range(len(children))],
        )


@cache
def _named() -> frozenset[str]:
    """The sections some reference names."""
    return frozenset(f.to for s in SECTIONS_BY_NAME.values() for f in s.fields if f.to)


def _key_of(section: Section, row: Any, n: int, owner: Any) -> Any:
    """A row's key: its own (``ref``, term, position), after its parent's for nested rows."""
    own = row[section.key] if section.key else n
    return own if owner is TOP else (owner, own)


def _as_rows(section: Section, rows: Sequence[Any]) -> list[Any]:
    return [{section.scalar: v} for v in rows] if section.scalar is not None else list(rows)


def check_rows(section: Section, rows: Sequence[Any], ctx: Checking) -> Iterator[BundleProblem]:
    """Every problem of a top-level section, in row order, then the section's own checks."""
    problems = _problems(section, rows, ctx, lambda n: f"{section.name}[{n}]")
    for n in sorted(problems):
        yield from problems[n]
    for whole in section.checks:
        yield from whole(ctx)


def _problems(
    section: Section,
    rows: Sequence[Any],
    ctx: Checking,
    place: Callable[[int], str],
    owners: Sequence[Any] | None = None,
    positions: Sequence[int] | None = None,
) -> dict[int, list[BundleProblem]]:
    """The problems of each row that has some (references, nested rows, duplicates, rules).

    Nested rows of all parents are checked together and their problems filed under their
    parent, so a parent's problems read in the order of its fields."""
    rows = _as_rows(section, rows)
    inner = {}
    if section.nested:
        own = [
            _key_of(section, row, positions[n] if positions else n, owners[n] if owners else TOP)
            for n, row in enumerate(rows)
        ]
        inner = {f.key: _nested_problems(f, rows, own, ctx, place) for f in section.nested}
    steps = [(f, ctx.keys[f.to] if f.to else None) for f in section.fields if f.to or f.section]
    uniques = [(u, set[tuple[Any, ...]]()) for u in section.unique]
    rules = [f.check for f in section.fields if f.check] + list(section.rules)
    out: dict[int, list[BundleProblem]] = {}
    for n, row in enumerate(rows):
        owner = owners[n] if owners is not None else TOP
        found: list[Any] = []  # (where in the row, reason), or a nested row's problem
        for f, keys in steps:
            if keys is not None:
                value = row[f.key]
                if value is not None and not (f.by is None and value in keys):
                    if _dangling(section, f, value, row, ctx, owner):
                        found.append(("" if section.scalar else f.key, _missing(f, value)))
            elif n in inner[f.key]:
                found += inner[f.key][n]
        for u, values in uniques:
            value = (owner, *(row[k] for k in u.keys))
            if (u.when is not None and not u.when(row)) or None in value:
                continue
            if value in values:
                found.append((u.at, u.reason.format(**row)))
            values.add(value)
        for rule in rules:
            found += rule(row, ctx)
        if found:
            here = place(n)
            out[n] = [_problem(here, x) for x in found]
    return out


def _missing(f: Col, value: Any) -> str:
    assert f.to is not None
    return SECTIONS_BY_NAME[f.to].missing.format(value=value, name=f.to)


def _problem(here: str, found: Any) -> BundleProblem:
    if isinstance(found, BundleProblem):
        return found
    at, reason = found
    return BundleProblem(f"{here}.{at}" if at else here, reason)


def _nested_problems(
    f: Col, rows: Sequence[Any], keys: Sequence[Any], ctx: Checking, place: Callable[[int], str]
) -> dict[int, list[BundleProblem]]:
    """The problems of the rows nested in ``rows``' field ``f``, filed under their parent."""
    assert f.section is not None and f.key is not None
    children: list[Any] = []
    parent: list[int] = []
    places: list[int] = []
    for n, row in enumerate(rows):
        for m, child in enumerate(row[f.key]):
            children.append(child)
            parent.append(n)
            places.append(m)
    found = _problems(
        f.section,
        children,
        ctx,
        lambda i: f"{place(parent[i])}.{f.key}[{places[i]}]",
        [keys[n] for n in parent],
        places,
    )
    out: dict[int, list[BundleProblem]] = defaultdict(list)
    for i in sorted(found):
        out[parent[i]] += found[i]
    return out


def _dangling(
    section: Section, f: Col, value: Any, row: Any, ctx: Checking, parent_key: Any
) -> bool:
    """Whether a reference names no row (a qualified one only once its qualifier exists)."""
    assert f.to is not None
    key = value
    if f.by == PARENT:
        key = (parent_key, value)
    elif f.by is not None:
        qualifier = row[f.by]
        (by,) = (g for g in section.fields if g.key == f.by)
        if by.to is not None and qualifier not in ctx.keys[by.to]:
            return False  # its own reference is reported
        key = (qualifier, value)
    return key not in ctx.keys[f.to]


SECTIONS_BY_NAME: dict[str, Section] = {}  # filled by the sections' registry


# ---------------------------------------------------------------- import


def load_rows(section: Section, batch: Batch, ctx: Importing) -> None:
    """Write a section's checked rows (then their nested rows) in bulk; remember their ids."""
    batch = Batch(
        _as_rows(section, batch.rows), batch.parent_ids, batch.parent_keys, batch.positions
    )
    if section.distinct:
        batch = _distinct(batch)
    rows = batch.rows
    columns: list[str] = []
    values: list[list[Any]] = []
    if "network_id" in section.table.c:
        columns.append("network_id")
        values.append([ctx.network_id] * len(rows))
    if section.parent is not None:
        columns.append(section.parent)
        values.append(list(batch.parent_ids or ()))
    for f in section.fields:
        if f.into is not None:
            columns += f.columns
            values += f.into(batch, ctx)
    for column, constant in section.constants:
        columns.append(column)
        values.append([constant] * len(rows))
    if section.nested or section.key or section.name in ctx.numbered:
        first = insert_numbered(ctx.db, section.model, columns, values)
        owners = batch.parent_keys if batch.parent_keys is not None else [TOP] * len(rows)
        places = batch.positions if batch.positions is not None else range(len(rows))
        keys = [
            _key_of(section, row, n, owner)
            for row, n, owner in zip(rows, places, owners, strict=True)
        ]
        ctx.ids[section.name] = {k: first + n for n, k in enumerate(keys)}
        for f in section.nested:
            _load_children(f, rows, keys, first, ctx)
    else:
        insert(ctx.db, section.model, columns, values)
    if section.after is not None:
        section.after(batch, ctx)


def _load_children(f: Col, rows: list[Any], keys: list[Any], first: int, ctx: Importing) -> None:
    assert f.section is not None and f.key is not None
    children: list[Any] = []
    ids: list[int] = []
    owners: list[Any] = []
    positions: list[int] = []
    for n, (row, key) in enumerate(zip(rows, keys, strict=True)):
        for m, child in enumerate(row[f.key]):
            children.append(child)
            ids.append(first + n)
            owners.append(key)
            positions.append(m)
    load_rows(f.section, Batch(children, ids, owners, positions), ctx)


def _distinct(batch: Batch) -> Batch:
    seen: set[tuple[Any, Any]] = set()
    keep = []
    for n, (row, owner) in enumerate(zip(batch.rows, batch.parent_ids or (), strict=False)):
        mark = (owner, tuple(row.values()))
        if mark not in seen:
            seen.add(mark)
            keep.append(n)
    return Batch(
        [batch.rows[n] for n in keep],
        [batch.parent_ids[n] for n in keep] if batch.parent_ids is not None else None,
        [batch.parent_keys[n] for n in keep] if batch.parent_keys is not None else None,
        [batch.positions[n] for n in keep] if batch.positions is not None else None,
    )
