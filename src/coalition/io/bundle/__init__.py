"""A whole network as one JSON document: the backup, migration and demo format.

One section per table, declared once (:mod:`.directory`, :mod:`.formation`, :mod:`.areas`);
export, checks and import are derived from the declarations (:mod:`.core`), rows are written
in bulk (:mod:`.bulk`) and :mod:`.document` holds the document's order and its entry points.
Services call these (``services.portability``); routes and the CLI call the services.

A new table is one entry: a :class:`~.core.Section` (its model, its fields with their types
and columns, the references they hold, what a share leaves out, its rules) in the area's
module, placed in :data:`~.document.SECTIONS` after every section it names (or nested in its
parent with :func:`~.core.nested`). Its rows are then exported, checked and imported.
"""

from .core import BundleProblem
from .directory import PRIVACY, PRIVACY_DEFAULTS, PRIVATE_NAME
from .document import (
    FORMAT,
    SECTIONS,
    VERSION,
    check_bundle,
    export_bundle,
    import_bundle,
    read_document,
)

__all__ = [
    "FORMAT",
    "PRIVACY",
    "PRIVACY_DEFAULTS",
    "PRIVATE_NAME",
    "SECTIONS",
    "VERSION",
    "BundleProblem",
    "check_bundle",
    "export_bundle",
    "import_bundle",
    "read_document",
]
