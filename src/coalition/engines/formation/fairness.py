"""Fair spread of opportunity: a member's recent exposure, relative to the others who qualify.

A network left alone keeps asking the same people. The fairness objective counters that the
way the fair-ranking literature does, by looking at *exposure* - how much opportunity each
member has had - rather than at tenure:

* **Exposure** is the time-decayed count of a member's chances (invitations received and
  engagements taken), each weighing ``0.5 ** (age / half_life)``: attention is amortised over
  time, as in equity of attention (Biega, Gummadi & Weikum 2018), so a burst of work fades
  and a long quiet spell counts.
* **Relative to the role.** What matters is a member's exposure against the others who
  qualify for the same role - fairness of exposure among comparable candidates (Singh &
  Joachims 2018): with ``m`` the mean exposure of everyone eligible for the role, the score is
  ``exp(-exposure / (m + EXPOSURE_PRIOR))``: 1 for someone never asked, about 0.37 at the
  role's mean, near 0 for the role's busiest. Unlike ``1 / (1 + count)`` it does not flatten
  out: 10 against 20 chances still differ when the others have had 2.
* **A bounded newcomer boost that fades.** A newcomer's score is lifted by at most
  :data:`NEWCOMER_BOOST` of the way to 1, and the lift falls linearly to nothing after
  :data:`NEWCOMER_FADE` engagements of their own: enough to get a first chance, as FA*IR
  (Zehlike et al. 2017) guarantees a protected group a minimum presence in every prefix of a
  ranking, without piling work on a few newcomers.

The score never rises with more opportunity, a member with fewer recent chances scores at
least as well as an otherwise identical one with more, and a newcomer with
:data:`NEWCOMER_FADE` engagements or more is scored exactly as a veteran (property tests in
``tests/engines/formation/test_formation_fairness.py``). Fairness changes who is proposed and
ranked, never who is engaged: invitations still need each member's consent.

References
----------
.. [1] A. Singh, T. Joachims, "Fairness of exposure in rankings", KDD 2018.
.. [2] M. Zehlike, F. Bonchi, C. Castillo, S. Hajian, M. Megahed, R. Baeza-Yates,
   "FA*IR: a fair top-k ranking algorithm", CIKM 2017.
.. [3] A. J. Biega, K. P. Gummadi, G. Weikum, "Equity of attention: amortizing individual
   fairness in rankings", SIGIR 2018.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

__all__ = [
    "EXPOSURE_HALF_LIFE_DAYS",
    "EXPOSURE_PRIOR",
    "NEWCOMER_BOOST",
    "NEWCOMER_FADE",
    "decayed_exposure",
    "fairness_scores",
    "fairness_across_roles",
    "fewer_chances",
    "newcomer_boost",
    "role_reference",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Half-life, in days, of one past chance in a member's exposure.
EXPOSURE_HALF_LIFE_DAYS = 180.0
#: Added to a role's mean exposure: where nobody has had much yet, one chance is not a lot.
EXPOSURE_PRIOR = 0.25
#: The most a newcomer's score is lifted, as a share of the way from their score to 1.
NEWCOMER_BOOST = 0.25
#: Engagements of their own after which a newcomer gets no boost at all.
NEWCOMER_FADE = 3


def decayed_exposure(
    ages_days: Iterable[float], half_life_days: float = EXPOSURE_HALF_LIFE_DAYS
) -> float:
    """Time-decayed count of chances: ``sum(0.5 ** (max(age, 0) / half_life))``.

    ``ages_days`` are the ages, in days, of a member's invitations and engagements (a chance
    dated in the future counts 1).

    >>> decayed_exposure([0, 180, 360])
    1.75
    """
    ages = np.maximum(np.fromiter(ages_days, dtype=np.float64), 0.0)
    return float(np.sum(0.5 ** (ages / half_life_days)))


def role_reference(exposure: FloatArray, eligible_rows: IntArray) -> float:
    """The exposure a role's score is relative to: the mean over the actors eligible for it."""
    if len(eligible_rows) == 0:
        return 0.0
    return float(np.mean(exposure[eligible_rows]))


def newcomer_boost(own_engagements: IntArray, newcomer: BoolArray) -> FloatArray:
    """Share of the way to 1 a newcomer is lifted: ``NEWCOMER_BOOST * (1 - n / NEWCOMER_FADE)``
    clipped at 0, ``n`` being their own engagements; 0 for everyone else."""
    fade = np.clip(1.0 - np.asarray(own_engagements, dtype=np.float64) / NEWCOMER_FADE, 0.0, 1.0)
    return np.where(np.asarray(newcomer, dtype=bool), NEWCOMER_BOOST * fade, 0.0)


def fairness_scores(
    exposure: FloatArray,
    own_engagements: IntArray,
    newcomer: BoolArray,
    reference: float,
) -> FloatArray:
    """Fair-spread score in [0, 1] (1 best) of each actor for a role (see the module notes).

    ``base = exp(-exposure / (reference + EXPOSURE_PRIOR))`` and
    ``score = base + (1 - base) * newcomer_boost``, ``reference`` being
    :func:`role_reference` of the role.

    >>> import numpy as np
    >>> fairness_scores(np.array([0.0, 1.0, 4.0]), np.array([0, 2, 5]),
    ...                 np.array([False, False, False]), 0.75).round(3).tolist()
    [1.0, 0.368, 0.018]
    """
    exposure = np.maximum(np.asarray(exposure, dtype=np.float64), 0.0)
    base = np.exp(-exposure / (max(float(reference), 0.0) + EXPOSURE_PRIOR))
    boost = newcomer_boost(own_engagements, newcomer)
    return np.asarray(base + (1.0 - base) * boost, dtype=np.float64)


def fairness_across_roles(
    exposure: float, own_engagements: int, newcomer: bool, references: FloatArray
) -> FloatArray:
    """One actor's fair-spread score for each of several roles, whose eligible actors' mean
    exposures are ``references``: :func:`fairness_scores` with the actor fixed and the
    reference varying (the same formula, one value per role).

    >>> import numpy as np
    >>> fairness_across_roles(1.0, 2, False, np.array([0.75, 0.0])).round(3).tolist()
    [0.368, 0.018]
    """
    refs = np.maximum(np.asarray(references, dtype=np.float64), 0.0)
    base = np.exp(-max(float(exposure), 0.0) / (refs + EXPOSURE_PRIOR))
    boost = float(newcomer_boost(np.array([own_engagements]), np.array([newcomer]))[0])
    return np.asarray(base + (1.0 - base) * boost, dtype=np.float64)


def fewer_chances(exposure: float, reference: float) -> bool:
    """Whether a member has had fewer chances recently than is usual for the role: exposure
    below half the role's mean (what a reason may say, without anyone's counts)."""
    return exposure < 0.5 * reference
