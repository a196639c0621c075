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
    import socket
    import time
    from urllib.parse import urlsplit

    where = urlsplit(live.url)
    ask = f"GET /healthz HTTP/1.1\r\nHost: {where.netloc}\r\n\r\n".encode()

    def answer(conn: socket.socket) -> bytes:
        """One request and its whole answer (head, then Content-Length bytes of body)."""
        conn.sendall(ask)
        got = b""
        while b"\r\n\r\n" not in got:
            chunk = conn.recv(4096)
            if not chunk:
                return got
            got += chunk
        head, _, body = got.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            chunk = conn.recv(4096)
            if not chunk:
                break
            body += chunk
        return got

    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        assert answer(conn).startswith(b"HTTP/1.1 200")
        time.sleep(6)
        try:
            again = answer(conn)
        except OSError as exc:  # reset or broken pipe: the server closed it
            again = repr(exc).encode()
        assert again.startswith(b"HTTP/1.1 200"), again[:200]
