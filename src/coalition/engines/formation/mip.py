"""The team model as a mixed-integer program for HiGHS (through highspy).

Columns: one 0/1 variable per assignment (x); one presence variable per sector, region and
shared organisation (``y_g <= sum of its members``); and the trust term's. The pairwise
trust term is linearised with one variable per close pair (``w_ij <= X_i``, ``w_ij <= X_j``
and the strengthening ``sum_j w_ij <= (n - 1) X_i``), whose relaxation is tight; above
:data:`MAX_PAIR_VARIABLES` close pairs (dense tie networks) the default mode uses Glover's
compact linearisation instead, one variable per actor (``t_i <= sum_j pair_ij X_j``,
``t_i <= cap_i X_i``), smaller but looser. Rows: at most one seat per actor (exactly one for
a locked actor), every role's seats, the model's constraint rows, and conflicts
(``X_i + X_j <= 1``). :mod:`~coalition.engines.formation.solver` runs it.

References
----------
.. [1] F. Glover, "Improved linear integer programming formulations of nonlinear integer
   problems", Management Science 22(4), 1975.
.. [2] Q. Huangfu, J. A. J. Hall, "Parallelizing the dual revised simplex method",
   Math. Prog. Comp. 10, 2018 (HiGHS); HiGHS MIP solver documentation, https://highs.dev.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from coalition.engines.formation.model import TeamModel

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = [
    "MAX_PAIR_VARIABLES",
    "MAX_PAIR_VARIABLES_EXACT",
    "MipModel",
    "build_mip",
    "warm_values",
]


@dataclass
class MipModel:
    """A team model passed to HiGHS: the solver, and the number of assignment (x), group
    presence (y) and trust (t) columns, in that order, with the trust linearisation used."""

    highs: highspy.Highs
    n_x: int
    trust: str
    n_g: int
    n_t: int


def _pair_arrays(model: TeamModel) -> tuple[IntArray, IntArray]:
    """The close pairs ``iu[k] < ju[k]`` of actors who both have an assignment."""
    n_pool = len(model.actor_ids)
    assigned = np.zeros(n_pool, dtype=bool)
    assigned[model.a_actor] = True
    iu, ju = np.nonzero(np.triu(model.pair, 1) > 0)
    keep = assigned[iu] & assigned[ju]
    return iu[keep].astype(np.int64), ju[keep].astype(np.int64)


def _trust_caps(model: TeamModel) -> FloatArray:
    """Per actor, the most its pair terms can add: the sum of its n - 1 largest."""
    k = max(model.n - 1, 0)
    if k == 0 or len(model.pair) == 0:
        return np.zeros(len(model.pair))
    top = -np.sort(-model.pair, axis=1)[:, :k]
    return np.asarray(top.sum(axis=1), dtype=np.float64)


#: Above this many close pairs, trust is linearised per actor (Glover) rather than per pair:
#: the per-pair model's relaxation is tighter (about 1% from the optimum against 4-8% on
#: random instances) but its root LP takes ~0.3 s at 5,000 pairs. The exact mode uses the
#: per-pair model up to the larger limit.
MAX_PAIR_VARIABLES = 2_500
MAX_PAIR_VARIABLES_EXACT = 200_000


@dataclass
class _MipRows:
    """The MIP's constraint rows as they are added: sparse blocks over the assignment (x),
    group presence (y) and trust (t) columns, with their lower and upper bounds."""

    n_g: int
    n_t: int
    blocks: list[sp.spmatrix] = field(default_factory=list)
    lo: list[FloatArray] = field(default_factory=list)
    hi: list[FloatArray] = field(default_factory=list)

    def add(
        self,
        x_part: sp.spmatrix,
        lower: FloatArray,
        upper: FloatArray,
        g_part: sp.spmatrix | None = None,
        t_part: sp.spmatrix | None = None,
    ) -> None:
        """Add rows ``lower <= x_part . x + g_part . y + t_part . t <= upper`` (a missing
        part is zero)."""
        rows = x_part.shape[0]
        self.blocks.append(
            sp.hstack(
                [
                    sp.csr_matrix(x_part),
                    sp.csr_matrix((rows, self.n_g)) if g_part is None else g_part,
                    sp.csr_matrix((rows, self.n_t)) if t_part is None else t_part,
                ],
                format="csr",
            )
        )
        self.lo.append(np.asarray(lower, dtype=np.float64))
        self.hi.append(np.asarray(upper, dtype=np.float64))


@dataclass(frozen=True)
class _TrustColumns:
    """The trust term's columns and their objective costs: one per close pair
    (``iu[k] < ju[k]``) when linearised per pair, one per actor of ``holders`` (with its
    ``caps``) when linearised per actor (Glover); none without an objective."""

    cost: FloatArray
    iu: IntArray
    ju: IntArray
    holders: IntArray
    caps: FloatArray

    @property
    def count(self) -> int:
        """Number of trust columns."""
        return len(self.cost)


def _trust_linearisation(model: TeamModel, trust: str) -> str:
    """``"pairs"`` or ``"glover"``: ``"auto"`` (``"auto-exact"``) picks per pair up to
    :data:`MAX_PAIR_VARIABLES` (:data:`MAX_PAIR_VARIABLES_EXACT`) close pairs."""
    if trust not in ("auto", "auto-exact"):
        return trust
    n_close = int(np.count_nonzero(np.triu(model.pair, 1) > 0))
    limit = MAX_PAIR_VARIABLES if trust == "auto" else MAX_PAIR_VARIABLES_EXACT
    return "pairs" if n_close <= limit else "glover"


def _trust_columns(
    model: TeamModel, trust: str, objective: bool, assigned: BoolArray
) -> _TrustColumns:
    """The trust columns of the MIP for linearisation ``trust``."""
    none = np.zeros(0, dtype=np.int64)
    if objective and trust == "pairs":
        iu, ju = _pair_arrays(model)
        return _TrustColumns(model.pair[iu, ju], iu, ju, none, np.zeros(0))
    if objective:
        caps = _trust_caps(model)
        holders = np.flatnonzero(assigned & (caps > 0))
        return _TrustColumns(np.full(len(holders), 0.5), none, none, holders, caps)
    return _TrustColumns(np.zeros(0), none, none, none, np.zeros(0))


def build_mip(
    model: TeamModel, relax: bool = False, objective: bool = True, trust: str = "auto"
) -> MipModel:
    """The team model as a HiGHS MIP (an LP when ``relax``; feasibility only without
    ``objective``): columns x (assignments), y (group presence), t (trust)."""
    m = model
    trust = _trust_linearisation(m, trust)
    n_x = m.n_assignments
    n_pool = len(m.actor_ids)
    gw = m.group_w if objective else np.zeros(0)
    inc = sp.csr_matrix(
        (np.ones(n_x), (m.a_actor, np.arange(n_x))), shape=(n_pool, n_x), dtype=np.float64
    )
    assigned = np.zeros(n_pool, dtype=bool)
    assigned[m.a_actor] = True
    cols = _trust_columns(m, trust, objective, assigned)
    rows = _MipRows(n_g=len(gw), n_t=cols.count)
    _add_team_rows(rows, m, inc)
    if rows.n_g:
        rows.add(
            -sp.csr_matrix(m.groups),
            np.full(rows.n_g, -np.inf),
            np.zeros(rows.n_g),
            g_part=sp.identity(rows.n_g, format="csr"),
        )
    if cols.count and trust == "pairs":
        _add_pair_rows(rows, m, inc, cols)
    elif cols.count:
        _add_glover_rows(rows, m, inc, cols)
    ci, cj = np.nonzero(np.triu(m.conflict, 1))
    both = assigned[ci] & assigned[cj]
    ci, cj = ci[both], cj[both]
    if len(ci):
        rows.add(inc[ci] + inc[cj], np.full(len(ci), -np.inf), np.ones(len(ci)))
    cost = np.concatenate([m.lin, gw, cols.cost]) if objective else None
    return _highs_model(m, rows, cost, relax, trust)


def _add_team_rows(rows: _MipRows, m: TeamModel, inc: sp.csr_matrix) -> None:
    """At most one seat per actor (exactly one for a locked actor), every role's seats
    filled, and the model's own constraint rows (those with a finite bound)."""
    n_x = m.n_assignments
    counts = np.bincount(m.a_actor, minlength=len(m.actor_ids))
    actor_rows = np.flatnonzero((counts > 1) | m.lock_actor)
    if len(actor_rows):
        rows.add(
            inc[actor_rows],
            np.where(m.lock_actor[actor_rows], 1.0, -np.inf),
            np.ones(len(actor_rows)),
        )
    role_inc = sp.csr_matrix((np.ones(n_x), (m.a_role, np.arange(n_x))), shape=(len(m.roles), n_x))
    rows.add(role_inc, m.seats.astype(np.float64), m.seats.astype(np.float64))
    if len(m.lo):
        finite = np.isfinite(m.lo) | np.isfinite(m.hi)
        rows.add(sp.csr_matrix(m.rows[finite]), m.lo[finite], m.hi[finite])


