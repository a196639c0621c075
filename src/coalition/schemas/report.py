"""A conversation's report: what the data says, each sentence with the statements and figures
it rests on."""

from __future__ import annotations

from datetime import date

from .common import OutModel


class Sentence(OutModel):
    """One sentence of the report; ``cites`` are the ids of the statements it rests on and
    ``figures`` the numbers in it, by name."""

    text: str
    cites: list[int]
    figures: dict[str, float]


class Bar(OutModel):
    group: int
    agree: float
    disagree: float
    seen: int


class ReportStatement(OutModel):
    id: int
    external_id: int
    text: str
    agree: float
    disagree: float
    seen: int
    bars: list[Bar]


class PeriodOut(OutModel):
    start: date
    end: date
    new: int
    total: int


class GroupReport(OutModel):
    id: int
    n_members: int
    sentences: list[Sentence]
    statements: list[ReportStatement]


class DivisiveOut(OutModel):
    statement: ReportStatement
    divisiveness: float
    sentence: Sentence


class TopicOut(OutModel):
    terms: list[str]
    statement_ids: list[int]
    sentence: Sentence


class ReportOut(OutModel):
    conversation_id: int
    network_slug: str
    topic: str
    description: str
    data_version: int
    n_participants: int
    n_voters: int
    n_votes: int
    n_statements: int
    participation: list[Sentence]
    timeline: list[PeriodOut]
    groups: list[GroupReport]
    consensus: list[ReportStatement]
    consensus_sentences: list[Sentence]
    divisive: list[DivisiveOut]
    topics: list[TopicOut]
    attribution: str
