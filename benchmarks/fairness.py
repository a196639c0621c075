"""Fairness benchmark: does the fairness objective widen who gets asked, and at what cost?

A network lived through the product's own services, twice from the same state and seed:
200 initiatives in sequence, each drawn from the demo network's own (its roles, purpose, sector
mix, organisation cap and time-zone coverage), one a week. For each: propose with the default
request, invite the best team, every invitee accepts (within capacity: the services refuse
anything else), the initiative becomes active, and five weeks later it completes - its
engagements end and their hours return. Run A uses the network's default fairness weight
(fairness on; the request's default fairness budget applies: at most 2 % of capability fit,
and at least 50 % of the fairness-off team's shared purpose kept); run B the same with
fairness 0 (off). Baseline: run B, in the same process.

Measured among the actors who qualify for at least one role drawn, as formation reads it
(:func:`coalition.services.fairness.qualifying_actors`: capability minimums, languages and
hours within capacity, members formation may propose):

* Gini of the simulation's engagements, the share of qualifying actors never engaged, the
  top 10 % share of engagements, and the busiest member's engagements;
* the cost of fairness on the same state: at every step of run A the same state is also
  solved with fairness 0, and the teams compared on the weighted objective of everything but
  fairness (fit, purpose, trust, diversity, cost) and on capability fit alone.

Floors (both sizes): Gini at least 30 % lower on than off; at most 2 % loss of capability
fit on the same state (issue #21's "fit objective"; the loss on everything but fairness is
printed beside it); the share never engaged at least halved; nobody busier than the busiest
member with fairness off. Absolute times are this machine's (2 cores, shared).

    .venv/bin/python benchmarks/fairness.py [--quick] [--sizes 300,1000] [--initiatives 200]
        [--weight W] [--budget-on objective|fit] [--strict]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from coalition.demo import DEMO_TODAY, build_demo_bundle
from coalition.domain import BudgetBasis
from coalition.engines.outcomes import gini
from coalition.errors import CoalitionError
from coalition.io.bundle import import_bundle
from coalition.schemas.formation import ProposalOut, ProposalRequest, WeightsIn
from coalition.schemas.initiatives import InitiativeIn, InitiativePatch
from coalition.schemas.invitations import AnswerIn
from coalition.services import formation, initiatives, invitations
from coalition.services.access import Caller
from coalition.services.engagements import ledger_mismatches
from coalition.services.fairness import network_weight, qualifying_actors
from coalition.store.migrate import upgrade
from coalition.store.session import session_factory
from coalition.store.tables import Engagement, Network

OP = Caller.operator()
SEED = 7
DURATION_STEPS = 5
STEP = timedelta(days=7)
FLOORS = {"gini_drop": 0.30, "objective_loss": 0.02, "never_ratio": 0.5}


@dataclass
class Run:
    """What one simulated run leaves behind."""

    engagements: dict[int, int] = field(default_factory=dict)
    drawn: list[int] = field(default_factory=list)
    proposed: int = 0
    no_team: int = 0
    accepted: int = 0
    refused: int = 0
    value_on: list[float] = field(default_factory=list)
    value_off: list[float] = field(default_factory=list)
    fit_on: list[float] = field(default_factory=list)
    fit_off: list[float] = field(default_factory=list)
    scores_on: list[dict[str, float]] = field(default_factory=list)
    scores_off: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


def _value(p: ProposalOut) -> float:
    """The weighted objective of everything but fairness (default weights)."""
    w = {k: v for k, v in WeightsIn().model_dump().items() if k != "fairness"}
    return sum(v * p.scores.get(k, 0.0) for k, v in w.items()) / sum(w.values())


def _templates(bundle: dict[str, Any], n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` initiatives drawn (with replacement, seeded) from the demo's own."""
    rng = random.Random(seed)
    own = [i for i in bundle["initiatives"] if i["roles"]]
    return [own[int(rng.random() * len(own))] for _ in range(n)]


def _initiative_in(template: dict[str, Any], step: int, start: date) -> InitiativeIn:
    return InitiativeIn.model_validate(
        {
            "kind": template["kind"],
            "title": f"{template['title']} #{step}",
            "purpose": template["purpose"],
            "purpose_tags": template["purpose_tags"],
            "start_date": start.isoformat(),
            "end_date": (start + DURATION_STEPS * STEP).isoformat(),
            "status": "forming",
            "sector_mix": template["sector_mix"],
            "max_per_organisation": template["max_per_organisation"],
            "timezone_coverage": template["timezone_coverage"],
            "roles": template["roles"],
        }
    )


def _member(network_id: int, actor_id: int) -> Caller:
    return Caller(account_id=0, actor_ids=frozenset({actor_id}), roles={network_id: "member"})


