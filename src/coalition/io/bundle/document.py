"""The whole document: its sections in order, and export, check and import of a network.

Rows refer to each other by ``ref`` (1..N in id order), never by database ids, so that
export → import into an empty database → export gives the same document. Actors and
initiatives have a ``ref``; other rows are referred to by their 0-based position in their
section (``engagements``, ``ties``, ``invitations``, ``proposals``), roles by their position in
their initiative, and a conversation's participants and statements by their ``external_id``.
Import is all-or-nothing: every row is checked first and all problems are reported together.

Left out on purpose: accounts, memberships, sessions, tokens (API tokens, conversation links)
and join requests (personal and
security data), notifications and the mail outbox (per-account messages), read marks of
threads and invitation messages (per-reader state), and derived caches
(map, common-ground results and histories), which are computed again on demand.

A *shared* bundle (without ``include_private``) is readable by any member of the network, so
it holds only what every member may read (each section says what a share leaves out);
``include_private`` (the operator's full backup) holds everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from types import GenericAlias
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, create_model
from pydantic_core import to_json
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Conflict, Invalid
from ...schemas.directory import NetworkIn
from ...schemas.networks import NetworkSettingsPatch
from ...store.tables import Network
from ..safe_input import MAX_BLOB_CHARS, check_tree
from .areas import AREAS
from .bulk import bulk_cache, refused_by_database
from .core import (
    SECTIONS_BY_NAME,
    Batch,
    BundleProblem,
    Checking,
    Exporting,
    Importing,
    Section,
    check_rows,
    export_section,
    load_rows,
    now,
    register,
    row_schema,
)
from .directory import DIRECTORY
from .fields import FIELDS
from .formation import PROPOSALS
from .lifecycle import LIFECYCLE
from .together import TOGETHER, named_by_lists

FORMAT = "coalition-bundle"
VERSION = 1

# The order of the document; a section names only sections before it.
SECTIONS: tuple[Section, ...] = (
    *DIRECTORY,
    PROPOSALS,
    *AREAS,
    *FIELDS,
    *LIFECYCLE,
    *TOGETHER,
)


def _every(sections: Sequence[Section]) -> Iterator[Section]:
    for s in sections:
        yield s
        yield from _every([f.section for f in s.nested if f.section is not None])


SECTIONS_BY_NAME.update({s.name: s for s in _every(SECTIONS)})
assert len(SECTIONS_BY_NAME) == len(list(_every(SECTIONS))), "section names are unique"

_FIELDS: dict[str, Any] = {
    "format": (Literal["coalition-bundle"], ...),
    "version": (Literal[1], ...),
    "network": (NetworkIn, ...),
    # Who may find and join the network (services.network_settings); absent in older bundles.
    "settings": (NetworkSettingsPatch | None, None),
    **{s.name: (GenericAlias(list, (row_schema(s),)), []) for s in SECTIONS},
}
# The whole document, validated in one pass (pydantic-core) for speed at 100k actors.
Bundle: Any = create_model("Bundle", __config__=ConfigDict(strict=True, extra="forbid"), **_FIELDS)
_BUNDLE = TypeAdapter(Bundle)


# ---------------------------------------------------------------- export


def export_bundle(
    db: Session, network: Network, *, include_private: bool = False
) -> dict[str, Any]:
    """The whole of ``network`` as a bundle; private fields only with ``include_private``.

    Without it, each member's private choices hold: day rates, capacity and contact details are
    left out unless the member made them public.
    """
    ctx = Exporting(db, network.id, include_private)
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "slug": network.slug,
            "name": network.name,
            "description": network.description,
            "attribution": network.attribution,
            "fairness_weight": network.fairness_weight,
        },
    }
    settings = _settings_record(network)
    if settings != _DEFAULT_SETTINGS:  # a network left as created exports as before
        out["settings"] = settings
    for section in SECTIONS:
        out[section.name] = export_section(section, ctx)
    return out


# ---------------------------------------------------------------- check


def read_document(data: Any) -> str | bytes:
    """The raw document as JSON text: the one entry point of every bundle that comes in.

    ``data`` is the JSON text (bytes or str) or the decoded document.
    """
    if not isinstance(data, (bytes, str)):
        data = to_json(data)  # pydantic-core's serializer: twice as fast as json.dumps here
    return data


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "bundle"


def check_bundle(data: Any) -> tuple[dict[str, list[Any]], list[BundleProblem]]:
    """Validate every row and every reference of a bundle; return parsed rows and problems.

    ``data`` is the JSON text (bytes or str) or the decoded document. Every problem is named
    by its place (``actors[3].capabilities[0].level``) and reason.
    """
    text = read_document(data)
    try:
        bundle = _BUNDLE.validate_json(text, strict=True)
    except ValidationError as exc:
        problems = [BundleProblem(_where(tuple(err["loc"])), err["msg"]) for err in exc.errors()]
        return {}, problems + _raw_reference_problems(text)
    parsed: dict[str, list[Any]] = {"network": [bundle.network], "settings": [bundle.settings]}
    for section in SECTIONS:
        rows = getattr(bundle, section.name)
        parsed[section.name] = [r.model_dump() if isinstance(r, BaseModel) else r for r in rows]
    ctx = Checking(parsed)
    for section in SECTIONS:
        register(section, parsed[section.name], ctx)
    problems = [
        problem
        for section in SECTIONS
        for problem in check_rows(section, parsed[section.name], ctx)
    ]
    return parsed, problems


def _raw_reference_problems(data: str | bytes) -> list[BundleProblem]:
    """Dangling actor refs, found on the raw document so they are reported with type errors."""
    ends = [
        (s.name, f.key, f.optional)
        for s in SECTIONS
        for f in s.fields
        if f.to == "actors" and f.key is not None
    ]
    try:
        doc = json.loads(data)
        refs = {a.get("ref") for a in doc.get("actors") or [] if isinstance(a, dict)}
        problems = []
        for section, end, optional in ends:
            for n, row in enumerate(doc.get(section) or []):
                if not isinstance(row, dict) or (optional and row.get(end) is None):
                    continue
                if row.get(end) not in refs:
                    problems.append(
                        BundleProblem(f"{section}[{n}].{end}", f"no actor with ref {row.get(end)}")
                    )
        return problems
    except (ValueError, AttributeError, TypeError):
        return []


def refusal(problems: Sequence[BundleProblem]) -> Invalid:
    """The all-or-nothing report: every problem in ``details``, the first twenty in words."""
    return Invalid(
        f"the bundle has {len(problems)} problem(s); nothing was imported. "
        + "; ".join(str(p) for p in problems[:20]),
        field="bundle",
        details=[{"where": p.where, "reason": p.reason} for p in problems],
    )


# ---------------------------------------------------------------- import


def _named(parsed: dict[str, list[Any]]) -> frozenset[str]:
    """The sections named by their position somewhere in this bundle: they need known ids."""
    positional = {s.name for s in SECTIONS if s.key is None}
    named = set()
    for section in SECTIONS:
        for f in section.fields:
            if f.to in positional and f.key is not None and f.to not in named:
                if any(row[f.key] is not None for row in parsed[section.name]):
                    named.add(f.to)
    return frozenset(named | named_by_lists(parsed))


def import_bundle(db: Session, data: Any, *, slug: str | None = None) -> Network:
    """Load a bundle as a new network in one transaction; refuse it whole on any problem.

    Raises :class:`Invalid` with every problem (``details`` lists them) or :class:`Conflict`
    when the network exists already. The caller's session is left untouched on failure.
    """
    check_tree(data, "JSON bundle", max_chars=MAX_BLOB_CHARS)  # before any parsing
    parsed, problems = check_bundle(data)
    if problems:
        raise refusal(problems)
    net_in = parsed["network"][0]
    target_slug = slug or net_in.slug
    if db.scalar(select(Network.id).where(Network.slug == target_slug)):
        raise Conflict(f"a network called '{target_slug}' exists already")
    with refused_by_database(db), db.begin_nested(), bulk_cache(db):
        network = Network(
            slug=target_slug,
            name=net_in.name,
            description=net_in.description,
            attribution=net_in.attribution,
            fairness_weight=net_in.fairness_weight,
            data_version=1,
        )
        _apply_settings(network, parsed["settings"][0])
        db.add(network)
        db.flush()
        ctx = Importing(db, network.id, now(), numbered=_named(parsed))
        for section in SECTIONS:  # parents before the rows that name them
            load_rows(section, Batch(parsed[section.name]), ctx)
    return network


_DEFAULT_SETTINGS = {
    "purpose": "",
    "visibility": "public",
    "join_policy": "approval",
    "welcome_text": "",
    "default_privacy": {},
}


def _settings_record(network: Network) -> dict[str, Any]:
    """A network's settings as the bundle carries them (the logo stays out: it is a file)."""
    return {
        "purpose": network.purpose,
        "visibility": network.visibility,
        "join_policy": network.join_policy,
        "welcome_text": network.welcome_text,
        "default_privacy": dict(sorted((network.default_privacy or {}).items())),
    }


def _apply_settings(network: Network, settings: NetworkSettingsPatch | None) -> None:
    if settings is None:
        return
    network.purpose = settings.purpose or ""
    network.welcome_text = settings.welcome_text or ""
    if settings.visibility is not None:
        network.visibility = settings.visibility.value
    if settings.join_policy is not None:
        network.join_policy = settings.join_policy.value
    network.default_privacy = {k: v.value for k, v in (settings.default_privacy or {}).items()}
