"""The history on the manage page in the reader's language: each field by its label, each
value in words (statuses, sectors and regions by their labels; dates, money, hours and counts by
Babel; languages by their names; a role's capabilities as a phrase), never the stored codes,
ISO dates, raw decimals or "Facilitation ≥ 3"; the JSON history keeps the data."""

from __future__ import annotations

import datetime as dt
import html

from coalition import formatting
from coalition.config import Settings
from coalition.schemas.initiatives import InitiativePatch
from coalition.schemas.lifecycle import RolePatch
from coalition.services import initiatives, lifecycle
from coalition.store.session import session_factory
from tests.conftest import make_client
from tests.factories import invitation_world


def test_the_history_reads_in_words(settings: Settings, clean_url: str) -> None:
    with session_factory(clean_url)() as db:
        w = invitation_world(db, slug="hist-words")
        conv = w.convenor_caller
        initiatives.update_initiative(
            db,
            conv,
            w.initiative_id,
            InitiativePatch.model_validate(
                {
                    "end_date": "2026-12-15",
                    "budget": 120000,
                    "sector_mix": {"civil_society": {"min": 1, "max": 2}},
                    "timezone_coverage": ["emea", "apac"],
                    "max_per_organisation": 2,
                }
            ),
        )
        lifecycle.edit_role(
            db,
            conv,
            w.initiative_id,
            w.roles[0],
            RolePatch.model_validate(
                {
                    "hours_per_week": 7.5,
                    "languages": ["es", "fr"],
                    "requirements": [{"capability": "Research", "min_level": 4}],
                }
            ),
        )
        db.commit()
    client = make_client(settings, w.convenor_caller)
    page = client.get(f"/initiatives/{w.initiative_id}/manage", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    start = page.text.index('id="history"')
    text = html.unescape(page.text[start:])
    for raw in ("≥", "2026-09-30", "2026-12-15", "120000", "7.5", "civil_society", "emea"):
        assert raw not in text, raw
    for field in ("role.requirements", "role.hours_per_week", "sector_mix", "end_date"):
        assert f">{field}<" not in text, field
    es = "es"
    assert formatting.date(dt.date(2026, 12, 15), locale=es) in text
    assert formatting.date(dt.date(2026, 9, 30), locale=es) in text
    assert formatting.money(120000, locale=es) in text
    assert "7,5 h/semana" in text and "4 h/semana" in text
    assert "Facilitation de nivel 3 o más" in text and "Research de nivel 4 o más" in text
    assert "sociedad civil: de 1 a 2" in text
    assert "Europa, Oriente Medio y África y Asia-Pacífico" in text
    assert "español y francés" in text
    assert "Competencias requeridas" in text and "Horas por semana" in text
    # the JSON history keeps the data as it was recorded
    data = client.get(f"/api/initiatives/{w.initiative_id}/history").json()
    assert {"field": "role.requirements", "after": ["Research ≥ 4"]}.items() <= next(
        c for c in data if c["field"] == "role.requirements"
    ).items()
