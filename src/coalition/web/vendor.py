"""Copy the front-end packages installed by npm into static/vendor (run by ``make setup``).

The pages load only these copies: nothing from a CDN, nothing pasted into the repository.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

STATIC = Path(__file__).parent / "static" / "vendor"
FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "sigma.min.js": "sigma/dist/sigma.min.js",
    "graphology.umd.min.js": "graphology/dist/graphology.umd.min.js",
    # The API docs at /docs (web/app.py, templates/docs.html, static/docs.js).
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}


def vendor(node_modules: Path) -> list[str]:
    """Copy each file of FILES from ``node_modules``; return the names of those missing."""
    STATIC.mkdir(parents=True, exist_ok=True)
    missing = []
    for target, source in FILES.items():
        path = node_modules / source
        if not path.exists():
            missing.append(source)
            continue
        shutil.copyfile(path, STATIC / target)
    return missing


def main() -> int:
    root = Path.cwd() / "node_modules"
    missing = vendor(root)
    if missing:
        print(f"missing front-end files (run npm install): {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
