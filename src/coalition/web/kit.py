"""The pages' kit, in one place: render a template, redirect after a form (303), send a
visitor to sign in, and turn a form model's complaints into sentences or a 422 naming the
field. Every module under ``web/pages`` uses these instead of its own copies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import CoalitionError, Invalid
from ..services.access import Caller
from .messages import sentence, sentences

M = TypeVar("M", bound=BaseModel)

#: The configuration of a page's form model, a subclass of the API's strict input model read
#: from a form or a query string (``Annotated[ThingForm, Form()]``): the text is parsed (numbers,
#: dates), a field left empty takes its default, and the CSRF token and other names are
#: ignored; everything else (bounds, validators) is the API model's own.
FORM = ConfigDict(strict=False, extra="ignore")

__all__ = [
    "FORM",
    "act",
    "problems",
    "render",
    "see_other",
    "settings_act",
    "settings_visitor",
    "signed_out",
    "to_login",
    "validated",
]


def render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> Response:
    """The page ``template`` with ``context`` (the app's Jinja templates), answered ``status``."""
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, dict(context), status_code=status)


def see_other(url: str) -> RedirectResponse:
    """After a form: go (GET) to ``url``."""
    return RedirectResponse(url, status_code=303)


def to_login(request: Request) -> RedirectResponse:
    """To the sign-in page, coming back here afterwards."""
    return see_other(f"/login?next={request.url.path}")


def signed_out(request: Request, caller: Caller) -> Response | None:
    """The way to sign in when nobody is signed in; None when someone is."""
    return None if caller.authenticated else to_login(request)


def settings_visitor(caller: Caller, page: str) -> Response | None:
    """A network's settings page (``page``, its URL) sends a visitor who is not signed in, and
    not the system, to sign in and come back to it; None for everyone else."""
    if caller.account_id is None and not caller.system:
        return see_other(f"/login?next={page}")
    return None


def problems(exc: ValidationError) -> list[str]:
    """Every complaint of a form's model, as sentences for the page."""
    return sentences(exc.errors(include_url=False))


def validated(model: type[M], data: Mapping[str, Any]) -> M:
    """Validate a form with its strict model; the first problem becomes a 422 naming the
    field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise Invalid(sentence(first), field=field) from None


def act(
    db: Any,
    action: Callable[[], Any],
    success: str | Callable[[Any], str],
    page: Callable[[list[str], int], Response],
) -> Response:
    """One service call for a form: on success go to ``success`` (a URL, or one made from the
    call's result); a refusal rolls back and shows ``page(errors, status)`` again with why."""
    try:
        result = action()
    except ValidationError as exc:
        db.rollback()
        return page(problems(exc), 422)
    except CoalitionError as exc:
        db.rollback()
        return page([exc.message], exc.status)
    return see_other(success if isinstance(success, str) else success(result))


def settings_act(
    db: Any,
    action: Callable[[], str],
    page: Callable[..., Response],
    errors_of: Callable[[ValidationError], list[str]] = problems,
    **typed: Any,
) -> Response:
    """A steward's form on a page of a network's settings: ``page(200, notice=…)`` with the
    notice ``action()`` returns; a refusal rolls back and shows ``page(status, errors=…,
    **typed)`` (``typed``: the form as sent, to fill in again). Not signed in or not allowed
    (401, 403) goes up as the error."""
    try:
        notice = action()
    except ValidationError as exc:
        errors = errors_of(exc)
        db.rollback()
        return page(422, errors=errors, **typed)
    except CoalitionError as exc:
        if exc.status in (401, 403):
            raise
        db.rollback()
        return page(exc.status, errors=[exc.message], **typed)
    return page(200, notice=notice)
