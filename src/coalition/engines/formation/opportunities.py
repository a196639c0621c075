"""Opportunities for one member: the open roles of a network ranked by the formation engine's
own per-seat terms, with the reasons.

The formation engine scores a seat holder by capability fit (:func:`~.model.fit_score`),
purpose similarity (TF-IDF cosine, :meth:`~.candidates.CandidateIndex.purpose_similarity`) and
the fair-spread score (:func:`~.fairness.fairness_scores`, relative to the exposure of those
eligible for the role, after Singh & Joachims 2018); its hard filters are the capability
minimums, free capacity for the role's hours and the role's languages
(:meth:`~.candidates.CandidateIndex.funnel`). Here the same terms are read the other way
round - one actor against every open role - as a content-based recommender would
(Lops, de Gemmis & Semeraro, "Content-based recommender systems", 2011): roles the member
may take come first, by the weighted mean of the terms with the engine's default weights
(:class:`~.problem.Weights`; time-zone match weighs as the diversity term does), then roles
they nearly meet, with what is missing.

A :class:`RoleCatalog` is built once per data version (query vectors, the requirement table,
each role's reference exposure) so that ranking one member against thousands of roles is a
few vectorised operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ..arrays import FloatArray, IntArray
from .candidates import CandidateIndex
from .explain import describe_gaps
from .fairness import fairness_across_roles, fewer_chances, role_reference
from .model import FIT_AT_MINIMUM
from .problem import MAX_LEVEL, RoleSpec, Weights

__all__ = ["OpenRole", "Opportunity", "RoleCatalog", "rank_opportunities"]


@dataclass(frozen=True)
class OpenRole:
    """An open role: its spec (key = the role id as text), its initiative's purpose, seats open."""

    role_id: int
    initiative_id: int
    spec: RoleSpec
    purpose_text: str
    seats_open: int


@dataclass(frozen=True)
class Opportunity:
    role_id: int
    initiative_id: int
    score: float
    fit: float
    purpose: float
    fairness: float
    eligible: bool
    reasons: tuple[str, ...]
    gaps: tuple[str, ...]


class RoleCatalog:
    """Open roles prepared for ranking against any one actor of ``index``."""

    def __init__(self, index: CandidateIndex, roles: Sequence[OpenRole]) -> None:
        self.index = index
        self.roles = tuple(roles)
        n = len(self.roles)
        terms: dict[str, int] = {}
        req_term: list[int] = []
        req_min: list[int] = []
        starts = np.zeros(n, dtype=np.int64)
        for i, role in enumerate(self.roles):
            starts[i] = len(req_term)
            for term, level in sorted(role.spec.requirements.items()):
                req_term.append(terms.setdefault(term, len(terms)))
                req_min.append(int(level))
        self.terms = terms
        self.req_term: IntArray = np.asarray(req_term, dtype=np.int64)
        self.req_min: IntArray = np.asarray(req_min, dtype=np.int64)
        self.starts: IntArray = starts
        self.counts: IntArray = np.diff(np.append(starts, len(req_term)))
        self.hours: FloatArray = np.array([r.spec.hours_per_week for r in self.roles])
        blocked = np.zeros(len(index), dtype=bool)
        self.reference: FloatArray = np.array(
            [role_reference(index.exposure, index.eligible(r.spec, blocked)) for r in self.roles]
        )
        rows = [index.query_vector(r.purpose_text) for r in self.roles]
        width = index.purpose_matrix.shape[1]
        self.queries: sp.csr_matrix = sp.csr_matrix(
            sp.vstack([q if q is not None else sp.csr_matrix((1, width)) for q in rows])
            if rows
            else sp.csr_matrix((0, width))
        )

    def __len__(self) -> int:
        return len(self.roles)


def _per_role_fit(catalog: RoleCatalog, caps: dict[str, int]) -> tuple[FloatArray, npt.NDArray]:
    """Capability fit (as :func:`~.model.fit_score`) and whether every minimum is met."""
    by_term = np.zeros(max(len(catalog.terms), 1), dtype=np.int64)
    for term, col in catalog.terms.items():
        by_term[col] = caps.get(term, 0)
    levels = by_term[catalog.req_term]
    room = (MAX_LEVEL - catalog.req_min).astype(np.float64)
    excess = (levels - catalog.req_min).astype(np.float64)
    over = np.clip(np.where(room > 0, excess / np.where(room > 0, room, 1.0), 1.0), 0.0, 1.0)
    per = np.where(excess >= 0, FIT_AT_MINIMUM + (1.0 - FIT_AT_MINIMUM) * over, 0.0)
    met = (levels >= catalog.req_min).astype(np.int64)
    fit = np.zeros(len(catalog))
    meets = np.ones(len(catalog), dtype=bool)
    has = catalog.counts > 0
    if has.any():
        fit[has] = np.add.reduceat(per, catalog.starts[has]) / catalog.counts[has]
        meets[has] = np.add.reduceat(met, catalog.starts[has]) == catalog.counts[has]
    return fit, meets


