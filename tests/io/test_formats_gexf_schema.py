"""Our GEXF output has the structure GEXF 1.3 (and so Gephi) expects.

The official GEXF 1.3 schema files are not vendored here, so this test carries its own
minimal RELAX NG grammar, written from the GEXF 1.3 rules the writer relies on (root
``gexf`` with ``version="1.3"`` in ``http://gexf.net/1.3``; ``meta``; ``graph`` with its
``defaultedgetype``/``mode``/``timeformat``/``timerepresentation`` enumerations;
``attributes`` of class node/edge declaring ``id``/``title``/``type`` from the 1.3 type
list; ``nodes``/``edges`` with their attributes; ``attvalues``; ``spells`` of one or more
``spell`` with ``start``/``end`` of the GEXF time type). It is validated with lxml, and the
rules a grammar cannot state are checked in Python: every ``attvalue`` refers to an
attribute declared for its class, spells use the declared ``date`` time format and only
appear in a dynamic graph, counts match, and every edge joins declared nodes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from coalition.io.gexf import GEXF_NS, write_gexf
from coalition.io.graph_model import MapEdge, MapGraph, MapNode
from tests.io.test_formats_roundtrip import map_graphs

ATTR_TYPES = (
    "integer long double float boolean bigdecimal biginteger byte char short string anyURI "
    "liststring listboolean listinteger listlong listfloat listdouble listbyte listshort "
    "listbigdecimal listbiginteger listchar"
).split()


def choice(*values: str) -> str:
    return "<choice>" + "".join(f"<value>{v}</value>" for v in values) + "</choice>"


def opt_attr(name: str, body: str) -> str:
    return f'<optional><attribute name="{name}">{body}</attribute></optional>'


GRAMMAR = f"""
<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="{GEXF_NS}"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start>
    <element name="gexf">
      <attribute name="version"><value>1.3</value></attribute>
      <optional><attribute name="variant"/></optional>
      <optional>
        <attribute name="schemaLocation" ns="http://www.w3.org/2001/XMLSchema-instance"/>
      </optional>
      <optional><ref name="meta"/></optional>
      <ref name="graph"/>
    </element>
  </start>
  <define name="meta">
    <element name="meta">
      <optional><attribute name="lastmodifieddate"><data type="date"/></attribute></optional>
      <interleave>
        <optional><element name="creator"><text/></element></optional>
        <optional><element name="keywords"><text/></element></optional>
        <optional><element name="description"><text/></element></optional>
      </interleave>
    </element>
  </define>
  <define name="time"><choice><data type="integer"/><data type="double"/>
    <data type="date"/><data type="dateTime"/></choice></define>
  <define name="direction"><choice><value>directed</value><value>undirected</value>
    <value>mutual</value></choice></define>
  <define name="graph">
    <element name="graph">
      <optional><attribute name="defaultedgetype"><ref name="direction"/></attribute></optional>
      {opt_attr("idtype", choice("integer", "string"))}
      {opt_attr("mode", choice("static", "dynamic", "slice"))}
      {opt_attr("timeformat", choice("integer", "double", "date", "dateTime"))}
      {opt_attr("timerepresentation", choice("interval", "timestamp"))}
      <zeroOrMore>
        <element name="attributes">
          <attribute name="class">{choice("node", "edge")}</attribute>
          <zeroOrMore>
            <element name="attribute">
              <attribute name="id"/><attribute name="title"/>
              <attribute name="type">{choice(*ATTR_TYPES)}</attribute>
              <optional><element name="default"><text/></element></optional>
            </element>
          </zeroOrMore>
        </element>
      </zeroOrMore>
      <element name="nodes">
        <optional><attribute name="count"><data type="nonNegativeInteger"/></attribute></optional>
        <zeroOrMore>
          <element name="node">
            <attribute name="id"/>
            <optional><attribute name="label"><data type="token"/></attribute></optional>
            <interleave>
              <optional><ref name="attvalues"/></optional>
              <optional><ref name="spells"/></optional>
            </interleave>
          </element>
        </zeroOrMore>
      </element>
      <element name="edges">
        <optional><attribute name="count"><data type="nonNegativeInteger"/></attribute></optional>
        <zeroOrMore>
          <element name="edge">
            <optional><attribute name="id"/></optional>
            <attribute name="source"/><attribute name="target"/>
            <optional><attribute name="type"><ref name="direction"/></attribute></optional>
            <optional><attribute name="kind"><data type="token"/></attribute></optional>
            <optional><attribute name="weight"><data type="double"/></attribute></optional>
            <interleave>
              <optional><ref name="attvalues"/></optional>
              <optional><ref name="spells"/></optional>
            </interleave>
          </element>
        </zeroOrMore>
      </element>
    </element>
  </define>
  <define name="attvalues">
    <element name="attvalues">
      <zeroOrMore><element name="attvalue">
        <attribute name="for"/><attribute name="value"/>
      </element></zeroOrMore>
    </element>
  </define>
  <define name="spells">
    <element name="spells">
      <oneOrMore><element name="spell">
        <optional><attribute name="start"><ref name="time"/></attribute></optional>
        <optional><attribute name="end"><ref name="time"/></attribute></optional>
      </element></oneOrMore>
    </element>
  </define>
