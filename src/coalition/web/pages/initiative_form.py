"""The convenor's guided form for a new initiative: the initiative, its roles, review, save.

It works without script: each step is one POST of the whole form (the other steps travel as
hidden fields) and buttons named ``action`` move between steps or add and remove a role or a
capability row. With htmx, "Add another role" fetches only the new role's fields. Validation
is the API's own — :class:`~coalition.schemas.initiatives.InitiativeIn`, then the checks of
:func:`~coalition.services.initiatives.preview_initiative` — and each complaint is shown
beside the field it concerns. The API twin of the review step is
``POST /api/networks/{slug}/initiatives/preview``; of saving, ``POST
/api/networks/{slug}/initiatives``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import FormData

from ...domain import Region, Sector
from ...errors import Conflict, Invalid
from ...i18n import _, lazy
from ...labels import vocab
from ...schemas.initiatives import InitiativeIn, InitiativePreviewOut
from ...services import initiatives
from ...services.access import Caller, require_role
from ...services.networks import get_network, list_capabilities
from ...store.tables import Network
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, see_other, to_login
from ..messages import sentence

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)
REGIONS: tuple[str, ...] = tuple(r.value for r in Region)
REGION_LABELS = {
    "americas": "Americas",
    "emea": "Europe, Middle East and Africa",
    "apac": "Asia-Pacific",
}
LEVEL_LABELS = {  # translated where shown
    1: lazy("basic"),
    2: lazy("working"),
    3: lazy("proficient"),
    4: lazy("advanced"),
    5: lazy("expert"),
}
BASICS = (
    "title",
    "kind",
    "purpose",
    "purpose_tags",
    "start_date",
    "end_date",
    "budget",
    "max_per_organisation",
    "timezone_coverage",
)
ROLE_FIELD = {"hours_per_week": "hours", "timezone_regions": "regions"}
MAX_ROLES = 20
MAX_ROWS = 12


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


def _int(text: str) -> int | float | str:
    """A whole number typed in a form; anything else is passed on for validation to name."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


@dataclass
class RoleDraft:
    """One role as typed: kept as text so a wrong entry is shown back as it was."""

    key: int
    title: str = ""
    seats: str = "1"
    hours: str = "4"
    languages: str = ""
    regions: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=lambda: [("", "3"), ("", "3")])

    def blank(self) -> bool:
        return not (self.title or self.languages or self.regions or any(c for c, _ in self.rows))

    def payload(self) -> tuple[dict[str, Any], list[int]]:
        """The role for :class:`RoleIn`, and which form row each requirement came from."""
        data: dict[str, Any] = {"title": self.title}
        if self.seats:
            data["seats"] = _int(self.seats)
        if self.hours:
            data["hours_per_week"] = _number(self.hours)
        data["languages"] = _split(self.languages)
        data["timezone_regions"] = list(self.regions)
        rows = [j for j, (cap, _) in enumerate(self.rows) if cap]
        data["requirements"] = [
            {"capability": self.rows[j][0], "min_level": _int(self.rows[j][1] or "1")} for j in rows
        ]
        return data, rows


