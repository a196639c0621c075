"""Make /openapi.json describe the error bodies the app really sends.

FastAPI documents every 422 as ``{"detail": [{"loc", "msg", "type"}]}``; web/errors.py answers
``{"detail": [{"field", "message", "type"}]}`` for malformed input and
``{"detail": "...", "field": "..."}`` for input that breaks a rule of the domain. Clients (and
schemathesis) read the schema, so the schema says what is sent.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM = {
    "title": "ValidationError",
    "type": "object",
    "properties": {
        "field": {"type": "string"},
        "message": {"type": "string"},
        "type": {"type": "string"},
    },
    "required": ["field", "message", "type"],
}
INVALID = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
            ]
        },
        "field": {"type": "string"},
        "problems": {},
    },
    "required": ["detail"],
}


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "HTTPValidationError" in components:
            components["HTTPValidationError"] = INVALID
            components["ValidationError"] = PROBLEM
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
