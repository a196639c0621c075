"""Mail through the outbox and a real SMTP conversation; the accounts CLI; the demo accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from coalition.cli import app as cli
from coalition.config import Settings
from coalition.demo.accounts import DEMO_PASSWORD, enrich_demo
from coalition.io.bundle import import_bundle
from coalition.services import identity, tokens
from coalition.services.mail import send_mail
from coalition.store.tables import Actor, Affiliation, Initiative
from coalition.store.tables_auth import Account, Membership, OutboxMessage
from tests.conftest import small_bundle
from tests.smtp import received


def _deliver_by_job(db: Session, url: str, message: OutboxMessage) -> OutboxMessage:
    """Commit the event: its delivery job runs (here, or already on SQLite's runner)."""
    from coalition.jobs import execute, wait
    from coalition.store.tables_jobs import Job

    outbox_id = message.id
    (job_id,) = db.scalars(select(Job.id).where(Job.kind == "deliver_mail"))
    db.commit()  # SQLite: hold no transaction (its write lock) while the job runs
    execute(url, job_id)
    wait(url, job_id)
    db.rollback()
    return db.get_one(OutboxMessage, outbox_id, populate_existing=True)


def test_mail_goes_out_by_smtp_and_leaves_no_link_behind(
    db: Session, clean_url: str, smtp_port: int
) -> None:
    db.info["settings"] = Settings(smtp_url=f"smtp://127.0.0.1:{smtp_port}?from=no@c.test")
    message = send_mail(db, "ada@example.org", "Reset", "open https://x/reset/SECRET-LINK")
    assert message.sent_at is None and received == [], "nothing is sent before the commit"
    message = _deliver_by_job(db, clean_url, message)
    assert message.sent_at is not None and message.error == "" and message.attempts == 1
    assert message.body == "", "a delivered message keeps no one-time link"
    (data,) = received
    assert "To: ada@example.org" in data and "From: no@c.test" in data
    assert "SECRET-LINK" in data
    # The same event again: the one message, not a second one.
    again = send_mail(db, "ada@example.org", "Reset", "x", key=message.event_key)
    assert again.id == message.id


def test_undeliverable_mail_is_kept_and_fails_nothing(db: Session, clean_url: str) -> None:
    from coalition.jobs import RetryLater, execute
    from coalition.store.tables_jobs import Job

    db.info["settings"] = Settings(smtp_url="smtp://127.0.0.1:9")  # nothing listens there
    message = send_mail(db, "ada@example.org", "Hello", "body")
    outbox_id = message.id
    job_id = db.scalars(select(Job.id)).one()
    db.commit()
    try:
        execute(clean_url, job_id)
    except RetryLater:
        pass  # queued again for a later attempt (with back-off)
    db.rollback()
    from coalition.jobs.local import drain

    drain()
    message = db.get_one(OutboxMessage, outbox_id, populate_existing=True)
    assert message.sent_at is None and message.error and message.body == "body"
    assert message.attempts >= 1
    assert db.get_one(Job, job_id).error.startswith("MailNotDelivered")


def test_outbox_without_smtp(db: Session) -> None:
    db.info["settings"] = Settings()
    send_mail(db, "bo@example.org", "Hi", "text")
    row = db.scalars(select(OutboxMessage)).one()
    assert (row.to_addr, row.body, row.sent_at) == ("bo@example.org", "text", None)


def test_cli_creates_accounts_and_tokens(clean_url: str, db: Session) -> None:
    runner = CliRunner()
    env = {"COALITION_DATABASE_URL": clean_url}
    import_bundle(db, small_bundle())
    db.commit()
    actor_id = db.scalar(select(Actor.id).where(Actor.kind == "person").order_by(Actor.id))
    db.rollback()  # the CLI opens its own connections: hold no lock here
    r = runner.invoke(
        cli,
        ["accounts", "create", "ops@example.org", "--network", "small", "--role", "steward",
         "--actor", str(actor_id), "--password", "a long operator pw"],
        env=env,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["accounts", "create", "gen@example.org"], env=env)
    assert r.exit_code == 0 and "password (shown once)" in r.output
    r = runner.invoke(cli, ["accounts", "create", "x@example.org", "--role", "emperor"], env=env)
    assert r.exit_code == 1 and "--role" in r.output
    r = runner.invoke(
        cli,
        ["accounts", "token", "ops@example.org", "--scope", "read", "--scope", "write"],
        env=env,
    )
    assert r.exit_code == 0, r.output
    token = r.output.strip().splitlines()[-1]
    db.rollback()
    caller = tokens.caller_for_token(db, token)
    assert caller.scopes == {"read", "write"} and actor_id in caller.actor_ids
    assert set(caller.roles.values()) == {"steward"}
    db.rollback()
    r = runner.invoke(cli, ["accounts", "token", "nobody@example.org"], env=env)
    assert r.exit_code == 1 and "no account" in r.output
    r = runner.invoke(cli, ["accounts", "list", "-n", "small"], env=env)
    assert r.exit_code == 0 and "ops@example.org" in r.output


def test_demo_accounts(db: Session) -> None:
    import_bundle(db, small_bundle())
    enrich_demo(db, "small")
    enrich_demo(db, "small")  # again: nothing changes
    db.commit()
    rows = {
        a.email: m
        for a, m in db.execute(
            select(Account, Membership).join(Membership, Membership.account_id == Account.id)
        )
    }
    assert {e: m.role for e, m in rows.items()} == {
        "steward@example.org": "steward",
        "convenor@example.org": "convenor",
        "member@example.org": "member",
    }
    assert len({m.actor_id for m in rows.values()}) == 3
    expected = None
    for status in ("forming", "draft"):
        expected = expected or db.scalar(
            select(Initiative.convenor_id)
            .where(Initiative.status == status, Initiative.convenor_id.is_not(None))
            .order_by(Initiative.id)
            .limit(1)
        )
    if expected is not None:
        assert rows["convenor@example.org"].actor_id == expected
    for email in ("steward@example.org", "member@example.org"):
        assert db.get_one(Actor, rows[email].actor_id).kind == "person"
    account = db.scalars(select(Account).where(Account.email == "member@example.org")).one()
    assert identity.verify_password(account.password_hash, DEMO_PASSWORD)
    member_actor = rows["member@example.org"].actor_id
    represents = db.scalars(
        select(Affiliation.organisation_id).where(
            Affiliation.actor_id == member_actor, Affiliation.representative == 1
        )
    ).all()
    caller = identity.caller_for_account(db, account.id)
    assert set(represents) <= caller.actor_ids