def _step(
    db: Any,
    network: Network,
    template: dict[str, Any],
    step: int,
    run: Run,
    fairness: float | None,
    contrast: bool,
    budget_on: BudgetBasis = BudgetBasis.fit,
) -> int | None:
    """One initiative: propose, invite the best team, everyone accepts; returns its id."""
    day = DEMO_TODAY + step * STEP
    now = datetime.combine(day, dtime(9, 0))
    created = initiatives.create_initiative(db, OP, network, _initiative_in(template, step, day))
    run.drawn.append(created.id)
    request = (
        ProposalRequest(fairness_budget_on=budget_on)
        if fairness is None
        else ProposalRequest(weights=WeightsIn(fairness=fairness))
    )
    result = formation.propose_team(db, OP, created.id, request, today=day)
    if not result.proposals:
        run.no_team += 1
        initiatives.update_initiative(db, OP, created.id, InitiativePatch(status="closed"))
        return None
    best = result.proposals[0]
    run.proposed += 1
    if contrast:
        # The same state, solved with fairness off: the cost of fairness.
        plain = formation.propose_team(
            db,
            OP,
            created.id,
            ProposalRequest(weights=WeightsIn(fairness=0.0), alternatives=0),
            today=day,
        )
        if plain.proposals:
            run.value_on.append(_value(best))
            run.value_off.append(_value(plain.proposals[0]))
            run.fit_on.append(best.scores["fit"])
            run.fit_off.append(plain.proposals[0].scores["fit"])
            run.scores_on.append(dict(best.scores))
            run.scores_off.append(dict(plain.proposals[0].scores))
    sent = invitations.invite_proposal(db, OP, best.id, now=now)
    for invitation in sent:
        try:
            invitations.answer(
                db,
                _member(network.id, invitation.actor_id),
                invitation.id,
                AnswerIn(answer="accept"),
                now=now,
            )
            run.accepted += 1
        except CoalitionError:
            run.refused += 1
    initiatives.update_initiative(db, OP, created.id, InitiativePatch(status="active"))
    return created.id


def simulate(
    bundle: dict[str, Any],
    templates: list[dict[str, Any]],
    *,
    on: bool,
    contrast: bool,
    weight: float | None = None,
    budget_on: BudgetBasis = BudgetBasis.fit,
) -> tuple[Run, set[int], float]:
    """Run the network through ``templates`` with fairness on (default weight) or off."""
    run = Run()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'sim.db'}"
        upgrade(url, "heads")
        Session = session_factory(url)
        with Session() as db:
            network = import_bundle(db, bundle)
            if weight is not None:  # as a steward would set it
                network.fairness_weight = weight
            db.commit()
            weight = network_weight(network)
            started = time.perf_counter()
            open_ids: list[tuple[int, int]] = []
            ids: list[int] = []
            for step, template in enumerate(templates):
                for due, initiative_id in [x for x in open_ids if x[0] <= step]:
                    initiatives.update_initiative(
                        db, OP, initiative_id, InitiativePatch(status="completed")
                    )
                    open_ids.remove((due, initiative_id))
                made = _step(
                    db, network, template, step, run, None if on else 0.0, contrast, budget_on
                )
                if made is not None:
                    ids.append(made)
                    open_ids.append((step + DURATION_STEPS, made))
                db.commit()
            run.seconds = time.perf_counter() - started
            assert not ledger_mismatches(db, network.id), "capacity ledger out of step"
            rows = db.execute(
                select(Engagement.actor_id).where(Engagement.initiative_id.in_(ids))
            ).all()
            for (actor,) in rows:
                run.engagements[actor] = run.engagements.get(actor, 0) + 1
            qualifying = qualifying_actors(db, network, run.drawn)
    return run, qualifying, weight


def measure(run: Run, qualifying: set[int]) -> dict[str, float]:
    actors = sorted(qualifying)
    counts = np.array([run.engagements.get(a, 0) for a in actors], dtype=np.float64)
    total = counts.sum()
    top = int(np.ceil(0.1 * len(counts)))
    return {
        "qualifying": float(len(actors)),
        "engagements": float(total),
        "gini": float(gini(counts.tolist())),
        "never": float(np.mean(counts == 0)) if len(counts) else 0.0,
        "top10": float(np.sort(counts)[::-1][:top].sum() / total) if total else 0.0,
        "busiest": float(counts.max(initial=0)),
    }


def one_size(
    actors: int,
    n_initiatives: int,
    weight: float | None,
    budget_on: BudgetBasis = BudgetBasis.fit,
) -> dict[str, Any]:
    bundle = build_demo_bundle(actors=actors, seed=SEED)
    templates = _templates(bundle, n_initiatives, SEED)
    on, qualifying, weight = simulate(
        bundle, templates, on=True, contrast=True, weight=weight, budget_on=budget_on
    )
    off, _, _ = simulate(bundle, templates, on=False, contrast=False)
    m_on, m_off = measure(on, qualifying), measure(off, qualifying)
    loss = 1.0 - sum(on.value_on) / sum(on.value_off) if on.value_off else 0.0
    fit_loss = 1.0 - sum(on.fit_on) / sum(on.fit_off) if on.fit_off else 0.0
    return {
        "actors": actors,
        "initiatives": n_initiatives,
        "weight": weight,
        "budget_on": str(budget_on),
        "on": m_on,
        "off": m_off,
        "objective_loss": loss,
        "fit_loss": fit_loss,
        "contrasted": len(on.value_on),
        "scores_on": _means(on.scores_on),
        "scores_off": _means(on.scores_off),
        "teams_on": on.proposed,
        "teams_off": off.proposed,
        "no_team_on": on.no_team,
        "no_team_off": off.no_team,
        "refused_on": on.refused,
        "refused_off": off.refused,
        "seconds_on": on.seconds,
        "seconds_off": off.seconds,
    }


