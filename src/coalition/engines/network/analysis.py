"""The whole interdependence-map analysis of one graph, as one plain result.

:func:`analyze` runs every measure of this package on a :class:`~.graph.NetworkGraph` and
returns a :class:`NetworkAnalysis`: per-actor columns (:class:`ActorMetrics`), per-network
figures (:class:`NetworkSummary`), how each figure was obtained (:class:`Method`) and the
seconds each step took. :meth:`NetworkAnalysis.to_dict` gives a JSON-ready dict with a
fixed structure (NaN becomes ``null``; actors are named by their ids), which the service
layer caches with the data version it came from.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import partial
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from coalition.engines.network.brokerage import Brokerage, brokerage_roles
from coalition.engines.network.communities import Communities, leiden
from coalition.engines.network.graph import NetworkGraph
from coalition.engines.network.metrics import (
    Components,
    Degrees,
    Mixing,
    attribute_assortativity,
    components,
    constraint_and_effective_size,
    cross_sector,
    degrees,
    density,
    mixing_matrix,
    pagerank,
    sector_bridges,
    triangles,
)
from coalition.engines.network.opportunity import concentration
from coalition.engines.network.paths import CONFIDENCE_ALPHA, PathCentrality, path_centrality

from ..arrays import FloatArray, IntArray, StrArray

__all__ = ["ActorMetrics", "Method", "NetworkAnalysis", "NetworkSummary", "analyze"]

T = TypeVar("T")

TOP = 100
"""How many component and community sizes the summary lists (largest first)."""


@dataclass(frozen=True)
class ActorMetrics:
    """One value per actor of the graph, in the graph's local order.

    ``index`` is the actor's position in the :class:`~.graph.Actors` table. Brokerage
    columns count brokered two-step paths (see :mod:`.brokerage`); ``community`` and
    ``component`` are numbered by size (0 = largest).
    """

    index: IntArray
    id: StrArray
    sector: StrArray
    kind: StrArray
    degree: IntArray
    in_degree: IntArray
    out_degree: IntArray
    weighted_degree: FloatArray
    pagerank: FloatArray
    betweenness: FloatArray
    betweenness_se: FloatArray
    closeness: FloatArray
    closeness_se: FloatArray
    constraint: FloatArray
    effective_size: FloatArray
    coordinator: FloatArray
    gatekeeper: FloatArray
    representative: FloatArray
    consultant: FloatArray
    liaison: FloatArray
    community: IntArray
    component: IntArray
    cross_sector_ties: IntArray


@dataclass(frozen=True)
class NetworkSummary:
    """Whole-network figures. Actor references are local indices (see ``ActorMetrics``)."""

    n_actors: int
    n_ties: int
    n_edges: int
    self_loops: int
    directed: bool
    types: tuple[str, ...] | None
    window: tuple[dt.date | None, dt.date | None] | None
    density: float
    n_components: int
    largest_component: int
    component_sizes: IntArray
    n_communities: int
    modularity: float
    community_sizes: IntArray
    sectors: tuple[str, ...]
    mixing_counts: FloatArray
    mixing_weights: FloatArray
    assortativity: float
    cross_sector_edges: int
    cross_sector_share: float
    sector_bridges: IntArray
    bridge_holders: IntArray
    isolates: IntArray
    as_of: dt.date | None
    newcomer_days: int
    newcomers: IntArray
    newcomers_unconnected: IntArray
    opportunity: dict[str, dict[str, object]]


@dataclass(frozen=True)
class Method:
    """How the figures were obtained, so a reader can judge them."""

    paths: Literal["exact", "sampled"]
    path_length: Literal["hops", "inverse_weight"]
    exact_limit: int
    sources: int
    betweenness_error_bound: float
    confidence: float
    seed: int
    leiden_iterations: int
    resolution: float
    damping: float
    brokerage_reading: Literal["directed", "undirected_as_both_directions"]


@dataclass(frozen=True)
class NetworkAnalysis:
    """Per-actor columns, per-network summary, method notes and step timings (seconds)."""

    actors: ActorMetrics
    network: NetworkSummary
    method: Method
    timings: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict with a fixed set of keys; NaN → ``None``, dates → ISO."""
        ids = self.actors.id
        cols = {f.name: _jsonable(getattr(self.actors, f.name)) for f in fields(self.actors)}
        net: dict[str, Any] = {}
        for f in fields(self.network):
            value = getattr(self.network, f.name)
            if f.name == "sector_bridges":
                value = [[str(ids[a]), str(ids[b])] for a, b in value.tolist()]
            elif f.name in ("bridge_holders", "isolates", "newcomers", "newcomers_unconnected"):
                value = [str(x) for x in ids[value]]
            net[f.name] = _jsonable(value)
        return {
            "actors": cols,
            "network": net,
            "method": {
                f.name: _jsonable(getattr(self.method, f.name)) for f in fields(self.method)
            },
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
        }


