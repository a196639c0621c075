"""Common ground: Polis's opinion groups, representative statements and consensus.

A pure engine: a :class:`VoteMatrix` (participants × statements, last votes) and moderation
flags in, a :class:`GroundResult` of plain arrays and dataclasses out. Follows Small et al.,
"Polis: Scaling deliberation by mapping high dimensional opinion spaces" (Recerca, 2021), the
Polis math code (``polismath.math.conversation``, ``pca``, ``clusters``, ``repness``) and
red-dwarf, its Python re-implementation.

Modules: :mod:`.matrix` (votes, vote validation), :mod:`.projection` (PCA map),
:mod:`.clustering` (groups), :mod:`.repness` (representative and consensus statements),
:mod:`.consensus` (group-informed consensus, priority, routing), :mod:`.incremental`
(Polis's warm-started updates and the replay of a vote log), :mod:`.analysis` (all steps).
"""

from coalition.engines.common_ground.analysis import (
    GroundResult,
    Group,
    StatementRepness,
    analyze,
    next_statement,
    replay,
)
from coalition.engines.common_ground.clustering import (
    Clustering,
    cluster_participants,
    select_in_conv,
)
from coalition.engines.common_ground.consensus import (
    comment_priorities,
    group_informed_consensus,
    next_statement_from,
)
from coalition.engines.common_ground.incremental import (
    History,
    KMeansClusters,
    PolisUpdate,
    polis_kmeans,
    polis_update,
    replay_history,
)
from coalition.engines.common_ground.matrix import (
    Moderation,
    VoteMatrix,
    VoteRefused,
    validate_vote,
)
from coalition.engines.common_ground.projection import Projection, pca_project
from coalition.engines.common_ground.repness import (
    ConsensusStatement,
    ConsensusStats,
    GroupStats,
    RepStatement,
    consensus_stats,
    group_stats,
    select_consensus,
    select_representative,
)

__all__ = [
    "Clustering",
    "ConsensusStatement",
    "ConsensusStats",
    "Group",
    "GroundResult",
    "GroupStats",
    "History",
    "KMeansClusters",
    "Moderation",
    "PolisUpdate",
    "Projection",
    "RepStatement",
    "StatementRepness",
    "VoteMatrix",
    "VoteRefused",
    "analyze",
    "cluster_participants",
    "comment_priorities",
    "consensus_stats",
    "group_informed_consensus",
    "group_stats",
    "next_statement",
    "next_statement_from",
    "pca_project",
    "polis_kmeans",
    "polis_update",
    "replay",
    "replay_history",
    "select_consensus",
    "select_in_conv",
    "select_representative",
    "validate_vote",
]
