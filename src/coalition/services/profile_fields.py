"""A network's custom profile fields: stewards define them, members fill them in, the
directory filters on them.

Each value has its own audience (domain.Visibility), starting from the field's default, and is
read only through :func:`access.field_visible` (one profile) or
:func:`access.field_visible_clause` (filters), like the built-in private fields: filtering on a
value the caller may not see would reveal it, so such values never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, select
from sqlalchemy.orm import Session

from ..domain import CHOICE_KINDS, FieldKind
from ..errors import Conflict, Invalid, NotFound
from ..i18n import _
from ..schemas.fields import (
    NUMBER_MAX,
    FieldValueOut,
    FieldValuesIn,
    ProfileFieldIn,
    ProfileFieldOut,
    ProfileFieldPatch,
)
from ..store.cache import bump_version
from ..store.tables import Actor, Network
from ..store.tables_fields import ProfileField, ProfileFieldValue
from .access import Caller, field_visible, field_visible_clause, require_role

TEXT_VALUE_MAX = 1000
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def field_out(row: ProfileField) -> ProfileFieldOut:
    return ProfileFieldOut(
        id=row.id,
        key=row.key,
        label=row.label,
        kind=row.kind,
        choices=list(row.choices or []),
        help=row.help,
        default_visibility=row.default_visibility,
        position=row.position,
    )


def network_fields(db: Session, network_id: int) -> list[ProfileField]:
    return list(
        db.scalars(
            select(ProfileField)
            .where(ProfileField.network_id == network_id)
            .order_by(ProfileField.position, ProfileField.id)
        )
    )


def list_fields(db: Session, caller: Caller, network: Network) -> list[ProfileFieldOut]:
    """The network's fields (whoever may find the network: profiles show them)."""
    return [field_out(f) for f in network_fields(db, network.id)]


