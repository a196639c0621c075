"""The PostgreSQL-only indexes of directory search, named once for the migration (0018), the
search service and the benchmarks.

Each is an expression index; the search writes the very same expressions, so the planner can
use them: trigram (pg_trgm, GIN) indexes serve ``lower(column) LIKE '%text%'`` and similarity
ranking, the full-text (tsvector, GIN) index serves ``@@`` matches on purposes and bio. The
``simple`` configuration is used because profiles are written in many languages.
"""

from __future__ import annotations

#: The text search configuration: no stemming or stop words, as profiles mix languages.
TS_CONFIG = "simple"

#: index name -> the indexed expression (with ``gin_trgm_ops``).
TRIGRAM_INDEXES = {
    "ix_actors_name_trgm": "lower(name)",
    "ix_actors_headline_trgm": "lower(headline)",
    "ix_actors_purpose_text_trgm": "lower(purpose_text)",
}


def full_text_document(table: str = "") -> str:
    """The document of full-text search, the purposes and the bio (columns of ``table``)."""
    prefix = f"{table}." if table else ""
    return (
        f"to_tsvector('{TS_CONFIG}'::regconfig, "
        f"coalesce({prefix}purpose_text, '') || ' ' || coalesce({prefix}bio, ''))"
    )


#: index name -> the indexed tsvector expression.
FULL_TEXT_INDEXES = {"ix_actors_purpose_bio_fts": full_text_document()}

#: index name -> (table, expression) of plain (btree) expression indexes.
EXPRESSION_INDEXES = {"ix_actor_purposes_lower_tag": ("actor_purposes", "lower(tag)")}

#: Every PostgreSQL-only index name (not declared on the models).
POSTGRES_ONLY = frozenset({*TRIGRAM_INDEXES, *FULL_TEXT_INDEXES, *EXPRESSION_INDEXES})
