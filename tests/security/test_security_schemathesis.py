"""schemathesis against /openapi.json: every operation, every built-in check, on both databases,
as a steward (API token) and anonymously.

Every operation of the JSON API gets generated input, valid and invalid: strings with NUL and
every other control character (schemathesis's default ``allow_x00`` and UTF-8 codec), integers
far beyond the database's (negative cases get their integer path and query values raised to
2**31, 2**63 or 2**70). No answer
may be a server error, break the documented response schema, use an undocumented status code
or content type, or accept invalid data.

Valid-by-schema data may still be refused by a rule of the domain that JSON Schema cannot say
(an end date before the start, an actor of another network, an id that names no row), so
``positive_data_acceptance`` accepts the documented 4xx refusals, never a 5xx. It stays within
the time of a unit test (a few examples per operation, a deadline per example); the exhaustive
sweep of ids at 2**31, 2**63 and 2**70 over every id route is test_security_input.py's.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from coalition.config import Settings
from coalition.schemas.auth import TokenIn
from coalition.services import tokens
from coalition.store.session import session_scope
from tests.factories import security_world

EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 3}
HUGE = (2**70, 2**63, 2**31)
REFUSALS = ["400", "401", "403", "404", "409", "413", "422", "429"]
CONFIG = {
    "checks": {
        "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", *REFUSALS]},
    },
    "generation": {"allow-x00": True, "codec": "utf-8"},
}


@pytest.fixture
def api(clean_url: str) -> tuple[Any, str]:
    with session_scope(clean_url) as db:
        world = security_world(db)
        steward = world.caller(db, "steward")
        token = tokens.create_token(
            db, steward, TokenIn(name="schemathesis", scopes=["read", "write"])
        ).token
    from coalition.web.app import create_app

    app = create_app(Settings(database_url=clean_url, secret_key="schemathesis"))
    config = SchemathesisConfig.from_dict(CONFIG)
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config), token


def _integer_parameters(operation: Any) -> list[str]:
    found = []
    for param in list(operation.path_parameters) + list(operation.query):
        if (param.definition.get("schema") or {}).get("type") == "integer":
            found.append(param.name)
    return found


def _strategy(operation: Any, mode: GenerationMode) -> Any:
    """Schemathesis's cases; negative ones may have every integer path and query parameter
    (ids, counts) raised to 2**31, 2**63 or 2**70, whatever the mutation drew for it."""
    cases = operation.as_strategy(generation_mode=mode)
    names = _integer_parameters(operation)
    if mode is GenerationMode.POSITIVE or not names:
        return cases

    def widen(pair: tuple[Any, int | None]) -> Any:
        case, huge = pair
        if huge is not None:
            for values in (case.path_parameters, case.query):
                for name in names:
                    if values is not None and (name in values or values is case.path_parameters):
                        values[name] = huge
        return case

    return st.tuples(cases, st.sampled_from([*HUGE, None])).map(widen)


def _run(schema: Any, headers: dict[str, str], examples: dict[GenerationMode, int]) -> list[str]:
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode, count in examples.items():

            @given(case=_strategy(operation, mode))
            @settings(
                max_examples=count,
                deadline=None,  # correctness, not speed (a loaded machine is slow)
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers)  # every built-in check

            try:
                run()
            except Unsatisfiable:
                continue  # nothing to make invalid (no parameters, or only free strings)
            except (Exception, BaseExceptionGroup) as exc:  # one report per failing operation
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:2000]}")
    assert operations >= 30
    return failures


def test_api_never_fails_on_generated_input_as_a_steward(api: tuple[Any, str]) -> None:
    schema, token = api
    failures = _run(schema, {"Authorization": f"Bearer {token}"}, EXAMPLES)
    assert not failures, "\n\n".join(failures)


def test_api_never_fails_on_generated_input_anonymously(api: tuple[Any, str]) -> None:
    schema, _ = api
    examples = {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 2}
    failures = _run(schema, {}, examples)
    assert not failures, "\n\n".join(failures)
