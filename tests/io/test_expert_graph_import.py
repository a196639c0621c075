"""The expert-network import (GML, GraphML) reads through the checked readers: the same
people, skills and ties as before, and a bad weight refused with its line or edge."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.errors import Invalid
from coalition.services.expert_network import MIN_WEIGHT, import_expert_graph
from coalition.store.tables import Actor, Network, Tie

GML = b"""graph [
  directed 0
  node [ id 10 label "a" name "Ada &amp; Co" skills "sql,python,sql" graphics [ x 1.0 ] ]
  node [ id 20 label "b" skills "python" ]
  node [ id 30 label "c" ]
  edge [ source 10 target 20 cc 0.5 ]
  edge [ source 20 target 30 cc 0 ]
  edge [ source 30 target 30 cc 0.9 ]
]
"""

GRAPHML = b"""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="label" for="node" attr.name="label" attr.type="string"/>
<key id="name" for="node" attr.name="name" attr.type="string"/>
<key id="skills" for="node" attr.name="skills" attr.type="string"/>
<key id="cc" for="edge" attr.name="cc" attr.type="double"/>
<graph edgedefault="undirected">
<node id="n0"><data key="label">a</data><data key="name">Ada</data>
<data key="skills">sql</data></node>
<node id="n1"><data key="label">b</data></node>
<edge source="n0" target="n1"><data key="cc">CC</data></edge>
</graph>
</graphml>
"""


def _load(db: Session, tmp_path: Path, name: str, data: bytes, slug: str) -> dict[str, int]:
    path = tmp_path / name
    path.write_bytes(data)
    return import_expert_graph(db, path, slug)


def test_gml_people_skills_and_ties(db: Session, tmp_path: Path) -> None:
    assert _load(db, tmp_path, "g.gml", GML, "gml") == {"actors": 3, "ties": 2, "skills": 2}
    network = db.scalars(select(Network).where(Network.slug == "gml")).one()
    actors = db.scalars(select(Actor).where(Actor.network_id == network.id).order_by(Actor.id))
    assert [(a.name, a.external_id) for a in actors] == [
        ("Ada & Co", "a"),
        ("b", "b"),
        ("c", "c"),
    ]
    weights = sorted(db.scalars(select(Tie.weight).where(Tie.network_id == network.id)))
    assert weights == [MIN_WEIGHT, 0.5]  # a similarity of 0 kept; the self-loop left out


def test_graphml_goes_through_the_checked_reader(db: Session, tmp_path: Path) -> None:
    summary = _load(db, tmp_path, "g.graphml", GRAPHML.replace(b"CC", b"0.25"), "gm")
    assert summary == {"actors": 2, "ties": 1, "skills": 1}
    with pytest.raises(Invalid, match="document type declaration"):
        doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        _load(
            db, tmp_path, "x.graphml", GRAPHML.replace(b"<graphml ", doctype + b"<graphml "), "xx"
        )


@pytest.mark.parametrize(
    ("name", "data", "where", "why"),
    [
        ("neg.gml", GML.replace(b"cc 0.5", b"cc -0.5"), "line 6 edge", "cc -0.5 is not a finite"),
        ("txt.gml", GML.replace(b"cc 0.5", b'cc "x"'), "line 6 edge", "cc 'x' is not a number"),
        ("neg.graphml", GRAPHML.replace(b"CC", b"-1"), "edge 1 (n0 → n1)", "cc -1.0 is not"),
        ("txt.graphml", GRAPHML.replace(b"CC", b"lots"), "line 11 <data>", "not a double"),
    ],
)
def test_bad_weights_are_refused_not_clamped(
    db: Session, tmp_path: Path, name: str, data: bytes, where: str, why: str
) -> None:
    with pytest.raises(Invalid) as refused:
        _load(db, tmp_path, name, data, "bad")
    details = refused.value.details
    assert isinstance(details, list)
    assert any(where in p["where"] and why in p["why"] for p in details), details
    assert db.scalar(select(Network.id).where(Network.slug == "bad")) is None
