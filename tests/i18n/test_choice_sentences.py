"""A choice list in a validation message is written in the reader's language: each code by its
label, joined with that language's "or" (Babel), never Pydantic's "'public', 'unlisted' or
'private'"; bounds are numbers as the reader writes them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from coalition.domain import Sector
from coalition.i18n import use_locale
from coalition.labels import vocab
from coalition.schemas.common import SectorName
from coalition.web.messages import sentences


class _Form(BaseModel):
    sector: SectorName
    budget: float = Field(le=1_000_000)


def _problems(**data: object) -> list[dict[str, object]]:
    try:
        _Form.model_validate(data)
    except ValidationError as exc:
        return list(exc.errors())  # type: ignore[arg-type]
    raise AssertionError("valid")


def test_choices_and_bounds_in_the_readers_language() -> None:
    errors = _problems(sector="space", budget=2_000_000)
    with use_locale("es"):
        said = " ".join(sentences(errors))
        labels = [vocab(s.value) for s in Sector]
    assert "'" not in said and "civil_society" not in said, said
    assert ", ".join(labels[:-1]) + " o " + labels[-1] in said, said
    assert "1.000.000" in said, said
    with use_locale("en"):
        said = " ".join(sentences(errors))
    assert "civil society" in said and ", or " in said and "1,000,000" in said, said


def test_the_api_answers_choices_in_french(operator_client: TestClient) -> None:
    r = operator_client.get(
        "/api/networks/nowhere/actors",
        params={"sector": "space"},
        headers={"Accept-Language": "fr"},
    )
    assert r.status_code == 422
    [problem] = r.json()["detail"]
    with use_locale("fr"):
        labels = [vocab(s.value) for s in Sector]
    message = str(problem["message"])
    assert all(label in message for label in labels) and f" ou {labels[-1]}" in message, message
    assert "'entreprise'" not in message and " or " not in message, message