def _jsonable(value: object) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            missing = np.isnan(value)
            if not missing.any():
                return value.tolist()
            obj = value.astype(object)
            obj[missing] = None
            return obj.tolist()
        return value.tolist()
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def analyze(
    graph: NetworkGraph,
    *,
    seed: int = 0,
    exact_betweenness_limit: int = 5000,
    samples: int | None = None,
    path_length: Literal["hops", "inverse_weight"] = "hops",
    opportunity: Mapping[str, npt.ArrayLike] | None = None,
    as_of: dt.date | None = None,
    newcomer_days: int = 90,
    resolution: float = 1.0,
    leiden_iterations: int = 2,
    damping: float = 0.85,
) -> NetworkAnalysis:
    """Every measure of the interdependence map on one graph.

    Parameters
    ----------
    graph : from :func:`~.graph.build_graph` (already filtered by type and window).
    seed : seeds betweenness/closeness sampling and Leiden.
    exact_betweenness_limit : components up to this size get exact betweenness and closeness;
        larger ones are sampled (see :mod:`.paths` for the estimators and their error).
    samples : sources drawn per sampled component (default: scaled to its size, see
        :data:`.paths.ARC_BUDGET`).
    path_length : ``"hops"`` (NetworkX ``weight=None``) or ``"inverse_weight"`` (length
        ``1/strength``) for betweenness and closeness.
    opportunity : named count arrays aligned with the **actor table** (e.g. engagements and
        invitations per actor); reported as concentration (Gini) over the graph's actors,
        overall and by sector.
    as_of : the date "now" for newcomers; default the window's end, else the latest date
        an actor joined.
    newcomer_days : actors who joined within this many days up to ``as_of`` are newcomers.
    resolution, leiden_iterations : Leiden parameters (modularity objective).
    damping : PageRank damping factor.

    Examples
    --------
    >>> from coalition.engines.network import Actors, Ties, build_graph
    >>> actors = Actors.create("abcde", sector=["health", "health", "funder", "funder", "health"])
    >>> graph = build_graph(actors, Ties.create([0, 0, 1, 2, 3], [1, 2, 2, 3, 4]))
    >>> result = analyze(graph)
    >>> result.actors.betweenness.round(2).tolist()
    [0.0, 0.0, 0.67, 0.5, 0.0]
    >>> result.network.cross_sector_edges, result.network.n_communities
    (3, 2)
    """
    timed = _Timer()
    deg = timed("degree", degrees, graph)
    pr = timed("pagerank", pagerank, graph, damping=damping)
    exact_limit = exact_betweenness_limit
    weighted = path_length == "inverse_weight"
    centrality = partial(path_centrality, exact_limit=exact_limit, samples=samples, seed=seed)
    paths = timed("betweenness_closeness", centrality, graph, weighted=weighted)
    tri = timed("triangles", triangles, graph)
    cons, esize = timed("constraint_effective_size", constraint_and_effective_size, graph, tri)
    brok = timed("brokerage", brokerage_roles, graph, tri=tri)
    communities = partial(leiden, seed=seed, resolution=resolution, n_iterations=leiden_iterations)
    comm = timed("communities", communities, graph)
    comp = timed("components", components, graph)
    mix = timed("mixing", mixing_matrix, graph)
    bridges = timed("bridges", sector_bridges, graph)
    cross = timed("cross_sector", cross_sector, graph)
    summarise = partial(_summary, as_of=as_of, newcomer_days=newcomer_days, opportunity=opportunity)
    summary = timed("summary", summarise, graph, deg, comm, comp, mix, bridges)
    actors = _actor_metrics(graph, deg, pr, paths, cons, esize, brok, comm, comp, cross)
    method = _method(
        graph, paths, path_length, exact_limit, seed, leiden_iterations, resolution, damping
    )
    return NetworkAnalysis(actors=actors, network=summary, method=method, timings=timed.timings)


