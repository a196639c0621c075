"""HTML pages of the interdependence map: the drawing (sigma.js over graphology, positions from
the server), its controls, a table view of the same data, the network's patterns, and what
changed from year to year.

The page works without JavaScript: the controls form is a plain GET form and the table, the
summary and the downloads are rendered here; the script (static/map.js) draws the map from
``/api/networks/{slug}/map`` and updates it in place when a control changes.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ... import glossary
from ...choices import is_choice
from ...domain import Sector, TieKind
from ...errors import Invalid
from ...i18n import _, gettext, lazy, translated_map
from ...schemas.interdependence import FREQS
from ...services import interdependence as service
from ...services import map_exchange
from ...services.networks import get_network
from ..api.interdependence import map_query
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render
from ..read_cache import kept

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

#: Okabe–Ito, colour-blind safe, one per sector (in ``Sector`` order).
SECTOR_COLOURS = dict(
    zip(
        [s.value for s in Sector],
        ("#E69F00", "#0072B2", "#009E73", "#56B4E9", "#D55E00", "#CC79A7", "#8C6D1F", "#555555"),
        strict=True,
    )
)
SIZE_METRICS = {
    "pagerank": lazy("PageRank"),
    "degree": lazy("Degree"),
    "weighted_degree": lazy("Weighted degree"),
    "betweenness": lazy("Betweenness"),
    "closeness": lazy("Closeness"),
    "effective_size": lazy("Effective size"),
    "constraint": lazy("Constraint"),
    "liaison": lazy("Liaison brokerage"),
    "cross_sector_ties": lazy("Cross-sector ties"),
}
TABLE_ROWS = 100


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}" if abs(value) < 1e-3 and value else f"{value:,.{digits}f}"


class MapControls(BaseModel):
    """The map page's controls: tie types shown, the period's slot, what sizes and colours the
    nodes, and the table's filter."""

    types: list[str] = []
    slot: int | None = Field(default=None, ge=0, le=10_000)
    size: str = Field(default="pagerank", max_length=40)
    colour: str = Field(default="sector", max_length=20)
    q: str = Field(default="", max_length=200)


@router.get("/n/{slug}/map")
@kept(ignores=("votes", "analysis"))
def map_page(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    controls: Annotated[MapControls, Query()],
) -> Response:
    """The map, its controls, patterns, a table of actors, and downloads."""
    network = get_network(db, caller, slug, public_ok=False)
    size, colour, q, slot = controls.size, controls.colour, controls.q, controls.slot
    if size not in SIZE_METRICS:
        raise Invalid(
            _("size is one of %(SIZE_METRICS)s") % {"SIZE_METRICS": ", ".join(SIZE_METRICS)},
            field="size",
        )
    if colour not in ("sector", "community"):
        raise Invalid(_("colour is sector or community"), field="colour")
    all_time = service.map_view(db, caller, slug, service.MapQuery())
    periods = all_time["periods"]
    period = None
    if slot is not None and slot < len(periods):
        period = periods[slot]["label"]
    query = map_query(controls.types or None, None, None, period)
    view = all_time if query == service.MapQuery() else service.map_view(db, caller, slug, query)
    nodes = view["nodes"]
    rows, shown = _table(nodes, size, q)
    summary = view["summary"]
    selected_types = set(query.types or [])
    return render(
        request,
        "map/map.html",
        {
            "network": network,
            "view": view,
            "summary": summary,
            "rows": rows,
            "shown": shown,
            "size": size,
            "size_label": gettext(SIZE_METRICS[size]),
            "size_metrics": translated_map(SIZE_METRICS),
            "map_terms": _map_terms(),
            "colour": colour,
            "q": q,
            "periods": periods,
            "slot": len(periods) if period is None else slot,
            "period": period,
            "tie_types": [k.value for k in TieKind],
            "selected_types": selected_types,
            "sector_colours": SECTOR_COLOURS,
            "formats": map_exchange.EXPORT_FORMATS,
            "api_query": f"?{extra}" if (extra := _api_params(query)) else "",
            "fmt": _fmt,
            "mixing": _mixing_rows(summary),
            "newcomers": _named(nodes, summary.get("newcomers_unconnected") or []),
            "bridgers": _named(nodes, summary.get("bridge_holders") or [], by="cross_sector_ties"),
        },
    )


