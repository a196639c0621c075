"""Private fields never reach a caller who may not see them: not in a page, an API answer, an
export, a search result, an error message or a log line.

A secret value is seeded in every private field (day rate, capacity and what follows from it,
contact details, decline reasons) of two members: Mina keeps everything to herself ("only me"),
Otto shows everything to his network. Then every GET route of the app (every area's, as they
exist when the test runs) is called as each kind of caller, every enumerated path value
included, and each answer is searched for the secrets that caller may not see.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from coalition.clock import utcnow
from coalition.config import Settings
from coalition.io.bundle import export_bundle
from coalition.schemas.directory import ActorSearch
from coalition.services import directory, networks
from coalition.services.access import Caller
from coalition.store.migrate import upgrade
from coalition.store.session import session_scope
from coalition.store.tables import Actor, Base, Engagement
from tests.factories import ROLES, SecurityWorld, security_world

from .helpers import Callers, app_routes, fill
from .route_matrix import WORLD_HOOKS
from .routes_fields import FIELD_CANARY, fields_world
from .routes_together import TEAM_CANARY

# Owner-only secrets of Mina ({actor_id}); network-audience secrets of Otto ({other_actor}).
MINA = {
    "day_rate": 7777.77,
    "capacity_hours": 41.37,
    "committed": 12.19,
    "email": "mina.secret@hidden.example",
    "phone": "+99 555 0142 77",
    "decline": "REASON-MINA-only-me-x7",
}
OTTO = {
    "day_rate": 6666.61,
    "capacity_hours": 33.83,
    "committed": 0.0,
    "email": "otto.secret@hidden.example",
    "phone": "+99 555 0177 31",
    "decline": "REASON-OTTO-network-y8",
}
# What each caller may see: Mina's secrets are hers alone; Otto's are for alpha's members.
POST_FORM = re.compile(r"<form[^>]*method=\"post\".*?</form>", re.S | re.I)
# "team": the canary posted in a team-only thread of the convenor's initiative (its team is
# the member and the convenor; see routes_together.py).
MAY_SEE = {
    "anonymous": set(),
    "member": {"mina", "otto", "team"},
    "other_member": {"otto"},
    "convenor": {"otto", "team"},
    "steward": {"otto"},
    "outsider": set(),
}


Secrets = dict[str, list[str]]


def seed_secrets(db: Session, world: SecurityWorld) -> Secrets:
    """Put the secrets in place, with Mina's fields private and Otto's for the network.

    Returns the strings that must not leak, per member, read back from the rows: the free and
    committed hours include whatever engagements the world held already.
    """
    found: Secrets = {}
    for who, key, values, audience, visibility in (
        ("mina", "actor_id", MINA, "private", "network"),
        ("otto", "other_actor", OTTO, "network", "public"),
    ):
        actor_id = world[key]
        db.execute(
            update(Actor)
            .where(Actor.id == actor_id)
            .values(
                day_rate=values["day_rate"],
                capacity_hours=values["capacity_hours"],
                committed_hours=Actor.committed_hours + values["committed"],
                email=values["email"],
                phone=values["phone"],
                visibility=visibility,
                day_rate_visibility=audience,
                capacity_visibility=audience,
                contact_visibility=audience,
                declines_visibility=audience,
            )
        )
        if values["committed"]:
            db.add(
                Engagement(
                    network_id=world["network_id"],
                    initiative_id=world["initiative_id"],
                    role_id=None,
                    actor_id=actor_id,
                    hours_per_week=values["committed"],
                    status="active",
                    # Not on the team page, by her choice: the hours stay hers.
                    listed=0,
                )
            )
        invitations = Base.metadata.tables.get("invitations")
        if invitations is not None:
            now = utcnow()
            db.execute(
                insert(invitations).values(
                    network_id=world["network_id"],
                    initiative_id=world["initiative_id"],
                    role_id=world["role_id"],
                    actor_id=actor_id,
                    invited_by_id=world["convenor_actor"],
                    hours_per_week=2.0,
                    status="declined",
                    message="",
                    listed=1,
                    reason=values["decline"],
                    created_at=now - timedelta(days=2),
                    expires_at=now + timedelta(days=12),
                    answered_at=now - timedelta(days=1),
                )
            )
        db.flush()
        actor = db.get_one(Actor, actor_id, populate_existing=True)
        strings = [
            f"{actor.day_rate:g}",
            f"{actor.capacity_hours:g}",
            f"{round(actor.capacity_hours - actor.committed_hours, 2):g}",
            str(values["email"]),
            str(values["phone"]),
            str(values["decline"]),
        ]
        if values["committed"]:
            strings += [f"{values['committed']:g}", f"{round(actor.committed_hours, 2):g}"]
        found[who] = strings
    db.commit()
    return found


class Crawl:
    def __init__(self, tmp: Path) -> None:
        url = f"sqlite:///{tmp / 'privacy.db'}"
        upgrade(url, "heads")
        with session_scope(url) as db:
            world = security_world(db)
            for hook in WORLD_HOOKS:
                world.values.update(hook(db, dict(world.values)))
                db.commit()
            self.secrets = seed_secrets(db, world)
            # Mina's custom field kept to herself ("code", routes_fields.py)
            self.secrets["mina"].append(FIELD_CANARY)
            self.secrets["team"] = [TEAM_CANARY]
            self.values = dict(world.values)
            self.callers = {role: world.caller(db, role) for role in ROLES}
        self.settings = Settings(database_url=url, secret_key="privacy")
        self.clients = Callers(self.settings, dict(self.callers))
        self.url = url

    def targets(self) -> list[tuple[str, dict[str, Any]]]:
        """Every GET route, filled from the world, once per enumerated path value."""
        app = self.clients["anonymous"].app
        enums: dict[str, dict[str, list[Any]]] = {}
        for path, item in app.openapi()["paths"].items():  # type: ignore[attr-defined]
            for param in item.get("get", {}).get("parameters", []):
                schema = param.get("schema", {})
                values = schema.get("enum") or [
                    s.get("const") for s in schema.get("anyOf", []) if "const" in s
                ]
                if param.get("in") == "path" and values:
                    enums.setdefault(path, {})[param["name"]] = values
        out: list[tuple[str, dict[str, Any]]] = []
        for method, path in app_routes(app):
            if method != "GET" or path.startswith(("/docs", "/redoc", "/openapi")):
                continue
            variants: list[dict[str, Any]] = [{}]
            for name, values in enums.get(path, {}).items():
                variants = [v | {name: value} for v in variants for value in values]
            for variant in variants:
                out.append((fill(path, self.values, variant), {}))
            if path in ("/api/networks/{slug}/actors", "/n/{slug}/directory"):
                for query in ({"min_free_hours": 29}, {"q": "Mina"}, {"q": "Otto"}):
                    out.append((fill(path, self.values), query))
        return out


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return Crawl(tmp_path_factory.mktemp("privacy"))


def forbidden_for(secrets: Secrets, role: str) -> dict[str, str]:
    return {s: who for who, strings in secrets.items() if who not in MAY_SEE[role] for s in strings}


def test_the_secrets_are_there_for_who_may_see_them(crawl: Crawl) -> None:
    """The control: the owner and the network do see what they may (so the test can fail)."""
    mina = crawl.clients["member"].get(f"/api/actors/{crawl.values['actor_id']}").text
    assert all(s in mina for s in crawl.secrets["mina"][:5])
    assert FIELD_CANARY in mina  # her private custom field, to herself
    otto = crawl.clients["steward"].get(f"/api/actors/{crawl.values['other_actor']}").text
    assert all(s in otto for s in crawl.secrets["otto"][:5])


def test_the_team_canary_is_there_for_the_team(crawl: Crawl) -> None:
    """The control for team threads: the team reads the canary, so its absence elsewhere counts."""
    for role in ("member", "convenor"):
        page = crawl.clients[role].get(f"/threads/{crawl.values['thread_id']}").text
        assert TEAM_CANARY in page, role


def test_no_private_field_leaks_anywhere(crawl: Crawl, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    leaks = []
    unprotected: set[str] = set()
    targets = crawl.targets()
    assert len(targets) > 20
    for role in ROLES:
        hidden = forbidden_for(crawl.secrets, role)  # empty for the member: forms still count
        client = crawl.clients[role]
        for url, query in targets:
            # Pages answer errors as pages, the API as JSON: each is asked the way it is used.
            accept = "application/json" if url.startswith("/api") else "text/html"
            r = client.get(url, params=query, headers={"accept": accept})
            assert r.status_code < 500, f"{url} as {role}: {r.status_code}"
            for form in POST_FORM.findall(r.text):
                if 'name="csrf"' not in form:
                    unprotected.add(f"{url} as {role}: {form[:120]}")
            for secret, who in hidden.items():
                if secret in r.text:
                    leaks.append(f"{url} {query} as {role}: {who}'s {secret!r}")
    # An error message: a steward may edit a profile but not learn its committed hours.
    r = crawl.clients["steward"].patch(
        f"/api/actors/{crawl.values['actor_id']}", json={"capacity_hours": 1.0}
    )
    assert r.status_code == 409
    leaks += [f"error message: {s}" for s in crawl.secrets["mina"] if s in r.text]
    # And no log line, whoever asked, says anything private about anyone.
    everything = crawl.secrets["mina"] + crawl.secrets["otto"]
    leaks += [f"log line: {s}" for s in everything if s in caplog.text]
    assert not leaks, "\n".join(sorted(set(leaks)))
    # Every form a page renders posts the CSRF field, or the browser's post will be refused.
    assert not unprotected, "forms without the csrf field:\n" + "\n".join(sorted(unprotected))


def test_exports_and_search_respect_privacy(db: Session) -> None:
    """Service level, on both databases: bundles and capacity filters."""
    world = security_world(db)
    secrets = seed_secrets(db, world)
    fields_world(db, dict(world.values))
    secrets["mina"].append(FIELD_CANARY)
    alpha = networks.get_network(db, Caller.operator(), "alpha")
    text = repr(export_bundle(db, alpha))
    for s in secrets["mina"] + secrets["otto"]:
        if s in (MINA["decline"], OTTO["decline"]):
            continue  # not in bundles at all
        assert s not in text
    assert f"{MINA['day_rate']:g}" in repr(export_bundle(db, alpha, include_private=True))
    assert FIELD_CANARY in repr(export_bundle(db, alpha, include_private=True))
    # Filtering on a private custom value would reveal it: only its owner finds it.
    query_code = ActorSearch(fields={"code": FIELD_CANARY})
    for role in ROLES:
        ids = {
            a.id
            for a in directory.search_actors(db, world.caller(db, role), alpha, query_code).items
        }
        assert (world["actor_id"] in ids) == (role == "member"), role
    # Filtering on free hours would reveal them: only profiles whose capacity the caller sees.
    query = ActorSearch(min_free_hours=29.0)
    for role in ROLES:
        ids = {
            a.id for a in directory.search_actors(db, world.caller(db, role), alpha, query).items
        }
        assert (world["actor_id"] in ids) == (role == "member"), role
        assert (world["other_actor"] in ids) == ("otto" in MAY_SEE[role]), role
