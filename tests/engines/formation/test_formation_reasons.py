"""Structured reasons: each reason and gap the engine gives carries a code and its values."""

from __future__ import annotations

import pickle

from coalition.engines.formation import (
    Candidate,
    Constraints,
    FormationProblem,
    Reason,
    ReasonCode,
    RoleSpec,
    TieGraph,
    propose,
)


def _c(aid: int, name: str, caps: dict[str, int], **kw: object) -> Candidate:
    base: dict[str, object] = {"capacity_left_hours": 20.0, "day_rate": 400.0}
    base.update(kw)
    return Candidate(aid, name, caps, **base)  # type: ignore[arg-type]


def _by_code(reasons: tuple[Reason, ...]) -> dict[ReasonCode, Reason]:
    return {r.code: r for r in reasons}


def test_member_reasons_carry_codes_and_values() -> None:
    cands = [
        _c(1, "Ana", {"Learning design": 4}, purpose_text="Youth employment in cities"),
        _c(2, "Ben", {"Facilitation": 3}, sector="civil_society", is_newcomer=True, day_rate=None),
        _c(3, "Carla", {"Facilitation": 5}, tz_region="apac", capacity_left_hours=12.5),
    ]
    roles = [
        RoleSpec("design", "Designer", {"Learning design": 3}, seats=1, hours_per_week=4),
        RoleSpec("facil", "Facilitator", {"Facilitation": 2}, seats=2, hours_per_week=8),
    ]
    problem = FormationProblem(
        roles=roles,
        candidates=cands,
        constraints=Constraints(weeks=10, tz_coverage=frozenset({"apac"}), locked_in={2: None}),
        purpose_text="Youth employment",
        ties=TieGraph([1, 1], [2, 3], [2023, 2021]),
        k_alternatives=0,
    )
    result = propose(problem)
    assert result.best is not None
    members = {m.name: _by_code(m.reasons) for m in result.best.members}
    ana, ben, carla = members["Ana"], members["Ben"], members["Carla"]
    assert dict(ana[ReasonCode.COVERS].values) == {"capabilities": [["Learning design", 4, 3]]}
    assert dict(ana[ReasonCode.WORKED_WITH].values) == {
        "count": 2,
        "names": ["Ben", "Carla"],
        "since": 2021,
    }
    assert dict(ana[ReasonCode.SHARES_PURPOSE].values) == {"terms": ["youth employment"]}
    assert dict(ana[ReasonCode.COST].values) == {"cost": 2000.0, "weeks": 10.0, "day_rate": 400.0}
    assert ana[ReasonCode.COST] == "costs 2,000 over 10 weeks (day rate 400)"
    assert ReasonCode.LOCKED_IN in ben and ReasonCode.NEWCOMER in ben
    assert ReasonCode.NO_DAY_RATE in ben and ReasonCode.COST not in ben
    assert dict(ben[ReasonCode.ONLY_SECTOR].values) == {"sector": "civil_society"}
    assert dict(carla[ReasonCode.COVERS_REGION].values) == {"region": "apac"}
    assert dict(carla[ReasonCode.CAPACITY].values) == {"free": 12.5, "needs": 8.0}
    assert carla[ReasonCode.CAPACITY] == "has 12.5 h/week free; the role needs 8"
    # Ben has no direct tie with Carla, only with Ana: the year of that tie.
    assert dict(ben[ReasonCode.WORKED_WITH].values)["since"] == 2023


def test_gaps_carry_codes_and_values() -> None:
    cands = [
        _c(1, "Ana", {"Climate finance": 2}, capacity_left_hours=1.5, languages=("en",)),
        _c(2, "Ben", {"Facilitation": 4}, languages=("fr",)),
    ]
    role = RoleSpec(
        "lead",
        "Lead",
        {"Climate finance": 4, "Facilitation": 2},
        hours_per_week=4,
        languages=frozenset({"fr"}),
    )
    result = propose(FormationProblem(roles=[role], candidates=cands, k_alternatives=0))
    assert result.status == "infeasible" and result.infeasibility is not None
    closest = {c.name: c.gaps for c in result.infeasibility.obstacles[0].closest}
    ana = {g.code: dict(g.values) for g in closest["Ana"]}
    assert ana == {
        ReasonCode.GAP_LEVEL: {"term": "Climate finance", "level": 2, "needs": 4},
        ReasonCode.GAP_MISSING: {"term": "Facilitation"},
        ReasonCode.GAP_CAPACITY: {"free": 1.5, "needs": 4.0},
        ReasonCode.GAP_LANGUAGE: {"language": "fr"},
    }
    assert list(closest["Ana"]) == [
        "Climate finance level 2 (needs 4)",
        "no Facilitation",
        "1.5 h/week free (needs 4)",
        "does not speak fr",
    ]
    assert [g.code for g in closest["Ben"]] == [ReasonCode.GAP_MISSING]


def test_a_reason_is_frozen_and_survives_pickling() -> None:
    r = Reason(ReasonCode.GAP_MISSING, "no Facilitation", term="Facilitation")
    back = pickle.loads(pickle.dumps(r))
    assert back == r and back.code is ReasonCode.GAP_MISSING and dict(back.values) == r.values
    assert r.data() == {"code": "gap_missing", "values": {"term": "Facilitation"}}
    try:
        r.code = ReasonCode.NEWCOMER  # type: ignore[misc]
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a reason must be frozen")
