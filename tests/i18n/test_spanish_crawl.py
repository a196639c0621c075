"""No English left on a Spanish page: every GET page of the demo network, read in Spanish.

The demo network is loaded by the CLI (``coalition db upgrade`` and ``coalition demo``) into a
temporary SQLite database; a demo member signs in through the login form, and every GET page
route of the app (read from the app, as the accessibility sweep does) is fetched with
``Accept-Language: es``. Each text a person reads (text nodes, and the title, aria-label,
placeholder and alt attributes) is compared with the English catalog: a text that is exactly
the English of a message whose Spanish differs was left untranslated.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from coalition.config import Settings

from ..security.helpers import sign_in

ROOT = Path(__file__).resolve().parents[2]
PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}")
MEMBER = "member@example.org"
PASSWORD = "coalition-demo"
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SPANISH = {"accept": "text/html", "accept-language": "es-ES,es;q=0.9"}


def english_catalog() -> dict[str, str]:
    """English text → Spanish, for every message whose Spanish differs (no placeholders)."""
    path = ROOT / "src" / "coalition" / "locale" / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="es")
    out = {}
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or "%(" in message.id:
            continue
        english = " ".join(message.id.replace("%%", "%").split())
        if message.string and message.string != message.id and re.search(r"[A-Za-z]{3}", english):
            out[english] = message.string
    return out


def untranslated(page: str, english: dict[str, str]) -> list[str]:
    tree = lxml_html.fromstring(page)
    for bad in tree.xpath("//script|//style|//code|//pre"):
        bad.drop_tree()
    texts = [" ".join(t.split()) for t in tree.xpath("//text()")]
    for name in READ_ATTRIBUTES:
        texts += [" ".join(v.split()) for v in tree.xpath(f"//@{name}")]
    return sorted({t for t in texts if t in english})


def _cli(url: str, *args: str) -> None:
    env = os.environ | {"COALITION_DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-m", "coalition.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('spanish') / 'demo.db'}"
    _cli(url, "db", "upgrade")
    _cli(url, "demo")
    return url


def _values(url: str) -> dict[str, Any]:
    from coalition.store.tables import Initiative, Network
    from coalition.store.tables_auth import Account, Membership
    from coalition.store.tables_deliberation import Conversation
    from coalition.store.tables_outcomes import KnowledgeAsset, Outcome
    from coalition.store.tables_together import Decision, Post, Thread

    engine = create_engine(url)
    try:
        with Session(engine) as db:
            member = db.scalars(
                select(Membership.actor_id)
                .join(Account, Account.id == Membership.account_id)
                .join(Network, Network.id == Membership.network_id)
                .where(Account.email == MEMBER, Network.slug == "demo")
            ).one()
            return {
                "slug": "demo",
                "actor_id": member,
                "initiative_id": db.scalar(select(func.min(Outcome.initiative_id)))
                or db.scalar(select(func.min(Initiative.id))),
                "conversation_id": db.scalar(select(func.min(Conversation.id))),
                "asset_id": db.scalar(select(func.min(KnowledgeAsset.id))),
                "thread_id": db.scalar(select(func.min(Thread.id))),
                "post_id": db.scalar(select(func.min(Post.id))),
                "decision_id": db.scalar(select(func.min(Decision.id))),
                "token": "no-such-reset-token",
            }
    finally:
        engine.dispose()


def _page_routes(app: Any) -> list[str]:
    from fastapi.routing import iter_route_contexts

    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path
        if not path or path.startswith(("/api", "/static")) or path == "/openapi.json":
            continue
        if "GET" in (route.methods or set()):
            found.add(path)
    return sorted(found)


def test_the_check_can_fail() -> None:
    english = english_catalog()
    assert "Sign in" in english and "Skip to content" in english
    assert untranslated("<p>Sign in</p><a title='Skip to content'>x</a>", english) == [
        "Sign in",
        "Skip to content",
    ]
    assert untranslated("<p>Iniciar sesión</p><script>'Sign in'</script>", english) == []


def test_no_english_on_spanish_pages(demo: str) -> None:
    from coalition.web.app import create_app

    client = TestClient(create_app(Settings(database_url=demo, secret_key="es")))
    sign_in(client, MEMBER, PASSWORD)
    values = _values(demo)
    english = english_catalog()
    found, pages = [], 0
    for route in _page_routes(client.app):
        path = PARAM.sub(lambda m: str(values.get(m.group(1), 999_999)), route)
        r = client.get(path, headers=SPANISH)
        assert r.status_code < 500, (path, r.status_code)
        if not r.headers.get("content-type", "").startswith("text/html") or not r.text.strip():
            continue
        pages += 1
        # Swagger UI (/docs) is English itself, and its page says so.
        assert 'lang="es"' in r.text or "<html" not in r.text[:300] or route == "/docs", path
        found += [f"{path}: {text!r}" for text in untranslated(r.text, english)]
    assert pages > 30
    assert not found, "English left on Spanish pages:\n" + "\n".join(found)
