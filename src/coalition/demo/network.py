"""The demo network: a deterministic, fictional network in the JSON bundle format (version 1).

:func:`build_demo_bundle` is pure: the same arguments always give an identical ``dict``. It
touches no database; the importer of JSON bundles loads what it returns. The word lists live
in :mod:`coalition.demo.vocab`.

How the network is made
-----------------------
Actors are split into *communities*, each tied to a world region and a cluster of causes, so
ties, teams and purposes cluster the way communities of practice do: a stochastic block model
(Holland, Laskey & Leinhardt 1983). Within and across blocks, each actor is picked with
probability proportional to a heavy-tailed *fitness* that grows with time in the network --
fitness-based preferential attachment (Caldarelli, Capocci, De Los Rios & Muñoz 2002), sampled
all at once like the Chung & Lu (2002) expected-degree model -- so a few hubs appear. A small
share of *brokers* spend half their ties outside their block, mostly on organisations of other
sectors; some newcomers and a few long-standing members have no ties at all. Past initiatives
are staffed from people who really hold the required capabilities, and every pair of co-members
gets a ``collaborated`` tie of origin ``invitation`` dated at the start of the initiative.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..domain import PRIVACY_DEFAULTS, Region, Sector
from ..engines.arrays import BoolArray, FloatArray, Int8Array, IntArray
from . import vocab

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

__all__ = ["DEMO_TODAY", "build_demo_bundle"]

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


def build_demo_bundle(
    *,
    actors: int = 300,
    seed: int = 7,
    slug: str = "demo",
    name: str = "Coalition demo network",
    today: date = DEMO_TODAY,
) -> dict[str, Any]:
    """Build a fictional, realistic network as a JSON bundle (format ``coalition-bundle`` v1).

    Parameters
    ----------
    actors : int
        Total number of actors (at least 1). About 11 in 15 are persons -- mostly independent
        practitioners -- and 4 in 15 organisations; with 16 or more actors every sector has at
        least one organisation. The default 300 gives 220 persons and 80 organisations.
    seed : int
        Seed of the two generators used (``random.Random`` and ``numpy.random.default_rng``).
    slug, name : str
        Slug and display name of the network; ``slug`` also prefixes each ``external_id``.
    today : date
        The day the network is "as of": ties start within the five years before it, active
        work is running on it, forming and draft initiatives start after it.

    Returns
    -------
    dict
        A JSON-ready bundle (only str, int, float, bool, None, lists and dicts): network,
        capability vocabulary, actors (refs 1..N), affiliations, initiatives with roles,
        engagements and ties. The same arguments always give an equal dict.

    Notes
    -----
    Ties follow a stochastic block model over communities of region and cause (Holland,
    Laskey & Leinhardt 1983) in which endpoints are drawn in proportion to a Pareto fitness
    scaled by tenure, i.e. fitness-based preferential attachment (Caldarelli et al. 2002)
    sampled as in the expected-degree model of Chung & Lu (2002). About 7.4 recorded ties are
    drawn per actor; memberships, initiative co-membership and funding add the rest (about
    7.7 ties per actor in all at 100,000 actors, 8.7 at 300). Each past initiative's team
    members hold the capabilities its roles require; active engagements never exceed an
    actor's capacity and ``committed_hours`` is their sum. Upcoming (forming and draft)
    initiatives ask only for what the network can give today: each role's seats and hours
    are within reach of actors who qualify, and a coalition's sector mix names sectors in
    which at least three of them are, none holding more than half the seats -- so the
    formation engine finds a team for them. Initiatives number
    ``max(24, actors // 400)``. Runs in O(actors) time and memory: 100,000 actors take about
    8 s of CPU on a 2-core development machine.

    References
    ----------
    .. [1] P. W. Holland, K. B. Laskey, S. Leinhardt, "Stochastic blockmodels: first steps",
       Social Networks 5 (1983) 109-137.
    .. [2] G. Caldarelli, A. Capocci, P. De Los Rios, M. A. Muñoz, "Scale-free networks from
       varying vertex intrinsic fitness", Phys. Rev. Lett. 89 (2002) 258702.
    .. [3] F. Chung, L. Lu, "Connected components in random graphs with given expected degree
       sequences", Annals of Combinatorics 6 (2002) 125-145.

    Examples
    --------
    >>> bundle = build_demo_bundle(actors=40, seed=1)
    >>> len(bundle["actors"]), bundle["format"], bundle["version"]
    (40, 'coalition-bundle', 1)
    """
    if actors < 1:
        raise ValueError("actors must be at least 1")
    rng = _Rand(seed)
    nrng = np.random.default_rng(seed)
    cal = _Calendar.of(today)
    world = _population(actors, rng, nrng, cal)
    _profiles(world, rng, nrng)
    affiliations, membership_ties = _affiliations(world, rng, cal)
    staffing = _initiatives(world, affiliations, rng, nrng, cal)
    ties = _recorded_ties(world, nrng, cal) + membership_ties + staffing.ties
    n_orgs = int(world.is_org.sum())
    return {
        "format": "coalition-bundle",
        "version": 1,
        "network": {
            "slug": slug,
            "name": name,
            "description": (
                f"A fictional network of {actors - n_orgs} practitioners and {n_orgs} "
                "organisations across the Americas, EMEA and APAC, with five years of dated "
                "ties and past initiatives. Every person and organisation is invented."
            ),
            "attribution": f"Generated by coalition.demo (seed {seed}, as of {today.isoformat()})",
        },
        "capabilities": [
            {"term": term, "category": category, "description": text, "esco_uri": None}
            for term, category, text in vocab.CAPABILITIES
        ],
        "actors": _actor_records(world, staffing.committed, slug, rng, cal),
        "affiliations": [a.record(cal) for a in affiliations],
        "initiatives": staffing.initiatives,
        "engagements": staffing.engagements,
        "ties": ties,
    }


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
    comm_region = nrng.choice(3, n_comm, p=_REGION_WEIGHTS)
    comm_region[:3] = nrng.permutation(3)
    themes = list(vocab.THEMES)
    rng.shuffle(themes)
    tag_index = {tag: i for i, (tag, _, _) in enumerate(vocab.PURPOSES)}
    cities_by_region = [
        [i for i, c in enumerate(vocab.CITIES) if c[3] == region] for region in _REGIONS
    ]
    city_weights = [c[6] for c in vocab.CITIES]
    comm_focus: list[list[int]] = []
    comm_cities: list[list[int]] = []
    for c in range(n_comm):
        theme = vocab.THEMES[themes[c % len(themes)]]
        focus = [tag_index[t] for t in rng.sample(theme, 3)]
        focus.append(rng.randrange(len(vocab.PURPOSES)))
        comm_focus.append(list(dict.fromkeys(focus)))
        pool = cities_by_region[int(comm_region[c])]
        homes = rng.choices(pool, [city_weights[i] for i in pool], k=rng.randint(1, 3))
        comm_cities.append(list(dict.fromkeys(homes)))
    sizes = nrng.lognormal(0.0, 0.5, n_comm)
    community = nrng.choice(n_comm, n, p=sizes / sizes.sum())
    region = comm_region[community]

    city = np.empty(n, np.int64)
    region_cum = [list(accumulate(city_weights[i] for i in pool)) for pool in cities_by_region]
    for i in range(n):
        homes = comm_cities[int(community[i])]
        if rng.random() < 0.75:
            city[i] = homes[rng.randrange(len(homes))]
        else:
            r = int(region[i])
            pick = bisect_right(region_cum[r], rng.random() * region_cum[r][-1])
            city[i] = cities_by_region[r][min(pick, len(cities_by_region[r]) - 1)]

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


# --------------------------------------------------------------------------- profiles

_TERMS: tuple[str, ...] = tuple(t for t, _, _ in vocab.CAPABILITIES)
_TERM_CATEGORY: tuple[str, ...] = tuple(c for _, c, _ in vocab.CAPABILITIES)
_TERM_INDEX = {t: i for i, t in enumerate(_TERMS)}
_CATEGORIES: tuple[str, ...] = tuple(vocab.CATEGORY_WEIGHTS)
_CATEGORY_CUM = list(accumulate(vocab.CATEGORY_WEIGHTS.values()))
_CATEGORY_TERMS: dict[str, list[int]] = {
    c: [i for i, cat in enumerate(_TERM_CATEGORY) if cat == c] for c in _CATEGORIES
}
_CROSS = [_TERM_INDEX[t] for t in vocab.CROSS_CUTTING]
_ICF = {_TERM_INDEX[t] for t in ("ICF ACC coaching", "ICF PCC coaching", "ICF MCC coaching")}
_CREDENTIALS = {_TERM_INDEX[t]: levels for t, levels in vocab.CREDENTIAL_LEVELS.items()}
_GRANT_MAKING = _TERM_INDEX["Grant making"]
_K_CUM = list(accumulate((12, 20, 24, 20, 14, 10)))  # 3..8 capabilities per person
_MAIN_LEVEL_CUM = list(accumulate((10, 35, 35, 20)))  # levels 2..5
_SIDE_LEVEL_CUM = list(accumulate((20, 40, 30, 10)))  # levels 1..4
_FOLD = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d"})


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return folded.encode("ascii", "ignore").decode("ascii")


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _pick(rng: random.Random, cum: Sequence[float]) -> int:
    return min(bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese", "de": "German",
    "nl": "Dutch", "it": "Italian", "sv": "Swedish", "pl": "Polish", "tr": "Turkish",
    "sw": "Swahili", "am": "Amharic", "yo": "Yoruba", "tw": "Twi", "wo": "Wolof", "zu": "Zulu",
    "xh": "Xhosa", "af": "Afrikaans", "ar": "Arabic", "hi": "Hindi", "mr": "Marathi",
    "kn": "Kannada", "ta": "Tamil", "bn": "Bengali", "zh": "Chinese", "ms": "Malay",
    "id": "Indonesian", "tl": "Tagalog", "th": "Thai", "vi": "Vietnamese", "ko": "Korean",
    "ja": "Japanese", "mi": "Māori", "ca": "Catalan",
}  # fmt: skip


def _profiles(world: _World, rng: random.Random, nrng: np.random.Generator) -> None:
    """Names, languages, capabilities, purposes, capacity and privacy of every actor."""
    n = world.n
    # Column-major: roles read one capability's column across all actors.
    world.levels = np.zeros((n, len(_TERMS)), np.int8, order="F")
    world.capacity = np.zeros(n)
    used_orgs: set[str] = set()
    tags = vocab.PURPOSES
    for i in range(n):
        city = vocab.CITIES[int(world.city[i])]
        sector = _SECTORS[int(world.sector[i])]
        org = bool(world.is_org[i])
        focus = world.comm_focus[int(world.community[i])]
        # Purposes: mostly the community's causes, sometimes one from elsewhere.
        picks = rng.sample(focus, min(len(focus), rng.randint(1, 3)))
        if rng.random() < 0.35 or world.broker[i]:
            picks.append(rng.randrange(len(tags)))
        world.purposes.append(sorted(set(picks), key=lambda p: tags[p][0]))
        world.languages.append(_languages(city[5], org, rng))
        if org:
            first, last = "", ""
            display, descriptor = _org_name(sector, city, world.purposes[i], rng, used_orgs)
            main, caps = _org_capabilities(sector, rng)
            capacity = _option(rng, _ORG_CAPACITY)
            world.day_rate.append(None)
        else:
            culture = vocab.CULTURES[rng.choice(city[4])]
            first, last = rng.choice(culture[0]), rng.choice(culture[1])
            display, descriptor = f"{first} {last}", ""
            main, caps = _person_capabilities(sector, rng)
            capacity = _option(rng, _PERSON_CAPACITY)
            rate: float | None = None
            if rng.random() < 0.9:
                scale = 1.0 if world.region[i] != 2 else 0.7
                rate = float(round(scale * rng.lognormvariate(6.4, 0.45) / 25) * 25 or 100)
            world.day_rate.append(rate)
        world.names.append(display)
        world.first.append(first)
        world.last.append(last)
        world.org_descriptor.append(descriptor)
        world.main_category.append(main)
        world.caps.append(caps)
        world.capacity[i] = capacity
        for term, level in caps:
            world.levels[i, term] = level
    _visibility(world, rng, nrng)


def _option(rng: random.Random, options: tuple[float, ...]) -> float:
    return options[rng.randrange(len(options))]


def _languages(local: tuple[str, ...], org: bool, rng: random.Random) -> list[str]:
    spoken: list[str] = []
    if org or local[0] == "en" or rng.random() < 0.9:
        spoken.append(local[0])
    for extra in local[1:]:
        if rng.random() < 0.4:
            spoken.append(extra)
    if "en" not in spoken and rng.random() < (0.85 if org else 0.75):
        spoken.append("en")
    if not org and rng.random() < 0.22:
        spoken.append(rng.choice(vocab.EXTRA_LANGUAGES))
    return list(dict.fromkeys(spoken)) or ["en"]


def _person_capabilities(sector: str, rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    if sector != "independent" and rng.random() < 0.5:
        main = rng.choice(vocab.SECTOR_CATEGORIES[sector])
    else:
        main = _CATEGORIES[_pick(rng, _CATEGORY_CUM)]
    k = 3 + _pick(rng, _K_CUM)
    own = _CATEGORY_TERMS[main]
    chosen = rng.sample(own, min(len(own), rng.choice((2, 2, 3, 3, 4))))
    n_main = len(chosen)
    side = _CATEGORIES[_pick(rng, _CATEGORY_CUM)]
    chosen += rng.sample(_CATEGORY_TERMS[side], 1 if rng.random() < 0.6 else 2)
    while len(dict.fromkeys(chosen)) < k:
        chosen.append(rng.choice(_CROSS) if rng.random() < 0.5 else rng.randrange(len(_TERMS)))
    terms = list(dict.fromkeys(chosen))[:k]
    icf = [t for t in terms if t in _ICF]
    terms = [t for t in terms if t not in _ICF or t == icf[0]]
    caps: list[tuple[int, int]] = []
    for rank, term in enumerate(terms):
        if term in _CREDENTIALS:
            level = rng.choice(_CREDENTIALS[term])
        elif rank < n_main:
            level = 2 + _pick(rng, _MAIN_LEVEL_CUM)
        else:
            level = 1 + _pick(rng, _SIDE_LEVEL_CUM)
        caps.append((term, level))
    while len(caps) < 3:  # the ICF clean-up may have taken one away
        extra = rng.choice(_CROSS)
        if extra not in {t for t, _ in caps}:
            caps.append((extra, 2))
    caps.sort(key=lambda c: _TERMS[c[0]])
    return main, caps


def _org_capabilities(sector: str, rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    categories = vocab.SECTOR_CATEGORIES[sector]
    pool = [t for c in categories for t in _CATEGORY_TERMS[c]]
    terms = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
    if sector == "funder" and _GRANT_MAKING not in terms:
        terms[0] = _GRANT_MAKING
    caps = sorted(((t, rng.randint(2, 5)) for t in terms), key=lambda c: _TERMS[c[0]])
    return categories[0], caps


def _org_name(
    sector: str,
    city: tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], float],
    purposes: list[int],
    rng: random.Random,
    used: set[str],
) -> tuple[str, str]:
    patterns = vocab.ORG_NAME_PATTERNS[sector]
    places = vocab.NEIGHBOURHOODS.get(city[0], ())
    culture = vocab.CULTURES[rng.choice(city[4])]
    name, descriptor = "", ""
    for _attempt in range(12):
        pattern, descriptor = rng.choice(patterns)
        place = rng.choice(places) if places and rng.random() < 0.6 else city[0]
        name = pattern.format(
            city=city[0],
            country=city[1],
            place=place,
            compound=rng.choice(vocab.COMPOUND_HEADS) + rng.choice(vocab.COMPOUND_TAILS),
            surname=rng.choice(culture[1]),
            surname2=rng.choice(culture[1]),
            theme=vocab.PURPOSES[purposes[0]][1] if purposes else "Common Good",
            area=rng.choice(vocab.AREAS),
        )
        if city[0].endswith(" City"):  # not "City of Mexico City", "Ho Chi Minh City City"
            name = name.replace(f"City of {city[0]}", city[0]).replace("City City", "City")
        if name not in used:
            break
    base, k = name, 2
    for branch in vocab.BRANCHES:  # a large network runs out of distinct patterns
        if name not in used:
            break
        name = f"{base} – {branch}"
    while name in used:
        name = f"{base} ({k})"
        k += 1
    used.add(name)
    return name, descriptor


def _visibility(world: _World, rng: random.Random, nrng: np.random.Generator) -> None:
    """Most profiles public, ~8% network-only, ~1% convenors-only, ~0.5% private."""
    n = world.n
    vis = np.full(n, "public", dtype=object)
    u = nrng.random(n)
    vis[u < 0.09] = "network"
    vis[u < 0.01] = "convenors"
    persons = np.flatnonzero(~world.is_org)
    if n >= 2 and persons.size:
        n_private = max(1, round(n * 0.005))
        private = nrng.choice(persons, min(n_private, persons.size), replace=False)
        vis[private] = "private"
    world.visibility = [str(v) for v in vis]
    world.private = vis == "private"
    for _ in range(n):
        privacy = dict(_DEFAULT_PRIVACY)
        u1 = rng.random()
        if u1 < 0.10:
            privacy["contact"] = "public"
        elif u1 < 0.15:
            privacy["capacity"] = "convenors"
        elif u1 < 0.18:
            privacy["day_rate"] = "convenors"
        world.privacy.append(privacy)


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
    n, f = world.n, world.fitness
    total = float(f.sum())
    m = round(_TIES_PER_ACTOR * n)
    if n < 2 or total <= 0 or m == 0:
        return []
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
    src, tgt = src[keep], tgt[keep]
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

    # Every column is prepared with numpy; the loop only packs rows into dicts.
    src = src[order]
    tgt = tgt[order]
    kind = kind[order]
    start = start[order]
    iso = np.asarray(cal.iso, dtype=object)
    starts = iso[start + cal.lead]
    ends = iso[np.minimum(end[order], cal.span) + cal.lead]
    ends[~has_end[order]] = None
    width = max(len(v) for v in vocab.TIE_NOTES.values())
    table = np.array(
        [
            [vocab.TIE_NOTES[k][j % len(vocab.TIE_NOTES[k])] for j in range(width)]
            for k in _TIE_KINDS
        ],
        dtype=object,
    )
    n_notes = np.array([len(vocab.TIE_NOTES[k]) for k in _TIE_KINDS])[kind]
    notes = table[kind, (note_pick[order] * n_notes).astype(np.int64)]
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
            weight[order].tolist(),
            starts.tolist(),
            ends.tolist(),
            notes.tolist(),
            origins.tolist(),
            strict=True,
        )
    ]


# --------------------------------------------------------------------------- initiatives


@dataclass
class _Staffing:
    initiatives: list[dict[str, Any]] = field(default_factory=list)
    engagements: list[dict[str, Any]] = field(default_factory=list)
    ties: list[dict[str, Any]] = field(default_factory=list)
    committed: FloatArray = field(default_factory=lambda: np.zeros(0))


@dataclass
class _Role:
    title: str
    seats: int
    hours: float
    languages: list[str]
    regions: list[str]
    requirements: list[tuple[int, int]]
    members: list[int]
    # For an upcoming role: how many actors of each sector could take a seat now.
    depth: IntArray | None = None

    def record(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "seats": self.seats,
            "hours_per_week": self.hours,
            "languages": self.languages,
            "timezone_regions": self.regions,
            "requirements": [
                {"capability": _TERMS[t], "min_level": lvl} for t, lvl in self.requirements
            ],
        }


def _status_plan(count: int) -> list[str]:
    draft = max(1, round(0.04 * count))
    forming = max(2, round(0.08 * count))
    active = max(3, round(0.20 * count))
    return ["completed"] * (count - draft - forming - active) + (
        ["active"] * active + ["forming"] * forming + ["draft"] * draft
    )


def _initiatives(
    world: _World,
    affiliations: list[_Affiliation],
    rng: random.Random,
    nrng: np.random.Generator,
    cal: _Calendar,
) -> _Staffing:
    """Past, running and upcoming initiatives, their roles, teams, engagements and ties."""
    out = _Staffing(committed=np.zeros(world.n))
    free = world.capacity.copy()
    orgs_of: dict[int, list[int]] = {}
    for a in affiliations:
        orgs_of.setdefault(a.actor, []).append(a.organisation)
    comm_weight = np.bincount(world.community, world.fitness, len(world.comm_focus)).astype(float)
    if comm_weight.sum() <= 0:
        comm_weight = np.ones(len(world.comm_focus))
    titles: set[str] = set()
    has_orgs = bool(world.is_org.any())
    for ref, status in enumerate(_status_plan(max(24, world.n // 400)), start=1):
        kind = "coalition" if has_orgs and rng.random() < 0.35 else "project"
        c = int(nrng.choice(len(comm_weight), p=comm_weight / comm_weight.sum()))
        start, end = _window(status, rng, cal)
        history = status in ("completed", "active")
        # Who could take part: active, joined by the start, weighted towards the community.
        base = world.fitness > 0
        if history and start is not None:
            base &= world.joined <= start
        reach = world.fitness * np.where(
            world.community == c, 4.0, np.where(world.region == world.comm_region[c], 1.5, 0.3)
        )
        needs_hours = status != "completed"
        convenor = _choose(
            base & (~world.is_org if kind == "project" or rng.random() < 0.4 else world.is_org),
            reach,
            free if needs_hours else None,
            world,
            nrng,
            skip_private=True,
        )
        home = (
            int(world.city[convenor]) if convenor is not None else rng.choice(world.comm_cities[c])
        )
        city = vocab.CITIES[home]
        place_languages = ("en", *city[5])
        roles: list[_Role] = []
        used_terms: set[int] = set()
        team: list[int] = []
        for r in range(rng.randint(2, 5) if kind == "project" else rng.randint(3, 6)):
            org_role = kind == "coalition" and (
                (r == 0 and convenor is not None and bool(world.is_org[convenor]))
                or (r > 0 and rng.random() < 0.6)
            )
            role = _role(
                world,
                base & (world.is_org if org_role else ~world.is_org),
                reach,
                free if needs_hours else None,
                convenor if r == 0 else None,
                org_role,
                place_languages,
                used_terms,
                team,
                status,
                rng,
                nrng,
            )
            roles.append(role)
            team.extend(role.members)
        focus = world.comm_focus[c]
        purposes = sorted(
            {vocab.PURPOSES[p][0] for p in rng.sample(focus, min(len(focus), rng.randint(1, 3)))}
        )
        year = cal.year(cal.span if start is None else start)
        title = _title(kind, purposes[0], city[0], year, rng, titles)
        members = list(dict.fromkeys(team))
        record = {
            "ref": ref,
            "kind": kind,
            "title": title,
            "purpose": _purpose_text(kind, purposes[0], city[0]),
            "purpose_tags": purposes,
            "start_date": None if start is None else cal.day(start),
            "end_date": None if end is None else cal.day(end),
            "budget": _budget(kind, status, rng),
            "status": status,
            "sector_mix": _sector_mix(
                world, members, kind, status, rng, _depth(roles), sum(r.seats for r in roles)
            ),
            "max_per_organisation": _max_per_org(members, orgs_of, kind),
            "timezone_coverage": _coverage(world, members, convenor, rng),
            "convenor": None if convenor is None else convenor + 1,
            "roles": [role.record() for role in roles],
        }
        out.initiatives.append(record)
        if history and start is not None:
            _engage(out, world, free, ref, title, roles, status, start, end, rng, cal)
    return out


def _window(status: str, rng: random.Random, cal: _Calendar) -> tuple[int | None, int | None]:
    span = cal.span
    if status == "completed":
        start = rng.randint(60, span - 240)
        return start, min(start + rng.randint(90, 540), span - 14)
    if status == "active":
        start = rng.randint(span - 420, span - 14)
        return start, (None if rng.random() < 0.2 else span + rng.randint(30, 365))
    if status == "forming":
        start = span + rng.randint(14, 120)
        return start, start + rng.randint(120, 540)
    if rng.random() < 0.5:
        return None, None
    return span + rng.randint(60, 240), None


def _choose(
    mask: BoolArray,
    reach: FloatArray,
    free: FloatArray | None,
    world: _World,
    nrng: np.random.Generator,
    *,
    skip_private: bool = False,
    hours: float = 2.0,
) -> int | None:
    """One actor drawn by ``reach`` among ``mask``, with ``hours`` free if ``free`` is given."""
    weight = np.where(mask, reach, 0.0)
    if free is not None:
        weight = np.where(free >= hours, weight, 0.0)
    if skip_private:
        weight = np.where(world.private, 0.0, weight)
    total = weight.sum()
    if total <= 0:
        return None
    cum = np.cumsum(weight)
    return int(min(np.searchsorted(cum, nrng.random() * total, side="right"), world.n - 1))


def _role(
    world: _World,
    mask: BoolArray,
    reach: FloatArray,
    free: FloatArray | None,
    anchor: int | None,
    org_role: bool,
    place_languages: tuple[str, ...],
    used_terms: set[int],
    team: list[int],
    status: str,
    rng: random.Random,
    nrng: np.random.Generator,
) -> _Role:
    """A role built around one actor who really qualifies (the anchor), and who else does.

    The anchor is the convenor for the first role, otherwise drawn by ``reach``. Requirements
    are taken from the anchor's own capabilities; the other seats go to actors meeting them.
    """
    hours = rng.choice(_ORG_HOURS if org_role else _PERSON_HOURS)
    available = mask.copy()
    if team:
        available[np.asarray(team)] = False
    if anchor is None:
        anchor = _choose(available, reach, free, world, nrng)
    if anchor is None:  # nobody can take part: an open role on a common capability
        term = rng.choice(_CROSS)
        used_terms.add(term)
        return _Role(
            _role_title(_TERM_CATEGORY[term], org_role, rng),
            rng.randint(1, 2),
            hours,
            [],
            [],
            [(term, 2)],
            [],
        )
    caps = [c for c in world.caps[anchor] if c[0] not in used_terms] or world.caps[anchor]
    term, level = caps[rng.randrange(len(caps))]
    requirements = [(term, max(1, level - rng.choice((0, 1, 1, 2))))]
    # A second requirement only where it makes sense: a neighbouring or cross-cutting skill.
    category = _TERM_CATEGORY[term]
    related = [
        c
        for c in world.caps[anchor]
        if c[0] != term and (_TERM_CATEGORY[c[0]] == category or c[0] in _CROSS)
    ]
    if related and rng.random() < 0.5:
        t2, l2 = related[rng.randrange(len(related))]
        requirements.append((t2, max(1, l2 - rng.choice((0, 1, 2)))))
    used_terms.update(t for t, _ in requirements)
    languages: list[str] = []
    if rng.random() < 0.2:
        # English or a language of the place, whichever the anchor speaks.
        spoken = [lang for lang in world.languages[anchor] if lang in place_languages]
        languages = spoken[:1]
    regions: list[str] = []
    if rng.random() < 0.25:
        regions = [_REGIONS[int(world.region[anchor])]]
    planned = rng.choice((1, 1, 1, 2, 2, 3)) if not org_role else rng.randint(1, 4)
    qualified = available.copy()
    for t, lvl in requirements:
        qualified &= world.levels[:, t] >= lvl
    for lang in languages:
        qualified &= world.speaks(lang)
    if regions:
        qualified &= world.region == _REGIONS.index(regions[0])
    if free is not None:
        qualified &= free >= min(hours, 2.0)
    depth = None
    ready_count = 0
    if status in ("forming", "draft"):
        # Who could take a seat today (the anchor included): an upcoming role asks for no more
        # hours and seats than they can give, and its initiative's sector mix reads ``depth``.
        ready = qualified & ~world.private
        if free is not None:
            if not (ready & (free >= hours)).any():
                hours = max(1.0, min(hours, math.floor(free[anchor] * 2) / 2))
            ready &= free >= hours
        depth = np.bincount(world.sector[ready], minlength=len(_SECTORS)).astype(np.int64)
        ready_count = int(np.count_nonzero(ready))
    qualified[anchor] = False
    pool = np.flatnonzero(qualified)
    members = [anchor]
    weight = reach[pool]
    if planned > 1 and pool.size and weight.sum() > 0:
        k = min(planned - 1, int(np.count_nonzero(weight)))
        extra = nrng.choice(pool, k, replace=False, p=weight / weight.sum())
        members += [int(x) for x in extra]
    if status in ("forming", "draft"):
        seats, members = min(planned, len(members), max(1, ready_count)), []
    elif status == "completed":
        seats = len(members)
    else:
        seats = max(planned, len(members))
    return _Role(
        _role_title(_TERM_CATEGORY[term], org_role, rng),
        seats,
        hours,
        languages,
        regions,
        requirements,
        members,
        depth,
    )


def _role_title(category: str, org_role: bool, rng: random.Random) -> str:
    if org_role:
        return vocab.PARTNER_ROLE_TITLES.get(category, "Partner organisation")
    return rng.choice(vocab.CATEGORY_ROLE_TITLES[category])


def _title(kind: str, tag: str, city: str, year: int, rng: random.Random, used: set[str]) -> str:
    words = next(p[1] for p in vocab.PURPOSES if p[0] == tag)
    patterns = vocab.INITIATIVE_TITLE_PATTERNS[kind]
    title = ""
    for _attempt in range(10):
        title = rng.choice(patterns).format(title=words, city=city, year=year)
        if title not in used:
            break
    base, k = title, 2
    while title in used:
        title = f"{base} ({k})"
        k += 1
    used.add(title)
    return title


def _purpose_text(kind: str, tag: str, city: str) -> str:
    phrase = next(p[2] for p in vocab.PURPOSES if p[0] == tag)
    who = "independent practitioners" if kind == "project" else "organisations across sectors"
    return f"Bring together {who} to {phrase} in {city}."


def _budget(kind: str, status: str, rng: random.Random) -> float | None:
    if status == "draft" and rng.random() < 0.5:
        return None
    low, high = (15_000, 250_000) if kind == "project" else (80_000, 1_500_000)
    return float(round(rng.uniform(low, high), -3))


def _depth(roles: list[_Role]) -> IntArray | None:
    """Seat-takers by sector over an upcoming initiative's roles (None for a started one)."""
    depths = [role.depth for role in roles if role.depth is not None]
    return np.sum(depths, axis=0) if depths else None


_MIX_DEPTH = 3  # an upcoming coalition asks for a sector where this many could take a seat


def _sector_mix(
    world: _World,
    members: list[int],
    kind: str,
    status: str,
    rng: random.Random,
    depth: IntArray | None = None,
    seats: int = 0,
) -> dict[str, dict[str, int]]:
    counts: dict[str, int] = {}
    if members:
        for s in sorted(world.sector[np.asarray(members)].tolist()):
            counts[_SECTORS[s]] = counts.get(_SECTORS[s], 0) + 1
    elif kind == "coalition":
        present = sorted(set(world.sector[world.is_org].tolist()))
        wanted = rng.sample(present, min(len(present), rng.randint(2, 3)))
        if depth is not None:
            # A convenor asks for sectors where someone could take a seat, so a team exists
            # (a sector nobody eligible is in made every proposal infeasible).
            deep = [s for s in wanted if depth[s] >= _MIX_DEPTH]
            others = [s for s in present if s not in deep and depth[s] >= _MIX_DEPTH]
            others.sort(key=lambda s: (-int(depth[s]), s))
            wanted = sorted(deep + others[: len(wanted) - len(deep)])
        for s in wanted:
            counts[_SECTORS[s]] = 1
    if kind == "project":
        if "independent" in counts and rng.random() < 0.5:
            return {"independent": {"min": 1, "max": counts["independent"] + 2}}
        return {}
    top = sorted(counts, key=lambda s: (-counts[s], s))[:4]
    if depth is not None:
        # Balance rather than a cap of two: no sector holds more than half the seats.
        cap = max(2, -(-seats // 2))
        return {s: {"min": 1, "max": cap} for s in sorted(top)}
    return {s: {"min": 1, "max": counts[s] + 1} for s in sorted(top)}


def _max_per_org(members: list[int], orgs_of: dict[int, list[int]], kind: str) -> int | None:
    if kind == "project":
        return None
    shared: dict[int, int] = {}
    for m in members:
        for o in orgs_of.get(m, []):
            shared[o] = shared.get(o, 0) + 1
    return max(2, max(shared.values(), default=0))


def _coverage(
    world: _World, members: list[int], convenor: int | None, rng: random.Random
) -> list[str]:
    if members:
        present = set(world.region[np.asarray(members)].tolist())
        return [_REGIONS[r] for r in range(3) if r in present] if len(present) > 1 else []
    if convenor is not None and rng.random() < 0.5:
        return [_REGIONS[int(world.region[convenor])]]
    return []


def _engage(
    out: _Staffing,
    world: _World,
    free: FloatArray,
    ref: int,
    title: str,
    roles: list[_Role],
    status: str,
    start: int,
    end: int | None,
    rng: random.Random,
    cal: _Calendar,
) -> None:
    """Engagements of a started initiative's team and the co-membership ties they make."""
    span = cal.span
    members: list[int] = []
    for index, role in enumerate(roles):
        for actor in role.members:
            if actor in members:
                continue
            members.append(actor)
            begin = min(start + rng.randint(0, 14), end if end is not None else span, span)
            finish = end
            engagement_status = "completed" if status == "completed" else "active"
            hours = role.hours
            if rng.random() < 0.05 and finish is not None and finish > begin:
                engagement_status = "withdrawn"
                finish = rng.randint(begin, min(finish, span))
            elif rng.random() < 0.04 and status == "active" and begin < span:
                engagement_status, finish = "withdrawn", rng.randint(begin, span)
            if engagement_status == "active":
                hours = min(hours, math.floor(free[actor] * 2) / 2)  # a counter-offer
                free[actor] -= hours
                out.committed[actor] += hours
            out.engagements.append(
                {
                    "initiative": ref,
                    "role": index,
                    "actor": actor + 1,
                    "hours_per_week": float(hours),
                    "status": engagement_status,
                    "listed": rng.random() < 0.95,
                    "start_date": cal.day(begin),
                    "end_date": None if finish is None or finish > span else cal.day(finish),
                }
            )
    ordered = sorted(members)
    tie_end = cal.day(end) if status == "completed" and end is not None else None
    for a_pos, a in enumerate(ordered):
        for b in ordered[a_pos + 1 :]:
            out.ties.append(
                {
                    "source": a + 1,
                    "target": b + 1,
                    "kind": "collaborated",
                    "weight": float(round(rng.uniform(2.0, 4.5), 1)),
                    "start_date": cal.day(start),
                    "end_date": tie_end,
                    "note": f"Co-members of {title}",
                    "origin": "invitation",
                    "initiative": ref,
                }
            )
    # Funders in the team fund its lead (the convenor where there is one).
    funders = [m for m in members if world.is_org[m] and world.sector[m] == _FUNDER]
    others = [m for m in members if m not in funders]
    recipient = others[0] if others else None
    for m in funders:
        if recipient is not None:
            out.ties.append(
                {
                    "source": m + 1,
                    "target": int(recipient) + 1,
                    "kind": "funded",
                    "weight": float(round(rng.uniform(3.0, 5.0), 1)),
                    "start_date": cal.day(start),
                    "end_date": tie_end,
                    "note": f"Grant for {title}",
                    "origin": "contribution",
                    "initiative": ref,
                }
            )


# --------------------------------------------------------------------------- actor records


def _actor_records(
    world: _World, committed: FloatArray, slug: str, rnd: random.Random, cal: _Calendar
) -> list[dict[str, Any]]:
    emails: dict[str, int] = {}
    handles: dict[str, str] = {}  # name part -> e-mail handle; names repeat a lot
    records: list[dict[str, Any]] = []
    for i in range(world.n):
        org = bool(world.is_org[i])
        city = vocab.CITIES[int(world.city[i])]
        tags = [vocab.PURPOSES[p][0] for p in world.purposes[i]]
        caps = world.caps[i]
        if org:
            handle = _slugify(world.names[i]) or f"org-{i + 1}"
            email = _unique(emails, f"hello@{handle}", ".example.org")
            website: str | None = f"https://{handle}.example.org"
            headline, bio = _org_text(world, i, city, tags, caps)
        else:
            base = ".".join(
                handles.get(part) or handles.setdefault(part, _slugify(part).replace("-", ""))
                for part in (world.first[i], world.last[i])
            )
            email = _unique(emails, base, "@example.org")
            website = (
                f"https://{base.replace('.', '-')}.example.net" if rnd.random() < 0.2 else None
            )
            headline, bio = _person_text(world, i, city, tags, caps, rnd)
        phrase = vocab.PURPOSES[world.purposes[i][0]][2] if world.purposes[i] else "work together"
        records.append(
            {
                "ref": i + 1,
                "kind": "organisation" if org else "person",
                "name": world.names[i],
                "sector": _SECTORS[int(world.sector[i])],
                "external_id": f"{slug}-{i + 1:06d}",
                "headline": headline,
                "bio": bio,
                "timezone": city[2],
                "languages": world.languages[i],
                "capacity_hours": float(world.capacity[i]),
                "committed_hours": float(committed[i]),
                "day_rate": world.day_rate[i],
                "email": email,
                "phone": None,
                "website": website,
                "purpose_text": f"{phrase[0].upper()}{phrase[1:]}"
                + (f"; also {_join(tags[1:])}." if len(tags) > 1 else "."),
                "purposes": tags,
                "capabilities": [
                    {
                        "term": _TERMS[t],
                        "level": lvl,
                        "evidence": _evidence(t, lvl, org, i, cal),
                        "esco_uri": None,
                    }
                    for t, lvl in caps
                ],
                "visibility": world.visibility[i],
                "privacy": world.privacy[i],
                "joined_on": cal.day(int(world.joined[i])),
            }
        )
    return records


def _unique(seen: dict[str, int], base: str, suffix: str) -> str:
    count = seen.get(base, 0) + 1
    seen[base] = count
    return f"{base}{suffix}" if count == 1 else f"{base}{count}{suffix}"


def _evidence(term: int, level: int, org: bool, i: int, cal: _Calendar) -> str:
    # Cheap and deterministic: the variant depends on the actor and the term only.
    variant = (i * 31 + term * 7) % 6
    since = cal.today.year - 1 - (i + term) % 12
    if term in _CREDENTIALS:
        return f"Credential held since {since}"
    if org:
        return ("Core service since {y}", "Delivered for {k} partners", "")[variant % 3].format(
            y=since, k=3 + (i + term) % 20
        )
    if variant == 0:
        return f"{level * 2 + (i % 4)} years of practice"
    if variant == 1:
        return f"{3 + (i + term) % 25} engagements since {since}"
    if variant == 2:
        return "Portfolio available on request"
    if variant == 3:
        return "Endorsed by peers in the network"
    return ""


def _person_text(
    world: _World,
    i: int,
    city: tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], float],
    tags: list[str],
    caps: list[tuple[int, int]],
    rnd: random.Random,
) -> tuple[str, str]:
    first = world.first[i]
    noun = vocab.CATEGORY_NOUNS[world.main_category[i]]
    cred = next((_TERMS[t] for t, _ in caps if t in _ICF), None)
    if cred is not None and world.main_category[i] == "Coaching":
        noun = cred.replace(" coaching", " coach")
    top = sorted(caps, key=lambda c: -c[1])
    skills = [_TERMS[t].lower() if _TERMS[t][1:].islower() else _TERMS[t] for t, _ in top[:2]]
    cause = tags[0] if tags else "collaboration"
    sector = _SECTORS[int(world.sector[i])]
    headline = (
        f"{noun} working on {cause} in {city[0]}",
        f"{noun} · {_join(tags[:2]) or cause}",
        f"Independent {noun[0].lower()}{noun[1:]} for {rnd.choice(vocab.PARTNERS_PHRASES)}",
    )[rnd.randrange(3) if sector == "independent" else rnd.randrange(2)]
    years = 3 + (i * 7) % 22
    first_sentence = (
        f"{first} is a {noun[0].lower()}{noun[1:]} based in {city[0]}, {city[1]}, "
        f"with {years} years of practice."
    )
    partners = rnd.choice(vocab.PARTNERS_PHRASES)
    second = (
        f"Most of {first}'s work is with {partners} on {_join(tags[:2]) or cause}.",
        f"{first} specialises in {_join(skills)}, usually for {partners}.",
        f"{first} brings {_join(skills)} to cross-sector teams working on {cause}.",
    )[rnd.randrange(3)]
    languages = _join([_LANGUAGE_NAMES.get(c, c) for c in world.languages[i]])
    third = f"Works in {languages}."
    return headline, f"{first_sentence} {second} {third}"


def _org_text(
    world: _World,
    i: int,
    city: tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], float],
    tags: list[str],
    caps: list[tuple[int, int]],
) -> tuple[str, str]:
    descriptor = world.org_descriptor[i]
    headline = f"{descriptor[0].upper()}{descriptor[1:]} in {city[0]}, {city[1]}"
    skills = _join([_TERMS[t] for t, _ in caps[:2]])
    article = "an" if descriptor[0].lower() in "aeiou" else "a"
    bio = (
        f"{world.names[i]} is {article} {descriptor} in {city[0]}, {city[1]}. "
        f"It works on {_join(tags[:2]) or 'local priorities'} and brings {skills} "
        "to its partnerships."
    )
    return headline, bio