def _add_pair_rows(rows: _MipRows, m: TeamModel, inc: sp.csr_matrix, cols: _TrustColumns) -> None:
    """Per-pair linearisation: ``w_ij <= X_i``, ``w_ij <= X_j`` and, for an actor in more
    than n - 1 close pairs, ``sum_j w_ij <= (n - 1) X_i``."""
    n_t = cols.count
    n_pool = len(m.actor_ids)
    eye = sp.identity(n_t, format="csr")
    for ends in (cols.iu, cols.ju):
        rows.add(-inc[ends], np.full(n_t, -np.inf), np.zeros(n_t), t_part=eye)
    touch = sp.csr_matrix(
        (np.ones(2 * n_t), (np.concatenate([cols.iu, cols.ju]), np.tile(np.arange(n_t), 2))),
        shape=(n_pool, n_t),
    )
    busy = np.flatnonzero(np.asarray(touch.sum(axis=1)).ravel() > max(m.n - 1, 0))
    if len(busy):
        rows.add(
            -(m.n - 1) * inc[busy],
            np.full(len(busy), -np.inf),
            np.zeros(len(busy)),
            t_part=touch[busy],
        )


def _add_glover_rows(rows: _MipRows, m: TeamModel, inc: sp.csr_matrix, cols: _TrustColumns) -> None:
    """Glover's linearisation of X_i * sum_j pair_ij X_j: t_i <= sum_j pair_ij X_j and
    t_i <= cap_i X_i; the objective takes half of sum_i t_i."""
    n_t = cols.count
    holders = cols.holders
    eye = sp.identity(n_t, format="csr")
    closeness_x = sp.csr_matrix(m.pair[holders]) @ inc
    rows.add(-closeness_x, np.full(n_t, -np.inf), np.zeros(n_t), t_part=eye)
    rows.add(
        -sp.diags(cols.caps[holders]) @ inc[holders],
        np.full(n_t, -np.inf),
        np.zeros(n_t),
        t_part=eye,
    )


