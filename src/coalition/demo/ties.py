"""The demo's affiliations (employment and memberships) and recorded ties."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engines.arrays import BoolArray, FloatArray, IntArray
from . import vocab
from .population import (
    _FUNDER,
    _INDEPENDENT,
    _K,
    _KIND_MIX,
    _SECTORS,
    _TIE_KINDS,
    _TIES_PER_ACTOR,
    _Calendar,
    _World,
)
from .profiles import _pick

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------- affiliations


@dataclass
class _Affiliation:
    actor: int
    organisation: int
    role_title: str
    representative: bool
    start: int
    end: int | None

    def record(self, cal: _Calendar) -> dict[str, Any]:
        return {
            "actor": self.actor + 1,
            "organisation": self.organisation + 1,
            "role_title": self.role_title,
            "representative": self.representative,
            "start_date": cal.day(self.start),
            "end_date": None if self.end is None else cal.day(self.end),
        }


_AFFILIATION_COUNT_CUM = list(accumulate((12, 33, 30, 17, 8)))  # 0..4 besides employment


def _affiliations(
    world: _World, rng: random.Random, cal: _Calendar
) -> tuple[list[_Affiliation], list[dict[str, Any]]]:
    """People's ties of belonging to organisations, and the ``member_of`` ties they imply."""
    orgs = np.flatnonzero(world.is_org)
    out: list[_Affiliation] = []
    ties: list[dict[str, Any]] = []
    if orgs.size == 0:
        return out, ties
    weight = world.fitness[orgs] + 0.2  # isolated organisations still have members
    by_region = [orgs[world.region[orgs] == r] for r in range(3)]
    cum_region = [list(accumulate((world.fitness[by_region[r]] + 0.2).tolist())) for r in range(3)]
    cum_all = list(accumulate(weight.tolist()))
    by_sector_region: dict[tuple[int, int], list[int]] = {}
    by_sector: dict[int, list[int]] = {}
    for o in orgs.tolist():
        s, r = int(world.sector[o]), int(world.region[o])
        by_sector_region.setdefault((s, r), []).append(o)
        by_sector.setdefault(s, []).append(o)
    has_rep: set[int] = set()
    span = cal.span
    for i in np.flatnonzero(~world.is_org).tolist():
        s, r = int(world.sector[i]), int(world.region[i])
        chosen: dict[int, str] = {}
        if s != _INDEPENDENT:
            pool = by_sector_region.get((s, r)) or by_sector.get(s) or orgs.tolist()
            chosen[rng.choice(pool)] = rng.choice(vocab.SECTOR_JOB_TITLES[_SECTORS[s]])
        for _ in range(_pick(rng, _AFFILIATION_COUNT_CUM)):
            if rng.random() < 0.7 and by_region[r].size:
                o = int(by_region[r][_pick(rng, cum_region[r])])
            else:
                o = int(orgs[_pick(rng, cum_all)])
            chosen.setdefault(o, rng.choice(vocab.AFFILIATION_TITLES))
        for rank, (o, title) in enumerate(chosen.items()):
            representative = rank == 0 and s != _INDEPENDENT and o not in has_rep
            if representative:
                has_rep.add(o)
            start = rng.randint(-3 * 365, max(-3 * 365, span - 30))
            end = None
            if rng.random() < 0.12 and start + 90 <= span - 1:
                end = rng.randint(start + 90, span - 1)
            out.append(_Affiliation(i, o, title, representative, start, end))
            if title == "Member" and not world.isolate[i] and not world.isolate[o]:
                tie_start = max(start, int(world.joined[i]), int(world.joined[o]), 0)
                if end is not None and end < tie_start:
                    continue
                ties.append(
                    {
                        "source": i + 1,
                        "target": o + 1,
                        "kind": "member_of",
                        "weight": float(rng.choice((1.0, 1.5, 2.0, 2.5, 3.0))),
                        "start_date": cal.day(min(tie_start, span)),
                        "end_date": None if end is None else cal.day(end),
                        "note": "Member",
                        "origin": "import" if tie_start < span - 730 else "recorded",
                        "initiative": None,
                    }
                )
    return out, ties


# --------------------------------------------------------------------------- recorded ties


def _sample_within(
    groups: IntArray,
    n_groups: int,
    weight: FloatArray,
    wanted: IntArray,
    nrng: np.random.Generator,
) -> tuple[IntArray, BoolArray]:
    """For each entry of ``wanted`` (a group), an actor of that group drawn by ``weight``.

    Returns the actors and a mask of the entries whose group had no weight at all.
    """
    order = np.argsort(groups, kind="stable")
    cum = np.cumsum(weight[order])
    # Group boundaries read off the same cumulative sums, so a draw never leaves its group.
    bounds = np.concatenate(([0], np.cumsum(np.bincount(groups, minlength=n_groups))))
    cum0 = np.concatenate(([0.0], cum))
    starts, ends = cum0[bounds[:-1]], cum0[bounds[1:]]
    totals = ends - starts
    r = starts[wanted] + nrng.random(wanted.size) * totals[wanted]
    pos = np.minimum(np.searchsorted(cum, r, side="right"), len(order) - 1)
    return order[pos], totals[wanted] <= 0


