"""Prior collaboration as a sparse graph, and the closeness of a small pool of actors in it.

The trust objective rewards teams whose members are close in the tie network: people who
worked together, or who share collaborators, communicate at lower cost (Lappas, Liu & Terzi,
KDD 2009, take the same view for expert teams). The whole network may hold 100,000 actors,
but the solver only ever asks about a pruned pool of a few hundred, so hop distances up to
three are computed by sparse products restricted to the pool: with ``A`` the adjacency
matrix and ``A_P`` its rows for the pool, ``A_P[:, P]`` gives distance 1, ``A_P A_P^T`` two
hops (a shared collaborator) and ``A_P A A_P^T`` three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ..arrays import FloatArray, IntArray

__all__ = ["CLOSENESS_BY_HOPS", "TieGraph", "pool_closeness", "pool_tied"]


#: Closeness credited to a pair at 1, 2 and 3 hops; further apart (or disconnected) is 0.
CLOSENESS_BY_HOPS: tuple[float, float, float] = (1.0, 0.5, 0.25)

_NO_YEAR = np.iinfo(np.int32).max


def _along(
    src: IntArray, values: npt.ArrayLike | None, name: str, dtype: type, fill: float
) -> npt.NDArray[Any]:
    """``values`` flat, one per tie of ``src`` (all ``fill`` when None)."""
    if values is None:
        return np.full(src.shape, fill, dtype=dtype)
    out: npt.NDArray[Any] = np.asarray(values, dtype=dtype).ravel()
    if out.shape != src.shape:
        raise ValueError(f"{name} must have the same length as source")
    return out


class TieGraph:
    """Undirected ties between actors (by actor id), with the earliest year of each pair.

    Parameters
    ----------
    source, target : array-like of int
        Actor ids of the two ends of each tie; direction is ignored, self-ties dropped,
        repeated pairs merged.
    year : array-like of int, optional
        Year each tie started (0 or negative for unknown); a merged pair keeps its earliest
        known year.
    strength : array-like of float, optional
        Trust each tie earns, in (0, 1] (default 1). Repeated ties of a pair combine as a
        noisy-or, ``1 - prod(1 - s)``, so each repetition earns less than the one before:
        ties made by co-engagement (strength 1/2 each) give 1/2, 3/4, 7/8, ... - trust grows
        with repeated work together, but with diminishing returns, which keeps the trust
        objective from locking a network into the same teams.

    Build it once per network (about 0.1 s per million ties) and share it between requests.
    """

    def __init__(
        self,
        source: npt.ArrayLike,
        target: npt.ArrayLike,
        year: npt.ArrayLike | None = None,
        strength: npt.ArrayLike | None = None,
    ) -> None:
        src = np.asarray(source, dtype=np.int64).ravel()
        dst = np.asarray(target, dtype=np.int64).ravel()
        if src.shape != dst.shape:
            raise ValueError("source and target must have the same length")
        yrs: IntArray = _along(src, year, "year", np.int64, 0)
        power: FloatArray = _along(src, strength, "strength", np.float64, 1.0)
        if not np.all(np.isfinite(power) & (power > 0) & (power <= 1)):
            raise ValueError("strength must lie in (0, 1]")
        keep = src != dst
        src, dst, yrs, power = src[keep], dst[keep], yrs[keep], power[keep]
        self.actor_ids: IntArray = np.unique(np.concatenate([src, dst]))
        n = len(self.actor_ids)
        u = np.searchsorted(self.actor_ids, src)
        v = np.searchsorted(self.actor_ids, dst)
        rows = np.concatenate([u, v])
        cols = np.concatenate([v, u])
        known = np.where(yrs > 0, yrs, _NO_YEAR)
        years = np.concatenate([known, known])
        doubt = 1.0 - np.concatenate([power, power])
        key = rows * max(n, 1) + cols
        order = np.lexsort((years, key))
        key, years, doubt = key[order], years[order], doubt[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        starts = np.flatnonzero(first)
        combined = 1.0 - np.multiply.reduceat(doubt, starts) if len(starts) else np.empty(0)
        key, years = key[first], years[first]
        r, c = key // max(n, 1), key % max(n, 1)
        self._adj = sp.csr_matrix(
            (np.ones(len(key), dtype=np.float64), (r, c)), shape=(n, n), dtype=np.float64
        )
        self._year = sp.csr_matrix(
            (np.where(years == _NO_YEAR, 0, years).astype(np.float64), (r, c)), shape=(n, n)
        )
        self._year.eliminate_zeros()  # unknown years read back as 0
        self._strength = sp.csr_matrix((combined, (r, c)), shape=(n, n), dtype=np.float64)

    @property
    def n_ties(self) -> int:
        """Number of distinct undirected pairs with a tie."""
        return int(self._adj.nnz // 2)

    def _rows(self, actor_ids: Sequence[int] | IntArray) -> tuple[IntArray, IntArray]:
        ids = np.asarray(actor_ids, dtype=np.int64)
        pos = np.searchsorted(self.actor_ids, ids)
        pos = np.clip(pos, 0, max(len(self.actor_ids) - 1, 0))
        present = (self.actor_ids[pos] == ids) if len(self.actor_ids) else np.zeros(len(ids), bool)
        return np.flatnonzero(present), pos[present]

    def hops(self, actor_ids: Sequence[int] | IntArray, max_hops: int = 3) -> IntArray:
        """Hop distances (1..``max_hops``) between the given actors; 0 on the diagonal.

        Pairs further apart than ``max_hops`` (or not connected, or absent from the graph)
        get ``max_hops + 1``. ``max_hops`` is 1, 2 or 3.
        """
        if max_hops not in (1, 2, 3):
            raise ValueError("max_hops must be 1, 2 or 3")
        p = len(actor_ids)
        out = np.full((p, p), max_hops + 1, dtype=np.int64)
        idx, rows = self._rows(actor_ids)
        if len(rows):
            a_p = self._adj[rows]
            reach = [
                (a_p[:, rows] > 0).toarray(),
            ]
            if max_hops >= 2:
                reach.append(((a_p @ a_p.T) > 0).toarray())
            if max_hops >= 3:
                reach.append((((a_p @ self._adj) @ a_p.T) > 0).toarray())
            sub = np.full((len(rows), len(rows)), max_hops + 1, dtype=np.int64)
            for hop in range(len(reach), 0, -1):
                sub[reach[hop - 1]] = hop
            out[np.ix_(idx, idx)] = sub
        np.fill_diagonal(out, 0)
        return out

    def strength(self, actor_ids: Sequence[int] | IntArray) -> FloatArray:
        """Combined strength (0 when untied) of the direct ties among the given actors."""
        p = len(actor_ids)
        out = np.zeros((p, p))
        idx, rows = self._rows(actor_ids)
        if len(rows):
            out[np.ix_(idx, idx)] = self._strength[rows][:, rows].toarray()
        np.fill_diagonal(out, 0.0)
        return out

    def direct(self, actor_ids: Sequence[int] | IntArray) -> tuple[npt.NDArray[np.bool_], IntArray]:
        """Direct ties among the given actors, and the earliest known year of each (0 unknown)."""
        p = len(actor_ids)
        tied = np.zeros((p, p), dtype=bool)
        years = np.zeros((p, p), dtype=np.int64)
        idx, rows = self._rows(actor_ids)
        if len(rows):
            tied[np.ix_(idx, idx)] = (self._adj[rows][:, rows] > 0).toarray()
            years[np.ix_(idx, idx)] = self._year[rows][:, rows].toarray().astype(np.int64)
        np.fill_diagonal(tied, False)
        return tied, years


def pool_tied(
    ties: TieGraph | Callable[[int, int], float] | Mapping[tuple[int, int], float] | None,
    actor_ids: Sequence[int] | IntArray,
    closeness: FloatArray,
) -> npt.NDArray[np.bool_]:
    """Whether each pair of ``actor_ids`` has worked together (a direct tie).

    From a :class:`TieGraph` its direct ties; otherwise the pairs of ``closeness`` 1.
    """
    if isinstance(ties, TieGraph):
        return ties.direct(actor_ids)[0]
    return np.asarray(closeness >= 1.0 - 1e-9, dtype=bool)


def pool_closeness(
    ties: TieGraph | Callable[[int, int], float] | Mapping[tuple[int, int], float] | None,
    actor_ids: Sequence[int] | IntArray,
) -> FloatArray:
    """Pairwise closeness in [0, 1] among ``actor_ids`` (symmetric, zero diagonal).

    A :class:`TieGraph` gives :data:`CLOSENESS_BY_HOPS` by hop distance, a direct tie
    counting its strength (see :class:`TieGraph`); a callable or a
    mapping ``{(a, b): closeness}`` is used as given (clipped to [0, 1], either order of the
    pair); None gives zeros.
    """
    ids = [int(a) for a in actor_ids]
    p = len(ids)
    if ties is None or p == 0:
        return np.zeros((p, p))
    if isinstance(ties, TieGraph):
        hop = ties.hops(ids, 3)
        table = np.array([0.0, *CLOSENESS_BY_HOPS, 0.0])
        out = table[hop]
        direct = hop == 1
        if direct.any():
            out = np.where(direct, ties.strength(ids) * CLOSENESS_BY_HOPS[0], out)
    else:
        out = np.zeros((p, p))
        for i in range(p):
            for j in range(i + 1, p):
                if isinstance(ties, Mapping):
                    val = ties.get((ids[i], ids[j]), ties.get((ids[j], ids[i]), 0.0))
                else:
                    val = ties(ids[i], ids[j])
                out[i, j] = out[j, i] = float(val)
        out = np.nan_to_num(out, nan=0.0, posinf=1.0, neginf=0.0)
    out = np.clip(out, 0.0, 1.0)
    np.fill_diagonal(out, 0.0)
    return out
