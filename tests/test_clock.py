"""One clock: timestamps are UTC whatever the server's local zone, and read back as UTC."""

from __future__ import annotations

import doctest
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from coalition import clock
from coalition.schemas.auth import RegisterIn
from coalition.services import accounts
from coalition.services.access import Caller
from coalition.store.tables import Network


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process runs at UTC+14, where local time is never UTC's."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    assert datetime.now().hour != datetime.now(UTC).hour
    yield
    monkeypatch.undo()
    time.tzset()


def test_clock_examples() -> None:
    result = doctest.testmod(clock)
    assert result.attempted >= 2 and result.failed == 0


def test_now_is_aware_utc_and_stored_form_is_its_wall_time() -> None:
    now = clock.now()
    assert now.tzinfo is UTC and now.microsecond == 0
    assert clock.stored(now) == now.replace(tzinfo=None)
    assert clock.aware(clock.stored(now)) == now
    assert abs(clock.utcnow() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=2)


def test_rows_are_stamped_in_utc_in_any_local_zone(far_east: None, db: Session) -> None:
    db.add(Network(slug="kiritimati", name="Far east"))
    db.flush()
    row = db.query(Network).filter_by(slug="kiritimati").one()
    utc_wall = datetime.now(UTC).replace(tzinfo=None)
    assert abs(row.created_at - utc_wall) < timedelta(minutes=1), row.created_at


def test_a_fresh_session_is_valid_in_any_local_zone(far_east: None, db: Session) -> None:
    data = RegisterIn(display_name="Tia", email="tia@example.org", password="a long passphrase")
    account = accounts.register(db, Caller.anonymous(), data, "http://127.0.0.1:8000")
    token = accounts.start_session(db, account)
    caller = accounts.caller_for_session(db, token)
    assert caller is not None and caller.account_id == account.id
