"""The JSON bundle's former module: the bundle is now the package :mod:`coalition.io.bundle`.

Kept so that existing imports keep working; new code calls ``services.portability`` (or the
package itself, inside ``io``).
"""

from .bundle import (
    FORMAT,
    PRIVACY,
    PRIVACY_DEFAULTS,
    PRIVATE_NAME,
    VERSION,
    BundleProblem,
    check_bundle,
    export_bundle,
    import_bundle,
)

__all__ = [
    "FORMAT",
    "PRIVACY",
    "PRIVACY_DEFAULTS",
    "PRIVATE_NAME",
    "VERSION",
    "BundleProblem",
    "check_bundle",
    "export_bundle",
    "import_bundle",
]
