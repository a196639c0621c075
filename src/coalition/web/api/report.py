"""A conversation's report (JSON, Markdown, PDF): for whoever may see its results."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response

from ...io.report import report_markdown, report_pdf
from ...schemas.report import ReportOut
from ...services.conversation_report import build_report
from ..deps import DB, CommitFirstRoute, CurrentCaller
from ..params import PathId

router = APIRouter(tags=["deliberation"], route_class=CommitFirstRoute)


def markdown_response(text: str, conversation_id: int) -> PlainTextResponse:
    return PlainTextResponse(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'inline; filename="report-{conversation_id}.md"'},
    )


def pdf_response(data: bytes, conversation_id: int) -> Response:
    return Response(
        data,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="report-{conversation_id}.pdf"'},
    )


@router.get("/api/conversations/{conversation_id}/report")
def report(conversation_id: PathId, db: DB, caller: CurrentCaller) -> ReportOut:
    """Who took part over time, the opinion groups, common ground, where the groups differ and
    the topics; every sentence with the statements (ids) and figures it rests on."""
    return build_report(db, caller, conversation_id)


@router.get("/api/conversations/{conversation_id}/report.md", response_class=PlainTextResponse)
def report_md(conversation_id: PathId, db: DB, caller: CurrentCaller) -> PlainTextResponse:
    return markdown_response(
        report_markdown(build_report(db, caller, conversation_id)), conversation_id
    )


@router.get(
    "/api/conversations/{conversation_id}/report.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def report_pdf_file(conversation_id: PathId, db: DB, caller: CurrentCaller) -> Response:
    return pdf_response(report_pdf(build_report(db, caller, conversation_id)), conversation_id)
