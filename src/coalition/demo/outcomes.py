"""The demo outcomes: measurements, contributions, shared assets and health checks."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from ..store.tables import Initiative, Network

_METRICS = (
    ("People in work six months on", "people", 40.0, 160.0, "increase"),
    ("Households reached", "households", 120.0, 900.0, "increase"),
    ("Emissions of member buildings", "tCO2e", 820.0, 560.0, "decrease"),
    ("Wait for a first appointment", "days", 46.0, 21.0, "decrease"),
    ("Young people in training", "people", 15.0, 90.0, "increase"),
    ("Partners sharing data monthly", "partners", 2.0, 12.0, "increase"),
)
_PACE = (1.08, 1.0, 0.93, 0.82, 0.74, 0.55)
_KIND_UNITS = {
    "time": ("hours", 4, 60),
    "knowledge": ("sessions", 1, 6),
    "money": ("EUR", 500, 20000),
    "in_kind": ("days of venue", 1, 10),
    "introductions": ("introductions", 1, 5),
    "facilitation": ("hours", 2, 24),
}
_ASSETS = (
    ("Partnership agreement template", "CC-BY-4.0"),
    ("Co-design workshop toolkit", "CC-BY-SA-4.0"),
    ("Outcome indicator library", "CC0-1.0"),
    ("Shared data dictionary", "CC-BY-4.0"),
    ("Stakeholder mapping canvas", "CC-BY-NC-4.0"),
    ("Grant budget calculator", "MIT"),
    ("Community consultation guide", "CC-BY-4.0"),
    ("Evaluation framework", "CC-BY-SA-4.0"),
)
_CHECKLIST = (
    "# Partnership health check — facilitator's checklist\n\n"
    "1. Send the survey a week ahead; ratings are anonymous to other members.\n"
    "2. Look at the spread before the mean: disagreement is the signal.\n"
    "3. Discuss the block with the widest range first.\n"
)


def _member_ids(db: Session, initiative_id: int) -> list[int]:
    from ..store.tables import Engagement

    return sorted(
        set(
            db.scalars(
                select(Engagement.actor_id).where(
                    Engagement.initiative_id == initiative_id,
                    Engagement.status.in_(("active", "completed")),
                )
            )
        )
    )


def enrich_demo(db: Session, slug: str) -> None:
    """Add outcomes, measurements, contributions, assets and health checks to a demo network.

    Deterministic (seeded by the slug; dates follow each initiative's own window, never
    today), and it does nothing when the network has outcomes already. Everything goes through
    the services, so the demo obeys the same rules as real use.
    """
    from ..store.tables import Actor, Initiative, Network
    from ..store.tables_outcomes import Outcome
    from .network import DEMO_TODAY

    network = db.scalars(select(Network).where(Network.slug == slug)).first()
    if network is None:
        return
    if db.scalar(select(Outcome.id).where(Outcome.network_id == network.id).limit(1)):
        return
    rng = random.Random(f"coalition-outcomes-demo:{slug}")
    initiatives = db.scalars(
        select(Initiative)
        .where(Initiative.network_id == network.id, Initiative.status.in_(("active", "completed")))
        .order_by(Initiative.id)
    ).all()
    actor_ids = list(
        db.scalars(
            select(Actor.id)
            .where(Actor.network_id == network.id, Actor.anonymised == 0)
            .order_by(Actor.id)
        )
    )
    # About one initiative with outcomes per 25 members: a showcase, not a burden.
    chosen = [(i, m) for i in initiatives if len(m := _member_ids(db, i.id)) >= 2]
    chosen = chosen[: max(6, min(16, len(actor_ids) // 25))]
    fallback_start = date(2025, 1, 6)

    for n, (initiative, members) in enumerate(chosen):
        start = initiative.start_date or fallback_start
        end = initiative.end_date if initiative.end_date and initiative.end_date > start else None
        due = end or start + timedelta(days=540)
        span = (due - start).days
        # How far into its window the initiative has got on the demo's "today".
        reached = due if initiative.status == "completed" else min(due, DEMO_TODAY)
        _outcomes(db, initiative.id, n, start, due, reached, rng)
        _contributions(db, initiative.id, members, start, span, reached, rng)
        _health_checks(db, initiative.id, members, n, start, span, reached, rng)

    if len(actor_ids) < 2:
        return
    _assets(db, network, slug, actor_ids, chosen, rng)


def _outcomes(
    db: Session,
    initiative_id: int,
    n: int,
    start: date,
    due: date,
    reached: date,
    rng: random.Random,
) -> None:
    """One or two outcomes of the ``n``-th chosen initiative, measured about five times over
    its window up to where it has got."""
    from ..schemas.outcomes import MeasurementIn, OutcomeIn
    from ..services import outcomes
    from ..services.access import Caller

    op = Caller.operator()
    span = (due - start).days
    for k in range(1 + (n % 2)):
        name, unit, baseline, target, direction = _METRICS[(n + 3 * k) % len(_METRICS)]
        scale = rng.choice((0.5, 1.0, 1.5))
        out = outcomes.add_outcome(
            db,
            op,
            initiative_id,
            OutcomeIn(
                name=name,
                unit=unit,
                baseline=round(baseline * scale, 1),
                baseline_date=start,
                target=round(target * scale, 1),
                direction=direction,  # type: ignore[arg-type]
                due_date=due,
            ),
        )
        pace = _PACE[(n + k) % len(_PACE)]
        step = max(21, min(100, span // 5))  # about five readings over the window
        day = start + timedelta(days=rng.randint(step * 4 // 5, step * 6 // 5))
        while day <= reached:
            expected = (day - start).days / span
            progress = min(1.15, expected * pace * rng.uniform(0.96, 1.04))
            value = out.baseline + progress * (out.target - out.baseline)
            outcomes.record_measurement(
                db,
                op,
                out.id,
                MeasurementIn(
                    value=round(value, 1),
                    unit=unit,
                    measured_on=day,
                    source=rng.choice(("partner records", "quarterly survey", "public statistics")),
                ),
            )
            day += timedelta(days=rng.randint(step * 4 // 5, step * 6 // 5))


def _contributions(
    db: Session,
    initiative_id: int,
    members: list[int],
    start: date,
    span: int,
    reached: date,
    rng: random.Random,
) -> None:
    """One or two contributions by every member, most of them confirmed by another."""
    from ..schemas.outcomes import ContributionIn
    from ..services import contributions
    from ..services.access import Caller

    op = Caller.operator()
    for contributor in members:
        for _ in range(rng.randint(1, 2)):
            kind = rng.choice(list(_KIND_UNITS))
            unit, low, high = _KIND_UNITS[kind]
            c = contributions.record_contribution(
                db,
                op,
                initiative_id,
                ContributionIn(
                    contributor_id=contributor,
                    kind=kind,  # type: ignore[arg-type]
                    amount=float(rng.randint(low, high)),
                    unit=unit,
                    contributed_on=min(
                        reached, start + timedelta(days=rng.randint(0, max(1, span // 2)))
                    ),
                ),
            )
            if rng.random() < 0.8:
                confirmer = rng.choice([m for m in members if m != contributor])
                contributions.confirm_contribution(db, op, c.id, confirmer)


def _health_checks(
    db: Session,
    initiative_id: int,
    members: list[int],
    n: int,
    start: date,
    span: int,
    reached: date,
    rng: random.Random,
) -> None:
    """Two or three health checks over the window, every member rating every block (one
    block, in turn, a matter of disagreement)."""
    from ..schemas.outcomes import BLOCKS, HealthCheckIn, RatingsIn
    from ..services import health
    from ..services.access import Caller

    op = Caller.operator()
    for h in range(1 + rng.randint(1, 2)):
        every = max(30, min(120, span // 3))
        held = start + timedelta(days=every * (h + 1) * 3 // 4)
        if held > reached:
            break
        check = health.open_check(db, op, initiative_id, HealthCheckIn(held_on=held))
        tension = BLOCKS[(n + h) % len(BLOCKS)]
        for member in members:
            ratings: dict[str, int] = {}
            for block in BLOCKS:
                base = 4 if block != "fair_value" else 3
                score = base + rng.choice((-1, 0, 0, 0, 1))
                if block == tension:
                    score = rng.choice((1, 2, 5))  # a block the members disagree about
                ratings[block] = max(1, min(5, score))
            health.rate(
                db,
                op,
                check.id,
                RatingsIn(actor_id=member, ratings=ratings),  # type: ignore[arg-type]
            )


def _assets(
    db: Session,
    network: Network,
    slug: str,
    actor_ids: list[int],
    chosen: list[tuple[Initiative, list[int]]],
    rng: random.Random,
) -> None:
    """The commons: shared assets (one of them a file), reused by some chosen initiatives."""
    import base64

    from ..schemas.outcomes import AssetIn, ReuseIn
    from ..services import commons
    from ..services.access import Caller
    from .network import DEMO_TODAY

    op = Caller.operator()
    fallback_start = date(2025, 1, 6)
    shared_on = min((i.start_date for i, _ in chosen if i.start_date), default=fallback_start)
    for a, (title, licence) in enumerate(_ASSETS):
        authors = rng.sample(actor_ids, k=min(len(actor_ids), rng.randint(1, 2)))
        file = None
        link: str | None = f"https://commons.example.org/{slug}/{a + 1}"
        if a == 0:
            link = None
            file = {
                "name": "health-check-checklist.md",
                "media_type": "text/markdown",
                "content_base64": base64.b64encode(_CHECKLIST.encode()).decode(),
            }
        asset = commons.share_asset(
            db,
            op,
            network,
            AssetIn.model_validate(
                {
                    "title": title,
                    "licence": licence,
                    "authors": authors,
                    "shared_by_id": authors[0],
                    "link": link,
                    "file": file,
                    "shared_on": shared_on.isoformat(),
                    "description": f"{title}, shared in the commons of {network.name}.",
                }
            ),
        )
        for initiative, members in rng.sample(chosen, k=min(len(chosen), rng.randint(0, 3))):
            commons.record_reuse(
                db,
                op,
                asset.id,
                ReuseIn(
                    initiative_id=initiative.id,
                    reused_on=min(
                        DEMO_TODAY, (initiative.start_date or fallback_start) + timedelta(days=30)
                    ),
                    recorded_by_id=members[0],
                ),
            )
