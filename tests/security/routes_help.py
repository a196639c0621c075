"""Route-matrix entries of help and the site's furniture (web/pages/help.py): the glossary,
the favicon and the manifest are for everyone; a newcomer's next steps need an account."""

from __future__ import annotations

from .route_matrix import ROUTES, Rule, expect

ROUTES.update(
    {
        "GET /help/glossary": Rule(expect("2xx")),
        "GET /welcome": Rule(expect("2xx", anonymous="3xx")),
        "GET /favicon.ico": Rule(expect("2xx")),
        "GET /manifest.webmanifest": Rule(expect("2xx")),
    }
)
