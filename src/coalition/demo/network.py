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

In numbers (:func:`build_demo_bundle`): about 7.4 recorded ties are drawn per actor;
memberships, initiative co-membership and funding add the rest (about 7.7 ties per actor in all
at 100,000 actors, 8.7 at 300). Each past initiative's team members hold the capabilities its
roles require; active engagements never exceed an actor's capacity and ``committed_hours`` is
their sum. Upcoming (forming and draft) initiatives ask only for what the network can give
today: each role's seats and hours are within reach of actors who qualify, and a coalition's
sector mix names sectors in which at least three of them are, none holding more than half the
seats -- so the formation engine finds a team for them. Initiatives number
``max(24, actors // 400)``. Runs in O(actors) time and memory: 100,000 actors take about 8 s of
CPU on a 2-core development machine.

References
----------
.. [1] P. W. Holland, K. B. Laskey, S. Leinhardt, "Stochastic blockmodels: first steps",
   Social Networks 5 (1983) 109-137.
.. [2] G. Caldarelli, A. Capocci, P. De Los Rios, M. A. Muñoz, "Scale-free networks from
   varying vertex intrinsic fitness", Phys. Rev. Lett. 89 (2002) 258702.
.. [3] F. Chung, L. Lu, "Connected components in random graphs with given expected degree
   sequences", Annals of Combinatorics 6 (2002) 125-145.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engines.arrays import FloatArray
from . import vocab
from .initiatives import _initiatives
from .population import _SECTORS, DEMO_TODAY, _Calendar, _population, _Rand, _World
from .profiles import _CREDENTIALS, _ICF, _LANGUAGE_NAMES, _TERMS, _join, _profiles, _slugify
from .ties import _affiliations, _recorded_ties

if TYPE_CHECKING:
    pass

__all__ = ["DEMO_TODAY", "build_demo_bundle"]


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