def rank_opportunities(
    catalog: RoleCatalog,
    actor_id: int,
    *,
    weights: Weights | None = None,
    limit: int = 30,
    skip: frozenset[int] = frozenset(),
    near_misses: int = 1,
) -> list[Opportunity]:
    """The open roles for ``actor_id``, best first: eligible roles (every hard filter of the
    engine met) by score, then roles with at most ``near_misses`` gaps. ``skip``: role ids
    never to show (the actor's own initiatives). At most ``limit`` items."""
    index = catalog.index
    row = index.row_of.get(actor_id)
    if row is None or not len(catalog):
        return []
    w = weights or Weights()
    cand = index.candidates[row]
    fit, meets = _per_role_fit(catalog, dict(cand.capabilities))
    free = float(index.capacity[row])
    enough = free >= catalog.hours - 1e-9
    spoken = {lang.lower() for lang in cand.languages}
    speaks = np.array(
        [all(lang.lower() in spoken for lang in r.spec.languages) for r in catalog.roles]
    )
    zone = np.array(
        [not r.spec.tz_regions or cand.tz_region in r.spec.tz_regions for r in catalog.roles]
    )
    vec = index.purpose_matrix[row]
    purpose = np.clip(np.asarray((catalog.queries @ vec.T).todense()).ravel(), 0.0, 1.0)
    fair = fairness_across_roles(
        float(index.exposure[row]), int(index.recent[row]), bool(index.newcomer[row]),
        catalog.reference,
    )  # fmt: skip
    total = w.fit + w.purpose + w.fairness + w.diversity
    score = (w.fit * fit + w.purpose * purpose + w.fairness * fair + w.diversity * zone) / total
    eligible = meets & enough & speaks
    missing = (~meets).astype(int) + (~enough).astype(int) + (~speaks).astype(int)
    keep = np.array([r.role_id not in skip for r in catalog.roles], dtype=bool)
    order = np.lexsort((-score, ~eligible))  # eligible first, then by score
    chosen = [int(i) for i in order if keep[i] and (eligible[i] or missing[i] <= near_misses)]
    out = []
    for i in chosen[:limit]:
        role = catalog.roles[i]
        out.append(
            Opportunity(
                role_id=role.role_id,
                initiative_id=role.initiative_id,
                score=round(float(score[i]), 4),
                fit=round(float(fit[i]), 4),
                purpose=round(float(purpose[i]), 4),
                fairness=round(float(fair[i]), 4),
                eligible=bool(eligible[i]),
                reasons=_reasons(catalog, i, row, bool(zone[i])),
                gaps=() if eligible[i] else describe_gaps(index, row, role.spec),
            )
        )
    return out


def _reasons(catalog: RoleCatalog, i: int, row: int, zone: bool) -> tuple[str, ...]:
    index, role = catalog.index, catalog.roles[i]
    cand = index.candidates[row]
    reasons = []
    held = [
        f"{term} {cand.capabilities[term]} (needs {need})"
        for term, need in sorted(role.spec.requirements.items())
        if cand.capabilities.get(term, 0) >= need
    ]
    if held:
        reasons.append("your levels: " + ", ".join(held))
    shared = index.shared_purpose_terms(row, catalog.queries[i] if catalog.queries[i].nnz else None)
    if shared:
        reasons.append("shares your purpose: " + ", ".join(f"'{t}'" for t in shared))
    if index.capacity[row] >= role.spec.hours_per_week - 1e-9:
        reasons.append(f"you have the {role.spec.hours_per_week:g} h/week it asks free")
    if role.spec.tz_regions and zone:
        reasons.append(f"your time zone ({cand.tz_region}) is one it needs")
    if role.spec.languages:
        reasons.append("you speak " + " and ".join(sorted(role.spec.languages)))
    if fewer_chances(float(index.exposure[row]), float(catalog.reference[i])):
        reasons.append("you have had fewer chances lately than others who qualify")
    return tuple(reasons)
