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
CONVENOR = "convenor@example.org"
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


def _ids(db: Session, *queries: Any) -> list[int]:
    """The first id each query finds (none twice, missing ones left out)."""
    out: list[int] = []
    for query in queries:
        found = db.scalar(query)
        if found is not None and found not in out:
            out.append(int(found))
    return out


def _values(url: str, email: str) -> dict[str, list[Any]]:
    """For each path parameter, the values to crawl as ``email``: for an initiative, one with
    outcomes, one with decisions, one with a charter, the one the member was invited to, and
    the one the demo convenor convenes (its lifecycle, history, offers and proposals)."""
    from coalition.store.tables import Initiative, Network, Role
    from coalition.store.tables_auth import Account, Membership
    from coalition.store.tables_deliberation import Conversation
    from coalition.store.tables_invitations import Invitation
    from coalition.store.tables_outcomes import KnowledgeAsset, Outcome
    from coalition.store.tables_together import Decision, InitiativeCharter, Post, Thread

    engine = create_engine(url)
    try:
        with Session(engine) as db:
            actor = db.scalars(
                select(Membership.actor_id)
                .join(Account, Account.id == Membership.account_id)
                .join(Network, Network.id == Membership.network_id)
                .where(Account.email == email, Network.slug == "demo")
            ).one()
            mine = select(func.min(Invitation.id)).where(Invitation.actor_id == actor)
            invitation = db.scalar(mine) or db.scalar(select(func.min(Invitation.id)))
            initiatives = _ids(
                db,
                select(func.min(Outcome.initiative_id)),
                select(func.min(Decision.initiative_id)),
                select(func.min(InitiativeCharter.initiative_id)),
                select(Invitation.initiative_id).where(Invitation.id == invitation),
                select(func.min(Initiative.id)).where(Initiative.convenor_id == actor),
                select(func.min(Initiative.id)),
            )
            return {
                "slug": ["demo"],
                "actor_id": [actor],
                "initiative_id": initiatives,
                "conversation_id": _ids(db, select(func.min(Conversation.id))),
                "asset_id": _ids(db, select(func.min(KnowledgeAsset.id))),
                "thread_id": _ids(db, select(func.min(Thread.id))),
                "post_id": _ids(db, select(func.min(Post.id))),
                "decision_id": _ids(
                    db,
                    select(func.min(Decision.id)),
                    select(func.min(Decision.id)).where(Decision.status == "blocked"),
                    select(func.min(Decision.id)).where(Decision.status == "open"),
                ),
                "invitation_id": [invitation] if invitation else [],
                "role_id": _ids(
                    db,
                    select(func.min(Role.id)).where(Role.open_call == 1),
                    select(func.min(Role.id)),
                ),
                "token": ["no-such-reset-token"],
            }
    finally:
        engine.dispose()


def _paths(route: str, values: dict[str, list[Any]]) -> list[str]:
    """The route with each value of its (one) parameter; 999999 for a parameter without."""
    names = PARAM.findall(route)
    if not names:
        return [route]
    choices = values.get(names[0]) or [999_999]
    return [
        PARAM.sub(
            lambda m, v=v: str(
                v if m.group(1) == names[0] else values.get(m.group(1), [999_999])[0]
            ),
            route,
        )
        for v in choices
    ]


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


@pytest.mark.parametrize("email", [MEMBER, CONVENOR])
def test_no_english_on_spanish_pages(demo: str, email: str) -> None:
    """As the demo member and as the demo convenor (the convenor's own pages: an initiative's
    lifecycle and history, its offers, proposals and invitations)."""
    from coalition.web.app import create_app

    client = TestClient(create_app(Settings(database_url=demo, secret_key="es")))
    sign_in(client, email, PASSWORD)
    values = _values(demo, email)
    english = english_catalog()
    found, pages = [], 0
    for route in _page_routes(client.app):
        for path in _paths(route, values):
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
