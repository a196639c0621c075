"""A whole network in and out as one bundle: who may export a share or a full backup, and load one.

The bundle's format, checks and bulk writing live in :mod:`coalition.io.bundle`; the API, the
pages and the CLI call these functions, so each rule of access is written once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..io.bundle import export_bundle as _export
from ..io.bundle import import_bundle as _import
from ..store.tables import Network
from .access import Caller, require_operator, require_role
from .networks import get_network


def export_bundle(
    db: Session, caller: Caller, slug: str, *, include_private: bool = False
) -> dict[str, Any]:
    """The network ``slug`` as a bundle, for one of its members.

    A share (the default) holds only what every member may read; ``include_private`` (a full
    backup with private fields) is the server's operator's alone: members chose who sees their
    private fields, and a steward is not among them by right.
    """
    network = get_network(db, caller, slug, public_ok=False)
    require_role(caller, network, "member")
    if include_private:
        require_operator(caller)
    return _export(db, network, include_private=include_private)


def import_bundle(db: Session, caller: Caller, data: Any, *, slug: str | None = None) -> Network:
    """Load a bundle as a new network (under ``slug`` if given): all or nothing, operator only.

    Raises ``Invalid`` with every problem of the bundle, or ``Conflict`` if the network exists.
    """
    require_operator(caller)
    return _import(db, data, slug=slug)