</grammar>
"""

SCHEMA = etree.RelaxNG(etree.fromstring(GRAMMAR.encode()))
Q = f"{{{GEXF_NS}}}"


def check_rules(root: etree._Element) -> None:
    """The GEXF rules a grammar cannot state."""
    graph = root.find(f"{Q}graph")
    declared = {
        block.get("class"): {a.get("id") for a in block.findall(f"{Q}attribute")}
        for block in graph.findall(f"{Q}attributes")
    }
    nodes = graph.findall(f"{Q}nodes/{Q}node")
    edges = graph.findall(f"{Q}edges/{Q}edge")
    assert int(graph.find(f"{Q}nodes").get("count")) == len(nodes)
    assert int(graph.find(f"{Q}edges").get("count")) == len(edges)
    ids = {n.get("id") for n in nodes}
    assert len(ids) == len(nodes)
    for cls, items in (("node", nodes), ("edge", edges)):
        for item in items:
            for att in item.findall(f"{Q}attvalues/{Q}attvalue"):
                assert att.get("for") in declared.get(cls, set())
    for e in edges:
        assert e.get("source") in ids and e.get("target") in ids
    spells = graph.findall(f".//{Q}spell")
    if spells:
        assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
        for s in spells:
            for side in ("start", "end"):
                if s.get(side) is not None:
                    dt.date.fromisoformat(s.get(side))
            if s.get("start") and s.get("end"):
                assert s.get("start") <= s.get("end")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_graphs())
def test_written_gexf_validates_against_the_1_3_structure(graph: MapGraph) -> None:
    root = etree.fromstring(write_gexf(graph))
    assert SCHEMA.validate(root), SCHEMA.error_log
    check_rules(root)


def test_dated_ties_become_spells_gephi_can_play() -> None:
    graph = MapGraph(
        nodes=(MapNode("a", "A", joined=dt.date(2020, 5, 1)), MapNode("b", "B")),
        edges=(MapEdge("a", "b", "funded", 2.0, dt.date(2021, 1, 1), dt.date(2021, 12, 31)),),
    )
    root = etree.fromstring(write_gexf(graph))
    g = root.find(f"{Q}graph")
    assert (g.get("mode"), g.get("timeformat"), g.get("timerepresentation")) == (
        "dynamic",
        "date",
        "interval",
    )
    spell = g.find(f"{Q}edges/{Q}edge/{Q}spells/{Q}spell")
    assert (spell.get("start"), spell.get("end")) == ("2021-01-01", "2021-12-31")
    assert g.find(f"{Q}nodes/{Q}node/{Q}spells/{Q}spell").get("start") == "2020-05-01"
    assert g.find(f"{Q}edges/{Q}edge").get("kind") == "funded"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'version="1.3"', b'version="2.0"'),
        (b'type="long"', b'type="decimal"'),
        (b'start="2021-01-01"', b'start="soon"'),
        (b'weight="2.0"', b'weight="heavy"'),
    ],
)
def test_the_grammar_rejects_what_gexf_forbids(old: bytes, new: bytes) -> None:
    graph = MapGraph(
        nodes=(MapNode("a", "A", attrs={"n": 1}), MapNode("b", "B")),
        edges=(MapEdge("a", "b", "x", 2.0, dt.date(2021, 1, 1)),),
    )
    data = write_gexf(graph)
    assert old in data
    assert SCHEMA.validate(etree.fromstring(data))
    assert not SCHEMA.validate(etree.fromstring(data.replace(old, new)))
