"""What a picker (templates/_picker.html) starts with: a Jinja global, ``picker_state``.

A form's id field starts with the value its page gives it, and with what a person chose on the
picker's page without script (``pick_<field>=<id>`` in the query, see web/pages/pickers.py);
beside it the names of those ids are shown, read with the request's own session and caller
through services/pickers.py, so a name the caller may not read is never shown (its id is
dropped). Pages whose query has no choice and whose field is empty read nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from jinja2 import pass_context
from jinja2.runtime import Context

from ...domain import PickKind
from ...errors import CoalitionError
from ...services import pickers
from ...services.access import Caller

log = logging.getLogger("coalition.pickers")


@dataclass(frozen=True)
class PickerState:
    """The id field's value, and the picks it names (in order)."""

    value: str
    chosen: list[pickers.Pick] = field(default_factory=list)


def _ids(texts: list[str]) -> list[int]:
    """The whole numbers among ``texts`` (ASCII digits only).

    >>> _ids(["12", " 40 ", "x", "²", ""])
    [12, 40]
    """
    out = []
    for text in texts:
        value = text.strip()
        if value.isascii() and value.isdigit() and len(value) <= pickers.ID_DIGITS:
            out.append(int(value))
    return out


@pass_context
def picker_state(
    context: Context,
    request: Request,
    kind: str,
    slug: str,
    key: str,
    value: Any = "",
    multiple: bool = False,
) -> PickerState:
    """The start of the picker ``key`` on this page: ``value`` with the query's choices (added
    to it when the field takes several ids, else the last choice replaces it). The caller is
    the page's (``caller`` in its context), else the request's."""
    given = [t for t in str(value or "").split(",") if t.strip()] if multiple else [str(value)]
    chosen = _ids(request.query_params.getlist(f"pick_{key}"))[: pickers.PICKED_MAX]
    start = _ids(given)
    ids = list(dict.fromkeys([*start, *chosen])) if multiple else (chosen[-1:] or start)
    caller = context.get("caller")
    if not isinstance(caller, Caller):
        caller = getattr(request.state, "caller", None)
    db = getattr(request.state, "db", None)
    if not ids or caller is None or db is None or not caller.authenticated:
        return PickerState(str(value or ""))
    try:
        network = pickers.picker_network(db, caller, slug, PickKind(kind))
        names = pickers.picked(db, caller, network, PickKind(kind), ids)
    except CoalitionError as exc:  # not theirs to pick from: the field as the page gave it
        log.info("picker %s: %s", key, type(exc).__name__)
        return PickerState(str(value or ""))
    readable = {p.id for p in names}
    # A chosen id the caller may not pick is dropped; ids the page itself gave are kept.
    kept = [i for i in ids if i in start or i in readable]
    return PickerState(", ".join(str(i) for i in kept), names)


def install(app: FastAPI) -> None:
    app.state.templates.env.globals["picker_state"] = picker_state
