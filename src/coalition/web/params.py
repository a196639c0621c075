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
