"""The language of a page: the account's setting, then the switcher's cookie, then the browser.

Also the human messages of issue 19: validation errors as sentences in the page's language, and
anonymous visitors to a members-only page sent to sign in.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from coalition import i18n
from coalition.config import Settings

from ..security.helpers import browser, page_token, sign_in

HTML = {"accept": "text/html"}
ROOT = Path(__file__).resolve().parents[2]


def _lang(client: TestClient, path: str = "/login", **headers: str) -> str:
    r = client.get(path, headers=HTML | headers)
    assert r.status_code == 200, r.text[:300]
    match = re.search(r'<html lang="([a-z]+)" dir="(ltr|rtl)">', r.text)
    assert match, r.text[:300]
    return match.group(1)


def test_accept_language_chooses_among_the_catalogs() -> None:
    assert i18n.negotiate("es-MX,es;q=0.9,en;q=0.8") == "es"
    assert i18n.negotiate("de-DE,fr;q=0.5") == "fr"
    assert i18n.negotiate("de, ja") is None
    assert i18n.negotiate("fr;q=0, en") == "en"
    assert i18n.negotiate(None) is None


def test_the_browser_language_then_the_cookie(settings: Settings) -> None:
    client = browser(settings)
    assert _lang(client) == "en"
    r = client.get("/login", headers=HTML | {"accept-language": "es-ES,es;q=0.9"})
    assert '<html lang="es" dir="ltr">' in r.text and "Iniciar sesión" in r.text
    client.cookies.set("lang", "fr")
    assert _lang(client, **{"accept-language": "es"}) == "fr"
    client.cookies.set("lang", "xx")  # an unknown cookie value is ignored
    assert _lang(client, **{"accept-language": "es"}) == "es"


def test_arabic_pages_are_right_to_left(settings: Settings) -> None:
    client = browser(settings)
    r = client.get("/login", headers=HTML | {"accept-language": "ar"})
    assert '<html lang="ar" dir="rtl">' in r.text
    assert "تسجيل الدخول" in r.text  # the chrome is translated; the rest falls back to English


def test_the_switcher_sets_the_cookie_and_goes_back(settings: Settings) -> None:
    client = browser(settings)
    token = page_token(client)
    r = client.post(
        "/language",
        data={"csrf": token, "lang": "es", "next": "/register"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/register"
    assert "lang=es" in r.headers["set-cookie"]
    assert _lang(client, "/register") == "es"
    r = client.post(
        "/language",
        data={"csrf": token, "lang": "fr", "next": "https://elsewhere.example"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"  # never another site


def _register(client: TestClient, email: str) -> None:
    token = page_token(client, "/register")
    data = {"csrf": token, "email": email, "display_name": "Ana", "password": "a long password"}
    r = client.post("/register", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]


def test_the_account_setting_wins_over_cookie_and_browser(settings: Settings) -> None:
    client = browser(settings)
    _register(client, "ana@example.org")
    token = page_token(client, "/account")
    r = client.post(
        "/account/profile",
        data={"csrf": token, "display_name": "Ana", "locale": "fr"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.cookies.set("lang", "es")
    assert _lang(client, "/account", **{"accept-language": "es"}) == "fr"
    page = client.get("/account", headers=HTML).text
    assert '<option value="fr" lang="fr" selected>' in page
    # The same person in another browser (no cookie) still reads French once signed in.
    other = browser(settings)
    sign_in(other, "ana@example.org", "a long password")
    assert _lang(other, "/account", **{"accept-language": "es"}) == "fr"


def test_validation_messages_are_sentences_in_the_page_language(settings: Settings) -> None:
    client = browser(settings)
    token = page_token(client, "/register")
    data = {"csrf": token, "email": "bo@example.org", "display_name": "Bo", "password": "short"}
    r = client.post("/register", data=data, headers={"accept-language": "es"})
    assert r.status_code == 422
    assert "El campo «Contraseña» debe tener al menos 10 caracteres." in r.text
    assert "String should have" not in r.text
    r = client.post("/register", data=data | {"csrf": page_token(client, "/register")})
    assert "Password must be at least 10 characters." in r.text


def test_the_api_keeps_its_shape_with_sentences(settings: Settings) -> None:
    client = browser(settings)
    r = client.post(
        "/api/auth/register",
        json={"email": "cy@example.org", "display_name": "Cy", "password": "short"},
        headers={"accept-language": "fr"},
    )
    assert r.status_code == 422
    problem = r.json()["detail"][0]
    assert problem["field"] == "password" and problem["type"] == "string_too_short"
    assert (
        problem["message"]
        == "Le champ «\xa0Mot de passe\xa0» doit comporter au moins 10 caractères."
    )


def test_anonymous_visitors_to_members_pages_are_asked_to_sign_in(settings: Settings) -> None:
    client = browser(settings)
    r = client.get("/n/nowhere/members", headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/n/nowhere/members"
    # The API still answers with its status, and a signed-in person still sees the error.
    assert client.get("/api/networks/nowhere/members").status_code in (401, 404)


def test_the_cli_speaks_the_language_of_its_environment(tmp_path: Path) -> None:
    assert i18n.locale_from_environment({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert i18n.locale_from_environment({"LANG": "fr_FR.UTF-8", "COALITION_LANG": "es"}) == "es"
    assert i18n.locale_from_environment({"LC_ALL": "C.UTF-8"}) == "en"
    env = os.environ | {
        "COALITION_LANG": "es",
        "COALITION_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PYTHONPATH": str(ROOT / "src"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "coalition.cli",
            "accounts",
            "create",
            "a@example.org",
            "--role",
            "x",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "--role debe ser uno de member, convenor, steward" in done.stderr
