"""Parameter types shared by every route, API and pages: ids and counts bounded at the edge.

An id beyond the database's integer (``MAX_ID``) names no row; refusing it here answers 422
with a message instead of letting the driver fail on it (a 500). The limits themselves are
declared once, in schemas/common.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Form, Path, Query

from ..schemas.common import MAX_COUNT, MAX_ID

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
FormId = Annotated[int, Form(ge=1, le=MAX_ID)]
#: A random seed, an offset or a page number given in the query string.
QueryCount = Annotated[int, Query(ge=0, le=MAX_COUNT)]

__all__ = ["FormId", "MAX_ID", "PathId", "QueryCount", "QueryId"]


def form_int(text: str) -> int | str:
    """A whole number typed in a form field, or the text unchanged for the model to refuse by
    the field's name. Only ASCII digits count: ``str.isdigit`` also accepts "²", on which
    ``int`` fails, and a number of thousands of digits fails ``int`` too."""
    value = text.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 40 else value


def form_id(text: str) -> int | None:
    """An optional id typed in a form field: None when left empty or not a whole number."""
    value = form_int(text)
    return value if isinstance(value, int) else None


def custom_filters(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The ``field.<key>=value`` pairs of a query string (custom profile fields), checked by
    the search model (at most ten, keys and values of bounded length): a 422, never a 500."""
    from pydantic import ValidationError

    from ..errors import Invalid
    from ..schemas.directory import ActorSearch

    found = {k[6:]: v for k, v in items if k.startswith("field.") and v.strip()}
    if not found:
        return {}
    try:
        return ActorSearch.model_validate({"fields": found}).fields
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"{where}: {first['msg']}", field="fields") from None
