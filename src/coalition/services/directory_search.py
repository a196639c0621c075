"""Free-text search of the directory, ranked by relevance, on each database's own path.

- **PostgreSQL**: the words match names and headlines as substrings (``lower(column) LIKE``,
  served by pg_trgm's trigram GIN indexes) or the purposes and bio as words (full-text,
  ``@@ plainto_tsquery`` on a stored tsvector column with a GIN index; words shorter than
  three letters match names and headlines only, ordered by name); the rank puts the words
  first found in the name (ordered by pg_trgm's ``similarity``), then in the
  headline, then in the purposes and bio, each by ``ts_rank``; similarity is computed for the
  rows whose name matches only (measured: computing it for every match tripled the time of
  a common word at 100,000 actors). Without pg_trgm (migration 0018 could not create it) the
  match is the same without the trigram indexes, and names are not ordered by similarity.
- **SQLite**: the same substring match on all four columns, ranked by where the words occur
  (name first, then name anywhere, headline, purposes and bio).

The indexed expressions are named once in :mod:`coalition.store.search_indexes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Float,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    text,
)
from sqlalchemy.orm import Session

from ..store.search_indexes import FULL_TEXT_COLUMN, TS_CONFIG
from ..store.tables import Actor

#: Shorter words match names and headlines only (no trigram, no word of the full text).
MIN_WORD = 3
# Whether pg_trgm is installed, per database URL (it does not change while a process runs).
_TRIGRAM: dict[str, bool] = {}


@dataclass(frozen=True)
class TextMatch:
    """The ``where`` clause of a free-text search and the rank to order by (descending; None:
    by name)."""

    where: ColumnElement[bool]
    rank: ColumnElement[float] | None


def _has_trigram(db: Session) -> bool:
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    key = engine.url.render_as_string(hide_password=True)
    if key not in _TRIGRAM:
        found = db.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
        _TRIGRAM[key] = found is not None
    return _TRIGRAM[key]


def text_match(db: Session, words: str) -> TextMatch:
    """The match and rank of ``words`` in the directory, for the session's database."""
    lowered = words.lower()
    # The words are matched literally: LIKE's wildcards in them are escaped.
    literal_words = lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{literal_words}%"
    name, headline = func.lower(Actor.name), func.lower(Actor.headline)

    def has(column: ColumnElement[str], pattern: str = like) -> ColumnElement[bool]:
        return column.like(pattern, escape="\\")

    in_name = has(name)
    if db.get_bind().dialect.name != "postgresql":
        purposes, bio = func.lower(Actor.purpose_text), func.lower(Actor.bio)
        rank = case(
            (has(name, f"{literal_words}%"), 4.0),
            (in_name, 3.0),
            (has(headline), 2.0),
            else_=1.0,
        )
        return TextMatch(or_(in_name, has(headline), has(purposes), has(bio)), rank)
    if len(words.strip()) < MIN_WORD:
        # Too short for a trigram or a word of its own: names and headlines, by name (a rank
        # would be computed for most of the network, to tell nothing).
        return TextMatch(or_(in_name, has(headline)), None)
    document: ColumnElement[Any] = literal_column(f"{Actor.__tablename__}.{FULL_TEXT_COLUMN}")
    query = func.plainto_tsquery(literal_column(f"'{TS_CONFIG}'::regconfig"), words)
    text_rank = cast(func.ts_rank(document, query), Float)
    # Where the words are: in the name (by trigram similarity, computed for those rows
    # only), in the headline, or in the purposes and bio (by ts_rank).
    in_headline = has(headline)
    named = 2.0 + cast(func.similarity(name, literal(lowered)), Float) if _has_trigram(db) else 2.5
    tier = case((in_name, named), (in_headline, 1.0), else_=0.0)
    return TextMatch(or_(in_name, in_headline, document.op("@@")(query)), tier + text_rank)