def _field(db: Session, network: Network, field_id: int) -> ProfileField:
    row = db.scalars(
        select(ProfileField).where(
            ProfileField.id == field_id, ProfileField.network_id == network.id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("no profile field %(field_id)s in network '%(slug)s'")
            % {"field_id": field_id, "slug": network.slug}
        )
    return row


def field_by_key(db: Session, network: Network, key: str) -> ProfileField:
    row = db.scalars(
        select(ProfileField).where(ProfileField.network_id == network.id, ProfileField.key == key)
    ).first()
    if row is None:
        raise NotFound(
            _("no profile field '%(key)s' in network '%(slug)s'")
            % {"key": key, "slug": network.slug}
        )
    return row


def _check_choices(kind: str, choices: list[str]) -> list[str]:
    if kind in CHOICE_KINDS:
        if not choices:
            raise Invalid(_("a choice field needs at least one choice"), field="choices")
        if len(set(choices)) != len(choices):
            raise Invalid(_("each choice may be listed once"), field="choices")
        return list(choices)
    if choices:
        raise Invalid(_("a %(kind)s field has no choices") % {"kind": kind}, field="choices")
    return []


def add_field(
    db: Session, caller: Caller, network: Network, data: ProfileFieldIn
) -> ProfileFieldOut:
    """Add a field to every profile of the network (stewards); its key is unique (409)."""
    require_role(caller, network, "steward")
    taken = db.scalar(
        select(func.count()).where(
            ProfileField.network_id == network.id, ProfileField.key == data.key
        )
    )
    if taken:
        raise Conflict(_("the network has a field '%(key)s' already") % {"key": data.key})
    last = db.scalar(
        select(func.max(ProfileField.position)).where(ProfileField.network_id == network.id)
    )
    row = ProfileField(
        network_id=network.id,
        key=data.key,
        label=data.label,
        kind=data.kind.value,
        choices=_check_choices(data.kind.value, data.choices),
        help=data.help,
        default_visibility=data.default_visibility.value
        if hasattr(data.default_visibility, "value")
        else str(data.default_visibility),
        position=(last or 0) + 1,
    )
    db.add(row)
    db.flush()
    bump_version(db, network.id)
    return field_out(row)


def update_field(
    db: Session, caller: Caller, network: Network, field_id: int, data: ProfileFieldPatch
) -> ProfileFieldOut:
    """Relabel, describe, change the choices or the default audience (stewards). A choice
    some member chose cannot be removed (409): nobody's value is changed behind their back."""
    require_role(caller, network, "steward")
    row = _field(db, network, field_id)
    sent = data.model_dump(exclude_unset=True)
    if sent.get("choices") is not None:
        choices = _check_choices(row.kind, sent["choices"])
        gone = set(row.choices or []) - set(choices)
        for value in db.scalars(
            select(ProfileFieldValue.value).where(ProfileFieldValue.field_id == row.id)
        ):
            used = set(value if isinstance(value, list) else [value])
            if used & gone:
                raise Conflict(
                    _(
                        "the choice(s) %(choices)s are in use: keep them, or ask the members "
                        "to choose again first"
                    )
                    % {"choices": sorted(used & gone)}
                )
        row.choices = choices
    for name in ("label", "help"):
        if sent.get(name) is not None:
            setattr(row, name, sent[name])
    if sent.get("default_visibility") is not None:
        row.default_visibility = str(sent["default_visibility"])
    db.flush()
    bump_version(db, network.id)
    return field_out(row)


def remove_field(db: Session, caller: Caller, network: Network, field_id: int) -> None:
    """Remove a field and every value of it (stewards)."""
    require_role(caller, network, "steward")
    row = _field(db, network, field_id)
    db.execute(delete(ProfileFieldValue).where(ProfileFieldValue.field_id == row.id))
    db.delete(row)
    db.flush()
    bump_version(db, network.id)


# ---------------------------------------------------------------- values


def coerce(kind: str, choices: Iterable[str], raw: Any, *, label: str = "value") -> Any:
    """The typed value of ``raw`` (JSON, or a form's text) for a field of ``kind``; an empty
    value is None. Raises :class:`Invalid` naming the field when it does not fit."""
    if raw is None or raw == "" or raw == []:
        return None
    options = list(choices)
    if kind == FieldKind.number:
        return _number(raw, label)
    if kind == FieldKind.boolean:
        return _boolean(raw, label)
    if kind == FieldKind.multi:
        return _multi(raw, options, label)
    if not isinstance(raw, str):
        raise Invalid(_("%(label)s: must be text") % {"label": label}, field=label)
    text = raw.strip()
    if not text:
        return None
    if kind == FieldKind.choice:
        return _choice(text, options, label)
    if kind == FieldKind.date:
        return _date(text, label)
    if kind == FieldKind.url:
        return _url(text, label)
    if len(text) > TEXT_VALUE_MAX:
        raise Invalid(
            _("%(label)s: at most %(max)s characters") % {"label": label, "max": TEXT_VALUE_MAX},
            field=label,
        )
    return text


def _number(raw: Any, label: str) -> float:
    value = raw
    if isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            raise Invalid(
                _("%(label)s: must be a number") % {"label": label}, field=label
            ) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(_("%(label)s: must be a number") % {"label": label}, field=label)
    if not -NUMBER_MAX <= float(value) <= NUMBER_MAX:
        raise Invalid(_("%(label)s: the number is out of range") % {"label": label}, field=label)
    return float(value)


def _boolean(raw: Any, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise Invalid(_("%(label)s: must be yes or no") % {"label": label}, field=label)


def _multi(raw: Any, options: list[str], label: str) -> list[str] | None:
    items = raw if isinstance(raw, list) else str(raw).split(",")
    picked = [str(i).strip() for i in items if str(i).strip()]
    wrong = [i for i in picked if i not in options]
    if wrong:
        raise Invalid(
            _("%(label)s: %(wrong)s not among %(options)s")
            % {"label": label, "wrong": wrong, "options": options},
            field=label,
        )
    return [o for o in options if o in picked] or None


def _choice(text: str, options: list[str], label: str) -> str:
    if text not in options:
        raise Invalid(
            _("%(label)s: '%(text)s' is not one of %(options)s")
            % {"label": label, "text": text, "options": options},
            field=label,
        )
    return text


def _date(text: str, label: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise Invalid(
            _("%(label)s: a date is written YYYY-MM-DD") % {"label": label}, field=label
        ) from None


def _url(text: str, label: str) -> str:
    if not _URL.match(text) or len(text) > 300:
        raise Invalid(
            _("%(label)s: a web address starts with https:// or http://") % {"label": label},
            field=label,
        )
    return text


def search_text(value: Any) -> str:
    """What the directory's filter compares: lower-case text, ``|a|b|`` for several choices."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | int):
        return f"{float(value):g}"
    if isinstance(value, list):
        return "|" + "|".join(str(v).lower() for v in value) + "|"
    return str(value).lower()


def number_of(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def display(kind: str, value: Any) -> str:
    """A value as a page shows it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def set_values(
    db: Session,
    caller: Caller,
    actor: Actor,
    network: Network,
    data: FieldValuesIn,
    *,
    hidden: Iterable[str] = (),
) -> None:
    """Write the values and audiences sent (the editor checked by the caller); a value the
    editor may not see (``hidden`` keys) is neither read nor overwritten."""
    fields = {f.key: f for f in network_fields(db, network.id)}
    unknown = sorted((set(data.values) | set(data.visibility)) - set(fields))
    if unknown:
        raise Invalid(
            _("no profile field %(unknown)s in network '%(slug)s'")
            % {"unknown": unknown, "slug": network.slug},
            field="values",
        )
    blocked = sorted((set(data.values) | set(data.visibility)) & set(hidden))
    if blocked:
        raise Invalid(
            _("%(blocked)s: the member keeps these to themselves") % {"blocked": blocked},
            field="values",
        )
    existing = {
        v.field_id: v
        for v in db.scalars(select(ProfileFieldValue).where(ProfileFieldValue.actor_id == actor.id))
    }
    for key in sorted(set(data.values) | set(data.visibility)):
        field = fields[key]
        row = existing.get(field.id)
        audience = data.visibility.get(key)
        if key in data.values:
            value = coerce(field.kind, field.choices or [], data.values[key], label=field.label)
            if value is None:
                if row is not None:
                    db.delete(row)
                continue
            if row is None:
                row = ProfileFieldValue(
                    actor_id=actor.id, field_id=field.id, visibility=field.default_visibility
                )
                db.add(row)
            row.value = value
            row.search = search_text(value)[:2000]
            row.number = number_of(value)
        if audience is not None and row is not None:
            row.visibility = str(audience)
    db.flush()
    bump_version(db, network.id)


def visible_values(
    db: Session,
    caller: Caller,
    actors: list[Actor],
    *,
    invited_by: bool = False,
    editor: bool = False,
) -> dict[int, tuple[list[FieldValueOut], list[str]]]:
    """Each actor's values the caller may see, in the fields' order, and the keys of the
    values kept from them (``field.<key>``, so an editor's form leaves those alone)."""
    if not actors:
        return {}
    by_id = {a.id: a for a in actors}
    rows = db.execute(
        select(ProfileFieldValue, ProfileField)
        .join(ProfileField, ProfileField.id == ProfileFieldValue.field_id)
        .where(ProfileFieldValue.actor_id.in_(list(by_id)))
        .order_by(ProfileFieldValue.actor_id, ProfileField.position, ProfileField.id)
    ).all()
    out: dict[int, tuple[list[FieldValueOut], list[str]]] = {a: ([], []) for a in by_id}
    for value, field in rows:
        actor = by_id[value.actor_id]
        shown, hidden = out[actor.id]
        if not field_visible(caller, actor, value.visibility, invited_by=invited_by):
            hidden.append(f"field.{field.key}")
            continue
        shown.append(
            FieldValueOut(
                key=field.key,
                label=field.label,
                kind=field.kind,
                value=value.value,
                text=display(field.kind, value.value),
                visibility=value.visibility if editor or caller.owns(actor.id) else None,
            )
        )
    return out


def privacy_of_values(db: Session, actor_id: int) -> dict[str, str]:
    """The audience of each value the member has (key: audience), for their own editor."""
    return {
        key: audience
        for key, audience in db.execute(
            select(ProfileField.key, ProfileFieldValue.visibility)
            .join(ProfileField, ProfileField.id == ProfileFieldValue.field_id)
            .where(ProfileFieldValue.actor_id == actor_id)
        )
    }


def filter_clauses(
    db: Session, caller: Caller, network: Network, filters: Mapping[str, str]
) -> list[ColumnElement[bool]]:
    """One clause per ``field.<key>=value`` filter: text and web addresses contain the value,
    a number equals it (``>=N``, ``<=N`` for bounds), a multi-choice holds it, the rest equal
    it; only values the caller may see match."""
    clauses: list[ColumnElement[bool]] = []
    pv = ProfileFieldValue
    for key, wanted in sorted(filters.items()):
        field = field_by_key(db, network, key)
        text = wanted.strip()
        if not text:
            continue
        if field.kind == FieldKind.number:
            op, bound = "=", text
            for prefix in (">=", "<="):
                if text.startswith(prefix):
                    op, bound = prefix, text[2:]
            number = coerce(field.kind, [], bound, label=f"field.{key}")
            cond = {"=": pv.number == number, ">=": pv.number >= number, "<=": pv.number <= number}[
                op
            ]
        elif field.kind in (FieldKind.text, FieldKind.url):
            cond = pv.search.like(f"%{_escape(text.lower())}%", escape="\\")
        elif field.kind == FieldKind.multi:
            cond = pv.search.like(f"%|{_escape(text.lower())}|%", escape="\\")
        else:
            value = coerce(field.kind, field.choices or [], text, label=f"field.{key}")
            cond = pv.search == search_text(value)
        clauses.append(
            exists().where(
                pv.actor_id == Actor.id,
                pv.field_id == field.id,
                cond,
                field_visible_clause(caller, pv.visibility),
            )
        )
    return clauses


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def map_attributes(
    db: Session, caller: Caller, network: Network, reserved: Iterable[str] = ()
) -> dict[int, dict[str, Any]]:
    """Each actor's custom values the caller may see, as map node attributes (Kumu's custom
    fields: one column per field, named by its label; ``field.<key>`` where the label is a
    name the formats or the metrics use). Numbers are floats, several choices a tuple."""
    taken = {r.lower() for r in reserved}
    names: dict[str, str] = {}
    for f in network_fields(db, network.id):
        name = f.label.strip()
        if not name or name.lower() in taken or "|" in name:
            name = f"field.{f.key}"
        taken.add(name.lower())
        names[f.key] = name
    pv = ProfileFieldValue
    rows = db.execute(
        select(pv.actor_id, ProfileField.key, pv.value)
        .join(ProfileField, ProfileField.id == pv.field_id)
        .join(Actor, Actor.id == pv.actor_id)
        .where(
            Actor.network_id == network.id,
            Actor.anonymised == 0,
            field_visible_clause(caller, pv.visibility),
        )
        .order_by(pv.actor_id, ProfileField.position, ProfileField.id)
    ).all()
    out: dict[int, dict[str, Any]] = {}
    for actor_id, key, value in rows:
        if isinstance(value, list):
            attr: Any = tuple(value)
        elif isinstance(value, bool):
            attr = value
        elif isinstance(value, int | float):
            attr = float(value)
        else:
            attr = str(value).replace("\r\n", "\n").replace("\r", "\n")
        if attr == "" or attr == ():
            continue
        out.setdefault(actor_id, {})[names[key]] = attr
    return out
