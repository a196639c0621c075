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

Only two of these terms look beyond the member and the role: the purpose similarity is
weighed by the network's document frequencies (the TF-IDF model the candidate index fits) and
the fair-spread score is relative to the mean exposure of those eligible for the role. So a
:class:`RoleCatalog` holds, per open role, its requirement table, its purpose query vector and
its reference exposure (:func:`role_terms`, computed once per role against an index), and one
member is ranked from their own :class:`~.problem.Candidate` - read afresh - against it: a few
vectorised operations over the roles, whatever the size of the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from ..arrays import FloatArray, IntArray
from .candidates import CandidateIndex
from .explain import gaps_for
from .fairness import fairness_across_roles, fewer_chances, role_reference
from .model import FIT_AT_MINIMUM
from .problem import MAX_LEVEL, Candidate, RoleSpec, Weights
from .reasons import Reason, ReasonCode

__all__ = [
    "OpenRole",
    "Opportunity",
    "RoleCatalog",
    "RoleTerms",
    "rank_opportunities",
    "role_terms",
]


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
    reasons: tuple[Reason, ...]
    gaps: tuple[Reason, ...]


@dataclass(frozen=True)
class RoleTerms:
    """What ranking needs of one role beyond its spec: the TF-IDF query vector of its
    initiative's purpose (None when nothing matches) and its reference exposure."""

    query: sp.csr_matrix | None
    reference: float


def role_terms(index: CandidateIndex, role: OpenRole) -> RoleTerms:
    """The role's purpose query and reference exposure (the mean exposure of the actors of
    ``index`` eligible for it, :func:`~.fairness.role_reference`)."""
    blocked = np.zeros(len(index), dtype=bool)
    return RoleTerms(
        query=index.query_vector(role.purpose_text),
        reference=role_reference(index.exposure, index.eligible(role.spec, blocked)),
    )


def _stack(rows: Sequence[sp.csr_matrix | None], width: int) -> sp.csr_matrix:
    """One CSR matrix of single-row vectors (an empty row for None), without vstack's cost."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    for i, row in enumerate(rows):
        indptr[i + 1] = indptr[i] + (row.nnz if row is not None else 0)
    present = [r for r in rows if r is not None and r.nnz]
    indices = np.concatenate([r.indices for r in present]) if present else np.empty(0, np.int64)
    data = np.concatenate([r.data for r in present]) if present else np.empty(0)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))


class RoleCatalog:
    """Open roles prepared for ranking any one actor: ``terms`` are each role's
    :class:`RoleTerms` (in the order of ``roles``) and ``purposes`` the index whose TF-IDF
    model they were computed with (it vectorises the member's purpose the same way)."""

    def __init__(
        self, purposes: CandidateIndex, roles: Sequence[OpenRole], terms: Sequence[RoleTerms]
    ) -> None:
        self.purposes = purposes
        self.roles = tuple(roles)
        n = len(self.roles)
        vocab: dict[str, int] = {}
        req_term: list[int] = []
        req_min: list[int] = []
        starts = np.zeros(n, dtype=np.int64)
        for i, role in enumerate(self.roles):
            starts[i] = len(req_term)
            for term, level in sorted(role.spec.requirements.items()):
                req_term.append(vocab.setdefault(term, len(vocab)))
                req_min.append(int(level))
        self.terms = vocab
        self.req_term: IntArray = np.asarray(req_term, dtype=np.int64)
        self.req_min: IntArray = np.asarray(req_min, dtype=np.int64)
        self.starts: IntArray = starts
        self.counts: IntArray = np.diff(np.append(starts, len(req_term)))
        self.hours: FloatArray = np.array([r.spec.hours_per_week for r in self.roles])
        self.reference: FloatArray = np.array([t.reference for t in terms], dtype=np.float64)
        self.queries: sp.csr_matrix = _stack(
            [t.query for t in terms], purposes.purpose_matrix.shape[1]
        )
        self.languages = [r.spec.languages for r in self.roles]
        self.zones = [r.spec.tz_regions for r in self.roles]

    @classmethod
    def from_index(cls, index: CandidateIndex, roles: Sequence[OpenRole]) -> RoleCatalog:
        """Every role's terms computed against ``index``."""
        return cls(index, roles, [role_terms(index, r) for r in roles])

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
    member: Candidate,
    *,
    weights: Weights | None = None,
    limit: int = 30,
    skip: frozenset[int] = frozenset(),
    near_misses: int = 1,
) -> list[Opportunity]:
    """The open roles for ``member``, best first: eligible roles (every hard filter of the
    engine met) by score, then roles with at most ``near_misses`` gaps. ``skip``: role ids
    never to show (the actor's own initiatives). At most ``limit`` items."""
    if not len(catalog):
        return []
    w = weights or Weights()
    fit, meets = _per_role_fit(catalog, dict(member.capabilities))
    free = float(member.capacity_left_hours)
    enough = free >= catalog.hours - 1e-9
    spoken = {lang.lower() for lang in member.languages}
    speaks = np.array([all(x.lower() in spoken for x in langs) for langs in catalog.languages])
    zone = np.array([not zs or member.tz_region in zs for zs in catalog.zones])
    vec = catalog.purposes.document_vector(member)
    purpose = np.clip(np.asarray((catalog.queries @ vec.T).todense()).ravel(), 0.0, 1.0)
    seen = float(member.recent_engagements if member.exposure is None else member.exposure)
    fair = fairness_across_roles(
        seen, int(member.recent_engagements), bool(member.is_newcomer), catalog.reference
    )
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
                reasons=_reasons(catalog, i, member, vec, seen, bool(zone[i])),
                gaps=() if eligible[i] else gaps_for(member, role.spec),
            )
        )
    return out


def _reasons(
    catalog: RoleCatalog, i: int, member: Candidate, vec: sp.csr_matrix, seen: float, zone: bool
) -> tuple[Reason, ...]:
    """Why the role suits the member, each a :class:`~.reasons.Reason` (code and values)."""
    role = catalog.roles[i]
    reasons = []
    held = [
        [term, int(member.capabilities[term]), int(need)]
        for term, need in sorted(role.spec.requirements.items())
        if member.capabilities.get(term, 0) >= need
    ]
    if held:
        text = "your levels: " + ", ".join(f"{t} {h} (needs {n})" for t, h, n in held)
        reasons.append(Reason(ReasonCode.YOUR_LEVELS, text, capabilities=held))
    query = catalog.queries[i]
    shared = catalog.purposes.shared_terms(vec, query if query.nnz else None)
    if shared:
        text = "shares your purpose: " + ", ".join(f"'{t}'" for t in shared)
        reasons.append(Reason(ReasonCode.SHARES_YOUR_PURPOSE, text, terms=list(shared)))
    hours = float(role.spec.hours_per_week)
    if member.capacity_left_hours >= hours - 1e-9:
        text = f"you have the {hours:g} h/week it asks free"
        reasons.append(Reason(ReasonCode.YOUR_HOURS, text, needs=hours))
    if role.spec.tz_regions and zone:
        text = f"your time zone ({member.tz_region}) is one it needs"
        reasons.append(Reason(ReasonCode.YOUR_ZONE, text, region=member.tz_region))
    if role.spec.languages:
        langs = sorted(role.spec.languages)
        reasons.append(
            Reason(ReasonCode.YOU_SPEAK, "you speak " + " and ".join(langs), languages=langs)
        )
    if fewer_chances(seen, float(catalog.reference[i])):
        text = "you have had fewer chances lately than others who qualify"
        reasons.append(Reason(ReasonCode.YOUR_FEWER_CHANCES, text))
    return tuple(reasons)
