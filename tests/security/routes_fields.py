"""Route-matrix entries of custom profile fields, the time-zone search and the first run.

``{field_id}`` is alpha's "river" field; ``{spare_field_id}`` a field nobody filled in. The
member ({actor_id}) keeps a private "code" value: FIELD_CANARY, which the private-field crawl
(test_security_privacy.py) looks for everywhere the member is not. The first-run page is gone
once an account exists: 404 for everyone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .route_matrix import EVERYONE, ROUTES, STEWARD_ONLY, WORLD_HOOKS, Rule, expect

FIELD_CANARY = "CUSTOM-FIELD-CANARY-m3"
STEWARD_PAGE_VIEW = expect("403", anonymous="3xx", steward="2xx")
PROFILE_EDIT = expect("403", anonymous="404", outsider="404", member="2xx", steward="2xx")

ROUTES.update(
    {
        "GET /api/networks/{slug}/fields": Rule(EVERYONE),
        "POST /api/networks/{slug}/fields": Rule(
            STEWARD_ONLY, body={"key": "matrix_new", "label": "New", "kind": "text"}
        ),
        "PATCH /api/networks/{slug}/fields/{field_id}": Rule(
            STEWARD_ONLY, body={"label": "River basin"}
        ),
        "DELETE /api/networks/{slug}/fields/{field_id}": Rule(
            STEWARD_ONLY, path={"field_id": "{spare_field_id}"}
        ),
        "PUT /api/actors/{actor_id}/fields": Rule(PROFILE_EDIT, body={"values": {"river": "Nile"}}),
        "GET /n/{slug}/fields": Rule(STEWARD_PAGE_VIEW),
        "POST /n/{slug}/fields": Rule(
            STEWARD_PAGE_VIEW, form={"key": "page_new", "label": "Page", "kind": "text"}
        ),
        "POST /n/{slug}/fields/{field_id}/edit": Rule(
            STEWARD_PAGE_VIEW, form={"label": "River basin"}
        ),
        "POST /n/{slug}/fields/{field_id}/remove": Rule(
            STEWARD_PAGE_VIEW, path={"field_id": "{spare_field_id2}"}
        ),
        "GET /timezones": Rule(EVERYONE, query={"q": "par"}),
        # vocabulary history: {merge_id} and {merge_id2} are merges of terms made for them
        "GET /api/networks/{slug}/vocabulary/merges": Rule(STEWARD_ONLY),
        "POST /api/networks/{slug}/vocabulary/merges/{merge_id}/undo": Rule(STEWARD_ONLY),
        "POST /n/{slug}/capabilities/merges/{merge_id}/undo": Rule(
            STEWARD_PAGE_VIEW, path={"merge_id": "{merge_id2}"}
        ),
        "GET /first-run": Rule(expect("404")),
        "POST /first-run": Rule(
            expect("404"),
            form={
                "email": "x@example.org",
                "display_name": "X",
                "password": "long-enough-password",
                "slug": "taken-over",
                "name": "Taken",
            },
        ),
    }
)


def fields_world(db: Session, values: dict[str, Any]) -> dict[str, Any]:
    """alpha has a choice field, a private text field holding the member's canary, spares."""
    from coalition.schemas.directory import CapabilityIn
    from coalition.schemas.fields import FieldValuesIn, ProfileFieldIn
    from coalition.services import directory, networks, profile_fields, vocabulary
    from coalition.services.access import Caller

    operator = Caller.operator()
    alpha = networks.get_network(db, operator, values["slug"])
    river = profile_fields.add_field(
        db,
        operator,
        alpha,
        ProfileFieldIn(key="river", label="River", kind="choice", choices=["Nile", "Rhine"]),
    )
    profile_fields.add_field(
        db,
        operator,
        alpha,
        ProfileFieldIn.model_validate(
            {"key": "code", "label": "Code", "kind": "text", "default_visibility": "private"}
        ),
    )
    spare = profile_fields.add_field(
        db, operator, alpha, ProfileFieldIn(key="spare", label="Spare", kind="text")
    )
    spare2 = profile_fields.add_field(
        db, operator, alpha, ProfileFieldIn(key="spare2", label="Spare 2", kind="number")
    )
    directory.set_field_values(
        db,
        operator,
        values["actor_id"],
        FieldValuesIn.model_validate({"values": {"code": FIELD_CANARY, "river": "Rhine"}}),
    )
    merges = []
    for a, b in (("Undo A", "Undo B"), ("Undo C", "Undo D")):
        source = networks.add_capability(db, operator, alpha, CapabilityIn(term=a))
        into = networks.add_capability(db, operator, alpha, CapabilityIn(term=b))
        merges.append(vocabulary.merge_terms(db, operator, alpha, source.id, into.id).merge_id)
    return {
        "field_id": river.id,
        "spare_field_id": spare.id,
        "spare_field_id2": spare2.id,
        "merge_id": merges[0],
        "merge_id2": merges[1],
    }


WORLD_HOOKS.append(fields_world)
