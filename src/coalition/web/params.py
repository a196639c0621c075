"""Parameter types shared by every route, API and pages: ids and counts bounded at the edge.

An id beyond the database's integer (``MAX_ID``) names no row; refusing it here answers 422
with a message instead of letting the driver fail on it (a 500). The limits themselves are
declared once, in schemas/common.py.
"""

from __future__ import annotations

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
