"""Pickers: search by name instead of typing an id (services/pickers.py does the finding).

One route, ``GET /n/{slug}/pick/{kind}?q=…&field=…&back=…``. Asked by htmx (the search box of
the ``picker`` macro in templates/_picker.html, as the person types) it answers the list of
results alone; asked by a browser without script (the macro's search button submits a plain
GET form) it answers a whole page with the same list. Each result is a link back to the page
of the form (``back``) with ``pick_<field>=<id>`` added, which the macro reads to fill its id
field; with script, picker.js fills the field in place instead of following the link.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...domain import PickKind
from ...errors import Invalid
from ...i18n import _
from ...services import pickers as service
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render, to_login

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)

#: A picker's name on its page (the id of its id field): letters, digits and dashes.
FIELD = r"^[a-z][a-z0-9-]{0,40}$"
#: Where a choice goes back to: a path of this site (never another site, never "//host").
_LOCAL = re.compile(r"^/(?![/\\])[^\s#]{0,500}$")
BACK_MAX = 500


def back_link(back: str, field: str, pick_id: int) -> str:
    """``back`` with this choice added to its query, and the picker as its fragment.

    >>> back_link("/initiatives/4/invitations", "inv-actor", 12)
    '/initiatives/4/invitations?pick_inv-actor=12#inv-actor-picker'
    >>> back_link("/x?pick_a=1", "a", 2)
    '/x?pick_a=1&pick_a=2#a-picker'
    """
    joiner = "&" if "?" in back else "?"
    return f"{back}{joiner}{urlencode({f'pick_{field}': pick_id})}#{field}-picker"


def _checked_back(back: str) -> str:
    if back and not _LOCAL.match(back):
        raise Invalid(_("back: give a path of this site, such as /networks"), field="back")
    return back


@router.get("/n/{slug}/pick/{kind}", response_class=HTMLResponse)
def pick(
    request: Request,
    slug: str,
    kind: PickKind,
    db: DB,
    caller: CurrentCaller,
    q: Annotated[str, Query(max_length=service.QUERY_MAX)] = "",
    field: Annotated[str, Query(pattern=FIELD)] = "pick",
    back: Annotated[str, Query(max_length=BACK_MAX)] = "",
    multiple: Annotated[bool, Query()] = False,
) -> Response:
    """The results of a search by name: a fragment for htmx, a page without script."""
    if not caller.authenticated:
        return to_login(request)
    network = service.picker_network(db, caller, slug, kind)
    back = _checked_back(back) or f"/n/{network.slug}"
    words = service.clean_query(q)
    picks = service.search(db, caller, network, kind, words)
    context = {
        "network": network,
        "kind": kind.value,
        "q": words,
        "field": field,
        "back": back,
        "multiple": multiple,
        "results": [(p, back_link(back, field, p.id)) for p in picks],
        "limit": service.PICK_LIMIT,
    }
    partial = request.headers.get("hx-request") == "true"
    if partial and not request.headers.get("hx-history-restore-request"):
        return render(request, "pickers/_results.html", context)
    return render(request, "pickers/page.html", context)
