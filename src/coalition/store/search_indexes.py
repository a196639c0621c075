"""The PostgreSQL-only indexes of directory search, named once for the migration (0018), the
search service and the benchmarks.

Each is an expression index; the search writes the very same expressions, so the planner can
use them: trigram (pg_trgm, GIN) indexes serve ``lower(column) LIKE '%text%'`` and similarity
ranking, the full-text (tsvector, GIN) index on a stored generated column serves ``@@``
matches on purposes and bio and their ``ts_rank``. The
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


#: The stored (generated) tsvector column that holds the document on PostgreSQL, so that
#: ranking many matches reads it instead of parsing every bio again.
FULL_TEXT_COLUMN = "search_document"

#: Columns only PostgreSQL has (not declared on the models).
POSTGRES_ONLY_COLUMNS = frozenset({FULL_TEXT_COLUMN})

#: index name -> the indexed tsvector column.
FULL_TEXT_INDEXES = {"ix_actors_search_document": FULL_TEXT_COLUMN}

#: index name -> (table, expression) of plain (btree) expression indexes.
EXPRESSION_INDEXES = {"ix_actor_purposes_lower_tag": ("actor_purposes", "lower(tag)")}

#: Every PostgreSQL-only index name (not declared on the models).
POSTGRES_ONLY = frozenset({*TRIGRAM_INDEXES, *FULL_TEXT_INDEXES, *EXPRESSION_INDEXES})

#: index name -> (table, columns) of the btree indexes on the filters' columns, on both
#: databases (declared on the models too: ``tables.Actor``).
BTREE_INDEXES = {
    "ix_actors_network_kind": ("actors", "network_id, kind"),
    "ix_actors_network_timezone": ("actors", "network_id, timezone"),
    "ix_actors_network_name": ("actors", "network_id, name, id"),
    # Covers the readable-profiles clause: counting a network's directory reads only the index.
    "ix_actors_network_visibility": ("actors", "network_id, visibility, anonymised"),
}


def create_statements(dialect: str, *, trigram: bool = True, columns: bool = True) -> list[str]:
    """The SQL that creates every search index on ``dialect`` (``trigram``: pg_trgm is there;
    ``columns``: the generated column too, not only the indexes)."""
    out = [f"CREATE INDEX {n} ON {t} ({c})" for n, (t, c) in BTREE_INDEXES.items()]
    if dialect != "postgresql":
        return out
    if trigram:
        out += [
            f"CREATE INDEX {name} ON actors USING gin ({expression} gin_trgm_ops)"
            for name, expression in TRIGRAM_INDEXES.items()
        ]
    if columns:
        out.append(
            f"ALTER TABLE actors ADD COLUMN {FULL_TEXT_COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({full_text_document()}) STORED"
        )
    out += [f"CREATE INDEX {n} ON actors USING gin ({e})" for n, e in FULL_TEXT_INDEXES.items()]
    out += [f"CREATE INDEX {n} ON {t} ({e})" for n, (t, e) in EXPRESSION_INDEXES.items()]
    return out


def drop_statements(dialect: str, *, columns: bool = True) -> list[str]:
    """The SQL that drops every search index on ``dialect`` (those missing are skipped), and
    with ``columns`` the generated column."""
    names = list(BTREE_INDEXES)
    if dialect == "postgresql":
        names += [*TRIGRAM_INDEXES, *FULL_TEXT_INDEXES, *EXPRESSION_INDEXES]
    out = [f"DROP INDEX IF EXISTS {name}" for name in names]
    if dialect == "postgresql" and columns:
        out.append(f"ALTER TABLE actors DROP COLUMN IF EXISTS {FULL_TEXT_COLUMN}")
    return out
