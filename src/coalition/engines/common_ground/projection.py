"""2-D opinion map: PCA of the mean-filled vote matrix with Polis's sparsity-aware projection.

Steps, as in Polis [1]_ [2]_:

1. The *columns* are the statements that received at least one vote (Polis's rating matrix
   only has those). Moderated-out and meta statements are *zeroed*: every participant gets a 0
   in that column, so they carry no variance but still count as answered, exactly as
   ``named-matrix/zero-out-columns`` does.
2. Missing votes are filled with the column mean (the mean of the votes cast on that
   statement), and the filled matrix is centred. Filled entries then equal the mean, so the
   centred matrix is *sparse*: ``v - mean`` where a vote exists, 0 elsewhere. Its column means
   are exactly zero, so a truncated SVD of it is the PCA of the mean-filled matrix — computed
   here with scikit-learn's ``TruncatedSVD`` without ever densifying the matrix.
3. Each participant is projected onto the first two components using only their own votes,
   and the projection is scaled by ``sqrt(n_columns / n_votes)`` so participants with few
   votes are not all piled up in the centre (``sparsity-aware-project-ptpt`` in [2]_).
4. Each statement is placed where a participant who agreed with it alone would be; its
   distance from the origin is the statement's *extremity*, used by the comment priority.

References
----------
.. [1] C. Small et al., "Polis: Scaling deliberation by mapping high dimensional opinion
   spaces", Recerca 26(2), 2021 — "Dimensionality reduction" (mean imputation, projection
   scaling).
.. [2] compdemocracy/polis, ``math/src/polismath/math/pca.clj`` (``powerit-pca``,
   ``sparsity-aware-project-ptpt``, ``pca-project-cmnts``) and ``conversation.clj``
   (``:rating-mat``, ``:mat``, ``with-proj-and-extremtiy``).
.. [3] compdemocracy/red-dwarf, ``reddwarf/sklearn/transformers.py``
   (``SparsityAwareScaler``) — the same method on dense pandas frames.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError

from coalition.engines.common_ground.matrix import VoteMatrix

from ..arrays import BoolArray, FloatArray, IntArray

__all__ = ["Projection", "pca_project", "statement_mask"]


# Above this many votes the randomized solver is used: same components to ~1e-6 on
# structured data, and it does not slow down when the two leading singular values are close.
_ARPACK_MAX_NNZ = 1_000_000

# Up to this many statements Polis's power iteration is evaluated in closed form from the
# eigendecomposition of the statements × statements Gram matrix (O(m³), a few ms); above, it
# is iterated with sparse products (O(iterations · votes)).
_GRAM_MAX_COLS = 300
_DENSE_MAX_CELLS = 1_000_000


@dataclass(frozen=True, eq=False)
class Projection:
    """Result of :func:`pca_project`.

    Attributes
    ----------
    positions : (n_participants, 2) array
        Each participant's place on the opinion map (0, 0 for someone without votes).
    center : (n_statements,) array
        Column means of the votes (0 for zeroed statements and statements without votes).
    components : (2, n_statements) array
        The two principal directions (zero rows when there is not enough data).
    explained_variance : (2,) array
        Variance of the mean-filled matrix along each component.
    statement_positions : (n_statements, 2) array
        Where a participant agreeing with only that statement would be placed.
    extremity : (n_statements,) array
        Euclidean norm of ``statement_positions`` rows.
    active : (n_statements,) bool array
        Statements that are columns of Polis's matrix (at least one vote).
    zeroed : (n_statements,) bool array
        Active statements zeroed out (moderated out or meta).
    """

    positions: FloatArray
    center: FloatArray
    components: FloatArray
    explained_variance: FloatArray
    statement_positions: FloatArray
    extremity: FloatArray
    active: BoolArray
    zeroed: BoolArray

    @classmethod
    def place(
        cls,
        positions: FloatArray,
        center: FloatArray,
        components: FloatArray,
        explained: FloatArray,
        active: BoolArray,
        zeroed: BoolArray,
    ) -> Projection:
        """The projection of participants at ``positions``, with each statement placed where
        a virtual participant who agreed (+1) with it only would be: one vote, so the scale
        is sqrt(n_columns). Polis votes -1 for agree internally; the norm is the same."""
        n_columns = int(active.sum())
        statement_positions = ((1.0 - center)[:, None] * components.T) * np.sqrt(max(n_columns, 1))
        statement_positions[~(active & ~zeroed)] = 0.0
        return cls(
            positions=positions,
            center=center,
            components=components,
            explained_variance=explained,
            statement_positions=statement_positions,
            extremity=np.linalg.norm(statement_positions, axis=1),
            active=active,
            zeroed=zeroed,
        )


def statement_mask(n_statements: int, statements: Collection[int] | BoolArray) -> BoolArray:
    """Boolean mask of length ``n_statements`` from a set of indices or an existing mask.

    Examples
    --------
    >>> statement_mask(4, [0, 2]).tolist()
    [True, False, True, False]
    """
    if isinstance(statements, np.ndarray) and statements.dtype == np.bool_:
        if statements.shape != (n_statements,):
            raise ValueError("statement mask has the wrong length")
        return statements.copy()
    mask = np.zeros(n_statements, dtype=bool)
    idx = np.fromiter((int(i) for i in statements), dtype=np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= n_statements):
        raise ValueError("statement index out of range")
    mask[idx] = True
    return mask


def pca_project(
    matrix: VoteMatrix,
    *,
    zeroed: Collection[int] | BoolArray = (),
    seed: int = 0,
    svd_solver: Literal["auto", "arpack", "randomized", "power"] = "auto",
    start_components: npt.ArrayLike | None = None,
    power_iters: int = 100,
) -> Projection:
    """Polis's 2-D projection of participants and statements.

    Parameters
    ----------
    matrix : VoteMatrix
        Last votes.
    zeroed : collection of int or bool mask
        Statements whose column is zeroed: moderated out and meta statements.
    seed : int
        Seed of the SVD's random start (ARPACK's start vector or the randomized range finder),
        so results are reproducible.
    svd_solver : {"auto", "arpack", "randomized", "power"}
        ``TruncatedSVD`` algorithm. ``"auto"`` uses ARPACK (exact to machine precision) up to
        one million votes and the randomized solver above. ``"power"`` is Polis's own solver
        (``powerit-pca`` [2]_): power iteration with deflation, started from
        ``start_components``; its signs follow the start vectors, so a map updated this way
        does not flip between updates.
    start_components : (2, n_statements) array-like, optional
        Start vectors of the power iteration (the previous update's components). A row of
        zeros, or none given, starts from a random vector drawn with ``seed`` (Polis: ``rand``).
    power_iters : int
        Most power iterations per component (Polis: 100); a component stops early when its
        eigenvalue repeats exactly.

    Returns
    -------
    Projection

    Notes
    -----
    Equivalent to scikit-learn ``PCA(2)`` on the mean-imputed dense matrix followed by the
    sparsity scaling (red-dwarf's pipeline [3]_) but in O(votes) memory: the centred matrix has
    the sparsity pattern of the votes. Polis computes the components by 100 power iterations
    warm-started from the previous update; both converge to the same leading singular
    vectors. Component signs follow scikit-learn's ``svd_flip`` convention (the largest
    loading of each component is positive), so the map may be mirrored relative to Polis's.

    Examples
    --------
    The two camps land on opposite sides of the first axis:

    >>> votes = [(p, s, 1 if (p < 10) == (s < 5) else -1) for p in range(20) for s in range(10)]
    >>> matrix = VoteMatrix.from_votes(votes)
    >>> positions = pca_project(matrix).positions
    >>> bool(positions[0, 0] * positions[19, 0] < 0)
    True
    """
    n_s = matrix.n_statements
    active, zero_mask, center, centred, votes_live = _centre(matrix, zeroed)
    live = active & ~zero_mask
    n_columns = int(active.sum())
    n_votes = votes_live + int(zero_mask.sum())

    components = np.zeros((2, n_s))
    explained = np.zeros(2)
    if live.any() and np.count_nonzero(votes_live) >= 2:
        if svd_solver == "power":
            components, explained = _power_components(
                centred, live, seed, start_components, power_iters
            )
        else:
            components, explained = _leading_components(centred, live, seed, svd_solver)

    scale = np.sqrt(n_columns / np.maximum(n_votes, 1))
    positions = np.asarray(centred @ components.T) * scale[:, None]
    return Projection.place(positions, center, components, explained, active, zero_mask)


def _centre(
    matrix: VoteMatrix, zeroed: Collection[int] | BoolArray
) -> tuple[BoolArray, BoolArray, FloatArray, sp.csr_matrix, IntArray | FloatArray]:
    """The statements with votes (``active``), those of them zeroed, each statement's mean
    vote (0 unless live), the centred matrix (0 off the votes and in zeroed columns) and each
    participant's votes on live statements."""
    n_p, n_s = matrix.n_participants, matrix.n_statements
    zero_mask = statement_mask(n_s, zeroed)
    _, _, seen_count = matrix.statement_counts()
    active = seen_count > 0
    zero_mask &= active
    live = active & ~zero_mask

    sums = np.bincount(matrix.indices, weights=matrix.values, minlength=n_s)
    center = np.zeros(n_s)
    center[live] = sums[live] / seen_count[live]

    # n_votes per participant as Polis counts it: real votes on live columns plus one
    # (zero) "vote" for every zeroed column.
    on_live = live[matrix.indices]
    data = np.where(on_live, matrix.values - center[matrix.indices], 0.0)
    votes_live = np.bincount(matrix.rows[on_live], minlength=n_p) if n_p else np.zeros(0)
    return active, zero_mask, center, matrix.csr(data), votes_live


def _live_columns(
    centred: sp.csr_matrix, live: BoolArray
) -> tuple[sp.csr_matrix, IntArray, FloatArray, FloatArray]:
    """The centred matrix on its live columns (itself when all are), those columns, and the
    empty two components and explained variances to fill in."""
    cols = np.flatnonzero(live)
    sub = centred[:, cols] if cols.size < centred.shape[1] else centred
    return sub, cols, np.zeros((2, centred.shape[1])), np.zeros(2)


def _power_components(
    centred: sp.csr_matrix,
    live: BoolArray,
    seed: int,
    start_components: npt.ArrayLike | None,
    iters: int,
) -> tuple[FloatArray, FloatArray]:
    """Polis's ``powerit-pca``: power iteration on XᵀX, then deflate and repeat.

    ``power-iteration`` multiplies by XᵀX and normalises, up to ``iters`` + 1 times, stopping
    when the eigenvalue (the norm before normalising) repeats exactly; ``factor-matrix``
    removes the found component from the data before the next one.
    """
    sub, cols, components, explained = _live_columns(centred, live)
    n_rows, n_cols = sub.shape
    k = min(2, n_cols, n_rows)
    starts = None if start_components is None else np.asarray(start_components, dtype=np.float64)
    rng = np.random.default_rng(seed)
    # XᵀX v, as Polis's xtxr sums (row · v) row over rows: through the Gram matrix when it is
    # small (in closed form, see _power_closed_form), else two sparse products a step.
    gram: FloatArray | None = None
    sub_t: sp.csr_matrix | None = None
    if n_cols <= _GRAM_MAX_COLS:
        if n_rows * n_cols <= _DENSE_MAX_CELLS:
            dense = sub.toarray()
            gram = dense.T @ dense
        else:
            gram = (sub.T @ sub).toarray()
    else:
        sub_t = sub.T.tocsr()
    found: list[FloatArray] = []
    for c in range(k):
        v = starts[c, cols] if starts is not None and c < starts.shape[0] else None
        if v is None or not np.any(v):
            v = rng.random(n_cols)
        if gram is not None:
            if not found:
                eig = np.linalg.eigh(gram)
                v, eigval = _power_closed_form(gram, v, iters, eig)
            else:  # factor-matrix: P XᵀX P with P = I - pc pcᵀ
                known = _deflated_eig(eig, found[0])
                if known is None:
                    proj = np.eye(n_cols) - np.outer(found[0], found[0])
                    known = np.linalg.eigh(proj @ gram @ proj)
                v, eigval = _power_closed_form(gram, v, iters, known)
        else:
            assert sub_t is not None
            v, eigval = _power_loop(sub.tocsr(), sub_t, found, v, iters)
        if not np.any(v):
            break
        found.append(v)
        components[c, cols] = v
        explained[c] = eigval / max(n_rows - 1, 1)
    return components, explained


def _power_loop(
    sub: sp.csr_matrix, sub_t: sp.csr_matrix, found: list[FloatArray], v: FloatArray, iters: int
) -> tuple[FloatArray, float]:
    """``power-iteration`` step by step on the sparse votes, deflated by ``found``."""
    eigval, last = 0.0, 0.0
    for _ in range(iters + 1):
        w = v
        for pc in found:
            w = w - pc * (pc @ w)
        w = sub_t @ (sub @ w)
        for pc in found:
            w = w - pc * (pc @ w)
        eigval = float(np.sqrt(w @ w))
        if eigval == 0.0:
            return np.zeros_like(v), 0.0
        v = w / eigval
        if eigval == last:
            break
        last = eigval
    return v, eigval


def _power_closed_form(
    gram: FloatArray,
    start: FloatArray,
    iters: int,
    eig: tuple[FloatArray, FloatArray] | None = None,
) -> tuple[FloatArray, float]:
    """``power-iteration`` on a symmetric PSD matrix, all steps at once.

    After t products the vector is ``U (λ/λmax)^t c`` normalised (``gram = U diag(λ) Uᵀ``,
    ``c = Uᵀ start``), and the eigenvalue estimate of step t is ``|gram v_(t-1)|``. Polis
    stops when that estimate no longer changes or after ``iters`` + 1 products; here "no
    longer changes" is a relative change within 4 machine epsilons. Same result as the
    loop, O(m³) once instead of O(iters · m²) Python steps. ``eig``, the eigendecomposition
    ``(λ, U)`` of the matrix if already known, is used instead of ``gram``.
    """
    lam, vecs = np.linalg.eigh(gram) if eig is None else eig
    top = float(lam[-1])
    if not top > 0:
        return np.zeros_like(start), 0.0
    ratio = np.clip(lam / top, 0.0, 1.0)
    coef = vecs.T @ start
    steps = np.arange(iters + 2)[:, None]
    with np.errstate(under="ignore"):
        weighted = ratio[None, :] ** steps * coef[None, :]  # row t: direction after t products
    norms = np.linalg.norm(weighted, axis=1)
    if not norms[-1] > 0:
        return np.zeros_like(start), 0.0
    estimates = top * norms[1:] / np.maximum(norms[:-1], np.finfo(float).tiny)  # step 1..iters+1
    change = np.abs(np.diff(estimates)) <= 4 * np.finfo(float).eps * estimates[1:]
    stop = int(np.argmax(change)) + 1 if np.any(change) else iters
    direction = vecs @ weighted[stop + 1]
    return direction / np.linalg.norm(direction), float(estimates[stop])


def _deflated_eig(
    eig: tuple[FloatArray, FloatArray], found: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """Eigendecomposition of P·gram·P (P = I − found foundᵀ) from gram's, when ``found`` is
    gram's top eigenvector (a simple one, to machine precision): the same vectors, the top
    eigenvalue 0. None otherwise (then it must be computed)."""
    lam, vecs = eig
    if lam.size < 2 or not lam[-1] > 0:
        return None
    simple = lam[-1] - lam[-2] > 1e-8 * lam[-1]
    if not simple or abs(float(vecs[:, -1] @ found)) < 1.0 - 1e-12:
        return None
    lam = lam.copy()
    lam[-1] = 0.0
    order = np.argsort(lam, kind="stable")
    return lam[order], vecs[:, order]


def _leading_components(
    centred: sp.csr_matrix,
    live: BoolArray,
    seed: int,
    svd_solver: Literal["auto", "arpack", "randomized"],
) -> tuple[FloatArray, FloatArray]:
    """Top-2 right singular vectors of the centred matrix restricted to live columns."""
    sub, cols, components, explained = _live_columns(centred, live)
    n_rows, n_cols = sub.shape
    k = min(2, n_cols, n_rows)
    if k == 0 or sub.nnz == 0:
        # Nothing varies (no votes left after centring): no direction to project on.
        return components, explained
    solver = svd_solver
    if solver == "auto":
        solver = "arpack" if sub.nnz <= _ARPACK_MAX_NNZ else "randomized"
    if solver == "arpack" and k >= min(n_rows, n_cols):
        # ARPACK needs k < min(shape); so tiny matrices go through a dense exact SVD.
        _, s, vt = np.linalg.svd(sub.toarray(), full_matrices=False)
        vt, s = vt[:k], s[:k]
        signs = np.sign(vt[np.arange(k), np.argmax(np.abs(vt), axis=1)])
        signs[signs == 0] = 1.0
        vt = vt * signs[:, None]
        var = s**2 / max(n_rows - 1, 1)
    else:
        from sklearn.decomposition import TruncatedSVD  # imported when first needed

        svd = TruncatedSVD(
            n_components=k,
            algorithm=solver,
            n_iter=7,
            random_state=seed,
        )
        try:
            svd.fit(sub)
        except ArpackError:
            # ARPACK can fail on degenerate (e.g. rank-0 after masking) inputs; use randomized.
            svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=7, random_state=seed)
            svd.fit(sub)
        vt = svd.components_
        var = np.asarray(svd.singular_values_) ** 2 / max(n_rows - 1, 1)
    components[:k, cols] = vt
    explained[:k] = var
    return components, explained
