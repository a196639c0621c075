"""Candidate retrieval: an inverted capability index, built once per network, queried per role.

A role asks for capabilities at minimum levels. The index keeps, for every vocabulary term,
the rows of the actors holding it and their levels, so the actors meeting all of a role's
requirements are found by intersecting a few short sorted arrays instead of scanning the
network; capacity, languages and exclusions are then vectorised filters on that small set.
Only the best few dozen per role (by a cheap score) go on to the solver
(:func:`prune`), which is what lets a 100,000-actor network answer in well under a second.

The index also holds the TF-IDF matrix of the actors' purposes (scikit-learn's
``TfidfVectorizer``: words and within-phrase bigrams, English stop words removed, sublinear
tf), fitted once on the whole network so that a request only transforms the initiative's
text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coalition.engines.formation.problem import (
    MAX_LEVEL,
    MIN_LEVEL,
    REGIONS,
    Candidate,
    Constraints,
    FormationInputError,
    RoleSpec,
)
from coalition.engines.formation.reasons import FunnelCode, InputCode, Said

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = ["CandidateIndex", "FunnelStep", "prune"]


@dataclass(frozen=True)
class FunnelStep:
    """How many actors remain for a role after one more filter (used to explain infeasibility):
    ``label`` is the filter (its English, :class:`~coalition.engines.formation.reasons.FunnelCode`
    and values)."""

    label: Said
    count: int


def _purpose_document(candidate_text: str, tags: Iterable[str]) -> str:
    # Tags are phrases of their own: a full stop keeps bigrams from bridging two of them.
    return " . ".join([candidate_text, *tags]).strip()


_WORD = re.compile(r"(?u)\b\w\w+\b|[.;:!?,]")


@cache
def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (imported when first needed: sklearn is slow to load)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _purpose_terms(text: str) -> list[str]:
    """Words (stop words removed) and the bigrams of adjacent words within a phrase.

    Unlike scikit-learn's default, a bigram never bridges a stop word or punctuation, so
    "climate adaptation and affordable housing" yields "climate adaptation" and "affordable
    housing" but not "adaptation affordable".
    """
    terms: list[str] = []
    prev: str | None = None
    for token in _WORD.findall(text.lower()):
        if len(token) == 1 or token in _stop_words():
            prev = None
            continue
        terms.append(token)
        if prev is not None:
            terms.append(f"{prev} {token}")
        prev = token
    return terms


def _is_int64(value: object) -> bool:
    """An integer (Python or numpy, not a bool) that fits in 64 bits."""
    return (
        isinstance(value, int | np.integer)
        and not isinstance(value, bool)
        and -(2**63) <= int(value) < 2**63
    )


def _is_level(value: object) -> bool:
    """An integer (Python or numpy, not a bool) among the capability levels 1-5."""
    return bool(
        isinstance(value, int | np.integer)
        and not isinstance(value, bool)
        and MIN_LEVEL <= value <= MAX_LEVEL
    )


def _non_negative(value: float) -> bool:
    """Finite and at least 0."""
    return math.isfinite(value) and value >= 0


def _not_non_negative(field: str, value: float) -> FormationInputError:
    """The refusal of ``value``, which is not finite or below 0."""
    if not math.isfinite(value):
        return FormationInputError(
            field, InputCode.NOT_FINITE, f"must be finite, got {value!r}", value=str(value)
        )
    return FormationInputError(
        field,
        InputCode.TOO_SMALL,
        f"must be >= 0, got {value!r}",
        minimum=0.0,
        value=float(value),
        strict=False,
    )


class _IndexColumns:
    """The per-candidate arrays and postings of a :class:`CandidateIndex`, filled row by row,
    each candidate's data checked on the way (:class:`FormationInputError` names the
    candidate by position and the bad field)."""

    def __init__(self, n: int) -> None:
        self.actor_ids: IntArray = np.empty(n, dtype=np.int64)
        self.capacity: FloatArray = np.empty(n)
        self.day_rate: FloatArray = np.empty(n)
        self.recent: IntArray = np.empty(n, dtype=np.int64)
        self.newcomer: BoolArray = np.empty(n, dtype=bool)
        self.exposure: FloatArray = np.empty(n)
        self.sector_code: IntArray = np.empty(n, dtype=np.int64)
        self.region_code: IntArray = np.empty(n, dtype=np.int64)
        self.sectors: list[str] = []
        self.sector_pos: dict[str, int] = {}
        self.region_pos = {r: i for i, r in enumerate(REGIONS)}
        self.languages: list[str] = []
        self.lang_pos: dict[str, int] = {}
        self.lang_rows: list[int] = []
        self.lang_cols: list[int] = []
        self.org_ptr: IntArray = np.zeros(n + 1, dtype=np.int64)
        self.org_ids: list[int] = []
        self.term_rows: dict[str, list[int]] = {}
        self.term_levels: dict[str, list[int]] = {}
        self.row_of: dict[int, int] = {}
        self.documents: list[str] = []

    def add(self, row: int, cand: Candidate) -> None:
        """Check the candidate at ``row`` and fill in its columns."""
        where = f"candidates[{row}]"
        if not _is_int64(cand.actor_id):
            raise FormationInputError(
                f"{where}.actor_id",
                InputCode.ACTOR_ID,
                f"must be a 64-bit integer, got {cand.actor_id!r}",
                value=str(cand.actor_id),
            )
        if cand.actor_id in self.row_of:
            raise FormationInputError(
                f"{where}.actor_id",
                InputCode.DUPLICATE_ACTOR,
                f"duplicate actor id {cand.actor_id}",
                actor=cand.actor_id,
            )
        self.row_of[cand.actor_id] = row
        self.actor_ids[row] = cand.actor_id
        self._add_numbers(where, row, cand)
        self._add_groups(where, row, cand)
        self.org_ids.extend(cand.organisations)
        self.org_ptr[row + 1] = len(self.org_ids)
        for term, level in cand.capabilities.items():
            if not _is_level(level):
                raise FormationInputError(
                    f"{where}.capabilities.{term}",
                    InputCode.LEVEL,
                    f"level must be 1-5, got {level!r}",
                    level=str(level),
                )
            self.term_rows.setdefault(term, []).append(row)
            self.term_levels.setdefault(term, []).append(int(level))
        self.documents.append(_purpose_document(cand.purpose_text, cand.purpose_tags))

    def _add_numbers(self, where: str, row: int, cand: Candidate) -> None:
        """Capacity, day rate (NaN when undeclared), recent engagements, newcomer flag and
        exposure (the recent engagements unless given)."""
        cap = float(cand.capacity_left_hours)
        if not _non_negative(cap):
            raise _not_non_negative(f"{where}.capacity_left_hours", cap)
        self.capacity[row] = cap
        if cand.day_rate is None:
            self.day_rate[row] = np.nan
        else:
            rate = float(cand.day_rate)
            if not _non_negative(rate):
                raise _not_non_negative(f"{where}.day_rate", rate)
            self.day_rate[row] = rate
        if cand.recent_engagements < 0:
            raise _not_non_negative(f"{where}.recent_engagements", cand.recent_engagements)
        self.recent[row] = cand.recent_engagements
        self.newcomer[row] = bool(cand.is_newcomer)
        seen = float(cand.recent_engagements if cand.exposure is None else cand.exposure)
        if not _non_negative(seen):
            raise _not_non_negative(f"{where}.exposure", seen)
        self.exposure[row] = seen

    def _add_groups(self, where: str, row: int, cand: Candidate) -> None:
        """Sector and region codes (-1 when unknown; sectors numbered as first met) and the
        languages spoken (lower-cased)."""
        if cand.sector is None:
            self.sector_code[row] = -1
        else:
            code = self.sector_pos.get(cand.sector)
            if code is None:
                code = self.sector_pos[cand.sector] = len(self.sectors)
                self.sectors.append(cand.sector)
            self.sector_code[row] = code
        if cand.tz_region is None:
            self.region_code[row] = -1
        elif cand.tz_region in self.region_pos:
            self.region_code[row] = self.region_pos[cand.tz_region]
        else:
            raise FormationInputError(
                f"{where}.tz_region",
                InputCode.UNKNOWN_REGION,
                f"unknown region {cand.tz_region!r}; expected one of {', '.join(REGIONS)}",
                region=str(cand.tz_region),
                expected=list(REGIONS),
            )
        for lang in cand.languages:
            key = lang.lower()
            col = self.lang_pos.get(key)
            if col is None:
                col = self.lang_pos[key] = len(self.languages)
                self.languages.append(key)
            self.lang_rows.append(row)
            self.lang_cols.append(col)


class CandidateIndex:
    """Arrays and postings over a network's candidates, for fast per-role retrieval.

    Parameters
    ----------
    candidates : sequence of Candidate
        Every actor that could be proposed. Ids must be unique; levels 1-5; capacity, day
        rate and engagement counts non-negative; regions among :data:`REGIONS` or None.
    vocabulary : iterable of str, optional
        The network's capability vocabulary. A role asking for a term outside it is refused
        with :class:`FormationInputError`; by default the vocabulary is the terms some
        candidate holds.

    Raises
    ------
    FormationInputError
        When a candidate's data is invalid (the field names the candidate by position).
    """

    def __init__(
        self, candidates: Sequence[Candidate], *, vocabulary: Iterable[str] | None = None
    ) -> None:
        self.candidates: tuple[Candidate, ...] = tuple(candidates)
        n = len(self.candidates)
        cols = _IndexColumns(n)
        for row, cand in enumerate(self.candidates):
            cols.add(row, cand)
        self.actor_ids: IntArray = cols.actor_ids
        self.capacity: FloatArray = cols.capacity
        self.day_rate: FloatArray = cols.day_rate
        self.recent: IntArray = cols.recent
        self.newcomer: BoolArray = cols.newcomer
        self.exposure: FloatArray = cols.exposure
        self.sector_code: IntArray = cols.sector_code
        self.region_code: IntArray = cols.region_code
        self.sectors: list[str] = cols.sectors
        self.languages: list[str] = cols.languages
        self.row_of: dict[int, int] = cols.row_of
        self._lang_pos = cols.lang_pos
        self.lang_matrix = sp.csc_matrix(
            (np.ones(len(cols.lang_rows), dtype=np.int8), (cols.lang_rows, cols.lang_cols)),
            shape=(n, max(len(self.languages), 1)),
        )
        self.org_ptr: IntArray = cols.org_ptr
        self.org_ids: IntArray = np.asarray(cols.org_ids, dtype=np.int64)
        self.postings: dict[str, tuple[IntArray, npt.NDArray[np.int8]]] = {
            term: (
                np.asarray(rows, dtype=np.int64),
                np.asarray(cols.term_levels[term], dtype=np.int8),
            )
            for term, rows in cols.term_rows.items()
        }
        held = frozenset(self.postings)
        self.vocabulary: frozenset[str] = (
            held if vocabulary is None else frozenset(vocabulary) | held
        )
        self._fit_purposes(cols.documents)

    def _fit_purposes(self, documents: list[str]) -> None:
        """Fit the TF-IDF vectoriser on the candidates' purpose documents."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer: TfidfVectorizer | None = TfidfVectorizer(
            analyzer=_purpose_terms, sublinear_tf=True, dtype=np.float64
        )
        try:
            self.purpose_matrix: sp.csr_matrix = sp.csr_matrix(
                self._vectorizer.fit_transform(documents)
            )
            self._terms: npt.NDArray[np.str_] = self._vectorizer.get_feature_names_out()
        except ValueError:  # no purpose words anywhere: similarity is zero for everyone
            self._vectorizer = None
            self.purpose_matrix = sp.csr_matrix((len(documents), 1))
            self._terms = np.array([""])

    def __len__(self) -> int:
        return len(self.candidates)

    def holders(self, term: str, min_level: int = 1) -> IntArray:
        """Rows (ascending) of the actors holding ``term`` at ``min_level`` or above."""
        rows, levels = self.postings.get(term, (np.empty(0, np.int64), np.empty(0, np.int8)))
        return rows[levels >= min_level]

    def level_of(self, rows: IntArray, term: str) -> IntArray:
        """Level of ``term`` for each of ``rows`` (0 when not held)."""
        out = np.zeros(len(rows), dtype=np.int64)
        held, levels = self.postings.get(term, (np.empty(0, np.int64), np.empty(0, np.int8)))
        if len(held) and len(rows):
            pos = np.clip(np.searchsorted(held, rows), 0, len(held) - 1)
            hit = held[pos] == rows
            out[hit] = levels[pos[hit]]
        return out

    def organisations_of(self, row: int) -> IntArray:
        """Organisation ids the actor at ``row`` is affiliated with."""
        return self.org_ids[self.org_ptr[row] : self.org_ptr[row + 1]]

    def blocked(self, constraints: Constraints) -> BoolArray:
        """Mask of actors never to propose: excluded, or of / affiliated with a competitor."""
        mask = np.zeros(len(self), dtype=bool)
        for actor in constraints.excluded:
            row = self.row_of.get(int(actor))
            if row is not None:
                mask[row] = True
        if constraints.competing_orgs:
            rivals = np.fromiter(constraints.competing_orgs, dtype=np.int64)
            mask |= np.isin(self.actor_ids, rivals)
            hit = np.isin(self.org_ids, rivals)
            if hit.any():
                owner = np.searchsorted(self.org_ptr, np.flatnonzero(hit), side="right") - 1
                mask[owner] = True
        return mask

    def speaks_all(self, rows: IntArray, languages: Iterable[str]) -> BoolArray:
        """Mask over ``rows``: the actor speaks every one of ``languages``."""
        ok = np.ones(len(rows), dtype=bool)
        for lang in languages:
            col = self._lang_pos.get(lang.lower())
            if col is None:
                return np.zeros(len(rows), dtype=bool)
            column = self.lang_matrix[:, col].toarray().ravel()
            ok &= column[rows] > 0
        return ok

    def funnel(self, role: RoleSpec, blocked: BoolArray) -> tuple[IntArray, list[FunnelStep]]:
        """Rows eligible for ``role`` and the count left after each filter, in order.

        Filters: each requirement (rarest first), capacity for the role's hours, languages,
        not excluded / competing. Eligible rows are ascending.
        """
        steps: list[FunnelStep] = []
        reqs = sorted(role.requirements.items(), key=lambda kv: len(self.holders(*kv)))
        if reqs:
            rows = self.holders(*reqs[0])
            term, level = reqs[0]
            said = Said(FunnelCode.REQUIREMENT, f"{term} \u2265 {level}", term=term, level=level)
            steps.append(FunnelStep(said, len(rows)))
            for term, level in reqs[1:]:
                rows = np.intersect1d(rows, self.holders(term, level), assume_unique=True)
                text = f"also {term} \u2265 {level}"
                said = Said(FunnelCode.ALSO_REQUIREMENT, text, term=term, level=level)
                steps.append(FunnelStep(said, len(rows)))
        else:
            rows = np.arange(len(self), dtype=np.int64)
            steps.append(FunnelStep(Said(FunnelCode.ANYONE, "anyone"), len(rows)))
        rows = rows[self.capacity[rows] >= role.hours_per_week - 1e-9]
        hours = float(role.hours_per_week)
        said = Said(FunnelCode.FREE_HOURS, f"{hours:g} h/week free", hours=hours)
        steps.append(FunnelStep(said, len(rows)))
        if role.languages:
            rows = rows[self.speaks_all(rows, role.languages)]
            spoken = sorted(role.languages)
            said = Said(FunnelCode.SPEAKS, "speaks " + " and ".join(spoken), languages=spoken)
            steps.append(FunnelStep(said, len(rows)))
        if blocked.any():
            rows = rows[~blocked[rows]]
            said = Said(FunnelCode.NOT_BLOCKED, "not excluded or competing")
            steps.append(FunnelStep(said, len(rows)))
        return rows, steps

    def eligible(self, role: RoleSpec, blocked: BoolArray) -> IntArray:
        """Rows (ascending) of the actors who may take ``role``: every hard per-actor filter."""
        return self.funnel(role, blocked)[0]

    def query_vector(self, text: str) -> sp.csr_matrix | None:
        """TF-IDF vector of an initiative's purpose text (None when there is nothing to match)."""
        if self._vectorizer is None or not text.strip():
            return None
        vec = sp.csr_matrix(self._vectorizer.transform([text]))
        return vec if vec.nnz else None

    def purpose_similarity(self, rows: IntArray, query: sp.csr_matrix | None) -> FloatArray:
        """Cosine similarity (0..1) of the actors' purposes to the query vector."""
        if query is None or len(rows) == 0:
            return np.zeros(len(rows))
        sims = self.purpose_matrix[rows] @ query.T
        return np.clip(np.asarray(sims.todense()).ravel(), 0.0, 1.0)

    def shared_purpose_terms(
        self, row: int, query: sp.csr_matrix | None, top: int = 2
    ) -> list[str]:
        """The purpose terms the actor shares with the query, most telling first.

        Bigrams are preferred to the words they contain ("youth employment" rather than
        "youth" and "employment").
        """
        return self.shared_terms(self.purpose_matrix[row], query, top)

    def document_vector(self, candidate: Candidate) -> sp.csr_matrix:
        """The TF-IDF row of ``candidate``'s purpose document under this index's fitted
        vocabulary: the row :attr:`purpose_matrix` holds for a candidate of the index, and the
        same transform for one read afresh (an empty row when nothing matches)."""
        width = self.purpose_matrix.shape[1]
        if self._vectorizer is None:
            return sp.csr_matrix((1, width))
        text = _purpose_document(candidate.purpose_text, candidate.purpose_tags)
        return sp.csr_matrix(self._vectorizer.transform([text]))

    def shared_terms(
        self, vec: sp.csr_matrix, query: sp.csr_matrix | None, top: int = 2
    ) -> list[str]:
        """:meth:`shared_purpose_terms` for a purpose vector given as such (one row)."""
        if query is None:
            return []
        q = dict(zip(query.indices.tolist(), query.data.tolist(), strict=True))
        shared = [
            (value * q[col], str(self._terms[col]))
            for col, value in zip(vec.indices.tolist(), vec.data.tolist(), strict=True)
            if col in q
        ]
        shared.sort(key=lambda t: (-t[0], t[1]))
        chosen: list[str] = []
        for _, term in sorted(shared, key=lambda t: (-(" " in t[1]), -t[0], t[1])):
            if any(term in c.split() or term == c for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == top:
                break
        return chosen


def prune(
    rows: IntArray,
    score: FloatArray,
    keep: int,
    groups: Mapping[str, BoolArray] | None = None,
    per_group: int = 0,
    must: BoolArray | None = None,
) -> IntArray:
    """The rows worth giving the solver: the ``keep`` best by ``score``, plus guarantees.

    Besides the ``keep`` highest-scoring rows, keeps the ``per_group`` best of every group
    mask in ``groups`` (so that, say, a required sector or time-zone region is not pruned
    away) and every row flagged in ``must`` (locked-in actors). Ties in score are broken by
    row order, so the result is deterministic. Returns ascending rows.
    """
    if len(rows) <= keep and not groups:
        return rows
    order = np.lexsort((rows, -score))
    chosen = np.zeros(len(rows), dtype=bool)
    chosen[order[:keep]] = True
    for mask in (groups or {}).values():
        in_group = order[mask[order]]
        chosen[in_group[:per_group]] = True
    if must is not None:
        chosen |= must
    return rows[chosen]
