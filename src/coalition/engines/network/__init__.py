"""The interdependence map: who is tied to whom, the patterns and how they change.

A pure engine: plain tables of actors and dated, typed, weighted ties in
(:class:`Actors`, :class:`Ties`), plain numpy arrays and dataclasses out. Heavy lifting is
done by python-igraph and numpy/scipy; NetworkX is the test oracle for every measure.

Modules: :mod:`.graph` (tables, filters, merging, two-mode projection), :mod:`.metrics`
(degree, PageRank, Burt's constraint and effective size, density, components, sector
mixing and assortativity, bridges), :mod:`.paths` (betweenness and closeness, exact or
sampled with stated error), :mod:`.brokerage` (Gould–Fernandez roles),
:mod:`.communities` (Leiden; matching across snapshots), :mod:`.opportunity` (Gini of
engagements and invitations), :mod:`.analysis` (everything at once), :mod:`.timeline`
(snapshots by year or quarter and what changed).

Typical use::

    actors = Actors.create(ids, sector=sectors, kind=kinds, joined=dates)
    ties = Ties.create(src, dst, type=types, weight=weights, start=starts, end=ends)
    result = analyze(build_graph(actors, ties, types={"collaborated"}, window=(d0, d1)))
    payload = result.to_dict()
"""

from coalition.engines.network.analysis import (
    ActorMetrics,
    Method,
    NetworkAnalysis,
    NetworkSummary,
    analyze,
)
from coalition.engines.network.brokerage import ROLES, Brokerage, brokerage_roles
from coalition.engines.network.communities import (
    Communities,
    CommunityEvent,
    leiden,
    match_communities,
)
from coalition.engines.network.graph import (
    Actors,
    Affiliations,
    NetworkGraph,
    Pairs,
    Ties,
    Window,
    affiliations_from_ties,
    build_graph,
    project_two_mode,
)
from coalition.engines.network.metrics import (
    Components,
    Degrees,
    Mixing,
    Triangles,
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
from coalition.engines.network.opportunity import concentration, gini, gini_by_group
from coalition.engines.network.paths import PathCentrality, path_centrality
from coalition.engines.network.timeline import (
    ActorRank,
    CentralityChange,
    SectorPairChange,
    Snapshot,
    SnapshotChange,
    compare_snapshots,
    periods,
    snapshots,
)

__all__ = [
    "ROLES",
    "ActorMetrics",
    "ActorRank",
    "Actors",
    "Affiliations",
    "Brokerage",
    "CentralityChange",
    "Communities",
    "CommunityEvent",
    "Components",
    "Degrees",
    "Method",
    "Mixing",
    "NetworkAnalysis",
    "NetworkGraph",
    "NetworkSummary",
    "Pairs",
    "PathCentrality",
    "SectorPairChange",
    "Snapshot",
    "SnapshotChange",
    "Ties",
    "Triangles",
    "Window",
    "affiliations_from_ties",
    "analyze",
    "attribute_assortativity",
    "brokerage_roles",
    "build_graph",
    "compare_snapshots",
    "components",
    "concentration",
    "constraint_and_effective_size",
    "cross_sector",
    "degrees",
    "density",
    "gini",
    "gini_by_group",
    "leiden",
    "match_communities",
    "mixing_matrix",
    "pagerank",
    "path_centrality",
    "periods",
    "project_two_mode",
    "sector_bridges",
    "snapshots",
    "triangles",
]
