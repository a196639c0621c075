"""Every 500 is logged with its traceback: an unexpected error in a route, in a dependency, and
a database error that is not contention (contention is a 503, tests/store)."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from coalition.config import Settings
from coalition.web.app import create_app


def _broken_dependency() -> int:
    raise KeyError("secret key detail")


def test_every_500_logs_its_traceback(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(settings)

    @app.get("/api/broken-database-for-test")
    def broken_database() -> None:
        raise OperationalError("SELECT secret", {}, Exception("disk I/O error"))

    @app.get("/broken-dependency-for-test")
    def broken_dependency(value: Annotated[int, Depends(_broken_dependency)]) -> int:
        return value

    client = TestClient(app, raise_server_exceptions=False)
    for path, error, where in (
        ("/api/broken-database-for-test", OperationalError, "in broken_database"),
        ("/broken-dependency-for-test", KeyError, "in _broken_dependency"),
    ):
        caplog.clear()
        with caplog.at_level("ERROR", logger="coalition.web"):
            r = client.get(path, headers={"accept": "text/html"})
        assert r.status_code == 500 and "secret" not in r.text
        records = [rec for rec in caplog.records if rec.name == "coalition.web"]
        assert len(records) == 1 and records[0].exc_info is not None
        assert records[0].exc_info[0] is error
        assert "Traceback (most recent call last)" in caplog.text and where in caplog.text
