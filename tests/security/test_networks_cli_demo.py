"""The ``coalition networks`` commands, and the demo's second network (people in both)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.cli import app as cli
from coalition.demo import accounts as demo_accounts
from coalition.demo import networks as demo_networks
from coalition.io.bundle import import_bundle
from coalition.services import identity
from coalition.store.tables import Actor, Network
from coalition.store.tables_auth import Account, JoinRequest, Membership, OutboxMessage
from tests.conftest import small_bundle

from .routes_networks import png


def test_cli_creates_a_network_and_changes_its_settings(
    clean_url: str, db: Session, tmp_path: pytest.TempPathFactory
) -> None:
    runner = CliRunner()
    env = {"COALITION_DATABASE_URL": clean_url}
    r = runner.invoke(cli, ["accounts", "create", "first@example.org"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli,
        ["networks", "create", "fresh", "Fresh Start", "--join-policy", "open",
         "--purpose", "A first network", "--steward", "first@example.org"],
        env=env,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "open" in r.output and "A first network" in r.output
    fresh = db.scalars(select(Network).where(Network.slug == "fresh")).one()
    account = db.scalars(select(Account).where(Account.email == "first@example.org")).one()
    assert identity.caller_for_account(db, account.id).has_role(fresh.id, "steward")
    db.rollback()
    logo = tmp_path / "logo.png"  # type: ignore[operator]
    logo.write_bytes(png(20, 20))
    r = runner.invoke(
        cli,
        ["networks", "settings", "-n", "fresh", "--visibility", "private",
         "--privacy", "contact=private", "--logo", str(logo), "--json"],
        env=env,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert '"visibility": "private"' in r.output and '"contact": "private"' in r.output
    assert "/n/fresh/logo" in r.output
    notes = tmp_path / "notes.txt"  # type: ignore[operator]
    notes.write_text("not a logo")
    for bad, why in (
        (["--visibility", "secret"], "Visibility must be one of"),
        (["--privacy", "contact"], "FIELD=AUDIENCE"),
        (["--logo", str(notes)], "not an image"),
    ):
        r = runner.invoke(cli, ["networks", "settings", "-n", "fresh", *bad], env=env)
        assert r.exit_code == 1 and why in r.output, (bad, r.output)
    r = runner.invoke(cli, ["networks", "settings", "-n", "nowhere"], env=env)
    assert r.exit_code == 1 and "no network 'nowhere'" in r.output


def test_cli_decides_requests_to_join(clean_url: str, db: Session) -> None:
    import_bundle(db, small_bundle())
    account = Account(email="asker@example.org", display_name="Asker", password_hash="x")
    db.add(account)
    db.flush()
    network = db.scalars(select(Network).where(Network.slug == "small")).one()
    from coalition.schemas.auth import JoinIn
    from coalition.services import joining

    asked = joining.join(db, identity.caller_for_account(db, account.id), network, JoinIn())
    db.commit()
    runner = CliRunner()
    env = {"COALITION_DATABASE_URL": clean_url, "COLUMNS": "200"}
    r = runner.invoke(cli, ["networks", "requests", "-n", "small"], env=env)
    assert r.exit_code == 0 and "asker@example.org" in r.output
    r = runner.invoke(
        cli, ["networks", "requests", "-n", "small", "--approve", str(asked.id)], env=env
    )
    assert r.exit_code == 0, r.output
    db.rollback()
    assert db.get_one(JoinRequest, asked.id).status == "approved"
    assert identity.caller_for_account(db, account.id).member_of(network.id)
    told = db.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == "asker@example.org"))
    assert "accepted" in told.one().body


def test_demo_has_a_second_network_with_people_in_both(db: Session) -> None:
    import_bundle(db, small_bundle())
    demo_accounts.enrich_demo(db, "small")
    demo_networks.enrich_demo(db, "small")
    demo_networks.enrich_demo(db, "small")  # again: nothing changes
    db.commit()
    demo, movement = (
        db.scalars(select(Network).where(Network.slug == slug)).one()
        for slug in ("small", "small-movement")
    )
    assert (demo.join_policy, movement.join_policy) == ("approval", "open")
    assert movement.visibility == "public" and movement.purpose
    both = {
        email
        for (email,) in db.execute(
            select(Account.email)
            .join(Membership, Membership.account_id == Account.id)
            .group_by(Account.email)
            .having(func.count() == 2)
        )
    }
    assert both == {"steward@example.org", "member@example.org"}
    steward = identity.caller_for_account(
        db, db.scalars(select(Account.id).where(Account.email == "steward@example.org")).one()
    )
    assert steward.has_role(movement.id, "steward") and steward.has_role(demo.id, "steward")
    profiles = [db.get_one(Actor, a) for a in steward.actor_ids]
    assert {p.network_id for p in profiles} == {demo.id, movement.id}
    assert len({p.name for p in profiles}) == 1, "the same person in both networks"
    assert db.scalars(select(Actor.id).where(Actor.network_id == movement.id)).first()
