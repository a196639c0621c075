"""The profile editor: a member edits their own profile (a steward any profile of the network).

Capabilities with levels, purposes, capacity and contact, and who may see each private field,
in one form that works without script. The same change is available from the JSON API
(``PATCH /api/actors/{id}`` with an :class:`ActorPatch`); both go through
:func:`directory.update_actor`.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import FormData

from ...domain import SECTOR_CHOICES
from ...errors import CoalitionError
from ...i18n import _, current_locale, lazy, translated_pairs
from ...locales import language_code, language_name, language_options, timezone_options
from ...schemas.directory import ActorOut, ActorPatch
from ...schemas.fields import FieldValuesIn
from ...services import directory, profile_fields
from ...services.networks import list_capabilities
from ...store.tables import Network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other, to_login
from ..messages import sentence
from ..params import PathId

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

SECTORS = [s.value for s in SECTOR_CHOICES]
AUDIENCES = [
    ("public", lazy("Everyone, signed in or not")),
    ("network", lazy("Members of the network")),
    ("convenors", lazy("Convenors who invited me")),
    ("private", lazy("Only me")),
]
PRIVATE_FIELDS = [
    ("day_rate", lazy("Who sees your day rate")),
    ("capacity", lazy("Who sees your capacity")),
    ("contact", lazy("Who sees your e-mail and phone")),
    ("declines", lazy("Who sees the invitations you declined, and why")),
]
BLANK_CAPABILITY_ROWS = 2
SPLIT = re.compile(r"[,;\n]+")


def _context(
    db: DB,
    caller: Any,
    actor: ActorOut,
    privacy: dict[str, str],
    *,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    network = db.scalars(select(Network).where(Network.slug == actor.network)).one()
    if values is None:
        values = _values_of(actor, privacy)
    rows = list(values["capabilities"])
    rows += [{"term": "", "level": 3, "evidence": ""}] * BLANK_CAPABILITY_ROWS
    return {
        "actor": actor,
        "network": network,
        "values": values,
        "rows": rows,
        "vocabulary": [c.term for c in list_capabilities(db, caller, network)],
        "sectors": SECTORS,
        "audiences": translated_pairs(AUDIENCES),
        "private_fields": translated_pairs(PRIVATE_FIELDS),
        "custom_fields": profile_fields.list_fields(db, caller, network),
        "timezones": timezone_options(),
        "languages": language_options(current_locale()),
        "errors": errors or [],
        "caller": caller,
    }


def _values_of(actor: ActorOut, privacy: dict[str, str]) -> dict[str, Any]:
    """The form's values for a stored profile."""

    def number(value: float | None) -> str:
        return "" if value is None else f"{value:g}"

    return {
        "name": actor.name,
        "sector": actor.sector,
        "headline": actor.headline,
        "bio": actor.bio,
        "timezone": actor.timezone or "",
        "languages": ", ".join(language_name(code) for code in actor.languages),
        "purposes": ", ".join(actor.purposes),
        "purpose_text": actor.purpose_text,
        "capacity_hours": number(actor.capacity_hours),
        "day_rate": number(actor.day_rate),
        "email": actor.email or "",
        "phone": actor.phone or "",
        "website": actor.website or "",
        "capabilities": [
            {"term": c.term, "level": c.level, "evidence": c.evidence} for c in actor.capabilities
        ],
        "visibility": actor.visibility,
        "privacy": dict(privacy),
        "custom": {f.key: _form_value(f.value) for f in actor.fields},
        "custom_audience": {f.key: f.visibility for f in actor.fields if f.visibility},
    }


def _form_value(value: Any) -> Any:
    """A stored custom value as the form shows it (several choices stay a list)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return value


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _languages(text: str, problems: list[str]) -> list[str]:
    """Codes of the languages typed by name (or code), in the order typed."""
    out: list[str] = []
    for item in (x.strip() for x in SPLIT.split(text)):
        if not item:
            continue
        code = language_code(item)
        if code is None:
            problems.append(
                _("languages: '%(item)s' is not a language we know; try its English name")
                % {"item": item}
            )
        elif code not in out:
            out.append(code)
    return out


def _custom(form: FormData, actor: ActorOut) -> tuple[dict[str, Any], dict[str, str]]:
    """The custom fields sent (by key; several choices as a list) and their audiences; a
    value the editor may not see is not in the form, and so is left as it is."""
    values: dict[str, Any] = {}
    audiences: dict[str, str] = {}
    for name in {k for k in form.keys() if k.startswith(("field.", "audience."))}:
        prefix, _, key = name.partition(".")
        if f"field.{key}" in actor.hidden:
            continue
        items = [str(v).strip() for v in form.getlist(name)]
        if prefix == "audience":
            audiences[key] = items[0] if items else ""
        else:
            values[key] = [i for i in items if i] if len(items) > 1 else (items[0] if items else "")
    return values, audiences


_TEXT_FIELDS = (
    "name",
    "sector",
    "headline",
    "bio",
    "timezone",
    "languages",
    "purposes",
    "purpose_text",
    "capacity_hours",
    "day_rate",
    "email",
    "phone",
    "website",
    "visibility",
)


def _parse(form: FormData, actor: ActorOut) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The submitted values (to show again) and the patch they make, with problems found."""
    problems: list[str] = []
    values = _submitted(form, actor)
    patch: dict[str, Any] = {
        "name": values["name"],
        "sector": values["sector"],
        "headline": values["headline"],
        "bio": values["bio"],
        "timezone": values["timezone"] or None,
        "languages": _languages(values["languages"], problems),
        "purposes": [x.strip() for x in SPLIT.split(values["purposes"]) if x.strip()],
        "purpose_text": values["purpose_text"],
        "website": values["website"] or None,
        "visibility": values["visibility"],
        "privacy": values["privacy"],
    }
    esco = {c.term: c.esco_uri for c in actor.capabilities}
    patch["capabilities"] = _capabilities(values["capabilities"], esco, problems)
    # A field the editor cannot see is not in the form, and so is left as it is.
    hidden = set(actor.hidden)
    if "capacity" not in hidden:
        try:
            patch["capacity_hours"] = float(values["capacity_hours"] or "0")
        except ValueError:
            problems.append(_("capacity: hours per week must be a number"))
    if "day_rate" not in hidden:
        try:
            patch["day_rate"] = float(values["day_rate"]) if values["day_rate"] else None
        except ValueError:
            problems.append(_("day rate: must be a number, or empty"))
    if "contact" not in hidden:
        patch["email"] = values["email"] or None
        patch["phone"] = values["phone"] or None
    return values, patch, problems


