"""schemathesis against /openapi.json, authenticated as a steward with an API token.

Every operation of the JSON API (every area's, as the app has them) gets generated input, valid
and invalid; no answer may be a server error or break the documented response schema. It runs
on SQLite only (the app in-process, through ASGI), with few examples per operation, so that it
stays within the time of a unit test; the databases' own behaviour is tested elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from coalition.config import Settings
from coalition.schemas.auth import TokenIn
from coalition.services import auth
from coalition.store.migrate import upgrade
from coalition.store.session import session_scope

from .world import build_world

TOKEN: dict[str, str] = {}
EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 3}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{tmp / 'api.db'}"
    upgrade(url, "heads")
    with session_scope(url) as db:
        world = build_world(db)
        steward = world.caller(db, "steward")
        TOKEN["value"] = auth.create_token(
            db, steward, TokenIn(name="schemathesis", scopes=["read", "write"])
        ).token
    from coalition.web.app import create_app

    app = create_app(Settings(database_url=url, secret_key="schemathesis"))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_api_never_fails_on_generated_input(api_schema: Any) -> None:
    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES[mode],
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (no parameters, or only free strings)
            except (Exception, BaseExceptionGroup) as exc:  # one report per failing operation
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:2000]}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
