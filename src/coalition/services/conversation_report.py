"""A conversation's report, to hand on: who took part over time, each opinion group by its most
representative statements, the consensus, the statements the groups split on, and the topics
of the statements.

Everything is read from the conversation's data and its analysis (the same cached results the
opinion map shows); every sentence carries the statements it cites (by id; the text shows
their number in the conversation, ``#n``) and the figures it states, so a reader can check
each claim. Whoever may see the conversation's results may see its report. Participants are
counted, never named: no account, actor or external id appears in it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..engines.common_ground import Moderation
from ..engines.common_ground.report import (
    divisiveness,
    most_divisive,
    participation_over_time,
    statement_topics,
)
from ..formatting import date as format_date
from ..formatting import number, percent
from ..i18n import _, ngettext
from ..schemas.deliberation import ResultsOut, StatementResult
from ..schemas.report import (
    Bar,
    DivisiveOut,
    GroupReport,
    PeriodOut,
    ReportOut,
    ReportStatement,
    Sentence,
    TopicOut,
)
from ..store.tables_deliberation import Vote
from .access import Caller
from .conversation_analysis import charter_statements, results
from .conversations import get_conversation

MAX_DIVISIVE = 5
DIVISIVE_THRESHOLD = 0.5
MIN_SEEN = 3


def pct(share: float) -> str:
    """A share as a whole percentage, the way every sentence of the report writes it, in the
    reader's locale: "33%" (en), "33 %" (es, fr)."""
    return percent(share)