def _table(nodes: dict[str, list[Any]], size: str, q: str) -> tuple[list[dict[str, Any]], int]:
    """The table view's rows (largest ``size`` first, names containing ``q``, at most
    ``TABLE_ROWS``) and how many actors match."""
    order = sorted(
        range(len(nodes["id"])),
        key=lambda i: -(nodes[size][i] if nodes[size][i] is not None else -math.inf),
    )
    needle = q.strip().lower()
    if needle:
        order = [i for i in order if needle in nodes["name"][i].lower()]
    rows = [
        {
            "id": nodes["id"][i],
            "name": nodes["name"][i],
            "sector": nodes["sector"][i],
            "kind": nodes["kind"][i],
            "degree": _fmt(nodes["degree"][i]),
            "metric": _fmt(nodes[size][i]),
            "pagerank": _fmt(nodes["pagerank"][i]),
            "betweenness": _fmt(nodes["betweenness"][i]),
            "community": nodes["community"][i],
            "liaison": _fmt(nodes["liaison"][i], 0),
        }
        for i in order[:TABLE_ROWS]
    ]
    return rows, len(order)


def _named(
    nodes: dict[str, list[Any]], ids: list[str], *, by: str | None = None, limit: int = 12
) -> list[tuple[str, str]]:
    """(id, name) of the given actors, most ``by`` first, at most ``limit``."""
    where = {a: i for i, a in enumerate(nodes["id"])}
    rows = [where[a] for a in ids if a in where]
    if by is not None:
        rows.sort(key=lambda i: -(nodes[by][i] or 0))
    return [(nodes["id"][i], nodes["name"][i]) for i in rows[:limit]]


def _api_params(query: service.MapQuery) -> str:
    parts = []
    if query.types:
        parts.append("types=" + ",".join(query.types))
    if query.period:
        parts.append(f"period={query.period}")
    return "&".join(parts)


def _mixing_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    sectors = summary.get("sectors") or []
    counts = summary.get("mixing_counts") or []
    return [
        {"sector": sectors[i], "cells": [int(c) for c in counts[i]]} for i in range(len(sectors))
    ]


class ChangesQuery(BaseModel):
    """The changes page's step: "year" or "quarter"."""

    freq: str = Field("year", max_length=10)


@router.get("/n/{slug}/map/changes")
def changes_page(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    query: Annotated[ChangesQuery, Query()],
) -> Response:
    """What changed from one year (or quarter) to the next."""
    freq = query.freq
    network = get_network(db, caller, slug, public_ok=False)
    if not is_choice(freq, FREQS):
        raise Invalid(_("freq is year or quarter"), field="freq")
    result = service.changes(db, caller, slug, freq=freq)
    return render(
        request,
        "map/changes.html",
        {"network": network, "result": result, "freq": freq, "fmt": _fmt},
    )


# The side panel's metrics (map.js builds it) and their glossary entries, by the panel's label
# (marked for translation; map.js receives them keyed by the metric's code).
PANEL_TERMS = {
    lazy("Degree"): "degree",
    lazy("Weighted degree"): "weighted_degree",
    lazy("PageRank"): "pagerank",
    lazy("Betweenness"): "betweenness",
    lazy("Closeness"): "closeness",
    lazy("Constraint"): "constraint",
    lazy("Effective size"): "effective_size",
    lazy("Community"): "community",
    lazy("Cross-sector ties"): "cross_sector_ties",
    lazy("Coordinator"): "coordinator",
    lazy("Gatekeeper"): "gatekeeper",
    lazy("Representative"): "representative",
    lazy("Consultant"): "consultant",
    lazy("Liaison"): "liaison",
}


def _map_terms() -> dict[str, dict[str, str]]:
    """For map.js: each side-panel metric's name, one-line explanation and glossary address in
    the reader's language, keyed by the metric's code."""
    out = {}
    for label, key in PANEL_TERMS.items():
        entry = glossary.entry(key)
        out[key] = {"label": gettext(label), "plain": entry["plain"], "anchor": entry["anchor"]}
    return out
