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


#: The refusals any operation may answer (web/errors.py, web/input_guard.py, the security
#: extension), each with the same error body: a message, or the list of fields at fault.
ERRORS = {
    "400": "Malformed request",
    "401": "Sign in first (or a valid API token)",
    "403": "Not allowed for this caller, or a cross-site request",
    "404": "Not found, or not visible to this caller",
    "409": "Conflicts with the current state",
    "413": "Request body too large",
    "422": "Invalid input: the fields at fault, each with a message",
    "429": "Too many attempts; retry later",
    "503": "Busy; retry after the time given in Retry-After",
}


def _document_errors(schema: dict[str, Any]) -> None:
    ref = {"$ref": "#/components/schemas/HTTPValidationError"}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["HTTPValidationError"] = INVALID
        components["ValidationError"] = PROBLEM
        _document_errors(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
