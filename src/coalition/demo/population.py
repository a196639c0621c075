"""The demo's actors before their profiles: randomness, calendar, communities and fitness
(see :mod:`.network` for how the network is made)."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ..domain import PRIVACY_DEFAULTS, Region, Sector
from ..engines.arrays import BoolArray, FloatArray, Int8Array, IntArray
from . import vocab

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem


DEMO_TODAY = date(2026, 11, 1)
"""The day the demo network is "as of" unless told otherwise."""

_SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)
_INDEPENDENT = _SECTORS.index("independent")
_FUNDER = _SECTORS.index("funder")
_REGIONS: tuple[str, ...] = tuple(r.value for r in Region)
_REGION_WEIGHTS = (0.35, 0.40, 0.25)
# People work mostly as independents; the rest are staff of organisations in these sectors.
_PERSON_SECTOR_WEIGHTS = (0.05, 0.03, 0.04, 0.03, 0.025, 0.01, 0.015, 0.80)
_ORG_SECTOR_WEIGHTS = (0.20, 0.13, 0.22, 0.12, 0.10, 0.07, 0.12, 0.04)
_YEARS = 5
_NEWCOMER_DAYS = 90
_TIES_PER_ACTOR = 7.4  # recorded ties drawn per actor; initiatives and memberships add more
_ORG_SHARE = 4 / 15  # 80 organisations in 300 actors
_DEFAULT_PRIVACY = {f.value: v.value for f, v in PRIVACY_DEFAULTS.items()}
_TIE_KINDS: tuple[str, ...] = (
    "collaborated",
    "referred",
    "shared_knowledge",
    "mentored",
    "influenced",
    "partnered",
    "funded",
    "member_of",
)
_K = {kind: code for code, kind in enumerate(_TIE_KINDS)}
# Kind mix of recorded ties by the kinds of the two ends (person-person, mixed, org-org).
_KIND_MIX: tuple[tuple[tuple[int, ...], tuple[float, ...]], ...] = (
    (
        (
            _K["collaborated"],
            _K["referred"],
            _K["shared_knowledge"],
            _K["mentored"],
            _K["influenced"],
        ),
        (0.35, 0.20, 0.22, 0.10, 0.13),
    ),
    (
        (
            _K["collaborated"],
            _K["shared_knowledge"],
            _K["referred"],
            _K["partnered"],
            _K["influenced"],
        ),
        (0.35, 0.25, 0.20, 0.10, 0.10),
    ),
    (
        (
            _K["partnered"],
            _K["collaborated"],
            _K["shared_knowledge"],
            _K["referred"],
            _K["influenced"],
        ),
        (0.40, 0.25, 0.15, 0.10, 0.10),
    ),
)
_PERSON_HOURS = (2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 8.0, 8.0, 10.0, 12.0, 16.0)
_ORG_HOURS = (4.0, 6.0, 8.0, 12.0, 16.0)
_PERSON_CAPACITY = (4.0, 6.0, 8.0, 10.0, 12.0, 15.0, 16.0, 20.0, 24.0, 30.0, 32.0, 40.0)
_ORG_CAPACITY = (0.0, 0.0, 8.0, 16.0, 20.0, 24.0, 40.0, 60.0, 80.0)

_T = TypeVar("_T")

# --------------------------------------------------------------------------- randomness


class _Rand(random.Random):
    """``random.Random`` with cheaper small draws, all made from ``random()``.

    The standard methods draw integers by rejection on ``getrandbits``, which dominated the
    time of a 100,000-actor build; flooring ``random() * n`` is exact enough for lists this
    short and keeps the stream deterministic for a seed.
    """

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def sample(
        self, population: Sequence[_T], k: int, *, counts: Iterable[int] | None = None
    ) -> list[_T]:
        pool = list(population)
        n = len(pool)
        if not 0 <= k <= n:
            raise ValueError("sample larger than population")
        for j in range(k):  # a partial Fisher-Yates shuffle
            r = j + int(self.random() * (n - j))
            pool[j], pool[r] = pool[r], pool[j]
        return pool[:k]


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True)
class _Calendar:
    """Days are integers counted from ``origin`` (five years before ``today``)."""

    today: date
    origin: date
    span: int  # today's day number
    lead: int  # how many days before the origin the ISO table reaches
    iso: tuple[str, ...]

    @classmethod
    def of(cls, today: date) -> _Calendar:
        try:
            origin = today.replace(year=today.year - _YEARS)
        except ValueError:  # 29 February
            origin = today.replace(year=today.year - _YEARS, day=28)
        span = (today - origin).days
        lead, future = 4 * 366, 3 * 366
        first = origin - timedelta(days=lead)
        iso = tuple((first + timedelta(days=d)).isoformat() for d in range(lead + span + future))
        return cls(today, origin, span, lead, iso)

    def day(self, d: int) -> str:
        return self.iso[d + self.lead]

    def year(self, d: int) -> int:
        return int(self.iso[d + self.lead][:4])


# --------------------------------------------------------------------------- population


@dataclass
class _World:
    """Everything known about the actors, index i being ref i + 1."""

    n: int
    is_org: BoolArray
    sector: IntArray
    community: IntArray
    region: IntArray
    city: IntArray
    joined: IntArray
    fitness: FloatArray
    isolate: BoolArray
    broker: BoolArray
    comm_region: IntArray
    comm_focus: list[list[int]]
    comm_cities: list[list[int]]
    # Filled by _profiles.
    names: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    main_category: list[str] = field(default_factory=list)
    languages: list[list[str]] = field(default_factory=list)
    purposes: list[list[int]] = field(default_factory=list)
    caps: list[list[tuple[int, int]]] = field(default_factory=list)
    levels: Int8Array = field(default_factory=lambda: np.zeros((0, 0), np.int8))
    capacity: FloatArray = field(default_factory=lambda: np.zeros(0))
    day_rate: list[float | None] = field(default_factory=list)
    visibility: list[str] = field(default_factory=list)
    privacy: list[dict[str, str]] = field(default_factory=list)
    org_descriptor: list[str] = field(default_factory=list)
    private: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    _lang_masks: dict[str, BoolArray] = field(default_factory=dict)

    def speaks(self, language: str) -> BoolArray:
        mask = self._lang_masks.get(language)
        if mask is None:
            mask = np.fromiter((language in ls for ls in self.languages), bool, self.n)
            self._lang_masks[language] = mask
        return mask


def _population(n: int, rng: random.Random, nrng: np.random.Generator, cal: _Calendar) -> _World:
    """Kinds, sectors, communities, places, join dates and fitness of ``n`` actors."""
    n_org = round(n * _ORG_SHARE)
    n_org = max(n_org, len(_SECTORS)) if n >= 16 else (max(1, n_org) if n >= 2 else 0)
    n_person = n - n_org
    is_org = np.zeros(n, bool)
    is_org[n_person:] = True

    sector = np.empty(n, np.int64)
    sector[:n_person] = nrng.choice(len(_SECTORS), n_person, p=_PERSON_SECTOR_WEIGHTS)
    org_sectors = nrng.choice(len(_SECTORS), n_org, p=_ORG_SECTOR_WEIGHTS)
    k = min(n_org, len(_SECTORS))
    org_sectors[:k] = nrng.permutation(len(_SECTORS))[:k]
    sector[n_person:] = org_sectors

    # Communities: one region and a cluster of causes each; sizes vary.
    n_comm = max(3, round(0.6 * math.sqrt(n)))
    comm_region, comm_focus, comm_cities = _communities(n_comm, rng, nrng)
    sizes = nrng.lognormal(0.0, 0.5, n_comm)
    community = nrng.choice(n_comm, n, p=sizes / sizes.sum())
    region = comm_region[community]

    city = _cities(community, region, comm_cities, rng)

    # Join days: ~5% newcomers in the last 90 days, the rest spread over the five years.
    span = cal.span
    newcomer = nrng.random(n) < 0.05
    joined = np.where(
        newcomer,
        nrng.integers(span - _NEWCOMER_DAYS + 1, span + 1, n),
        nrng.integers(0, span - _NEWCOMER_DAYS + 1, n),
    ).astype(np.int64)

    # Isolates: half the newcomers and 1% of the others. Brokers: 4% of the rest.
    u = nrng.random(n)
    isolate = np.where(newcomer, u < 0.5, u < 0.01)
    broker = ~isolate & ~newcomer & (nrng.random(n) < 0.04)
    tenure = (span - joined) / span
    fitness = np.minimum(nrng.pareto(2.2, n) + 1.0, 30.0) * (0.3 + tenure)
    fitness *= np.where(is_org, 1.5, 1.0) * np.where(broker, 2.0, 1.0)
    fitness[isolate] = 0.0
    return _World(
        n=n,
        is_org=is_org,
        sector=sector,
        community=community,
        region=region,
        city=city,
        joined=joined,
        fitness=fitness,
        isolate=isolate,
        broker=broker,
        comm_region=comm_region,
        comm_focus=comm_focus,
        comm_cities=comm_cities,
    )


_CITIES_BY_REGION = [
    [i for i, c in enumerate(vocab.CITIES) if c[3] == region] for region in _REGIONS
]
_CITY_WEIGHTS = [c[6] for c in vocab.CITIES]


def _communities(
    n_comm: int, rng: random.Random, nrng: np.random.Generator
) -> tuple[IntArray, list[list[int]], list[list[int]]]:
    """Each community's region, focus (purpose indices) and home cities."""
    comm_region = nrng.choice(3, n_comm, p=_REGION_WEIGHTS)
    comm_region[:3] = nrng.permutation(3)
    themes = list(vocab.THEMES)
    rng.shuffle(themes)
    tag_index = {tag: i for i, (tag, _, _) in enumerate(vocab.PURPOSES)}
    comm_focus: list[list[int]] = []
    comm_cities: list[list[int]] = []
    for c in range(n_comm):
        theme = vocab.THEMES[themes[c % len(themes)]]
        focus = [tag_index[t] for t in rng.sample(theme, 3)]
        focus.append(rng.randrange(len(vocab.PURPOSES)))
        comm_focus.append(list(dict.fromkeys(focus)))
        pool = _CITIES_BY_REGION[int(comm_region[c])]
        homes = rng.choices(pool, [_CITY_WEIGHTS[i] for i in pool], k=rng.randint(1, 3))
        comm_cities.append(list(dict.fromkeys(homes)))
    return comm_region, comm_focus, comm_cities


def _cities(
    community: IntArray, region: IntArray, comm_cities: list[list[int]], rng: random.Random
) -> IntArray:
    """Each actor's city: mostly one of its community's homes, else any city of its region."""
    n = community.shape[0]
    city = np.empty(n, np.int64)
    region_cum = [list(accumulate(_CITY_WEIGHTS[i] for i in pool)) for pool in _CITIES_BY_REGION]
    for i in range(n):
        homes = comm_cities[int(community[i])]
        if rng.random() < 0.75:
            city[i] = homes[rng.randrange(len(homes))]
        else:
            r = int(region[i])
            pick = bisect_right(region_cum[r], rng.random() * region_cum[r][-1])
            city[i] = _CITIES_BY_REGION[r][min(pick, len(_CITIES_BY_REGION[r]) - 1)]
    return city
