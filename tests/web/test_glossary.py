"""The glossary covers every metric, score and status a person sees, once, in plain words
with a precise definition, and the page lists them all with anchors (issue 19, item 2)."""

from __future__ import annotations

from lxml import html as lxml_html

from coalition import glossary
from coalition.config import Settings
from coalition.domain import DecisionStatus, InitiativeStatus, InvitationStatus
from coalition.services.engagements import CURRENT
from coalition.web.pages.formation import OBJECTIVE_TERMS, OBJECTIVES
from coalition.web.pages.interdependence import PANEL_TERMS
from coalition.web.pages.outcomes import STATUS_LABELS
from tests.conftest import make_client


def test_every_status_has_a_plain_explanation() -> None:
    kinds = {
        "invitation": [s.value for s in InvitationStatus],
        "initiative": [s.value for s in InitiativeStatus],
        "decision": [s.value for s in DecisionStatus],
        "engagement": [*CURRENT, "withdrawn"],
    }
    for kind, values in kinds.items():
        for value in values:
            term = glossary.GLOSSARY[glossary.status_key(kind, value)]
            assert term.plain and term.precise, (kind, value)
    assert set(STATUS_LABELS) <= {"on_track", "at_risk", "off_track", "no_data"}
    assert "outcome_status" in glossary.GLOSSARY


def test_every_metric_and_score_shown_is_declared() -> None:
    for key in PANEL_TERMS.values():
        assert key in glossary.GLOSSARY, key
    for objective in OBJECTIVES:
        assert OBJECTIVE_TERMS[objective] in glossary.GLOSSARY, objective
    for key in ("assortativity", "density", "modularity", "optimality", "consensus", "repness"):
        assert key in glossary.GLOSSARY


def test_each_term_is_one_plain_line_and_a_longer_definition() -> None:
    for term in glossary.GLOSSARY.values():
        assert term.group in glossary.GROUPS
        assert term.plain.endswith(".") and "\n" not in term.plain and len(term.plain) <= 200
        assert term.precise and term.precise != term.plain


def test_glossary_page_lists_every_term_with_an_anchor(settings: Settings) -> None:
    r = make_client(settings).get("/help/glossary", headers={"accept": "text/html"})
    assert r.status_code == 200
    doc = lxml_html.fromstring(r.text)
    ids = set(doc.xpath("//dl[@class='glossary']/dt/@id"))
    assert ids == set(glossary.GLOSSARY)
    constraint = doc.xpath("//dt[@id='constraint']/following-sibling::dd[1]")[0]
    assert "Burt" in constraint.xpath(".//details")[0].text_content()


def test_an_unknown_term_never_breaks_a_page() -> None:
    assert glossary.entry("not-a-term")["anchor"] == "/help/glossary"