@dataclass
class Draft:
    """The whole form as typed."""

    values: dict[str, str] = field(default_factory=lambda: {"kind": "project"})
    timezone_coverage: list[str] = field(default_factory=list)
    sector_min: dict[str, str] = field(default_factory=dict)
    sector_max: dict[str, str] = field(default_factory=dict)
    roles: list[RoleDraft] = field(default_factory=list)

    @classmethod
    def from_form(cls, form: FormData) -> Draft:
        draft = cls(
            values={name: _text(form, name) for name in BASICS if name != "timezone_coverage"},
            timezone_coverage=[r for r in _texts(form, "timezone_coverage") if r in REGIONS],
            sector_min={s: _text(form, f"sector_min_{s}") for s in SECTORS},
            sector_max={s: _text(form, f"sector_max_{s}") for s in SECTORS},
        )
        keys: set[int] = set()
        rows: dict[int, set[int]] = defaultdict(set)
        for name in form:
            if m := re.fullmatch(r"role-(\d{1,3})-(\w+?)(?:-(\d{1,3}))?", name):
                keys.add(int(m[1]))
                if m[2] in ("cap", "level") and m[3] is not None:
                    rows[int(m[1])].add(int(m[3]))
        for k in sorted(keys)[:MAX_ROLES]:
            p = f"role-{k}-"
            draft.roles.append(
                RoleDraft(
                    key=k,
                    title=_text(form, p + "title"),
                    seats=_text(form, p + "seats"),
                    hours=_text(form, p + "hours"),
                    languages=_text(form, p + "languages"),
                    regions=[r for r in _texts(form, p + "regions") if r in REGIONS],
                    rows=[
                        (_text(form, f"{p}cap-{j}"), _text(form, f"{p}level-{j}"))
                        for j in sorted(rows[k])[:MAX_ROWS]
                    ],
                )
            )
        return draft

    def next_key(self) -> int:
        return max((r.key for r in self.roles), default=-1) + 1

    def role(self, key: int) -> RoleDraft | None:
        return next((r for r in self.roles if r.key == key), None)

    def payload(self, with_roles: bool) -> tuple[dict[str, Any], list[tuple[int, list[int]]]]:
        """The initiative for :class:`InitiativeIn`; for each role sent, its form key and rows."""
        v = self.values
        data: dict[str, Any] = {
            "kind": v.get("kind", ""),
            "title": v.get("title", ""),
            "purpose": v.get("purpose", ""),
            "purpose_tags": _split(v.get("purpose_tags", "")),
            "timezone_coverage": list(self.timezone_coverage),
        }
        for name in ("start_date", "end_date"):
            if v.get(name):
                data[name] = v[name]
        if v.get("budget"):
            data["budget"] = _number(v["budget"])
        if v.get("max_per_organisation"):
            data["max_per_organisation"] = _int(v["max_per_organisation"])
        mix: dict[str, Any] = {}
        for s in SECTORS:
            bounds: dict[str, Any] = {}
            if self.sector_min.get(s):
                bounds["min"] = _int(self.sector_min[s])
            if self.sector_max.get(s):
                bounds["max"] = _int(self.sector_max[s])
            if bounds:
                mix[s] = bounds
        data["sector_mix"] = mix
        where: list[tuple[int, list[int]]] = []
        data["roles"] = []
        if with_roles:
            for role in self.roles:
                if role.blank():
                    continue
                role_data, rows = role.payload()
                data["roles"].append(role_data)
                where.append((role.key, rows))
        return data, where


class Problems(dict[str, list[str]]):
    """Complaints by form field name ("form" for those of no one field)."""

    def add(self, name: str, message: str) -> None:
        if message not in self.setdefault(name, []):
            self[name].append(message)

    def on_basics(self) -> bool:
        return any(k in BASICS or k.startswith("sector") or k == "form" for k in self)


def _field_for(loc: tuple[Any, ...], message: str, where: list[tuple[int, list[int]]]) -> str:
    """The form field a validation error's location points at."""
    if not loc:
        return "end_date" if "end_date" in message else "form"
    head = str(loc[0])
    if head == "roles" and len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(where):
        key, rows = where[loc[1]]
        if len(loc) == 2:
            return f"role-{key}"
        sub = str(loc[2])
        if sub == "requirements":
            if len(loc) >= 4 and isinstance(loc[3], int) and loc[3] < len(rows):
                return f"role-{key}-req-{rows[loc[3]]}"
            return f"role-{key}-requirements"
        return f"role-{key}-{ROLE_FIELD.get(sub, sub)}"
    if head == "sector_mix":
        return f"sector-{loc[1]}" if len(loc) >= 2 else "sector_mix"
    return head if head in BASICS else "form"


def _validated(
    db: DB, caller: Caller, network: Network, draft: Draft, with_roles: bool, problems: Problems
) -> tuple[InitiativeIn | None, InitiativePreviewOut | None]:
    """Check the draft as creating it would; complaints go to ``problems`` by field."""
    payload, where = draft.payload(with_roles)
    if with_roles and not payload["roles"]:
        problems.add("roles", _("Add at least one role, with the capabilities it needs."))
    try:
        data = InitiativeIn.model_validate(payload)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err.get("loc", ()))
            if err.get("type") == "too_short" and loc[-1:] == ("requirements",):
                message = _("Choose at least one capability.")
            else:
                message = sentence(err)
            problems.add(_field_for(loc, message, where), message)
        return None, None
    try:
        preview = initiatives.preview_initiative(db, caller, network, data)
    except Conflict as exc:
        problems.add("title", exc.message)
        return None, None
    except Invalid as exc:
        name = "form"
        if exc.field and (m := re.fullmatch(r"roles\[(\d+)\]\.(\w+)", exc.field)):
            index = int(m[1])
            if index < len(where):
                name = f"role-{where[index][0]}-{m[2]}"
        problems.add(name, exc.message)
        return None, None
    if problems:
        return None, None
    return data, preview


