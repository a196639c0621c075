"""Profiles of the demo's actors: names, languages, capabilities, purposes, capacity,
visibility and privacy."""

from __future__ import annotations

import random
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np

from . import vocab
from .population import _DEFAULT_PRIVACY, _ORG_CAPACITY, _PERSON_CAPACITY, _SECTORS, _World

if TYPE_CHECKING:
    pass


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
