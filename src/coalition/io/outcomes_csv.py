"""CSV exports of the outcomes area: one mapping per table, shared by the CLI and the API.

Nothing private leaves here: contributions and assets carry actor ids and the names the caller
may see; health checks are exported as aggregates per block (mean, spread), never as one
member's ratings; uploaded files are referred to, not embedded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from ..schemas.outcomes import ExportName
from ..services import commons, contributions, health, outcomes
from ..services.access import Caller, require_role
from ..store.tables import Network
from .safe_input import neutralise_cell

COLUMNS: dict[str, tuple[str, ...]] = {
    "outcomes": (
        "outcome_id",
        "initiative_id",
        "initiative",
        "name",
        "unit",
        "baseline",
        "baseline_date",
        "target",
        "direction",
        "due_date",
        "status",
        "latest_value",
        "latest_date",
        "measurements",
    ),
    "measurements": (
        "measurement_id",
        "outcome_id",
        "initiative_id",
        "outcome",
        "unit",
        "measured_on",
        "value",
        "expected_value",
        "progress_ratio",
        "expected_ratio",
        "status",
        "source",
        "note",
    ),
    "contributions": (
        "contribution_id",
        "initiative_id",
        "initiative",
        "contributor_id",
        "contributor",
        "kind",
        "amount",
        "unit",
        "contributed_on",
        "status",
        "confirmed_by_id",
        "confirmed_by",
        "description",
    ),
    "assets": (
        "asset_id",
        "title",
        "licence",
        "authors",
        "author_ids",
        "link",
        "file_name",
        "size_bytes",
        "shared_on",
        "reuses",
        "reused_in",
    ),
    "health": (
        "check_id",
        "initiative",
        "held_on",
        "label",
        "block",
        "respondents",
        "mean",
        "sd",
        "min",
        "max",
        "range",
    ),
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, str):
        # A spreadsheet would run "=…" as a formula (CSV injection): keep it text.
        return neutralise_cell(value)
    return value


def _rows(db: Session, caller: Caller, network: Network, what: str) -> Iterable[Sequence[Any]]:
    rows = _ROWS.get(what)
    if rows is None:  # pragma: no cover - ExportName is checked at the edges
        raise ValueError(what)
    yield from rows(db, caller, network)


def _outcome_rows(db: Session, caller: Caller, network: Network) -> Iterable[Sequence[Any]]:
    for initiative, items in outcomes.list_network_outcomes(db, caller, network.id):
        for o in items:
            yield (
                o.id,
                initiative.id,
                initiative.title,
                o.name,
                o.unit,
                o.baseline,
                o.baseline_date,
                o.target,
                o.direction,
                o.due_date,
                o.status,
                o.latest.value if o.latest else None,
                o.latest.measured_on if o.latest else None,
                len(o.measurements),
            )


def _measurement_rows(db: Session, caller: Caller, network: Network) -> Iterable[Sequence[Any]]:
    for initiative, items in outcomes.list_network_outcomes(db, caller, network.id):
        for o in items:
            for m in o.measurements:
                yield (
                    m.id,
                    o.id,
                    initiative.id,
                    o.name,
                    o.unit,
                    m.measured_on,
                    m.value,
                    m.expected_value,
                    m.progress_ratio,
                    m.expected_ratio,
                    m.status,
                    m.source,
                    m.note,
                )


def _contribution_rows(db: Session, caller: Caller, network: Network) -> Iterable[Sequence[Any]]:
    ledger = contributions.list_contributions(db, caller, network, limit=10_000_000)
    for c in sorted(ledger, key=lambda c: c.id):
        yield (
            c.id,
            c.initiative_id,
            c.initiative_title,
            c.contributor_id,
            c.contributor_name,
            c.kind,
            c.amount,
            c.unit,
            c.contributed_on,
            c.status,
            c.confirmed_by_id,
            c.confirmed_by_name,
            c.description,
        )


def _asset_rows(db: Session, caller: Caller, network: Network) -> Iterable[Sequence[Any]]:
    for a in sorted(commons.list_assets(db, caller, network), key=lambda a: a.id):
        yield (
            a.id,
            a.title,
            a.licence,
            "; ".join(x.name or f"actor {x.actor_id}" for x in a.authors),
            " ".join(str(x.actor_id) for x in a.authors),
            a.link,
            a.file_name,
            a.size_bytes,
            a.shared_on,
            len(a.reuses),
            "; ".join(r.initiative_title for r in a.reuses),
        )


def _health_rows(db: Session, caller: Caller, network: Network) -> Iterable[Sequence[Any]]:
    for check, title, blocks in health.network_health_summary(db, caller, network.id):
        for b in blocks:
            yield (
                check.id,
                title,
                check.held_on,
                check.label,
                b.block,
                b.n,
                b.mean,
                b.sd,
                b.minimum,
                b.maximum,
                b.range,
            )


_ROWS: dict[str, Callable[[Session, Caller, Network], Iterable[Sequence[Any]]]] = {
    "outcomes": _outcome_rows,
    "measurements": _measurement_rows,
    "contributions": _contribution_rows,
    "assets": _asset_rows,
    "health": _health_rows,
}
"""The rows of each table, in the order of its ``COLUMNS``."""


def export_csv(db: Session, caller: Caller, network: Network, what: ExportName) -> str:
    """One table of the outcomes area of ``network`` as CSV text (header row first)."""
    require_role(caller, network, "member")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[what])
    for row in _rows(db, caller, network, what):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


__all__ = ["COLUMNS", "export_csv"]