#: What the error summary calls each field of the first step (translated where shown).
LABELS = {
    "title": lazy("Title"),
    "kind": lazy("Kind"),
    "purpose": lazy("Purpose"),
    "purpose_tags": lazy("Purpose tags"),
    "start_date": lazy("Starts on"),  # as the page labels the field
    "end_date": lazy("Ends on"),
    "budget": lazy("Budget"),
    "max_per_organisation": lazy("At most per organisation"),
    "timezone_coverage": lazy("Time-zone coverage"),
    "sector_mix": lazy("Sector mix"),
    "roles": lazy("Roles"),
    "form": lazy("The form"),
}
#: What the error summary calls each part of a role (by the part of its fields' names).
ROLE_PARTS = {
    "": lazy("role"),
    "title": lazy("title"),
    "seats": lazy("seats"),
    "hours": lazy("hours"),
    "languages": lazy("languages"),
    "regions": lazy("time-zone regions"),
    "requirements": lazy("capabilities"),
}


def _position(draft: Draft, key: int) -> int:
    return next((i for i, r in enumerate(draft.roles) if r.key == key), key) + 1


def field_label(draft: Draft, name: str) -> str:
    """What the error summary calls a field, in the reader's language."""
    if name in LABELS:
        return _(LABELS[name])
    if name.startswith("sector-"):
        return _("Sector mix, %(sector)s") % {"sector": vocab(name[7:])}
    if m := re.fullmatch(r"role-(\d+)(?:-(\w+?))?(?:-(\d+))?", name):
        where = _("Role %(position)s") % {"position": _position(draft, int(m[1]))}
        if m[2] == "req" and m[3] is not None:
            return _("%(role)s, capability %(number)s") % {"role": where, "number": int(m[3]) + 1}
        part = m[2] or ""
        label = _(ROLE_PARTS[part]) if part in ROLE_PARTS else part
        return _("%(role)s, %(part)s") % {"role": where, "part": label}
    return name


def field_anchor(name: str) -> str:
    """The id of the control an error about ``name`` sends the reader to."""
    if name.startswith("sector-"):
        return f"sector_min_{name[7:]}"
    if m := re.fullmatch(r"role-(\d+)-req-(\d+)", name):
        return f"role-{m[1]}-cap-{m[2]}"
    if m := re.fullmatch(r"role-(\d+)-requirements", name):
        return f"role-{m[1]}-cap-0"
    if m := re.fullmatch(r"role-(\d+)-regions", name):
        return f"role-{m[1]}-regions-{REGIONS[0]}"
    if re.fullmatch(r"role-\d+", name):
        return f"{name}-title"
    return {
        "kind": "kind-project",
        "timezone_coverage": f"timezone_coverage-{REGIONS[0]}",
        "sector_mix": f"sector_min_{SECTORS[0]}",
        "roles": "add-role",
        "form": "problems",
    }.get(name, name)


def _capabilities(db: DB, caller: Caller, network: Network) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for c in list_capabilities(db, caller, network):
        groups[c.category or "Other"].append(c.term)
    return sorted(groups.items())


def _may_create(request: Request, caller: Caller, network: Network) -> Response | None:
    """Signed-out callers go to sign in; others need the convenor role (403 otherwise)."""
    if not caller.authenticated:
        return to_login(request)
    require_role(caller, network, "convenor")
    return None


def _render(
    request: Request,
    db: DB,
    caller: Caller,
    network: Network,
    draft: Draft,
    step: str,
    problems: Problems | None = None,
    preview: InitiativePreviewOut | None = None,
    focus: str | None = None,
) -> Response:
    problems = problems or Problems()
    context = {
        "caller": caller,
        "network": network,
        "draft": draft,
        "step": step,
        "problems": problems,
        "preview": preview,
        "focus": focus,
        "capabilities": _capabilities(db, caller, network),
        "sectors": SECTORS,
        "regions": REGION_LABELS,
        "levels": LEVEL_LABELS,
        "next_key": draft.next_key(),
        "field_label": lambda name: field_label(draft, name),
        "field_anchor": field_anchor,
    }
    return render(request, "formation/new.html", context, 422 if problems else 200)


