"""Accounts end to end through the real security extension: sign-in, sessions, CSRF, API
tokens, rate limits, password reset; and bad input that must be refused and change nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select, text, update

from coalition.clock import utcnow
from coalition.config import Settings
from coalition.services import accounts, identity
from coalition.store.session import session_scope
from coalition.store.tables import Network
from coalition.store.tables_auth import (
    Account,
    ApiToken,
    AuthSession,
    LoginFailure,
    OutboxMessage,
)

from .helpers import CSRF_FIELD, browser, page_token, sign_in

PASSWORD = "a long enough passphrase"


def _register(client, email: str = "ada@example.org", **extra: str):  # type: ignore[no-untyped-def]
    token = page_token(client, "/register")
    form = {"csrf": token, "email": email, "display_name": "Ada", "password": PASSWORD}
    form.update(extra)
    return client.post("/register", data=form, follow_redirects=False)


def _count(url: str, model: type) -> int:
    with session_scope(url) as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_register_sign_out_sign_in(settings: Settings) -> None:
    client = browser(settings)
    r = _register(client)
    assert r.status_code == 303 and r.headers["location"] == "/welcome"  # next steps
    cookie = next(c for c in r.headers.get_list("set-cookie") if "coalition_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    me = client.get("/api/me").json()
    assert me["account"]["email"] == "ada@example.org" and me["scopes"] is None
    assert "Ada" in client.get("/", headers={"accept": "text/html"}).text  # the account corner
    token = page_token(client, "/account")
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401
    assert _count(settings.database_url, AuthSession) == 0
    assert "Sign in" in client.get("/", headers={"accept": "text/html"}).text
    sign_in(client, "ADA@example.org", PASSWORD)  # e-mail addresses ignore case
    assert client.get("/api/me").status_code == 200
    with session_scope(settings.database_url) as db:
        stored = db.scalars(select(Account.password_hash)).one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        # The session cookie is not stored: only its hash.
        session = client.cookies.get("coalition_session")
        assert session and db.scalar(select(AuthSession.token_hash)) == identity.digest(session)


def test_cookies_are_secure_when_configured(settings: Settings) -> None:
    secure = Settings(database_url=settings.database_url, secret_key="s", secure_cookies=True)
    from fastapi.testclient import TestClient

    from coalition.web.app import create_app

    client = TestClient(create_app(secure), base_url="https://testserver")
    r = client.get("/login", headers={"accept": "text/html"})
    assert "Secure" in r.headers["set-cookie"]
    assert r.headers["strict-transport-security"].startswith("max-age=")
    token = CSRF_FIELD.search(r.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        "/register",
        data={"csrf": token, "email": "s@example.org", "display_name": "S", "password": PASSWORD},
        follow_redirects=False,
    )
    session = next(c for c in r.headers.get_list("set-cookie") if "coalition_session=" in c)
    assert "Secure" in session and "HttpOnly" in session


def test_production_password_hashing_is_argon2id() -> None:
    assert identity._DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_wrong_password_is_401_and_the_limit_holds_across_processes(settings: Settings) -> None:
    _register(browser(settings), "bo@example.org")
    first, second = browser(settings), browser(settings)  # two apps: two worker processes
    body = {"email": "bo@example.org", "password": "not the password"}
    for _ in range(accounts.LOGIN_LIMIT):
        r = first.post("/api/auth/login", json=body)
        assert r.status_code == 401 and r.json()["detail"] == "wrong e-mail or password"
    r = second.post("/api/auth/login", json={"email": "bo@example.org", "password": PASSWORD})
    assert r.status_code == 429, "five failures close the door, in any process"
    assert "coalition_session" not in r.headers.get("set-cookie", "")
    # An unknown address answers exactly like a wrong password.
    r = second.post("/api/auth/login", json={"email": "nobody@example.org", "password": "x" * 12})
    assert r.status_code == 401 and r.json()["detail"] == "wrong e-mail or password"
    with session_scope(settings.database_url) as db:
        db.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
    r = second.post("/api/auth/login", json={"email": "bo@example.org", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["csrf_token"]
    with session_scope(settings.database_url) as db:
        assert not db.scalar(select(func.count()).where(LoginFailure.email == "bo@example.org")), (
            "a success clears the failures of that e-mail and address"
        )


def test_api_tokens_scoped_revocable_hashed(settings: Settings) -> None:
    client = browser(settings)
    _register(client)
    csrf = page_token(client, "/account")
    r = client.post(
        "/api/me/tokens",
        json={"name": "reader", "scopes": ["read"]},
        headers={"x-csrf-token": csrf},
    )
    assert r.status_code == 201, r.text
    reader = r.json()
    assert reader["token"].startswith("coa_") and reader["scopes"] == ["read"]
    bearer = {"authorization": f"Bearer {reader['token']}"}
    api = browser(settings)  # no cookies: the token alone
    me = api.get("/api/me", headers=bearer).json()
    assert me["scopes"] == ["read"]
    r = api.post("/api/networks", json={"slug": "by-token", "name": "T"}, headers=bearer)
    assert r.status_code == 403 and "write" in r.json()["detail"]
    assert _count(settings.database_url, Network) == 0
    # A token cannot mint tokens or delete the account, even with every scope.
    r = client.post(
        "/api/me/tokens",
        json={"name": "writer", "scopes": ["read", "write"]},
        headers={"x-csrf-token": csrf},
    )
    writer = {"authorization": f"Bearer {r.json()['token']}"}
    r = api.post("/api/me/tokens", json={"name": "x", "scopes": ["read"]}, headers=writer)
    assert r.status_code == 403
    r = api.post("/api/me/delete", json={"password": PASSWORD}, headers=writer)
    assert r.status_code == 403 and _count(settings.database_url, Account) == 1
    r = api.post("/api/networks", json={"slug": "by-token", "name": "T"}, headers=writer)
    assert r.status_code == 201  # writes need no CSRF token: a Bearer token is not ambient
    # Only hashes are stored.
    with session_scope(settings.database_url) as db:
        for row in db.scalars(select(ApiToken)):
            assert row.token_hash not in (reader["token"], r.json().get("slug"))
            assert len(row.token_hash) == 64 and row.prefix.startswith("coa_")
        dump = " ".join(str(v) for row in db.execute(text("SELECT * FROM api_tokens")) for v in row)
        assert reader["token"] not in dump
    # Revoked, expired, malformed or unknown: 401.
    r = client.delete(f"/api/me/tokens/{reader['id']}", headers={"x-csrf-token": csrf})
    assert r.status_code == 200 and r.json()["revoked"] is True
    assert api.get("/api/me", headers=bearer).status_code == 401
    with session_scope(settings.database_url) as db:
        db.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    r = api.get("/api/me", headers=writer)
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    assert api.get("/api/me", headers={"authorization": "Bearer coa_nonsense"}).status_code == 401
    assert api.get("/api/me", headers={"authorization": "Basic YTpi"}).status_code == 401
    r = api.post("/api/networks", json={"slug": "late", "name": "L"}, headers=writer)
    assert r.status_code == 401 and _count(settings.database_url, Network) == 1


def test_cross_site_and_tokenless_form_posts_are_refused(settings: Settings) -> None:
    client = browser(settings)
    _register(client)
    csrf = page_token(client, "/account")
    before = client.get("/api/me").json()["account"]["display_name"]

    def rename(headers: dict[str, str] | None = None, **form: str) -> int:
        data = {"display_name": "Mallory"} | form
        r = client.post("/account/profile", data=data, headers=headers, follow_redirects=False)
        return r.status_code

    assert rename() == 403  # no token
    assert rename(csrf="0" * 64) == 403  # a wrong token
    assert rename(csrf=csrf, headers={"sec-fetch-site": "cross-site"}) == 403
    assert rename(csrf=csrf, headers={"origin": "https://evil.example"}) == 403
    r = client.post(
        "/api/networks", json={"slug": "n", "name": "N"}, headers={"accept": "application/json"}
    )
    assert r.status_code == 403, "JSON with a session cookie needs the token too"
    assert client.get("/api/me").json()["account"]["display_name"] == before
    assert _count(settings.database_url, Network) == 0
    # A tampered CSRF cookie breaks the pairing with the page's token.
    seed = client.cookies.get("coalition_csrf")
    assert seed
    client.cookies.set("coalition_csrf", seed[:-2] + ("AA" if not seed.endswith("AA") else "BB"))
    assert rename(csrf=csrf) == 403
    client.cookies.set("coalition_csrf", seed)
    assert rename(csrf=csrf) == 303
    assert client.get("/api/me").json()["account"]["display_name"] == "Mallory"
    # The htmx header does as well as the hidden field.
    r = client.post(
        "/account/profile",
        data={"display_name": "Ada"},
        headers={"x-csrf-token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # A multipart form (an upload) carries it the same way, and the route still gets its body.
    r = client.post(
        "/account/profile",
        data={"display_name": "Uploader", "csrf": csrf},
        files={"file": ("notes.txt", b"some bytes", "text/plain")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get("/api/me").json()["account"]["display_name"] == "Uploader"
    # The refusal of a page is a page.
    r = client.post("/account/profile", data={"display_name": "X"}, headers={"accept": "text/html"})
    assert r.status_code == 403 and "<h1>403</h1>" in r.text


def test_tampered_session_cookie_is_anonymous_and_changes_nothing(settings: Settings) -> None:
    client = browser(settings)
    _register(client)
    session = client.cookies.get("coalition_session")
    assert session
    client.cookies.set("coalition_session", session[:-1] + ("x" if session[-1] != "x" else "y"))
    assert client.get("/api/me").status_code == 401
    assert client.get("/account", follow_redirects=False).status_code == 303
    # A forged cookie with a valid-looking CSRF token still has no authority.
    csrf = page_token(client, "/login")
    r = client.post(
        "/api/networks", json={"slug": "forged", "name": "F"}, headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 401 and _count(settings.database_url, Network) == 0
    # Expired sessions likewise.
    client.cookies.set("coalition_session", session)
    assert client.get("/api/me").status_code == 200
    with session_scope(settings.database_url) as db:
        db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/api/me").status_code == 401


def test_password_reset_by_emailed_link(settings: Settings) -> None:
    settings = replace(settings, development=True)  # the link is read from /dev/outbox
    client = browser(settings)
    _register(client, "cy@example.org")
    other = browser(settings)
    token = page_token(other, "/reset")
    r = other.post("/reset", data={"csrf": token, "email": "nobody@example.org"})
    assert r.status_code == 200 and _count(settings.database_url, OutboxMessage) == 0
    r2 = other.post("/reset", data={"csrf": token, "email": "CY@example.org"})
    assert r2.status_code == 200 and r2.text.count("on its way") == r.text.count("on its way")
    outbox = other.get("/api/dev/outbox").json()
    assert len(outbox) == 1 and outbox[0]["to_addr"] == "cy@example.org"
    link = re.search(r"http://\S+/reset/(\S+)", outbox[0]["body"])
    assert link
    reset_token = link.group(1)
    assert reset_token in other.get("/dev/outbox", headers={"accept": "text/html"}).text
    assert other.get(f"/reset/{reset_token}").status_code == 200
    assert other.get("/reset/not-a-token").status_code == 401
    r = other.post(
        f"/reset/{reset_token}", data={"csrf": token, "password": "short"}, follow_redirects=False
    )
    assert r.status_code == 422
    r = other.post(
        f"/reset/{reset_token}",
        data={"csrf": token, "password": "a brand new passphrase"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/login?reset=1"
    assert client.get("/api/me").status_code == 401, "a reset signs every session out"
    r = other.post("/api/auth/login", json={"email": "cy@example.org", "password": PASSWORD})
    assert r.status_code == 401
    sign_in(other, "cy@example.org", "a brand new passphrase")
    r = other.post(
        f"/api/auth/reset/{reset_token}",
        json={"password": "yet another passphrase"},
        headers={"x-csrf-token": page_token(other, "/account")},
    )
    assert r.status_code == 401, "a reset link works once"


def test_outbox_only_in_development_mode(settings: Settings) -> None:
    """Production (the default) has no outbox, whatever address asks: a reverse proxy on the
    same host makes every request local. Development mode opens it, unless SMTP is set."""
    from fastapi.testclient import TestClient

    from coalition.web.app import create_app

    assert settings.development is False
    for peer in ("127.0.0.1", "::1", "203.0.113.9"):
        local = TestClient(create_app(settings), client=(peer, 5000))
        assert local.get("/api/dev/outbox").status_code == 404
        assert local.get("/dev/outbox", headers={"accept": "text/html"}).status_code == 404
    smtp = replace(settings, development=True, smtp_url="smtp://127.0.0.1:1")
    assert browser(smtp).get("/api/dev/outbox").status_code == 404
    assert browser(smtp).get("/dev/outbox").status_code == 404
    development = replace(settings, development=True)
    assert browser(development).get("/api/dev/outbox").status_code == 200
    assert browser(development).get("/dev/outbox").status_code == 200


def test_signing_in_replaces_the_session(settings: Settings) -> None:
    client = browser(settings)
    _register(client)
    before = client.cookies.get("coalition_session")
    sign_in(client, "ada@example.org", PASSWORD)
    after = client.cookies.get("coalition_session")
    assert before and after and before != after
    with session_scope(settings.database_url) as db:
        hashes = set(db.scalars(select(AuthSession.token_hash)))
    assert hashes == {identity.digest(after)}, "the session from before is gone"
