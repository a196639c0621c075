"""Errors the services raise; the web layer maps each to one HTTP status."""

from __future__ import annotations


class CoalitionError(Exception):
    status = 400

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(CoalitionError):
    status = 404


class Conflict(CoalitionError):
    status = 409


class Forbidden(CoalitionError):
    status = 403


class Unauthorized(CoalitionError):
    status = 401


class Gone(CoalitionError):
    status = 410


class Invalid(CoalitionError):
    """Input that parses but breaks a rule of the domain (422), with the field it concerns
    and, where the refusal has one, a machine-readable ``code``."""

    status = 422

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        details: object = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.field = field
        self.code = code