@router.get("/n/{slug}/initiatives/new", response_class=HTMLResponse)
def new_initiative(request: Request, slug: str, db: DB, caller: CurrentCaller) -> Response:
    network = get_network(db, caller, slug)
    if (out := _may_create(request, caller, network)) is not None:
        return out
    return _render(request, db, caller, network, Draft(), "basics")


class RoleFragmentQuery(BaseModel):
    """Which role of the form the fragment is (its fields' names are numbered by it)."""

    index: int = Field(0, ge=0, lt=1000)


@router.get("/n/{slug}/initiatives/new/role", response_class=HTMLResponse)
def role_fragment(
    request: Request,
    slug: str,
    db: DB,
    caller: CurrentCaller,
    query: Annotated[RoleFragmentQuery, Query()],
) -> Response:
    """One empty role's fields (htmx appends it), and the "add" button for the next one."""
    index = query.index
    network = get_network(db, caller, slug)
    if (out := _may_create(request, caller, network)) is not None:
        return out
    context = {
        "network": network,
        "role": RoleDraft(key=index),
        "problems": Problems(),
        "capabilities": _capabilities(db, caller, network),
        "regions": REGION_LABELS,
        "levels": LEVEL_LABELS,
        "focus": f"role-{index}-title",
        "next_key": index + 1,
    }
    return render(request, "formation/_role_fragment.html", context)


def _edit_roles(
    request: Request, db: DB, caller: Caller, network: Network, draft: Draft, action: str
) -> Response | None:
    """The roles step's own actions (add a role, remove one, add a requirement row), or
    None when ``action`` is none of them (or a role cannot be added)."""
    if action == "add_role" and len(draft.roles) < MAX_ROLES:
        key = draft.next_key()
        draft.roles.append(RoleDraft(key=key))
        return _render(request, db, caller, network, draft, "roles", focus=f"role-{key}-title")
    if action.startswith("remove_role:"):
        draft.roles = [r for r in draft.roles if str(r.key) != action.split(":", 1)[1]]
        if not draft.roles:
            draft.roles.append(RoleDraft(key=0))
        return _render(request, db, caller, network, draft, "roles")
    if action.startswith("add_row:"):
        role = draft.role(int(action.split(":", 1)[1])) if action[8:].isdigit() else None
        if role is not None and len(role.rows) < MAX_ROWS:
            role.rows.append(("", "3"))
            focus = f"role-{role.key}-cap-{len(role.rows) - 1}"
            return _render(request, db, caller, network, draft, "roles", focus=focus)
        return _render(request, db, caller, network, draft, "roles")
    return None


@router.post("/n/{slug}/initiatives/new", response_class=HTMLResponse)
async def new_initiative_step(
    request: Request, slug: str, db: DB, caller: CurrentCaller
) -> Response:
    network = get_network(db, caller, slug)
    if (out := _may_create(request, caller, network)) is not None:
        return out
    form = await request.form()
    draft = Draft.from_form(form)
    action = _text(form, "action")
    step = _text(form, "step") if _text(form, "step") in ("basics", "roles") else "basics"
    problems = Problems()

    if (out := _edit_roles(request, db, caller, network, draft, action)) is not None:
        return out
    if action == "to_basics":
        return _render(request, db, caller, network, draft, "basics")
    if action == "to_roles":
        if step == "basics":
            _validated(db, caller, network, draft, False, problems)
            if problems:
                return _render(request, db, caller, network, draft, "basics", problems)
        if not draft.roles:
            draft.roles.append(RoleDraft(key=0))
        return _render(request, db, caller, network, draft, "roles")
    if action in ("to_review", "save"):
        data, preview = _validated(db, caller, network, draft, True, problems)
        if data is None or preview is None:
            back = "basics" if problems.on_basics() else "roles"
            if not draft.roles:
                draft.roles.append(RoleDraft(key=0))
            return _render(request, db, caller, network, draft, back, problems)
        if action == "to_review":
            return _render(request, db, caller, network, draft, "review", preview=preview)
        created = initiatives.create_initiative(db, caller, network, data)
        return see_other(f"/initiatives/{created.id}?created=1")
    # No (or an unknown) action: the step the form was on, as it was.
    return _render(request, db, caller, network, draft, step)