def _recorded_ties(
    world: _World, nrng: np.random.Generator, cal: _Calendar
) -> list[dict[str, Any]]:
    """Ties recorded or imported over five years: blocks, hubs, brokers and isolates."""
    ends = _tie_ends(world, nrng)
    if ends is None:
        return []
    src, tgt, kind = _tie_kinds(world, *ends, nrng)
    m = src.size

    # Dates: after both joined, uniform up to today; some kinds have ended.
    lo = np.maximum(world.joined[src], world.joined[tgt])
    start = lo + np.floor(nrng.random(m) * (cal.span - lo + 1)).astype(np.int64)
    length = nrng.integers(30, 720, m)
    ends_p = np.select(
        [kind == _K["collaborated"], kind == _K["partnered"], kind == _K["funded"]],
        [0.6, 0.4, 0.8],
        0.0,
    )
    end = start + length
    has_end = (nrng.random(m) < ends_p) & (end < cal.span)
    weight = np.round(1.0 + 4.0 * nrng.beta(2.0, 3.5, m), 1)
    note_pick = nrng.random(m)
    order = np.argsort(start, kind="stable")
    return _tie_rows(
        src[order],
        tgt[order],
        kind[order],
        start[order],
        end[order],
        has_end[order],
        weight[order],
        note_pick[order],
        cal,
    )


def _tie_ends(world: _World, nrng: np.random.Generator) -> tuple[IntArray, IntArray] | None:
    """Both ends of every recorded tie (None when there can be none)."""
    n, f = world.n, world.fitness
    total = float(f.sum())
    m = round(_TIES_PER_ACTOR * n)
    if n < 2 or total <= 0 or m == 0:
        return None
    src = nrng.choice(n, m, p=f / total)
    u = nrng.random(m)
    local_p = np.where(world.broker[src], 0.35, 0.75)
    tgt = nrng.choice(n, m, p=f / total)  # the global draw, replaced below where local
    local = u < local_p
    regional = ~local & (u < local_p + 0.15)
    n_comm = len(world.comm_focus)
    pick, empty = _sample_within(world.community, n_comm, f, world.community[src], nrng)
    tgt = np.where(local & ~empty, pick, tgt)
    pick, empty = _sample_within(world.region, 3, f, world.region[src], nrng)
    tgt = np.where(regional & ~empty, pick, tgt)
    # Brokers' long ties go mostly to organisations, which span every sector.
    org_f = np.where(world.is_org, f, 0.0)
    if org_f.sum() > 0:
        to_org = world.broker[src] & ~local & ~regional & (nrng.random(m) < 0.7)
        org_pick = nrng.choice(n, m, p=org_f / org_f.sum())
        tgt = np.where(to_org, org_pick, tgt)
    again = nrng.choice(n, m, p=f / total)
    tgt = np.where(tgt == src, again, tgt)
    keep = tgt != src
    return src[keep], tgt[keep]


def _tie_kinds(
    world: _World, src: IntArray, tgt: IntArray, nrng: np.random.Generator
) -> tuple[IntArray, IntArray, IntArray]:
    """The kind of every tie, its ends swapped where a mentor must come first."""
    m = src.size
    # Kinds by the kinds of the two ends; funders fund; mentors are the earlier members.
    pair_class = world.is_org[src].astype(np.int64) + world.is_org[tgt].astype(np.int64)
    kind = np.empty(m, np.int64)
    for cls, (codes, probs) in enumerate(_KIND_MIX):
        sel = pair_class == cls
        kind[sel] = nrng.choice(np.array(codes), int(sel.sum()), p=np.array(probs))
    funder = world.is_org & (world.sector == _FUNDER)
    funds = funder[src] & ~funder[tgt] & (nrng.random(m) < 0.55)
    kind[funds] = _K["funded"]
    swap = (kind == _K["mentored"]) & (world.joined[src] > world.joined[tgt])
    src, tgt = np.where(swap, tgt, src), np.where(swap, src, tgt)
    return src, tgt, kind


def _tie_rows(
    src: IntArray,
    tgt: IntArray,
    kind: IntArray,
    start: IntArray,
    end: IntArray,
    has_end: BoolArray,
    weight: FloatArray,
    note_pick: FloatArray,
    cal: _Calendar,
) -> list[dict[str, Any]]:
    """The ties as bundle rows (columns already in date order)."""
    # Every column is prepared with numpy; the loop only packs rows into dicts.
    iso = np.asarray(cal.iso, dtype=object)
    starts = iso[start + cal.lead]
    ends = iso[np.minimum(end, cal.span) + cal.lead]
    ends[~has_end] = None
    width = max(len(v) for v in vocab.TIE_NOTES.values())
    table = np.array(
        [
            [vocab.TIE_NOTES[k][j % len(vocab.TIE_NOTES[k])] for j in range(width)]
            for k in _TIE_KINDS
        ],
        dtype=object,
    )
    n_notes = np.array([len(vocab.TIE_NOTES[k]) for k in _TIE_KINDS])[kind]
    notes = table[kind, (note_pick * n_notes).astype(np.int64)]
    origins = np.where(start < cal.span - 730, "import", "recorded").astype(object)
    kinds = np.asarray(_TIE_KINDS, dtype=object)[kind]
    return [
        {
            "source": s,
            "target": t,
            "kind": k,
            "weight": w,
            "start_date": a,
            "end_date": e,
            "note": q,
            "origin": o,
            "initiative": None,
        }
        for s, t, k, w, a, e, q, o in zip(
            (src + 1).tolist(),
            (tgt + 1).tolist(),
            kinds.tolist(),
            weight.tolist(),
            starts.tolist(),
            ends.tolist(),
            notes.tolist(),
            origins.tolist(),
            strict=True,
        )
    ]
