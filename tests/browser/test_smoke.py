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


def test_an_idle_connection_outlives_five_seconds(live: Any) -> None:
    """`coalition serve` keeps an idle keep-alive connection open past uvicorn's default 5 s
    (COALITION_KEEP_ALIVE, 75 s): a client that reuses it after a pause is answered, not reset
    (the browser sweep lost a request so, sent as the server closed the connection)."""
    import http.client
    import time
    from urllib.parse import urlsplit

    where = urlsplit(live.url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
    try:
        conn.request("GET", "/healthz")
        first = conn.getresponse()
        first.read()
        assert first.status == 200
        held = conn.sock
        time.sleep(6)
        try:  # http.client sends on the same socket and does not retry when it was closed
            conn.request("GET", "/healthz")
            again = conn.getresponse()
            again.read()
            outcome = str(again.status)
        except (http.client.HTTPException, OSError) as exc:
            outcome = repr(exc)
        assert outcome == "200", outcome
        assert conn.sock is held, "the answer came on a new connection"
    finally:
        conn.close()