def _method(
    graph: NetworkGraph,
    paths: PathCentrality,
    path_length: Literal["hops", "inverse_weight"],
    exact_limit: int,
    seed: int,
    leiden_iterations: int,
    resolution: float,
    damping: float,
) -> Method:
    """How the measures were computed (for the reader of the results)."""
    return Method(
        paths=paths.method,  # type: ignore[arg-type]
        path_length=path_length,
        exact_limit=exact_limit,
        sources=paths.n_sources,
        betweenness_error_bound=paths.error_bound,
        confidence=1.0 - CONFIDENCE_ALPHA,
        seed=seed,
        leiden_iterations=leiden_iterations,
        resolution=resolution,
        damping=damping,
        brokerage_reading="directed" if graph.directed else "undirected_as_both_directions",
    )


class _Timer:
    """Runs a step and keeps how long it took, by name."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def __call__(self, name: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        self.timings[name] = time.perf_counter() - t0
        return out


def _newcomers(
    graph: NetworkGraph, as_of: dt.date | None, newcomer_days: int
) -> tuple[dt.date | None, IntArray]:
    """The date "now" (``as_of``, else the window's end, else the latest joining) and the
    actors who joined within ``newcomer_days`` up to it."""
    joined = graph.joined
    when = as_of
    if when is None and graph.window is not None:
        when = graph.window[1]
    if when is None and (~np.isnat(joined)).any():
        when = joined[~np.isnat(joined)].max().astype(dt.date)
    if when is None:
        return None, np.zeros(0, dtype=np.int64)
    now = np.datetime64(when, "D")
    recent = (
        ~np.isnat(joined) & (joined <= now) & (joined > now - np.timedelta64(newcomer_days, "D"))
    )
    return when, np.flatnonzero(recent)


def _actor_metrics(
    graph: NetworkGraph,
    deg: Degrees,
    pr: FloatArray,
    paths: PathCentrality,
    cons: FloatArray,
    esize: FloatArray,
    brok: Brokerage,
    comm: Communities,
    comp: Components,
    cross: IntArray,
) -> ActorMetrics:
    return ActorMetrics(
        index=graph.index,
        id=graph.ids,
        sector=graph.sector,
        kind=graph.kind,
        degree=deg.degree,
        in_degree=deg.in_degree,
        out_degree=deg.out_degree,
        weighted_degree=deg.weighted,
        pagerank=pr,
        betweenness=paths.betweenness,
        betweenness_se=paths.betweenness_se,
        closeness=paths.closeness,
        closeness_se=paths.closeness_se,
        constraint=cons,
        effective_size=esize,
        coordinator=brok.coordinator,
        gatekeeper=brok.gatekeeper,
        representative=brok.representative,
        consultant=brok.consultant,
        liaison=brok.liaison,
        community=comm.membership,
        component=comp.membership,
        cross_sector_ties=cross,
    )


def _summary(
    graph: NetworkGraph,
    deg: Degrees,
    comm: Communities,
    comp: Components,
    mix: Mixing,
    bridges: IntArray,
    as_of: dt.date | None,
    newcomer_days: int,
    opportunity: Mapping[str, npt.ArrayLike] | None,
) -> NetworkSummary:
    when, newcomers = _newcomers(graph, as_of, newcomer_days)
    opp = {}
    if opportunity:
        opp = concentration(
            {k: np.asarray(v, dtype=np.float64)[graph.index] for k, v in opportunity.items()},
            graph.sector,
        )
    u, v = graph.pairs.u, graph.pairs.v
    sec = graph.sector
    cross_edges = int(((sec[u] != sec[v]) & (sec[u] != "") & (sec[v] != "")).sum())
    return NetworkSummary(
        n_actors=graph.n,
        n_ties=graph.n_ties,
        n_edges=graph.m,
        self_loops=graph.self_loops,
        directed=graph.directed,
        types=graph.types,
        window=graph.window,
        density=density(graph),
        n_components=len(comp.sizes),
        largest_component=int(comp.sizes[0]) if len(comp.sizes) else 0,
        component_sizes=comp.sizes[:TOP],
        n_communities=len(comm.sizes),
        modularity=comm.modularity,
        community_sizes=comm.sizes[:TOP],
        sectors=mix.labels,
        mixing_counts=mix.counts,
        mixing_weights=mix.weights,
        assortativity=attribute_assortativity(mix),
        cross_sector_edges=cross_edges,
        cross_sector_share=cross_edges / len(u) if len(u) else float("nan"),
        sector_bridges=bridges,
        bridge_holders=np.unique(bridges.reshape(-1)),
        isolates=np.flatnonzero(deg.degree == 0),
        as_of=when,
        newcomer_days=newcomer_days,
        newcomers=newcomers,
        newcomers_unconnected=newcomers[deg.degree[newcomers] == 0],
        opportunity=opp,
    )
