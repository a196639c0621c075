"""The report page of a conversation, and its Markdown and PDF downloads (same as the API's)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from ...io.report import report_markdown, report_pdf
from ...services.conversation_report import build_report
from ..api.report import markdown_response, pdf_response
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..kit import render
from ..params import PathId
from .deliberation import PALETTE

router = APIRouter(include_in_schema=False, route_class=CommitFirstRoute)


class ReportQuery(BaseModel):
    """The report's format: the page, Markdown or PDF."""

    format: Literal["html", "md", "pdf"] = "html"


@router.get("/conversations/{conversation_id}/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    conversation_id: PathId,
    db: DB,
    caller: CurrentCaller,
    query: Annotated[ReportQuery, Query()],
) -> Response:
    format = query.format
    rep = build_report(db, caller, conversation_id)
    if format == "md":
        return markdown_response(report_markdown(rep), conversation_id)
    if format == "pdf":
        return pdf_response(report_pdf(rep), conversation_id)
    peak = max((p.new for p in rep.timeline), default=0)
    return render(
        request,
        "deliberation/report.html",
        {"report": rep, "palette": PALETTE, "peak": peak},
    )


@router.get("/conversations/{conversation_id}/report.md")
def report_md_page(conversation_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return markdown_response(
        report_markdown(build_report(db, caller, conversation_id)), conversation_id
    )


@router.get("/conversations/{conversation_id}/report.pdf")
def report_pdf_page(conversation_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return pdf_response(report_pdf(build_report(db, caller, conversation_id)), conversation_id)
