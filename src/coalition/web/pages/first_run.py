"""The first-run page of a fresh install: shown while the database has no account; it creates
the first steward's account and the first network, signs them in, and is gone after."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError

from ...errors import CoalitionError, NotFound
from ...i18n import _
from ...schemas.first_run import FirstRunIn
from ...services import accounts
from ...services.first_run import first_run, is_fresh
from ..deps import DB, CommitFirstRoute
from ..extensions.security import SESSION_COOKIE, set_session_cookie
from ..kit import problems, render, see_other

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


class FirstRunForm(BaseModel):
    """The first steward and the first network, as typed."""

    email: str = Field("", max_length=400)
    display_name: str = Field("", max_length=400)
    password: str = Field("", max_length=400)
    slug: str = Field("", max_length=200)
    name: str = Field("", max_length=400)
    purpose: str = Field("", max_length=6000)
    visibility: str = Field("public", max_length=40)
    join_policy: str = Field("approval", max_length=40)


def _page(request: Request, form: dict[str, str], errors: list[str], status: int) -> Response:
    context = {"form": form, "errors": errors, "caller": None}
    return render(request, "first_run.html", context, status)


@router.get("/first-run", response_class=HTMLResponse)
def first_run_page(request: Request, db: DB) -> Response:
    if not is_fresh(db):
        raise NotFound(_("this server is set up already: sign in instead"))
    return _page(request, {}, [], 200)


@router.post("/first-run", response_class=HTMLResponse)
def first_run_submit(
    request: Request,
    db: DB,
    typed: Annotated[FirstRunForm, Form()],
) -> Response:
    if not is_fresh(db):
        raise NotFound(_("this server is set up already: sign in instead"))
    form = {
        name: value.strip() if name not in ("visibility", "join_policy") else value
        for name, value in typed.model_dump(exclude={"password"}).items()
    }
    try:
        data = FirstRunIn.model_validate({**form, "password": typed.password})
        account, network = first_run(db, data)
    except ValidationError as exc:
        db.rollback()
        return _page(request, form, problems(exc), 422)
    except CoalitionError as exc:
        db.rollback()
        return _page(request, form, [exc.message], exc.status)
    response = see_other(f"/n/{network.slug}/settings")
    accounts.end_session(db, request.cookies.get(SESSION_COOKIE))
    set_session_cookie(response, request, accounts.start_session(db, account))
    return response
