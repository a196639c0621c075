"""The interdependence map's answers: the analysis, changes over time, one actor's ties, an
import's tally. Per-actor metrics are columns (one list per metric, aligned with ``id``)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import ConfigDict, Field

from ..engines.network.timeline import Freq
from .common import OutModel

#: The periods the map's changes are counted in.
FREQS: tuple[Freq, ...] = get_args(Freq)


class MapQueryOut(OutModel):
    """The filter the figures were computed for (``window``: first and last day, ISO)."""

    types: list[str] | None
    since: str | None
    at: str | None
    period: str | None
    projection: str
    window: list[str | None] | None


class MapMethodOut(OutModel):
    """How the figures were obtained, so a reader can judge them."""

    paths: Literal["exact", "sampled"]
    path_length: Literal["hops", "inverse_weight"]
    exact_limit: int
    sources: int
    betweenness_error_bound: int | float
    confidence: int | float
    seed: int
    leiden_iterations: int
    resolution: int | float
    damping: int | float
    brokerage_reading: Literal["directed", "undirected_as_both_directions"]


class MapAnalysisOut(OutModel):
    """Every metric of the map: ``actors`` maps a metric to its column (aligned with
    ``actors.id``; ``None`` where undefined), ``network`` the whole network's figures."""

    slug: str
    data_version: int
    query: MapQueryOut
    actors: dict[str, list[Any]]
    network: dict[str, Any]
    method: MapMethodOut
    timings: dict[str, float]


class MapNetworkName(OutModel):
    slug: str
    name: str


class MapPeriodOut(OutModel):
    label: str
    start: str
    end: str


class MapEdgesOut(OutModel):
    """Linked pairs as columns: ``source[i]`` – ``target[i]`` with ``weight[i]``."""

    source: list[str]
    target: list[str]
    weight: list[float]


class MapViewOut(OutModel):
    """What the map page draws: ``nodes`` maps a column (id, name, sector, kind, x, y and each
    metric) to its values, aligned; ``summary`` the network's figures shown beside it."""

    network: MapNetworkName
    data_version: int
    query: MapQueryOut
    types: list[str]
    sectors: list[str]
    periods: list[MapPeriodOut]
    nodes: dict[str, list[Any]]
    edges: MapEdgesOut
    summary: dict[str, Any]
    method: MapMethodOut


class MapSnapshotOut(OutModel):
    label: str
    start: str
    end: str
    n_actors: int
    n_edges: int
    density: float | None
    n_communities: int
    assortativity: float | None
    cross_sector_share: float | None


class MapChangeOut(OutModel):
    """What changed from one period to the next: who entered, left or rose in each measure's
    top; which sectors drew closer; which communities merged or split."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    centrality: list[dict[str, Any]]
    sectors: list[dict[str, Any]]
    communities: list[dict[str, Any]]


class MapChangesOut(OutModel):
    slug: str
    data_version: int
    freq: Freq
    snapshots: list[MapSnapshotOut]
    changes: list[MapChangeOut]


class MapTieOut(OutModel):
    """One of an actor's ties on the map, seen from that actor (``direction``)."""

    id: int
    kind: str
    weight: float
    start: str | None
    end: str | None
    other_id: int
    other_name: str
    direction: Literal["out", "in"]


class MapImportOut(OutModel):
    network: str
    format: str
    actors_created: int
    actors_matched: int
    ties_created: int