def _highs_model(
    m: TeamModel, rows: _MipRows, cost: FloatArray | None, relax: bool, trust: str
) -> MipModel:
    """Pass the rows and the objective ``cost`` (None: feasibility only) to a fresh HiGHS,
    maximising; assignments are integer unless ``relax``."""
    n_x, n_g, n_t = m.n_assignments, rows.n_g, rows.n_t
    n_col = n_x + n_g + n_t
    a_mat = sp.csr_matrix(sp.vstack(rows.blocks)) if rows.blocks else sp.csr_matrix((0, n_col))
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = a_mat.shape[0]
    if cost is not None:
        lp.col_cost_ = cost
        lp.offset_ = float(m.const)
    else:
        lp.col_cost_ = np.zeros(n_col)
    lp.col_lower_ = np.zeros(n_col)
    upper_t = np.ones(n_t) if trust == "pairs" else np.full(n_t, np.inf)
    lp.col_upper_ = np.concatenate([np.ones(n_x + n_g), upper_t])
    lp.row_lower_ = np.concatenate(rows.lo) if rows.lo else np.empty(0)
    lp.row_upper_ = np.concatenate(rows.hi) if rows.hi else np.empty(0)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = a_mat.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a_mat.indices.astype(np.int32)
    lp.a_matrix_.value_ = a_mat.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = a_mat.shape[0]
    if not relax:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [
            highspy.HighsVarType.kContinuous
        ] * (n_g + n_t)
    lp.sense_ = highspy.ObjSense.kMaximize
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    return MipModel(h, n_x, trust, n_g, n_t)


def warm_values(model: TeamModel, team: IntArray, mip: MipModel) -> FloatArray:
    """The column values of ``team`` (assignment indices) in ``mip``: a warm start."""
    m = model
    x = np.zeros(m.n_assignments)
    x[team] = 1.0
    present = (m.groups[:, team].sum(axis=1) > 0).astype(np.float64)[: mip.n_g]
    X = np.zeros(len(m.actor_ids))
    X[m.a_actor[team]] = 1.0
    if mip.n_t == 0:
        t = np.zeros(0)
    elif mip.trust == "pairs":
        iu, ju = _pair_arrays(m)
        t = X[iu] * X[ju]
    else:
        assigned = np.zeros(len(m.actor_ids), dtype=bool)
        assigned[m.a_actor] = True
        holders = np.flatnonzero(assigned & (_trust_caps(m) > 0))
        t = X[holders] * (m.pair[holders] @ X)
    return np.concatenate([x, present, t])