def _submitted(form: FormData, actor: ActorOut) -> dict[str, Any]:
    """The values as submitted, to show again: text fields, privacy, custom fields and the
    capability rows that name a term."""
    values: dict[str, Any] = {name: _text(form, name) for name in _TEXT_FIELDS}
    values["privacy"] = {field: _text(form, f"privacy_{field}") for field, _ in PRIVATE_FIELDS}
    values["custom"], values["custom_audience"] = _custom(form, actor)
    rows: list[dict[str, Any]] = []
    for term, raw_level, evidence in zip(
        form.getlist("cap_term"),
        form.getlist("cap_level"),
        form.getlist("cap_evidence"),
        strict=False,
    ):
        rows.append(
            {"term": str(term).strip(), "level": str(raw_level).strip(), "evidence": str(evidence)}
        )
    values["capabilities"] = [r for r in rows if r["term"]]
    return values


def _capabilities(
    rows: list[dict[str, Any]], esco: dict[str, str | None], problems: list[str]
) -> list[dict[str, Any]]:
    """The capabilities the rows make (a row's level becomes a number as it is read); a row
    whose level is not a whole number is a problem, and left out."""
    capabilities = []
    for row in rows:
        try:
            level = int(row["level"])
        except ValueError:
            problems.append(
                _("capability %(term)s: the level must be a whole number 1–5")
                % {"term": row["term"]}
            )
            continue
        row["level"] = level
        capabilities.append(
            {
                "term": row["term"],
                "level": level,
                "evidence": row["evidence"].strip(),
                "esco_uri": esco.get(row["term"]),
            }
        )
    return capabilities


@router.get("/actors/{actor_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, actor_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    if caller.account_id is None:
        return to_login(request)
    actor, privacy = directory.editable_actor(db, caller, actor_id)
    return render(request, "profile_edit.html", _context(db, caller, actor, privacy))


@router.post("/actors/{actor_id}/edit", response_class=HTMLResponse)
async def edit_submit(
    request: Request, actor_id: PathId, db: DB, caller: CurrentCaller
) -> Response:
    if caller.account_id is None:
        return to_login(request)
    actor, privacy = directory.editable_actor(db, caller, actor_id)
    values, patch, problems = _parse(await request.form(), actor)
    status = 422
    if not problems:
        try:
            directory.update_actor(db, caller, actor_id, ActorPatch.model_validate(patch))
            _save_custom(db, caller, actor, values)
        except ValidationError as exc:
            problems = [_problem(e) for e in exc.errors(include_url=False)]
        except CoalitionError as exc:
            problems, status = [exc.message], exc.status
        else:
            return see_other(f"/actors/{actor_id}?saved=1")
    db.rollback()
    context = _context(db, caller, actor, privacy, values=values, errors=problems)
    return render(request, "profile_edit.html", context, status)


def _save_custom(db: DB, caller: Any, actor: ActorOut, values: dict[str, Any]) -> None:
    """The custom fields of the form (a multi-choice with nothing ticked sends nothing: it
    is cleared), through the same service as ``PUT /api/actors/{id}/fields``."""
    network = db.scalars(select(Network).where(Network.slug == actor.network)).one()
    sent: dict[str, Any] = {}
    for f in profile_fields.list_fields(db, caller, network):
        if f"field.{f.key}" in actor.hidden:
            continue
        raw = values["custom"].get(f.key, [] if f.kind == "multi" else "")
        if f.kind == "multi" and isinstance(raw, str):
            raw = [raw] if raw else []
        sent[f.key] = raw if raw not in ("", []) else None
    # Who sees a value is the member's own choice: a steward's form does not carry it.
    audience = {}
    if caller.owns(actor.id):
        audience = {k: v for k, v in values["custom_audience"].items() if v and k in sent}
    if sent or audience:
        data = FieldValuesIn.model_validate({"values": sent, "visibility": audience})
        directory.set_field_values(db, caller, actor.id, data)


def _problem(error: Any) -> str:
    return sentence(error)
