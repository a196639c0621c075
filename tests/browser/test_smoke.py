"""The browser set-up itself: the server answers, a demo account signs in, axe runs."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import MEMBER, check_axe, fits, login, shot

pytestmark = pytest.mark.journey


def test_sign_in_and_axe_runs(page: Any, live: Any) -> None:
    login(page, live, MEMBER)
    page.goto(f"/n/{live.slug}/directory")
    assert page.get_by_role("heading", level=1).count() == 1
    fits(page)
    check_axe(page, "directory")
    shot(page, "smoke-directory")


def test_axe_finds_a_planted_violation(page: Any, live: Any) -> None:
    """axe really runs: an image without a text alternative is a critical violation."""
    page.goto("/login")
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/none.png';"
        " document.querySelector('main').append(i); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        check_axe(page, "login with a planted image")
