"""Outcomes, the contribution ledger, the knowledge commons, health checks, fairness, CSV."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ...io.outcomes_csv import export_csv
from ...schemas.outcomes import (
    AssetIn,
    AssetOut,
    ConfirmIn,
    ContributionIn,
    ContributionOut,
    ContributionStatusName,
    CreditsOut,
    ExportName,
    FairnessOut,
    FairnessWeightIn,
    FairnessWeightOut,
    HealthCheckIn,
    HealthCheckOut,
    HealthOverviewOut,
    MeasurementIn,
    OutcomeIn,
    OutcomeOut,
    RatingsIn,
    ReuseIn,
    ReuseOut,
)
from ...services import commons, contributions, fairness, health, outcomes
from ...services.networks import get_network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId, QueryId

router = APIRouter(tags=["outcomes"], route_class=CommitFirstRoute)

_ACTIVE_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}
)
#: Row ids fit PostgreSQL's integer; a larger one is a 422, not a database error.


# ---------------------------------------------------------------- outcomes


@router.get("/api/initiatives/{initiative_id}/outcomes")
def list_outcomes(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[OutcomeOut]:
    """Outcomes with every measurement and its status against the trajectory."""
    return outcomes.list_outcomes(db, caller, initiative_id)


@router.post("/api/initiatives/{initiative_id}/outcomes", status_code=201)
def add_outcome(
    initiative_id: PathId, data: OutcomeIn, db: DB, caller: CurrentCaller
) -> OutcomeOut:
    return outcomes.add_outcome(db, caller, initiative_id, data)


@router.get("/api/outcomes/{outcome_id}")
def get_outcome(outcome_id: PathId, db: DB, caller: CurrentCaller) -> OutcomeOut:
    return outcomes.get_outcome(db, caller, outcome_id)


@router.post("/api/outcomes/{outcome_id}/measurements", status_code=201)
def record_measurement(
    outcome_id: PathId, data: MeasurementIn, db: DB, caller: CurrentCaller
) -> OutcomeOut:
    return outcomes.record_measurement(db, caller, outcome_id, data)


# ---------------------------------------------------------------- contributions


@router.get("/api/initiatives/{initiative_id}/contributions")
def initiative_contributions(
    initiative_id: PathId, db: DB, caller: CurrentCaller
) -> list[ContributionOut]:
    return contributions.initiative_contributions(db, caller, initiative_id)


@router.post(
    "/api/initiatives/{initiative_id}/contributions",
    status_code=201,
)
def record_contribution(
    initiative_id: PathId, data: ContributionIn, db: DB, caller: CurrentCaller
) -> ContributionOut:
    return contributions.record_contribution(db, caller, initiative_id, data)


@router.post("/api/contributions/{contribution_id}/confirm")
def confirm_contribution(
    contribution_id: PathId, data: ConfirmIn, db: DB, caller: CurrentCaller
) -> ContributionOut:
    return contributions.confirm_contribution(db, caller, contribution_id, data.confirmer_id)


@router.get("/api/networks/{slug}/contributions")
def list_contributions(
    slug: str,
    db: DB,
    caller: CurrentCaller,
    initiative: QueryId | None = None,
    actor: QueryId | None = None,
    status: ContributionStatusName | None = None,
    limit: int = Query(1000, ge=1, le=100000),
) -> list[ContributionOut]:
    return contributions.list_contributions(
        db,
        caller,
        get_network(db, caller, slug),
        initiative_id=initiative,
        actor_id=actor,
        status=status,
        limit=limit,
    )


# ---------------------------------------------------------------- knowledge commons


@router.get("/api/networks/{slug}/assets")
def list_assets(
    slug: str, db: DB, caller: CurrentCaller, author: QueryId | None = None
) -> list[AssetOut]:
    return commons.list_assets(db, caller, get_network(db, caller, slug), author_id=author)


@router.post("/api/networks/{slug}/assets", status_code=201)
def share_asset(slug: str, data: AssetIn, db: DB, caller: CurrentCaller) -> AssetOut:
    """Share a link or a small file (base64, ≤ 2 MB) under an SPDX licence, with its authors."""
    return commons.share_asset(db, caller, get_network(db, caller, slug), data)


@router.get("/api/assets/{asset_id}")
def get_asset(asset_id: PathId, db: DB, caller: CurrentCaller) -> AssetOut:
    return commons.get_asset(db, caller, asset_id)


@router.get("/api/assets/{asset_id}/file")
def asset_file(asset_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    name, media_type, content = commons.asset_file(db, caller, asset_id)
    if media_type.split(";")[0].strip().lower() in _ACTIVE_TYPES:
        media_type = "application/octet-stream"  # never let an upload run as a page here
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name
    )
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.post("/api/assets/{asset_id}/reuses", status_code=201)
def record_reuse(asset_id: PathId, data: ReuseIn, db: DB, caller: CurrentCaller) -> ReuseOut:
    return commons.record_reuse(db, caller, asset_id, data)


@router.get("/api/initiatives/{initiative_id}/reuses")
def initiative_reuses(initiative_id: PathId, db: DB, caller: CurrentCaller) -> list[ReuseOut]:
    return commons.initiative_reuses(db, caller, initiative_id)


@router.get("/api/actors/{actor_id}/credits")
def actor_credits(actor_id: PathId, db: DB, caller: CurrentCaller) -> CreditsOut:
    """Reuses of the assets this actor authored."""
    return commons.credits(db, caller, actor_id)


# ---------------------------------------------------------------- health checks


@router.get("/api/initiatives/{initiative_id}/health")
def health_overview(initiative_id: PathId, db: DB, caller: CurrentCaller) -> HealthOverviewOut:
    """Every health check: mean, standard deviation and range per building block."""
    return health.health_overview(db, caller, initiative_id)


@router.post(
    "/api/initiatives/{initiative_id}/health-checks",
    status_code=201,
)
def open_check(
    initiative_id: PathId, data: HealthCheckIn, db: DB, caller: CurrentCaller
) -> HealthCheckOut:
    return health.open_check(db, caller, initiative_id, data)


@router.post("/api/health-checks/{check_id}/ratings")
def rate(check_id: PathId, data: RatingsIn, db: DB, caller: CurrentCaller) -> HealthCheckOut:
    return health.rate(db, caller, check_id, data)


# ---------------------------------------------------------------- fairness and exports


@router.get("/api/networks/{slug}/fairness")
def fairness_report(
    slug: str, db: DB, caller: CurrentCaller, on: date | None = None
) -> FairnessOut:
    """Invitations and engagements by sector and tenure, Gini, under-recognised members."""
    return fairness.fairness_report(db, caller, get_network(db, caller, slug), on)


@router.get("/api/networks/{slug}/fairness/weight")
def fairness_weight(slug: str, db: DB, caller: CurrentCaller) -> FairnessWeightOut:
    """The default weight of fairness in this network's proposals."""
    return fairness.get_weight(db, caller, get_network(db, caller, slug))


@router.put("/api/networks/{slug}/fairness/weight")
def set_fairness_weight(
    slug: str, data: FairnessWeightIn, db: DB, caller: CurrentCaller
) -> FairnessWeightOut:
    """Stewards set the default weight of fairness (a request may still name its own)."""
    return fairness.set_weight(db, caller, get_network(db, caller, slug), data)


@router.get(
    "/api/networks/{slug}/exports/{what}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the table as CSV"}},
)
def export(slug: str, what: ExportName, db: DB, caller: CurrentCaller) -> Response:
    """outcomes, measurements, contributions, assets or health as CSV."""
    text = export_csv(db, caller, get_network(db, caller, slug), what)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-{what}.csv"'},
    )
