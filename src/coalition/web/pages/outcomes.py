"""HTML pages of outcomes: an initiative's outcomes section (charts, ledger, health, reuses),
the network's outcomes overview, the knowledge commons, credits and fairness.

Charts are inline SVG drawn on the server (no script, nothing from a CDN): this module turns
service results into coordinates; the templates only place them. Forms post here and are
answered with a redirect (post/redirect/get); their data is the JSON API's too.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, model_validator

from ... import clock, formatting
from ...errors import CoalitionError, Conflict, Invalid
from ...i18n import _, lazy, translated_map
from ...schemas.outcomes import (
    BLOCK_LABELS,
    BLOCKS,
    CONTRIBUTION_KINDS,
    MAX_UPLOAD_BYTES,
    AssetIn,
    ConfirmIn,
    ContributionIn,
    FairnessOut,
    FairnessWeightIn,
    HealthCheckIn,
    HealthCheckOut,
    MeasurementIn,
    OutcomeIn,
    OutcomeOut,
    RatingsIn,
    ReuseIn,
)
from ...services import commons, contributions, fairness, health, initiatives, outcomes
from ...services.access import require_role
from ...services.networks import get_network
from ...store.tables import Network
from .. import kit
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import see_other
from ..params import PathId, form_id, form_int

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

STATUS_LABELS = {
    "on_track": lazy("On track"),
    "at_risk": lazy("At risk"),
    "off_track": lazy("Off track"),
    "no_data": lazy("No data yet"),
}


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    context = {
        "status_labels": translated_map(STATUS_LABELS),
        "block_labels": translated_map(BLOCK_LABELS),
        **context,
    }
    return kit.render(request, template, context, status)


class OutcomeForm(OutcomeIn):
    model_config = kit.FORM


class MeasurementForm(MeasurementIn):
    model_config = kit.FORM


class ContributionForm(ContributionIn):
    model_config = kit.FORM


class ConfirmForm(ConfirmIn):
    model_config = kit.FORM


class HealthCheckForm(HealthCheckIn):
    model_config = kit.FORM


class ReuseForm(ReuseIn):
    model_config = kit.FORM


class FairnessWeightForm(FairnessWeightIn):
    model_config = kit.FORM


class RatingsForm(BaseModel):
    """A health check's ratings as typed: one field per block (left empty: not rated) and the
    actor who rates."""

    actor_id: str = ""
    ratings: dict[str, str] = {}

    @model_validator(mode="before")
    @classmethod
    def _blocks(cls, data: Any) -> Any:
        """The blocks' fields gathered into ``ratings`` (a block sent twice: the last)."""
        if not isinstance(data, dict):
            return data
        ratings = {b: data[b] for b in BLOCKS if b in data}
        ratings = {b: v[-1] if isinstance(v, list) else v for b, v in ratings.items()}
        return {"actor_id": data.get("actor_id", ""), "ratings": ratings}

    def ratings_in(self) -> RatingsIn:
        """The ratings checked: each from 1 to 5, and one of the caller's actors named."""
        ratings: dict[str, int] = {}
        for block, raw in self.ratings.items():
            if raw.strip():
                if raw.strip() not in {"1", "2", "3", "4", "5"}:
                    label = BLOCK_LABELS[block]
                    raise Invalid(_("%(value)s: rate from 1 to 5") % {"value": label}, field=block)
                ratings[block] = int(raw)
        actor = form_int(self.actor_id)
        if not isinstance(actor, int):
            raise Invalid(_("say which of your actors rates"), field="actor_id")
        return kit.validated(RatingsIn, {"actor_id": actor, "ratings": ratings})


