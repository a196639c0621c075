"""Threads, decisions, charters and invitations' messages in the JSON bundle: a full backup
round-trips (export → import → export identical), and a share leaves out team-only threads
and decisions, secret votes, team charters and every invitation's conversation."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic_core import to_json
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coalition.errors import Invalid
from coalition.schemas.invitations import InviteIn
from coalition.schemas.together import (
    CloseIn,
    DecisionIn,
    InvitationMessageIn,
    PostEditIn,
    PostIn,
    ThreadIn,
    VoteIn,
)
from coalition.services import decisions, invitation_threads, invitations, portability, threads
from coalition.services.access import Caller
from coalition.store.tables import Actor, Role
from coalition.store.tables_outcomes import KnowledgeAsset
from tests.factories import CANARY, Team, team_world

OP = Caller.operator()
SECRET_REASON = "SECRET-VOTE-REASON-m2"
MESSAGE = "INVITATION-MESSAGE-p5"


def _world(db: Session) -> Team:
    t = team_world(db, slug="tb")
    # The team's two seats (build_team adds them as rows) hold their hours, as on the web.
    db.execute(update(Actor).where(Actor.id.in_([t.ana, t.ben])).values(committed_hours=2.0))
    asset = KnowledgeAsset(
        network_id=t.network_id,
        title="Guide",
        link="https://example.org/guide",
        licence="CC-BY-4.0",
        shared_on=date(2026, 1, 5),
    )
    db.add(asset)
    db.flush()
    ana, ben, convenor = t.as_(t.ana), t.as_(t.ben), t.as_(t.convenor)
    team = threads.start_thread(
        db, ana, t.initiative_id, ThreadIn(title="Team", body=f"{CANARY} @[Member 1]")
    )
    post = threads.reply(db, ben, team.id, PostIn(body="Seen", asset_ids=[asset.id]))
    threads.edit_post(db, ben, post.id, PostEditIn(body="Seen, thanks"))
    network = threads.start_thread(
        db,
        ana,
        t.initiative_id,
        ThreadIn(title="Ideas", visibility="network", body="Ideas welcome", asset_ids=[asset.id]),
    )
    threads.reply(db, t.as_(t.carl), network.id, PostIn(body="One idea @[Member 0]"))

    def propose(**kw: Any) -> int:
        data = DecisionIn.model_validate({"kind": "consent", "title": "Plan", **kw})
        return decisions.propose(db, convenor, data, initiative_id=t.initiative_id).id

    first = propose(visibility="network")
    decisions.vote(db, ben, first, VoteIn(position="block", reason="too soon"))
    decisions.close(db, convenor, first, CloseIn(outcome="Blocked"))
    second = propose(visibility="network", amends_id=first, secret_votes=True)
    decisions.vote(db, ana, second, VoteIn(position="agree", reason=SECRET_REASON))
    charter = propose(kind="charter", title="Charter", details="Team charter", visibility="team")
    for who in (ana, ben):
        decisions.vote(db, who, charter, VoteIn(position="agree"))
    decisions.close(db, convenor, charter, CloseIn(outcome="Adopted"))
    public = propose(kind="charter", title="Open charter", details="For all", visibility="network")
    for who in (ana, ben):
        decisions.vote(db, who, public, VoteIn(position="agree"))
    decisions.close(db, convenor, public, CloseIn(outcome="Adopted"))
    role = db.scalar(select(Role.id).where(Role.initiative_id == t.initiative_id))
    (inv,) = invitations.invite(
        db,
        convenor,
        t.initiative_id,
        InviteIn.model_validate({"seats": [{"actor_id": t.carl, "role_id": role}]}),
    )
    invitation_threads.write(db, t.as_(t.carl), inv.id, InvitationMessageIn(body=MESSAGE))
    db.flush()
    return t


def _without_slug(bundle: dict[str, Any]) -> dict[str, Any]:
    out = dict(bundle)
    out["network"] = {k: v for k, v in bundle["network"].items() if k != "slug"}
    return out


def test_a_backup_round_trips_and_a_share_keeps_team_matters_out(db: Session) -> None:
    _world(db)
    backup = portability.export_bundle(db, OP, "tb", include_private=True)
    assert [t["title"] for t in backup["threads"]] == ["Team", "Ideas"]
    team = backup["threads"][0]
    assert team["posts"][0]["mentions"] == [{"actor": team["posts"][0]["mentions"][0]["actor"],
                                            "name": "Member 1"}]  # fmt: skip
    assert team["posts"][1]["attachments"] == [0] and team["posts"][1]["edits"][0]["body"] == "Seen"
    assert [d["amends"] for d in backup["decisions"]] == [None, 0, None, None]
    assert [c["text"] for c in backup["initiative_charters"]] == ["Team charter", "For all"]
    assert [m["body"] for m in backup["invitation_messages"]] == [MESSAGE]
    portability.import_bundle(db, OP, to_json(backup), slug="tb-copy")
    db.flush()
    again = portability.export_bundle(db, OP, "tb-copy", include_private=True)
    assert _without_slug(again) == _without_slug(backup)
    # The copy works: the amended decision links back, the charter reads, posts render.
    share = portability.export_bundle(db, OP, "tb")
    text = to_json(share).decode()
    assert [t["title"] for t in share["threads"]] == ["Ideas"]
    assert CANARY not in text and SECRET_REASON not in text and MESSAGE not in text
    assert "Team charter" not in text and share["invitation_messages"] == []
    assert [d["title"] for d in share["decisions"]] == ["Plan", "Plan", "Open charter"]
    assert share["decisions"][1]["ballots"] == [] and share["decisions"][0]["ballots"]
    assert share["initiative_charters"] == [{**backup["initiative_charters"][1], "decision": 2}]
    portability.import_bundle(db, OP, to_json(share), slug="tb-share")
    db.flush()
    assert _without_slug(portability.export_bundle(db, OP, "tb-share")) == _without_slug(share)


def test_bad_references_are_named(db: Session) -> None:
    _world(db)
    backup = portability.export_bundle(db, OP, "tb", include_private=True)
    backup["threads"][0]["posts"][1]["attachments"] = [7]
    backup["threads"][0]["posts"][0]["mentions"] = [{"actor": 999, "name": "Nobody"}]
    backup["decisions"][0]["amends"] = 3
    try:
        portability.import_bundle(db, OP, to_json(backup), slug="tb-bad")
    except Invalid as exc:
        where = {d["where"] for d in exc.details or []}
    else:
        raise AssertionError("a bundle with dangling references was imported")
    assert {
        "threads[0].posts[1].attachments[0]",
        "threads[0].posts[0].mentions[0].actor",
        "decisions[0].amends",
    } <= where, where
