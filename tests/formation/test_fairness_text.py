"""What fairness changed, in plain words and the reader's language (services/fairness_text)."""

from __future__ import annotations

import pytest

from coalition.engines.formation.lexicographic import PURPOSE_BUDGET
from coalition.i18n import use_locale
from coalition.services.fairness_text import contrast_summary

CHOSEN = [{"actor_id": 3, "name": "Ana"}, {"actor_id": 4, "name": "Bo"}]
INSTEAD = [{"actor_id": 1, "name": "Cy"}, {"actor_id": 2, "name": "Di"}]


def test_the_summary_names_the_swap_the_fit_cost_and_the_budget() -> None:
    text = contrast_summary(CHOSEN, INSTEAD, 5, 0.031, 0.12, 0.05, on_fit=True)
    assert "2 of 5 seats" in text and "Ana and Bo rather than Cy and Di" in text
    assert "3.1% less well" in text and "12% lower" in text
    assert "at most 5% of capability fit" in text
    kept = round(100 * (1 - PURPOSE_BUDGET))  # the purpose floor (lexicographic)
    assert f"at least {kept}% of the shared purpose of the team proposed" in text
    same = contrast_summary(CHOSEN, INSTEAD, 5, 0.0, 0.0, None, on_fit=True)
    assert "as well" in same and "lower" not in same and "at most" not in same
    assert "changed nobody" in contrast_summary([], [], 5, 0.0, 0.0, 0.02, on_fit=True)
    assert "of the team's value" in contrast_summary(CHOSEN, INSTEAD, 5, 0, 0, 0.02, False)


@pytest.mark.parametrize(
    ("locale", "words"), [("es", ("Ana y Bo", "Cy y Di")), ("fr", ("Ana et Bo", "Cy et Di"))]
)
def test_the_summary_reads_in_the_readers_language(locale: str, words: tuple[str, str]) -> None:
    with use_locale(locale):
        text = contrast_summary(CHOSEN, INSTEAD, 5, 0.031, 0.12, 0.05, on_fit=True)
        nobody = contrast_summary([], [], 5, 0.0, 0.0, 0.02, on_fit=True)
    assert all(w in text for w in words)
    for english in ("Fairness", "seats", "rather than", "capability", "lower", "nobody"):
        assert english not in text and english not in nobody
