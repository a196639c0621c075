"""Tallies of Loomio's decision kinds: consent, choose one, rank and score.

Pure functions on plain values (no database). Each takes the votes cast so far and returns a
:class:`Tally`: the count or points per option, the leading option, and whether the decision
would pass if it closed now. The rules follow Loomio's poll types (loomio.com/help/polls):
a consent proposal passes unless a block stands; *choose* is plurality; *rank* is the Borda
count; *score* is the mean score per option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..domain import SCORE_MAX, ConsentPosition

__all__ = ["Tally", "tally_choose", "tally_consent", "tally_rank", "tally_score"]


@dataclass(frozen=True)
class Tally:
    """Counts (or points) per label; ``leader`` is the winning label, None on a tie or no votes."""

    counts: dict[str, float] = field(default_factory=dict)
    leader: str | None = None
    passes: bool = False
    blocked: bool = False
    voters: int = 0


def _leader(counts: dict[str, float]) -> str | None:
    if not counts:
        return None
    best = max(counts.values())
    top = [label for label, value in counts.items() if value == best]
    return top[0] if len(top) == 1 and best > 0 else None


def tally_consent(positions: Sequence[str]) -> Tally:
    """Consent (Loomio's *proposal* with block): passes when no block stands and agreements
    outnumber disagreements; abstentions count as voters but not for either side.

    >>> tally_consent(["agree", "agree", "disagree"]).passes
    True
    >>> tally_consent(["agree", "block"]).blocked
    True
    """
    counts: dict[str, float] = {p.value: 0 for p in ConsentPosition}
    for position in positions:
        counts[ConsentPosition(position).value] += 1
    blocked = counts["block"] > 0
    passes = not blocked and counts["agree"] > counts["disagree"]
    return Tally(counts, _leader(counts), passes, blocked, len(positions))


def tally_choose(options: Sequence[str], choices: Sequence[int]) -> Tally:
    """Choose one (plurality): the option chosen most often wins; a tie passes nothing.

    >>> tally_choose(["a", "b"], [0, 1, 1]).leader
    'b'
    """
    counts: dict[str, float] = {o: 0 for o in options}
    for index in choices:
        counts[options[index]] += 1
    leader = _leader(counts)
    return Tally(counts, leader, leader is not None, False, len(choices))


def tally_rank(options: Sequence[str], rankings: Sequence[Sequence[int]]) -> Tally:
    """Rank (Borda count): with n options a voter's first gets n−1 points, the next n−2, …;
    options a voter left out get nothing (de Borda 1781; Loomio's *ranked choice* scoring).

    >>> tally_rank(["a", "b", "c"], [[0, 1, 2], [1, 0, 2], [1, 2, 0]]).leader
    'b'
    """
    n = len(options)
    counts: dict[str, float] = {o: 0 for o in options}
    for ranking in rankings:
        for place, index in enumerate(ranking):
            counts[options[index]] += n - 1 - place
    leader = _leader(counts)
    return Tally(counts, leader, leader is not None, False, len(rankings))


def tally_score(options: Sequence[str], scores: Sequence[Sequence[int]]) -> Tally:
    """Score: each voter gives every option 0..SCORE_MAX; the option with the highest mean
    score wins (Loomio's *score* poll). Means are rounded to two places.

    >>> tally_score(["a", "b"], [[5, 1], [3, 4]]).counts
    {'a': 4.0, 'b': 2.5}
    """
    counts: dict[str, float] = {o: 0.0 for o in options}
    if scores:
        for i, option in enumerate(options):
            total = sum(min(max(int(row[i]), 0), SCORE_MAX) for row in scores)
            counts[option] = round(total / len(scores), 2)
    leader = _leader(counts)
    return Tally(counts, leader, leader is not None, False, len(scores))
