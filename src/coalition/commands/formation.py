"""CLI: `coalition form` (an initiative's proposals, or the classic expert-team task) and
`coalition import graph` (an expert network from GML/GraphML)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import formatting as fmt
from ..choices import is_choice
from ..i18n import _, lazy, ngettext
from ..labels import vocab
from .common import counted, table

if TYPE_CHECKING:
    from ..schemas.formation import ProposalSet


def register(app: typer.Typer, import_app: typer.Typer, export_app: typer.Typer) -> None:
    from ..cli import console, fail, run_service

    @app.command(
        help=lazy(
            "Propose teams for an INITIATIVE, or solve the classic task with --network --skills."
        )
    )
    def form(
        initiative: Annotated[int | None, typer.Argument(help=lazy("Initiative id."))] = None,
        network: Annotated[str | None, typer.Option("--network", "-n")] = None,
        skills: Annotated[
            str | None, typer.Option(help=lazy("Classic task: comma-separated skills."))
        ] = None,
        objective: Annotated[
            str, typer.Option(help=lazy("sum-distance | diameter"))
        ] = "sum-distance",
        distance: Annotated[str, typer.Option(help=lazy("hops | weight"))] = "hops",
        alternatives: int = 3,
        weights: Annotated[str | None, typer.Option(help=lazy('JSON, e.g. {"trust": 1.0}'))] = None,
        seed: int = 0,
        as_json: Annotated[bool, typer.Option("--json")] = False,
    ) -> None:
        if skills is not None:
            _classic_task(network, skills, objective, distance, as_json)
            return
        if initiative is None:
            raise fail(_("give an INITIATIVE id, or --network and --skills for the classic task"))
        _initiative_teams(initiative, alternatives, weights, seed, as_json)

    @import_app.command(
        "graph",
        help=lazy("Import an expert network (GML or GraphML): people, skills, weighted ties."),
    )
    def import_graph(
        path: Path,
        network: Annotated[str, typer.Option("--network", "-n")],
        skills_attr: str = "skills",
        weight_attr: str = "cc",
    ) -> None:
        from ..services.expert_network import import_expert_graph

        summary: Any = run_service(
            lambda db: import_expert_graph(
                db, path, network, skills_attr=skills_attr, weight_attr=weight_attr
            )
        )
        actors, ties, skills = summary["actors"], summary["ties"], summary["skills"]
        console.print(
            _("imported into '%(network)s': %(actors)s, %(ties)s, %(skills)s")
            % {
                "network": network,
                "actors": counted(ngettext("%(n)s person", "%(n)s people", actors), actors),
                "ties": counted(ngettext("%(n)s tie", "%(n)s ties", ties), ties),
                "skills": counted(ngettext("%(n)s skill", "%(n)s skills", skills), skills),
            }
        )


def _classic_task(
    network: str | None, skills: str, objective: str, distance: str, as_json: bool
) -> None:
    """`coalition form --network --skills`: the classic expert-team task on a network."""
    from ..cli import console, emit_json, fail, run_service
    from ..services.expert_network import DISTANCES, classic_team

    if network is None:
        raise fail(_("--skills needs --network"))
    if objective not in {"sum-distance", "diameter"} or not is_choice(distance, DISTANCES):
        raise fail(_("--objective is sum-distance|diameter, --distance hops|weight"))
    out = run_service(
        lambda db: classic_team(
            db,
            network,
            [s.strip() for s in skills.split(",") if s.strip()],
            objective="sum" if objective == "sum-distance" else "diameter",
            distance=distance,
        )
    )
    if as_json:
        emit_json(out)
    else:
        console.print(_classic_said(out))


def _classic_said(out: dict[str, Any]) -> str:
    """The classic task's team in words: who, covering which skill, at what cost."""
    if out["missing"]:
        return _("No team: nobody in '%(network)s' has %(skills)s") % {
            "network": out["network"],
            "skills": ", ".join(out["missing"]),
        }
    if out["cost"] is None:
        return _("No team: the people who hold these skills are not connected in '%(network)s'") % {
            "network": out["network"]
        }
    n = len(out["members"])
    team = ngettext("a team of %(n)s: %(members)s", "a team of %(n)s: %(members)s", n) % {
        "n": fmt.number(n),
        "members": ", ".join(out["members"]),
    }
    covers = "; ".join(f"{skill} → {who}" for skill, who in out["covers"].items())
    cost = (
        _("cost %(cost)s (the least possible)")
        if out["optimal"]
        else _("cost %(cost)s (not proven the least possible)")
    )
    return f"{team}\n{covers}\n{cost % {'cost': fmt.decimal(out['cost'], 3)}}"


def _initiative_teams(
    initiative: int, alternatives: int, weights: str | None, seed: int, as_json: bool
) -> None:
    """`coalition form INITIATIVE`: propose teams and print them (or why there is none)."""
    from ..cli import OPERATOR, emit_json, fail, parse_input, run_service
    from ..schemas.formation import ProposalRequest
    from ..services.formation import propose_team

    try:
        chosen = json.loads(weights) if weights else {}
    except json.JSONDecodeError as exc:
        raise fail(_("--weights is not valid JSON: %(error)s") % {"error": exc}) from None
    request = parse_input(
        ProposalRequest, {"alternatives": alternatives, "seed": seed, "weights": chosen}
    )
    result = run_service(lambda db: propose_team(db, OPERATOR, initiative, request))
    if as_json:
        emit_json(result.model_dump(mode="json"))
    elif not result.proposals:
        _print_obstacles(result)
    else:
        _print_proposals(result)


def _print_obstacles(result: ProposalSet) -> None:
    """Why no team could be formed, with the closest actors and what they lack."""
    from ..cli import console

    no_team = _("No team:")
    console.print(f"[bold]{no_team}[/] {result.infeasible}")
    for o in result.obstacles:
        console.print(f"- {o.message}")
        for c in o.closest[:3]:
            lacks = _("closest: %(name)s (lacks %(gaps)s)") % {
                "name": c.name,
                "gaps": ", ".join(c.gaps),
            }
            console.print(f"    {lacks}")


def _print_proposals(result: ProposalSet) -> None:
    """One table per proposal: role, member, hours and the first reasons."""
    from ..cli import console

    for p in result.proposals:
        if p.gap > 0.0005:
            optimality = _("within %(pct)s of the best possible") % {
                "pct": fmt.percent(p.gap, 1 if p.gap < 0.1 else 0)
            }
        elif p.rank == 1:
            optimality = _("as good as the best possible team")
        else:
            optimality = _("the best possible team unlike those before it")
        title = _("#%(rank)s score %(score)s (%(optimality)s, %(status)s)") % {
            "rank": p.rank,
            "score": fmt.fixed(p.total_score, 3),
            "optimality": optimality,
            "status": vocab(p.status),
        }
        shown = table(title, (_("role"), _("member"), _("h/wk"), _("why")))
        for m in p.members:
            shown.add_row(
                m.role_title, m.name, fmt.hours(m.hours_per_week), "; ".join(m.reasons[:3])
            )
        console.print(shown)
