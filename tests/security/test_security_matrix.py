"""Every route × six callers against the expected table in route_matrix.py.

The matrix runs on SQLite only: authorisation is decided by the same code on both databases,
and the isolation of the queries themselves is tested on both in test_security_memberships.py.
Each unsafe request starts from a fresh copy of the world (SQLite's backup API), so what one
caller changes cannot change what the next one gets.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coalition.config import Settings
from coalition.store.migrate import upgrade
from coalition.store.session import engine_for, session_scope
from tests.factories import security_world

from .helpers import Callers, app_routes, fill
from .route_matrix import ROLES, ROUTES, WORLD_HOOKS, Rule


def _matches(status: int, expected: str) -> bool:
    if expected.endswith("xx"):
        return status // 100 == int(expected[0])
    return status == int(expected)


def _subst(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return values.get(value[1:-1], value)
    if isinstance(value, dict):
        return {k: _subst(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_subst(v, values) for v in value]
    return value


class Matrix:
    def __init__(self, tmp: Path) -> None:
        self.path = tmp / "matrix.db"
        self.url = f"sqlite:///{self.path}"
        upgrade(self.url, "heads")
        with session_scope(self.url) as db:
            world = security_world(db)
            for hook in WORLD_HOOKS:
                world.values.update(hook(db, dict(world.values)))
                db.commit()
            self.values = dict(world.values)
            self.callers = {role: world.caller(db, role) for role in ROLES}
        engine_for(self.url).dispose()
        # The world, kept in memory; restoring copies it over the file in place (SQLite's
        # backup API), which the app's pooled connections see at their next transaction.
        self.template = sqlite3.connect(":memory:")
        self.target = sqlite3.connect(self.path)
        self.target.backup(self.template)
        settings = Settings(database_url=self.url, secret_key="matrix")
        self.clients = Callers(settings, dict(self.callers))
        self.routes = app_routes(self.clients["anonymous"].app)

    def restore(self) -> None:
        self.template.backup(self.target)

    def call(self, client: TestClient, method: str, path: str, rule: Rule) -> int:
        overrides = {k: _subst(v, self.values) for k, v in rule.path.items()}
        url = fill(path, self.values, overrides)
        kwargs: dict[str, Any] = {"follow_redirects": False}
        if rule.body is not None:
            kwargs["json"] = _subst(rule.body, self.values)
        if rule.form is not None:
            kwargs["data"] = _subst(rule.form, self.values)
        if rule.query is not None:
            kwargs["params"] = rule.query
        return client.request(method, url, **kwargs).status_code


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    return Matrix(tmp_path_factory.mktemp("matrix"))


def test_every_route_has_an_entry(matrix: Matrix) -> None:
    present = {f"{method} {path}" for method, path in matrix.routes}
    missing = sorted(present - set(ROUTES))
    assert not missing, (
        "routes without an entry in tests/security/route_matrix.py (say who may call them):\n  "
        + "\n  ".join(missing)
    )
    stale = sorted(set(ROUTES) - present)
    assert not stale, "entries in route_matrix.py for routes that no longer exist:\n  " + (
        "\n  ".join(stale)
    )


def test_authorisation_matrix(matrix: Matrix) -> None:
    wrong = []
    dirty = False
    for method, path in matrix.routes:
        rule = ROUTES.get(f"{method} {path}")
        if rule is None:
            continue  # reported by test_every_route_has_an_entry
        for role in ROLES:
            if dirty:
                matrix.restore()
            status = matrix.call(matrix.clients[role], method, path, rule)
            # A refused request changes nothing (the request is rolled back), so only a
            # successful unsafe one makes the next caller need a fresh copy of the world.
            dirty = method != "GET" and status < 400
            if not _matches(status, rule.expect[role]):
                wrong.append(f"{method} {path} as {role}: {status}, expected {rule.expect[role]}")
    assert not wrong, "\n".join(wrong)