def _day(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date()


def _tallies(db: Session, conversation_id: int) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = {}
    for sid, value, n in db.execute(
        select(Vote.statement_id, Vote.value, func.count())
        .where(Vote.conversation_id == conversation_id)
        .group_by(Vote.statement_id, Vote.value)
    ):
        out.setdefault(int(sid), {})[int(value)] = int(n)
    return out


def _statement(s: StatementResult, tallies: dict[int, dict[int, int]]) -> ReportStatement:
    t = tallies.get(s.id, {})
    seen = sum(t.values())
    return ReportStatement(
        id=s.id,
        external_id=s.external_id,
        text=s.text,
        agree=round(t.get(1, 0) / seen, 4) if seen else 0.0,
        disagree=round(t.get(-1, 0) / seen, 4) if seen else 0.0,
        seen=seen,
        bars=[
            Bar(group=g.group, agree=g.agree, disagree=g.disagree, seen=g.seen) for g in s.groups
        ],
    )


def _participation(db: Session, conversation_id: int) -> tuple[list[Sentence], list[PeriodOut]]:
    firsts = [
        int(ms)
        for ms in db.scalars(
            select(func.min(Vote.ts_ms))
            .where(Vote.conversation_id == conversation_id)
            .group_by(Vote.participant_id)
        )
    ]
    n_votes = int(
        db.scalar(select(func.count()).where(Vote.conversation_id == conversation_id)) or 0
    )
    points = participation_over_time(firsts)
    timeline = [
        PeriodOut(start=_day(p.start_ms), end=_day(p.end_ms), new=p.new, total=p.total)
        for p in points
    ]
    if not points:
        return [Sentence(text=_("Nobody has voted yet."), cites=[], figures={"voters": 0})], []
    first, last = _day(min(firsts)), _day(max(firsts))
    sentences = [
        Sentence(
            text=ngettext(
                "%(num)s person cast %(votes)s; the first joined on %(first)s, the last on "
                "%(last)s.",
                "%(num)s people cast %(votes)s; the first joined on %(first)s, the last on "
                "%(last)s.",
                len(firsts),
            )
            % {
                "num": number(len(firsts)),
                "votes": ngettext("%(num)s vote", "%(num)s votes", n_votes)
                % {"num": number(n_votes)},
                "first": format_date(first),
                "last": format_date(last),
            },
            cites=[],
            figures={"voters": len(firsts), "votes": n_votes},
        )
    ]
    busiest = max(points, key=lambda p: (p.new, -p.start_ms))
    if len(points) > 1:
        sentences.append(
            Sentence(
                text=_("Most people joined in the period from %(start)s: %(new)s of them.")
                % {"start": format_date(_day(busiest.start_ms)), "new": number(busiest.new)},
                cites=[],
                figures={"new": busiest.new},
            )
        )
    return sentences, timeline


def _others(s: StatementResult, group: int, side: str) -> tuple[float, int]:
    """The share of the other groups' voters on ``s`` who voted ``side``, and how many saw it."""
    seen = sum(g.seen for g in s.groups if g.group != group)
    hits = sum(round(getattr(g, side) * g.seen) for g in s.groups if g.group != group)
    return (round(hits / seen, 4) if seen else 0.0), seen


def _groups(res: ResultsOut, tallies: dict[int, dict[int, int]]) -> list[GroupReport]:
    by_id = {s.id: s for s in res.statements}
    grouped = sum(g.n_members for g in res.groups)
    out = []
    for grp in res.groups:
        sentences = [
            Sentence(
                text=_("Group %(g)s has %(n)s participants, %(share)s of those grouped.")
                % {"g": grp.id + 1, "n": grp.n_members, "share": pct(grp.n_members / grouped)},
                cites=[],
                figures={"members": grp.n_members, "share": round(grp.n_members / grouped, 4)},
            )
        ]
        statements = []
        for r in grp.representative:
            s = by_id[r.statement_id]
            share = r.agree if r.repful == "agree" else r.disagree
            others, seen = _others(s, grp.id, r.repful)
            template = (
                _(
                    "%(share)s of group %(g)s agreed with #%(n)s, "
                    "against %(others)s of the other groups."
                )
                if r.repful == "agree"
                else _(
                    "%(share)s of group %(g)s disagreed with #%(n)s, "
                    "against %(others)s of the other groups."
                )
            )
            sentences.append(
                Sentence(
                    text=template
                    % {
                        "share": pct(share),
                        "g": grp.id + 1,
                        "n": s.external_id,
                        "others": pct(others),
                    },
                    cites=[s.id],
                    figures={"group_share": share, "others_share": others, "others_seen": seen},
                )
            )
            statements.append(_statement(s, tallies))
        out.append(
            GroupReport(
                id=grp.id, n_members=grp.n_members, sentences=sentences, statements=statements
            )
        )
    return out


def _consensus(
    res: ResultsOut, tallies: dict[int, dict[int, int]]
) -> tuple[list[ReportStatement], list[Sentence]]:
    chosen = charter_statements(res)
    if not chosen:
        return [], [
            Sentence(
                text=_("No statement is agreed across every group yet."),
                cites=[],
                figures={"consensus": 0},
            )
        ]
    sentences = []
    for s in chosen:
        shares = [g.agree for g in s.groups if g.seen > 0] or [0.0]
        lo, hi = min(shares), max(shares)
        sentences.append(
            Sentence(
                text=_("Every group agreed with #%(n)s: from %(lo)s to %(hi)s of each group.")
                % {"n": s.external_id, "lo": pct(lo), "hi": pct(hi)},
                cites=[s.id],
                figures={"lowest_agree": lo, "highest_agree": hi},
            )
        )
    return [_statement(s, tallies) for s in chosen], sentences


def _voted_on(res: ResultsOut) -> list[StatementResult]:
    """The statements that speak to the question: not moderated out, not meta."""
    return [s for s in res.statements if s.moderation != int(Moderation.out) and not s.is_meta]


def _divisive(res: ResultsOut, tallies: dict[int, dict[int, int]]) -> list[DivisiveOut]:
    pool = _voted_on(res)
    if res.k < 2 or not pool:
        return []
    shape = (res.k, len(pool))
    agree, disagree, seen = np.zeros(shape), np.zeros(shape), np.zeros(shape, dtype=np.int64)
    for j, s in enumerate(pool):
        for g in s.groups:
            agree[g.group, j], disagree[g.group, j], seen[g.group, j] = g.agree, g.disagree, g.seen
    scores = divisiveness(agree, disagree, seen, min_seen=MIN_SEEN)
    out = []
    for j in most_divisive(scores, limit=MAX_DIVISIVE, threshold=DIVISIVE_THRESHOLD):
        s = pool[j]
        parts = "; ".join(
            _("group %(g)s: %(a)s agree, %(d)s disagree")
            % {"g": g.group + 1, "a": pct(g.agree), "d": pct(g.disagree)}
            for g in s.groups
            if g.seen >= MIN_SEEN
        )
        spread = round(float(scores[j]), 4)
        figures = {f"group_{g.group + 1}_agree": g.agree for g in s.groups if g.seen >= MIN_SEEN}
        figures |= {
            f"group_{g.group + 1}_disagree": g.disagree for g in s.groups if g.seen >= MIN_SEEN
        }
        figures["spread"] = spread
        sentence = Sentence(
            text=_("The groups split on #%(n)s (%(parts)s).")
            % {"n": s.external_id, "parts": parts},
            cites=[s.id],
            figures=figures,
        )
        out.append(
            DivisiveOut(statement=_statement(s, tallies), divisiveness=spread, sentence=sentence)
        )
    return out


def _topics(res: ResultsOut) -> list[TopicOut]:
    pool = _voted_on(res)
    out = []
    for topic in statement_topics([s.text for s in pool]):
        members = [pool[i] for i in topic.members]
        ids = ", ".join(f"#{s.external_id}" for s in members)
        if topic.terms:
            text = ngettext(
                "%(n)s statement speaks of %(terms)s: %(ids)s.",
                "%(n)s statements speak of %(terms)s: %(ids)s.",
                len(members),
            ) % {
                "n": number(len(members)),
                "terms": ", ".join(topic.terms),
                "ids": ids,
            }
        else:
            text = ngettext(
                "%(n)s statement shares no distinctive words: %(ids)s.",
                "%(n)s statements share no distinctive words: %(ids)s.",
                len(members),
            ) % {
                "n": number(len(members)),
                "ids": ids,
            }
        out.append(
            TopicOut(
                terms=list(topic.terms),
                statement_ids=[s.id for s in members],
                sentence=Sentence(
                    text=text, cites=[s.id for s in members], figures={"statements": len(members)}
                ),
            )
        )
    return out


def build_report(db: Session, caller: Caller, conversation_id: int) -> ReportOut:
    """The report of a conversation, for whoever may see its results."""
    conv = get_conversation(db, caller, conversation_id)
    res = results(db, caller, conversation_id)
    tallies = _tallies(db, conv.id)
    participation, timeline = _participation(db, conv.id)
    consensus, consensus_sentences = _consensus(res, tallies)
    return ReportOut(
        conversation_id=conv.id,
        network_slug=conv.network_slug,
        topic=conv.topic,
        description=conv.description,
        data_version=conv.data_version,
        n_participants=conv.n_participants,
        n_voters=int(participation[0].figures.get("voters", 0)),
        n_votes=conv.n_votes,
        n_statements=conv.n_statements,
        participation=participation,
        timeline=timeline,
        groups=_groups(res, tallies),
        consensus=consensus,
        consensus_sentences=consensus_sentences,
        divisive=_divisive(res, tallies),
        topics=_topics(res),
        attribution=conv.attribution,
    )
