"""Actors, ties and the analysis graph built from them.

The engine's input is two plain column tables: :class:`Actors` (ids, sector, kind, date
joined) and :class:`Ties` (source and target positions in the actor table, type, weight,
start and end dates). :func:`build_graph` filters the ties by type and time window and
merges them into a simple weighted graph, the :class:`NetworkGraph` every metric reads.

Merging rules (so that every metric has one reading, the one NetworkX's ``Graph`` /
``DiGraph`` with a ``weight`` attribute has):

* Undirected (the default): ties between the same two actors, in either direction and of any
  type, become one edge whose weight is the sum of their weights (tie *strength*).
* Directed: ties with the same source and target become one arc, weights summed; ``a → b``
  and ``b → a`` stay two arcs.
* A tie from an actor to itself is dropped (and counted in ``self_loops``).

:func:`project_two_mode` turns affiliations (people ↔ organisations, people ↔ initiatives)
into one-mode ties between the members, following Newman (2001) for its weighted variant.

References
----------
.. [1] M. E. J. Newman, "Scientific collaboration networks. II. Shortest paths, weighted
   networks, and centrality", Phys. Rev. E 64, 016132 (2001).
.. [2] P. Holme and J. Saramäki, "Temporal networks", Physics Reports 519(3), 2012 — time
   windows over dated ties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from ..arrays import BoolArray, DateArray, FloatArray, IntArray, StrArray

__all__ = [
    "Actors",
    "Affiliations",
    "NetworkGraph",
    "Pairs",
    "Ties",
    "Window",
    "affiliations_from_ties",
    "build_graph",
    "project_two_mode",
]


DateLike = dt.date | str | np.datetime64 | None
Window = tuple[DateLike, DateLike]
"""A closed time window ``(start, end)``; ``None`` on either side leaves it open."""

_NAT = np.datetime64("NaT", "D")


def _dates(values: Iterable[Any] | None, n: int, name: str) -> DateArray:
    if values is None:
        return np.full(n, _NAT, dtype="datetime64[D]")
    try:
        out = np.asarray(
            values if isinstance(values, np.ndarray) else list(values),
            dtype="datetime64[D]",
        )
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}: not dates ({exc})") from exc
    if out.shape != (n,):
        raise ValueError(f"{name}: expected {n} values, got {out.shape}")
    return out


def _strings(values: Iterable[Any] | None, n: int, name: str) -> StrArray:
    if values is None:
        return np.full(n, "", dtype=np.str_)
    seq = values if isinstance(values, np.ndarray) else list(values)
    out = np.asarray(["" if v is None else str(v) for v in seq], dtype=np.str_)
    if n and out.shape != (n,):
        raise ValueError(f"{name}: expected {n} values, got {out.shape}")
    return out if n else np.zeros(0, dtype=np.str_)


def _date(value: DateLike) -> np.datetime64:
    return np.asarray([value], dtype="datetime64[D]")[0]  # None -> NaT


@dataclass(frozen=True, eq=False)
class Actors:
    """The actor table: one row per person or organisation.

    Build it with :meth:`create`; every column is a numpy array of the same length.
    ``sector`` and ``kind`` use ``""`` for unknown, ``joined`` uses ``NaT``.
    """

    ids: StrArray
    sector: StrArray
    kind: StrArray
    joined: DateArray

    @classmethod
    def create(
        cls,
        ids: Iterable[object],
        *,
        sector: Iterable[str | None] | None = None,
        kind: Iterable[str | None] | None = None,
        joined: Iterable[DateLike] | None = None,
    ) -> Actors:
        """Validate and convert columns; ids must be unique (they name actors in results)."""
        id_arr = np.asarray([str(i) for i in ids], dtype=np.str_)
        n = len(id_arr)
        if len(np.unique(id_arr)) != n:
            raise ValueError("actor ids must be unique")
        return cls(
            ids=id_arr,
            sector=_strings(sector, n, "sector"),
            kind=_strings(kind, n, "kind"),
            joined=_dates(joined, n, "joined"),
        )

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class Ties:
    """The tie table: dated, typed, weighted relations between actors.

    ``src`` and ``dst`` are positions in the :class:`Actors` table. ``weight`` is a strength
    (> 0, larger = stronger). ``start``/``end`` are the dates the tie began and ended
    (``NaT`` = unknown start / still going on).
    """

    src: IntArray
    dst: IntArray
    type: StrArray
    weight: FloatArray
    start: DateArray
    end: DateArray

    @classmethod
    def create(
        cls,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        *,
        type: Iterable[str] | str | None = None,  # noqa: A002 - the domain's word
        weight: npt.ArrayLike | None = None,
        start: Iterable[DateLike] | None = None,
        end: Iterable[DateLike] | None = None,
        n_actors: int | None = None,
    ) -> Ties:
        """Validate and convert columns (positive finite weights, start ≤ end, ids in range)."""
        s = np.asarray(src, dtype=np.int64).reshape(-1)
        d = np.asarray(dst, dtype=np.int64).reshape(-1)
        m = len(s)
        if d.shape != (m,) or s.ndim != 1:
            raise ValueError("src and dst must be 1-d and of equal length")
        if m and (s.min() < 0 or d.min() < 0):
            raise ValueError("src/dst must be non-negative actor positions")
        if n_actors is not None and m and max(s.max(), d.max()) >= n_actors:
            raise ValueError("src/dst refer to actors beyond the actor table")
        if isinstance(type, str):
            types = np.full(m, type, dtype=f"<U{max(len(type), 1)}")
        else:
            types = _strings(type, m, "type")
        w = np.ones(m) if weight is None else np.asarray(weight, dtype=np.float64).reshape(-1)
        if w.shape != (m,):
            raise ValueError("weight: one value per tie")
        if m and not (np.isfinite(w).all() and (w > 0).all()):
            raise ValueError("weights must be finite and > 0 (they are strengths)")
        st = _dates(start, m, "start")
        en = _dates(end, m, "end")
        both = ~np.isnat(st) & ~np.isnat(en)
        if (st[both] > en[both]).any():
            raise ValueError("a tie ends before it starts")
        return cls(src=s, dst=d, type=types, weight=w, start=st, end=en)

    def __len__(self) -> int:
        return len(self.src)


@dataclass(frozen=True)
class Pairs:
    """Each linked pair of actors once (``u < v``): the undirected reading of a graph.

    ``weight`` is the mutual weight ``w_uv + w_vu`` (Burt's and NetworkX's "mutual
    weight"); ``forward``/``backward`` say whether the arc ``u → v`` / ``v → u`` exists
    (both always true in an undirected graph).
    """

    u: IntArray
    v: IntArray
    weight: FloatArray
    forward: BoolArray
    backward: BoolArray


@dataclass(frozen=True, eq=False)
class NetworkGraph:
    """The simple weighted graph that every metric reads.

    Actors in the graph are numbered ``0..n-1`` locally; ``index[i]`` is local actor ``i``'s
    position in the :class:`Actors` table. Edges are merged ties (see module notes):
    undirected graphs keep ``src < dst``.
    """

    actors: Actors
    index: IntArray
    directed: bool
    src: IntArray
    dst: IntArray
    weight: FloatArray
    multiplicity: IntArray
    n_ties: int
    self_loops: int
    types: tuple[str, ...] | None
    window: tuple[dt.date | None, dt.date | None] | None
    ig: ig.Graph = field(repr=False)

    @property
    def n(self) -> int:
        """Number of actors in the graph."""
        return len(self.index)

    @property
    def m(self) -> int:
        """Number of merged edges (arcs when directed)."""
        return len(self.src)

    @property
    def ids(self) -> StrArray:
        return self.actors.ids[self.index]

    @cached_property
    def pairs(self) -> Pairs:
        """The undirected reading (see :class:`Pairs`); the edges themselves if undirected."""
        if not self.directed:
            every = np.ones(self.m, dtype=bool)
            return Pairs(self.src, self.dst, self.weight, every, every)
        n = max(self.n, 1)
        lo = np.minimum(self.src, self.dst)
        hi = np.maximum(self.src, self.dst)
        uniq, inv = np.unique(lo * n + hi, return_inverse=True)
        w = np.bincount(inv, weights=self.weight, minlength=len(uniq)).astype(np.float64)
        fwd = np.zeros(len(uniq), dtype=bool)
        bwd = np.zeros(len(uniq), dtype=bool)
        fwd[inv[self.src < self.dst]] = True
        bwd[inv[self.src > self.dst]] = True
        return Pairs((uniq // n).astype(np.int64), (uniq % n).astype(np.int64), w, fwd, bwd)

    @cached_property
    def undirected_ig(self) -> ig.Graph:
        """python-igraph graph of :attr:`pairs` (edge ``i`` is pair ``i``)."""
        if not self.directed:
            return self.ig
        p = self.pairs
        return ig.Graph(n=self.n, edges=list(zip(p.u.tolist(), p.v.tolist(), strict=True)))

    @property
    def sector(self) -> StrArray:
        return self.actors.sector[self.index]

    @property
    def kind(self) -> StrArray:
        return self.actors.kind[self.index]

    @property
    def joined(self) -> DateArray:
        return self.actors.joined[self.index]


def _in_window(start: DateArray, end: DateArray, lo: np.datetime64, hi: np.datetime64) -> BoolArray:
    """Ties active at some moment of ``[lo, hi]`` (open sides when NaT)."""
    keep = np.ones(len(start), dtype=bool)
    if not np.isnat(hi):
        keep &= np.isnat(start) | (start <= hi)
    if not np.isnat(lo):
        keep &= np.isnat(end) | (end >= lo)
    return keep


def _window_filter(
    ties: Ties, window: Window
) -> tuple[BoolArray, np.datetime64, tuple[dt.date | None, dt.date | None]]:
    """The ties active during ``window``, the window's end (NaT when open) and the window
    as dates (None for an open side)."""
    lo, hi = _date(window[0]), _date(window[1])
    if not np.isnat(lo) and not np.isnat(hi) and lo > hi:
        raise ValueError("window ends before it starts")
    win = (
        None if np.isnat(lo) else lo.astype(dt.date),
        None if np.isnat(hi) else hi.astype(dt.date),
    )
    return _in_window(ties.start, ties.end, lo, hi), hi, win


def build_graph(
    actors: Actors,
    ties: Ties,
    *,
    types: Iterable[str] | None = None,
    window: Window | None = None,
    directed: bool = False,
) -> NetworkGraph:
    """Filter ties by type and time window and merge them into a simple weighted graph.

    Parameters
    ----------
    actors, ties : the tables (see :class:`Actors`, :class:`Ties`).
    types : keep only ties of these types (``None`` = all).
    window : ``(start, end)``; keep ties active at some moment of the closed window: a tie
        ``[s, e]`` is kept when ``s ≤ end`` and ``e ≥ start`` (unknown ``s`` = since ever,
        unknown ``e`` = still going on). With a window, actors who joined after its end are
        left out — unless a kept tie involves them.
    directed : read ties as arcs ``src → dst`` (default: undirected).

    Returns
    -------
    NetworkGraph with merged weights (sums) and the python-igraph graph built once.

    Examples
    --------
    Two ties of one pair merge into one edge whose weight is their sum:

    >>> actors = Actors.create(["ana", "ben", "cy", "dee"])
    >>> kinds = ["collaborated", "funded", "referred", "collaborated"]
    >>> ties = Ties.create([0, 0, 1, 0], [1, 1, 2, 2], type=kinds, weight=[1, 2, 1, 1])
    >>> graph = build_graph(actors, ties)
    >>> graph.n, graph.m, graph.weight.tolist()
    (4, 3, [3.0, 1.0, 1.0])
    >>> build_graph(actors, ties, types={"collaborated"}).m
    2
    """
    if len(ties) and max(int(ties.src.max()), int(ties.dst.max())) >= len(actors):
        raise ValueError("ties refer to actors beyond the actor table")
    keep = np.ones(len(ties), dtype=bool)
    type_filter: tuple[str, ...] | None = None
    if types is not None:
        type_filter = tuple(sorted({types} if isinstance(types, str) else set(types)))
        keep &= np.isin(ties.type, np.asarray(type_filter, dtype=np.str_))
    hi: np.datetime64 = _NAT
    win: tuple[dt.date | None, dt.date | None] | None = None
    if window is not None:
        in_window, hi, win = _window_filter(ties, window)
        keep &= in_window
    s_all, d_all, w_all = ties.src[keep], ties.dst[keep], ties.weight[keep]
    n_ties = int(keep.sum())

    index = _present(actors, hi, s_all, d_all)
    local = np.full(len(actors), -1, dtype=np.int64)
    local[index] = np.arange(len(index))
    n = len(index)

    loops = s_all == d_all
    src, dst, weight, mult = _merge(
        local[s_all[~loops]], local[d_all[~loops]], w_all[~loops], n, directed
    )
    graph = ig.Graph(
        n=n, edges=list(zip(src.tolist(), dst.tolist(), strict=True)), directed=directed
    )
    return NetworkGraph(
        actors=actors,
        index=index,
        directed=directed,
        src=src,
        dst=dst,
        weight=weight,
        multiplicity=mult,
        n_ties=n_ties,
        self_loops=int(loops.sum()),
        types=type_filter,
        window=win,
        ig=graph,
    )


def _present(actors: Actors, hi: np.datetime64, s: IntArray, d: IntArray) -> IntArray:
    """The actors in the graph: all, or with a window ending at ``hi`` those who had joined
    by then and those a kept tie (``s → d``) involves."""
    present = np.ones(len(actors), dtype=bool)
    if not np.isnat(hi):
        present = np.isnat(actors.joined) | (actors.joined <= hi)
        present[s] = True
        present[d] = True
    return np.flatnonzero(present).astype(np.int64)


def _merge(
    s: IntArray, d: IntArray, w: FloatArray, n: int, directed: bool
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """Ties ``s → d`` of weight ``w`` merged into one edge per pair (per unordered pair when
    undirected): the edges' ends, summed weights and multiplicities."""
    if not directed:
        s, d = np.minimum(s, d), np.maximum(s, d)
    key = s * max(n, 1) + d
    uniq, inv = np.unique(key, return_inverse=True)
    src = (uniq // max(n, 1)).astype(np.int64)
    dst = (uniq % max(n, 1)).astype(np.int64)
    weight = np.bincount(inv, weights=w, minlength=len(uniq)).astype(np.float64)
    mult = np.bincount(inv, minlength=len(uniq)).astype(np.int64)
    return src, dst, weight, mult


@dataclass(frozen=True, eq=False)
class Affiliations:
    """A two-mode network: ``member[i]`` belongs to ``group[i]`` from ``start[i]`` to ``end[i]``.

    Members are positions in an :class:`Actors` table (e.g. people); groups are any integer
    ids ``0..n_groups-1`` (organisations, initiatives).
    """

    member: IntArray
    group: IntArray
    start: DateArray
    end: DateArray

    @classmethod
    def create(
        cls,
        member: npt.ArrayLike,
        group: npt.ArrayLike,
        *,
        start: Iterable[DateLike] | None = None,
        end: Iterable[DateLike] | None = None,
    ) -> Affiliations:
        """Validate and convert columns."""
        mem = np.asarray(member, dtype=np.int64).reshape(-1)
        grp = np.asarray(group, dtype=np.int64).reshape(-1)
        if mem.shape != grp.shape:
            raise ValueError("member and group must have equal length")
        if len(mem) and (mem.min() < 0 or grp.min() < 0):
            raise ValueError("member and group must be non-negative")
        st, en = _dates(start, len(mem), "start"), _dates(end, len(mem), "end")
        both = ~np.isnat(st) & ~np.isnat(en)
        if (st[both] > en[both]).any():
            raise ValueError("an affiliation ends before it starts")
        return cls(member=mem, group=grp, start=st, end=en)


def affiliations_from_ties(
    actors: Actors,
    ties: Ties,
    *,
    member_kind: str = "person",
    types: Iterable[str] | None = ("member_of",),
) -> Affiliations:
    """Read ties between an actor of ``member_kind`` and an actor of another kind as affiliations.

    The group id of each affiliation is the *other* actor's position in the actor table, so
    projected ties stay in that table's numbering. Ties between two members or two non-members
    are ignored.

    Examples
    --------
    >>> people = Actors.create(["ana", "ben", "oxfam"], kind=["person", "person", "organisation"])
    >>> affiliations = affiliations_from_ties(people, Ties.create([0, 1], [2, 2], type="member_of"))
    >>> affiliations.member.tolist(), affiliations.group.tolist()
    ([0, 1], [2, 2])
    """
    keep = np.ones(len(ties), dtype=bool)
    if types is not None:
        keep &= np.isin(ties.type, np.asarray(sorted(set(types)), dtype=np.str_))
    is_mem = actors.kind == member_kind
    a, b = ties.src[keep], ties.dst[keep]
    st, en = ties.start[keep], ties.end[keep]
    fwd = is_mem[a] & ~is_mem[b]
    rev = ~is_mem[a] & is_mem[b]
    member = np.concatenate([a[fwd], b[rev]])
    group = np.concatenate([b[fwd], a[rev]])
    return Affiliations(
        member=member,
        group=group,
        start=np.concatenate([st[fwd], st[rev]]),
        end=np.concatenate([en[fwd], en[rev]]),
    )


_FAR_PAST = np.datetime64("0001-01-01", "D")
_FAR_FUTURE = np.datetime64("9999-12-31", "D")


def _membership_hulls(aff: Affiliations) -> tuple[IntArray, IntArray, DateArray, DateArray]:
    """Repeated (member, group) memberships merged into their hull, sorted by group then
    member: members, groups, starts and ends (open ends as the far past and future)."""
    st = np.where(np.isnat(aff.start), _FAR_PAST, aff.start)
    en = np.where(np.isnat(aff.end), _FAR_FUTURE, aff.end)
    key = aff.group * (int(aff.member.max()) + 1) + aff.member
    uniq, inv = np.unique(key, return_inverse=True)
    st_u = np.full(len(uniq), _FAR_FUTURE)
    np.minimum.at(st_u, inv, st)
    en_u = np.full(len(uniq), _FAR_PAST)
    np.maximum.at(en_u, inv, en)
    mem = uniq % (int(aff.member.max()) + 1)
    grp = uniq // (int(aff.member.max()) + 1)
    return mem, grp, st_u, en_u


def project_two_mode(
    affiliations: Affiliations,
    *,
    method: Literal["count", "newman"] = "count",
    tie_type: str = "co_affiliated",
    max_pairs: int = 20_000_000,
) -> Ties:
    """Project a two-mode network onto its members: one tie per pair sharing a group.

    Each (pair, shared group) gives one tie, dated to the overlap of the two memberships
    (``start = max``, ``end = min``; pairs whose memberships never overlap give no tie).
    Repeated memberships of one member in one group are first merged into their hull.
    Weights:

    * ``"count"`` — 1 per shared group, so after :func:`build_graph` merges the ties the
      weight is the number of shared groups (NetworkX ``weighted_projected_graph``).
    * ``"newman"`` — ``1 / (k_g - 1)`` per shared group ``g`` of ``k_g`` members (Newman
      2001; NetworkX ``collaboration_weighted_projected_graph``).

    Raises ``ValueError`` when the projection would exceed ``max_pairs`` ties (a group of
    k members yields k(k-1)/2): filter very large groups first.

    Examples
    --------
    Actors 0 and 1 share group 2 (actor 1 is also in group 3): one tie.

    >>> ties = project_two_mode(Affiliations.create([0, 1, 1], [2, 2, 3]))
    >>> ties.src.tolist(), ties.dst.tolist(), ties.weight.tolist()
    ([0], [1], [1.0])
    """
    if method not in ("count", "newman"):
        raise ValueError("method must be 'count' or 'newman'")
    aff = affiliations
    if len(aff.member) == 0:
        return Ties.create([], [], type=tie_type)
    mem, grp, st_u, en_u = _membership_hulls(aff)
    # uniq is sorted by group then member: groups are contiguous runs
    bounds = np.flatnonzero(np.diff(grp)) + 1
    starts = np.concatenate([[0], bounds])
    sizes = np.diff(np.concatenate([starts, [len(grp)]]))
    n_pairs = int((sizes * (sizes - 1) // 2).sum())
    if n_pairs > max_pairs:
        raise ValueError(
            f"projection would create {n_pairs} ties (> max_pairs={max_pairs}); "
            "leave out the largest groups"
        )
    # all pairs (i < j) within each run, vectorised
    run_end = np.repeat(starts + sizes, sizes)
    cnt = run_end - np.arange(len(grp)) - 1
    first = np.repeat(np.arange(len(grp)), cnt)
    off = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    second = first + 1 + off
    p_start = np.maximum(st_u[first], st_u[second])
    p_end = np.minimum(en_u[first], en_u[second])
    ok = p_start <= p_end
    first, second, p_start, p_end = first[ok], second[ok], p_start[ok], p_end[ok]
    if method == "count":
        w = np.ones(len(first))
    else:
        k = np.repeat(sizes, sizes)[first]
        w = 1.0 / (k - 1)
    p_start = np.where(p_start == _FAR_PAST, _NAT, p_start)
    p_end = np.where(p_end == _FAR_FUTURE, _NAT, p_end)
    return Ties(
        src=mem[first].astype(np.int64),
        dst=mem[second].astype(np.int64),
        type=np.full(len(first), tie_type, dtype=f"<U{max(len(tie_type), 1)}"),
        weight=w.astype(np.float64),
        start=p_start.astype("datetime64[D]"),
        end=p_end.astype("datetime64[D]"),
    )