def _means(rows: list[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for r in rows for k in r})
    return {k: float(np.mean([r.get(k, 0.0) for r in rows])) for k in keys} if rows else {}


def floors(r: dict[str, Any]) -> dict[str, bool]:
    on, off = r["on"], r["off"]
    return {
        "gini_30pct_lower": on["gini"] <= (1 - FLOORS["gini_drop"]) * off["gini"],
        # The budget's own basis: capability fit (the default) or everything but fairness.
        "fit_loss_le_2pct": r["fit_loss" if r["budget_on"] == "fit" else "objective_loss"]
        <= FLOORS["objective_loss"],
        "never_engaged_halved": on["never"] <= FLOORS["never_ratio"] * off["never"],
        "busiest_not_above_off": on["busiest"] <= off["busiest"],
    }


def _table(results: list[dict[str, Any]]) -> None:
    head = "".join(f"{str(r['actors']) + ' actors on / off':>26}" for r in results)
    print(f"{'':52}{head}")
    rows = [
        ("Gini of engagements among qualifying actors", "gini", "{:.3f}"),
        ("qualifying actors never engaged", "never", "{:.1%}"),
        ("top 10 % share of engagements", "top10", "{:.1%}"),
        ("busiest member's engagements", "busiest", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        cells = "".join(
            f"{fmt.format(r['on'][key]) + ' / ' + fmt.format(r['off'][key]):>26}" for r in results
        )
        print(f"{label:52}{cells}")
    cells = "".join(f"{-r['objective_loss']:>+26.1%}" for r in results)
    print(f"{'objective without fairness, same state (on vs off)':52}{cells}")
    cells = "".join(f"{-r['fit_loss']:>+26.1%}" for r in results)
    print(f"{'capability fit alone, same state (on vs off)':52}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 actors, 40 initiatives")
    parser.add_argument("--sizes", default="300,1000")
    parser.add_argument("--initiatives", type=int, default=200)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a floor is missed")
    parser.add_argument(
        "--weight", type=float, default=None, help="a steward's default weight (to explore)"
    )
    parser.add_argument(
        "--budget-on",
        choices=[b.value for b in BudgetBasis],
        default=BudgetBasis.fit.value,
        help="what the 2 %% budget is a share of: capability fit (default) or all else",
    )
    args = parser.parse_args()
    sizes = [300] if args.quick else [int(s) for s in args.sizes.split(",")]
    n = 40 if args.quick else args.initiatives
    started = time.perf_counter()
    basis = BudgetBasis(args.budget_on)
    results = [one_size(size, n, args.weight, basis) for size in sizes]
    print(f"Fairness benchmark: {n} initiatives, one a week, each done after {DURATION_STEPS}")
    of = "capability fit alone" if basis == BudgetBasis.fit else "every other objective"
    print(
        f"(fairness on = the network's default weight {results[0]['weight']:g}, its 2 % "
        f"budget a share of {of}; off = 0)"
    )
    print()
    _table(results)
    print()
    print("Ratios (on / off; the floors in brackets):")
    ok = True
    for r in results:
        on, off = r["on"], r["off"]
        passed = floors(r)
        ok &= all(passed.values())
        print(
            f"  {r['actors']:,} actors: Gini {on['gini'] / off['gini']:.2f} (<= 0.70), "
            f"never engaged {on['never'] / off['never']:.2f} (<= 0.50), busiest "
            f"{on['busiest']:.0f} vs {off['busiest']:.0f} (<=), capability fit loss "
            f"{r['fit_loss']:.2%}, loss on everything but fairness {r['objective_loss']:.2%} "
            f"(<= 2 % on the budget's basis, {r['budget_on']}); "
            + ("all floors hold" if all(passed.values()) else "MISSED: ")
            + ", ".join(k for k, v in passed.items() if not v)
        )
        print(
            f"    teams proposed {r['teams_on']} / {r['teams_off']}, no team "
            f"{r['no_team_on']} / {r['no_team_off']}, acceptances refused "
            f"{r['refused_on']} / {r['refused_off']}; "
            f"this machine: {r['seconds_on']:.0f} s on (incl. the same-state solves), "
            f"{r['seconds_off']:.0f} s off"
        )
    for r in results:
        on, off = r["scores_on"], r["scores_off"]
        print(
            f"  {r['actors']:,} actors, mean objective scores on / off, same state: "
            + ", ".join(f"{k} {on[k]:.3f} / {off[k]:.3f}" for k in on)
        )
    print(f"  total benchmark time {time.perf_counter() - started:.0f} s")
    print(
        json.dumps(
            {
                "benchmark": "fairness",
                "initiatives": n,
                "budget_on": basis.value,
                "results": results,
                "floors": {str(r["actors"]): floors(r) for r in results},
            }
        )
    )
    if args.strict and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
