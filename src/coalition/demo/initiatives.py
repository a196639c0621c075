"""The demo's initiatives: staffed from people who hold the capabilities asked for, with
roles, engagements and the ties co-members gain."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engines.arrays import BoolArray, FloatArray, IntArray
from . import vocab
from .population import _FUNDER, _ORG_HOURS, _PERSON_HOURS, _REGIONS, _SECTORS, _Calendar, _World
from .profiles import _CROSS, _TERM_CATEGORY, _TERMS
from .ties import _Affiliation

if TYPE_CHECKING:
    pass


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
        base, reach = _who_could(world, c, start if history else None)
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
        roles, team = _roles(
            world,
            kind,
            base,
            reach,
            free if needs_hours else None,
            convenor,
            place_languages,
            status,
            rng,
            nrng,
        )
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


def _roles(
    world: _World,
    kind: str,
    base: BoolArray,
    reach: FloatArray,
    free: FloatArray | None,
    convenor: int | None,
    place_languages: tuple[str, ...],
    status: str,
    rng: random.Random,
    nrng: np.random.Generator,
) -> tuple[list[_Role], list[int]]:
    """The roles of one initiative and everyone staffed on them, in order (the convenor
    first when there is one); ``free`` is the hours left per actor when they count."""
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
            free,
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
    return roles, team


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
    requirements = _requirements(world, anchor, used_terms, rng)
    term = requirements[0][0]
    languages: list[str] = []
    if rng.random() < 0.2:
        # English or a language of the place, whichever the anchor speaks.
        spoken = [lang for lang in world.languages[anchor] if lang in place_languages]
        languages = spoken[:1]
    regions: list[str] = []
    if rng.random() < 0.25:
        regions = [_REGIONS[int(world.region[anchor])]]
    planned = rng.choice((1, 1, 1, 2, 2, 3)) if not org_role else rng.randint(1, 4)
    qualified = _qualified(world, available, requirements, languages, regions, free, hours)
    depth = None
    ready_count = 0
    if status in ("forming", "draft"):
        hours, depth, ready_count = _ready(world, qualified, free, hours, anchor)
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


def _who_could(world: _World, c: int, start: int | None) -> tuple[BoolArray, FloatArray]:
    """Who could take part in an initiative of community ``c`` (active, and joined by
    ``start`` when it has already started), and their reach towards the community."""
    base = world.fitness > 0
    if start is not None:
        base &= world.joined <= start
    reach = world.fitness * np.where(
        world.community == c, 4.0, np.where(world.region == world.comm_region[c], 1.5, 0.3)
    )
    return base, reach


def _requirements(
    world: _World, anchor: int, used_terms: set[int], rng: random.Random
) -> list[tuple[int, int]]:
    """What a role built around ``anchor`` requires: one of the anchor's capabilities (one
    not used yet by the initiative where possible), sometimes a related second one."""
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
    return requirements


def _qualified(
    world: _World,
    available: BoolArray,
    requirements: list[tuple[int, int]],
    languages: list[str],
    regions: list[str],
    free: FloatArray | None,
    hours: float,
) -> BoolArray:
    """The available actors who meet a role's requirements, languages and region, with a
    little time free where time counts."""
    qualified = available.copy()
    for t, lvl in requirements:
        qualified &= world.levels[:, t] >= lvl
    for lang in languages:
        qualified &= world.speaks(lang)
    if regions:
        qualified &= world.region == _REGIONS.index(regions[0])
    if free is not None:
        qualified &= free >= min(hours, 2.0)
    return qualified


def _ready(
    world: _World, qualified: BoolArray, free: FloatArray | None, hours: float, anchor: int
) -> tuple[float, IntArray, int]:
    """Who could take a seat today (the anchor included): an upcoming role asks for no more
    hours and seats than they can give, and its initiative's sector mix reads the depth.

    Returns the hours asked, the qualified actors per sector and how many there are."""
    ready = qualified & ~world.private
    if free is not None:
        if not (ready & (free >= hours)).any():
            hours = max(1.0, min(hours, math.floor(free[anchor] * 2) / 2))
        ready &= free >= hours
    depth = np.bincount(world.sector[ready], minlength=len(_SECTORS)).astype(np.int64)
    return hours, depth, int(np.count_nonzero(ready))


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
    _team_ties(out, world, members, ref, title, status, start, end, rng, cal)


def _team_ties(
    out: _Staffing,
    world: _World,
    members: list[int],
    ref: int,
    title: str,
    status: str,
    start: int,
    end: int | None,
    rng: random.Random,
    cal: _Calendar,
) -> None:
    """The ties a started initiative makes: every pair of co-members collaborated, and the
    funders in the team fund its lead."""
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