class ShareForm(BaseModel):
    """An asset shared in the commons, as typed: a link or an uploaded file, and its authors'
    ids separated by commas."""

    title: str
    licence: str
    authors: str
    description: str = ""
    link: str = ""
    shared_by_id: str = ""
    file: UploadFile | None = None

    async def asset_in(self) -> AssetIn:
        """The asset checked, the upload read (refused beyond ``MAX_UPLOAD_BYTES``)."""
        upload = None
        if self.file is not None and self.file.filename:
            content = await self.file.read(MAX_UPLOAD_BYTES + 1)
            if len(content) > MAX_UPLOAD_BYTES:
                raise Invalid(
                    _("uploads are kept in the database up to 2 MB; share a link"), field="file"
                )
            upload = {
                "name": self.file.filename.replace("/", "_").replace("\\", "_")[:200],
                "media_type": self.file.content_type or "application/octet-stream",
                "content_base64": base64.b64encode(content).decode(),
            }
        fields = self.model_dump(include={"title", "description", "licence"})
        return kit.validated(
            AssetIn,
            fields
            | {
                "link": self.link.strip() or None,
                "file": upload,
                "authors": _ids(self.authors, "authors"),
                "shared_by_id": form_id(self.shared_by_id),
            },
        )


# ---------------------------------------------------------------- charts


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (Heckbert's "nice numbers" for graph labels)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < hi - step * 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _fmt(value: float) -> str:
    """A value for the chart, in the reader's locale (whole above 100, else 4 significant)."""
    return formatting.number(value) if abs(value) >= 100 else formatting.decimal(value, 3)


@dataclass
class LineChart:
    width: int = 640
    height: int = 260
    left: int = 64
    right: int = 16
    top: int = 14
    bottom: int = 34
    trajectory: str = ""
    on_track_line: str = ""
    at_risk_line: str = ""
    series: str = ""
    dots: list[tuple[float, float, str, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    xticks: list[tuple[float, str]] = field(default_factory=list)
    description: str = ""

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom


def line_chart(o: OutcomeOut) -> LineChart:
    """Measurements against the trajectory, with the 90 % and 70 % thresholds of the rule."""
    chart = LineChart()
    first = o.baseline_date
    last = max([o.due_date, *[m.measured_on for m in o.measurements]])
    values = [o.baseline, o.target, *[m.value for m in o.measurements]]
    ticks = _nice_ticks(min(values), max(values))
    lo, hi = ticks[0], ticks[-1]
    span_days = max(1, (last - first).days)
    width = chart.plot_right - chart.left
    height = chart.plot_bottom - chart.top

    def x(d: date) -> float:
        return round(chart.left + width * (d - first).days / span_days, 1)

    def y(v: float) -> float:
        return round(chart.plot_bottom - height * (v - lo) / (hi - lo), 1)

    def line(share: float) -> str:
        end = o.baseline + share * (o.target - o.baseline)
        points = [(x(first), y(o.baseline)), (x(o.due_date), y(end))]
        if last > o.due_date:
            points.append((x(last), y(end)))
        return " ".join(f"{a},{b}" for a, b in points)

    chart.trajectory = line(1.0)
    chart.on_track_line = line(0.9)
    chart.at_risk_line = line(0.7)
    chart.series = " ".join(f"{x(m.measured_on)},{y(m.value)}" for m in o.measurements)
    chart.dots = [
        (
            x(m.measured_on),
            y(m.value),
            m.status,
            _("%(date)s: %(value)s %(unit)s (expected %(expected)s) — %(status)s")
            % {
                "date": formatting.date(m.measured_on),
                "value": _fmt(m.value),
                "unit": o.unit,
                "expected": _fmt(m.expected_value),
                "status": _(STATUS_LABELS[m.status]),
            },
        )
        for m in o.measurements
    ]
    chart.yticks = [(y(t), _fmt(t)) for t in ticks]
    middle = first + (o.due_date - first) / 2
    chart.xticks = [(x(d), formatting.date(d)) for d in (first, middle, o.due_date)]
    if last > o.due_date:
        chart.xticks.append((x(last), ""))
    chart.description = _(
        "%(name)s: from %(baseline)s %(unit)s on %(baseline_date)s to a target of %(target)s "
        "%(unit)s by %(due_date)s; measurements: %(count)s; status: %(status)s."
    ) % {
        "name": o.name,
        "baseline": _fmt(o.baseline),
        "unit": o.unit,
        "baseline_date": formatting.date(o.baseline_date),
        "target": _fmt(o.target),
        "due_date": formatting.date(o.due_date),
        "count": len(o.measurements),
        "status": _(STATUS_LABELS[o.status]),
    }
    return chart


@dataclass
class SpreadRow:
    label: str
    y: float
    x_min: float | None
    x_max: float | None
    x_sd_lo: float | None
    x_sd_hi: float | None
    x_mean: float | None
    text: str


@dataclass
class SpreadChart:
    width: int = 640
    left: int = 140
    right: int = 20
    top: int = 24
    row: int = 26
    rows: list[SpreadRow] = field(default_factory=list)
    xticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.top + self.row * len(self.rows) + 8


def spread_chart(check: HealthCheckOut) -> SpreadChart:
    """Per block: the range of ratings (thin line), ± one SD (thick) and the mean (dot)."""
    chart = SpreadChart()
    width = chart.width - chart.left - chart.right

    def x(v: float) -> float:
        return round(chart.left + width * (v - 1) / 4, 1)

    chart.xticks = [(x(v), str(v)) for v in range(1, 6)]
    for i, b in enumerate(check.blocks):
        y = chart.top + chart.row * i + chart.row / 2
        if b.mean is None or b.sd is None or b.minimum is None or b.maximum is None:
            chart.rows.append(SpreadRow(b.label, y, None, None, None, None, None, "no ratings"))
            continue
        chart.rows.append(
            SpreadRow(
                b.label,
                y,
                x(b.minimum),
                x(b.maximum),
                x(max(1.0, b.mean - b.sd)),
                x(min(5.0, b.mean + b.sd)),
                x(b.mean),
                f"{b.label}: mean {b.mean:.2f}, SD {b.sd:.2f}, range {b.minimum}–{b.maximum} "
                f"({b.n} rating(s))",
            )
        )
    return chart


@dataclass
class FairnessCharts:
    lorenz: str
    size: int = 300
    pad: int = 36
    bars: list[tuple[str, str, float, float | None, str]] = field(default_factory=list)
    over_time: str = ""


def fairness_charts(report: FairnessOut) -> FairnessCharts:
    size, pad = 300, 36
    inner = size - 2 * pad
    points = " ".join(
        f"{round(pad + inner * px, 1)},{round(size - pad - inner * py, 1)}"
        for px, py in report.lorenz
    )
    charts = FairnessCharts(lorenz=points, size=size, pad=pad)
    if report.over_time:
        first, last = report.over_time[0].on, report.over_time[-1].on
        span = max((last - first).days, 1)
        charts.over_time = " ".join(
            f"{round(pad + (2 * size - 2 * pad) * (p.on - first).days / span, 1)},"
            f"{round(size / 2 - pad - (size / 2 - 2 * pad) * p.gini, 1)}"
            for p in report.over_time
        )
    for g in report.groups:
        text = f"{g.group.replace('_', ' ')}: {g.engaged} of {g.actors} engaged"
        if g.share_invited is not None:
            text += f", {g.invited} invited"
        charts.bars.append(
            (g.dimension, g.group.replace("_", " "), g.share_engaged, g.share_invited, text)
        )
    return charts


# ---------------------------------------------------------------- initiative section


def _may_manage(db: DB, caller: CurrentCaller, initiative_id: int) -> bool:
    try:
        initiatives.require_convenor(
            db, caller, initiatives.load_initiative(db, caller, initiative_id)
        )
    except CoalitionError:
        return False
    return True


@router.get("/initiatives/{initiative_id}/outcomes", response_class=HTMLResponse)
def initiative_outcomes(
    request: Request, initiative_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    return _outcomes_page(request, initiative_id, db, caller)


def _outcomes_page(
    request: Request,
    initiative_id: int,
    db: DB,
    caller: CurrentCaller,
    *,
    error: str = "",
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The initiative's outcomes page; after a refused outcome, the form again as typed, open,
    with what went wrong and what to do next."""
    item = initiatives.get_initiative(db, caller, initiative_id)
    row = initiatives.load_initiative(db, caller, initiative_id)
    network = db.get_one(Network, row.network_id)
    items = outcomes.list_outcomes(db, caller, initiative_id)
    members = outcomes.initiative_member_ids(db, row)
    mine = sorted(a for a in caller.actor_ids if a in members)
    names = outcomes.visible_names(db, caller, mine)
    overview = health.health_overview(db, caller, initiative_id)
    return render(
        request,
        "outcomes/initiative.html",
        {
            "item": item,
            "network": network,
            "caller": caller,
            "outcomes": items,
            "charts": {o.id: line_chart(o) for o in items},
            "rule": outcomes.STATUS_RULE,
            "ledger": contributions.initiative_contributions(db, caller, initiative_id),
            "kinds": CONTRIBUTION_KINDS,
            "health": overview,
            "latest_spread": spread_chart(overview.checks[-1]) if overview.checks else None,
            "blocks": BLOCKS,
            "reuses": commons.initiative_reuses(db, caller, initiative_id),
            "my_actors": [(a, names.get(a, f"actor {a}")) for a in mine],
            "may_manage": _may_manage(db, caller, initiative_id),
            "today": clock.today().isoformat(),
            "outcome_error": error,
            "outcome_form": form or {},
        },
        status,
    )


def _initiative_url(initiative_id: PathId, anchor: str = "") -> str:
    return f"/initiatives/{initiative_id}/outcomes" + (f"#{anchor}" if anchor else "")


@router.post("/initiatives/{initiative_id}/outcomes/new")
def add_outcome_form(
    request: Request,
    initiative_id: PathId,
    db: DB,
    caller: CurrentCaller,
    data: Annotated[OutcomeForm, Form()],
) -> Response:
    try:
        out = outcomes.add_outcome(db, caller, initiative_id, data)
    except Conflict as exc:
        hint = _("Give the outcome another name, or add a measurement to the existing one.")
        return _outcomes_page(
            request,
            initiative_id,
            db,
            caller,
            error=f"{exc.message}. {hint}",
            form=data.model_dump(mode="json"),
            status=exc.status,
        )
    return see_other(_initiative_url(initiative_id, f"outcome-{out.id}"))


@router.post("/outcomes/{outcome_id}/measurements/new")
def measure_form(
    outcome_id: PathId, db: DB, caller: CurrentCaller, data: Annotated[MeasurementForm, Form()]
) -> Response:
    out = outcomes.record_measurement(db, caller, outcome_id, data)
    return see_other(_initiative_url(out.initiative_id, f"outcome-{out.id}"))


@router.post("/initiatives/{initiative_id}/contributions/new")
def contribution_form(
    initiative_id: PathId,
    db: DB,
    caller: CurrentCaller,
    data: Annotated[ContributionForm, Form()],
) -> Response:
    contributions.record_contribution(db, caller, initiative_id, data)
    return see_other(_initiative_url(initiative_id, "contributions"))


@router.post("/contributions/{contribution_id}/confirm")
def confirm_form(
    contribution_id: PathId, db: DB, caller: CurrentCaller, data: Annotated[ConfirmForm, Form()]
) -> Response:
    out = contributions.confirm_contribution(db, caller, contribution_id, data.confirmer_id)
    return see_other(_initiative_url(out.initiative_id, "contributions"))


@router.post("/initiatives/{initiative_id}/health-checks/new")
def open_check_form(
    initiative_id: PathId, db: DB, caller: CurrentCaller, data: Annotated[HealthCheckForm, Form()]
) -> Response:
    health.open_check(db, caller, initiative_id, data)
    return see_other(_initiative_url(initiative_id, "health"))


@router.post("/health-checks/{check_id}/ratings")
def rate_form(
    check_id: PathId, db: DB, caller: CurrentCaller, form: Annotated[RatingsForm, Form()]
) -> Response:
    out = health.rate(db, caller, check_id, form.ratings_in())
    return see_other(_initiative_url(out.initiative_id, "health"))


# ---------------------------------------------------------------- network overview


@router.get("/n/{slug}/outcomes", response_class=HTMLResponse)
def network_outcomes(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    require_role(caller, network, "member")
    grouped = outcomes.list_network_outcomes(db, caller, network.id)
    counts: dict[str, int] = {k: 0 for k in STATUS_LABELS}
    for _group, items in grouped:
        for o in items:
            counts[o.status] += 1
    return render(
        request,
        "outcomes/network.html",
        {
            "network": network,
            "caller": caller,
            "grouped": grouped,
            "counts": counts,
            "rule": outcomes.STATUS_RULE,
            "ledger": contributions.list_contributions(db, caller, network, limit=25),
            "exports": ("outcomes", "measurements", "contributions", "assets", "health"),
            "without": [
                i
                for i in initiatives.list_initiatives(db, caller, network)
                if i.id not in {initiative.id for initiative, _ in grouped}
            ],
        },
    )


# ---------------------------------------------------------------- knowledge commons


@router.get("/n/{slug}/commons", response_class=HTMLResponse)
def commons_page(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    assets = commons.list_assets(db, caller, network)
    mine = sorted(caller.actor_ids)
    return render(
        request,
        "outcomes/commons.html",
        {
            "network": network,
            "caller": caller,
            "assets": assets,
            "my_actors": sorted(outcomes.visible_names(db, caller, mine).items()),
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


def _ids(text: str, field: str) -> list[int]:
    parts = [form_int(p) for p in text.replace(",", " ").split() if p]
    ids = [p for p in parts if isinstance(p, int)]
    if len(ids) != len(parts):
        raise Invalid(_("authors are actor ids separated by commas, e.g. 12, 40"), field=field)
    return ids


@router.post("/n/{slug}/commons/new")
async def share_form(
    slug: str, db: DB, caller: CurrentCaller, form: Annotated[ShareForm, Form()]
) -> Response:
    network = get_network(db, caller, slug)
    asset = commons.share_asset(db, caller, network, await form.asset_in())
    return see_other(f"/assets/{asset.id}")


@router.get("/assets/{asset_id}", response_class=HTMLResponse)
def asset_page(request: Request, asset_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    asset = commons.get_asset(db, caller, asset_id)
    network = get_network(db, caller, asset.network)
    options = initiatives.list_initiatives(db, caller, network)
    return render(
        request,
        "outcomes/asset.html",
        {
            "network": network,
            "caller": caller,
            "asset": asset,
            "initiatives": options,
            "my_actors": sorted(
                outcomes.visible_names(db, caller, sorted(caller.actor_ids)).items()
            ),
            "today": clock.today().isoformat(),
        },
    )


@router.post("/assets/{asset_id}/reuses/new")
def reuse_form(
    asset_id: PathId, db: DB, caller: CurrentCaller, data: Annotated[ReuseForm, Form()]
) -> Response:
    commons.record_reuse(db, caller, asset_id, data)
    return see_other(f"/assets/{asset_id}")


@router.get("/actors/{actor_id}/credits", response_class=HTMLResponse)
def credits_page(request: Request, actor_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    credit = commons.credits(db, caller, actor_id)
    return render(request, "outcomes/credits.html", {"credit": credit, "caller": caller})


# ---------------------------------------------------------------- fairness


class FairnessQuery(BaseModel):
    """The day the report is as of (today when not given)."""

    on: date | None = None


@router.get("/n/{slug}/fairness", response_class=HTMLResponse)
def fairness_page(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    query: Annotated[FairnessQuery, Query()],
) -> Response:
    network = get_network(db, caller, slug)
    report = fairness.fairness_report(db, caller, network, query.on)
    return render(
        request,
        "outcomes/fairness.html",
        {
            "network": network,
            "caller": caller,
            "report": report,
            "charts": fairness_charts(report),
            "steward": caller.has_role(network.id, "steward"),
        },
    )


@router.post("/n/{slug}/fairness/weight")
def fairness_weight_form(
    slug: str, db: DB, caller: CurrentCaller, data: Annotated[FairnessWeightForm, Form()]
) -> Response:
    """Stewards set the network's default weight of fairness in proposals."""
    network = get_network(db, caller, slug)
    fairness.set_weight(db, caller, network, data)
    return see_other(f"/n/{network.slug}/fairness#weight")
