"""Formation engine: propose teams or coalitions for an initiative, and explain them.

Pure computation: plain dataclasses and numpy arrays in, plain results out. The entry points
are :func:`propose` (the platform's team formation: roles, hard constraints, weighted
objectives, alternatives, reasons, infeasibility reports) and :func:`solve_classic` (the
classic expert-team task of Lappas, Liu & Terzi, KDD 2009, on a graph with per-node skills).
Build a :class:`CandidateIndex` (and a :class:`TieGraph`) once per network and reuse them
across requests.
"""

from coalition.engines.formation.candidates import CandidateIndex
from coalition.engines.formation.classic import ClassicTeam, solve_classic
from coalition.engines.formation.engine import propose, validate_problem
from coalition.engines.formation.problem import (
    OBJECTIVES,
    REGIONS,
    Candidate,
    Constraints,
    FormationInputError,
    FormationProblem,
    RoleSpec,
    Weights,
)
from coalition.engines.formation.reasons import Reason, ReasonCode
from coalition.engines.formation.result import (
    ClosestActor,
    FormationResult,
    Infeasibility,
    Member,
    Obstacle,
    Proposal,
)
from coalition.engines.formation.ties import TieGraph

__all__ = [
    "Reason",
    "ReasonCode",
    "OBJECTIVES",
    "REGIONS",
    "Candidate",
    "CandidateIndex",
    "ClassicTeam",
    "ClosestActor",
    "Constraints",
    "FormationInputError",
    "FormationProblem",
    "FormationResult",
    "Infeasibility",
    "Member",
    "Obstacle",
    "Proposal",
    "RoleSpec",
    "TieGraph",
    "Weights",
    "propose",
    "solve_classic",
    "validate_problem",
]
