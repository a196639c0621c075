"""The one clock: every "now" and "today" of the platform, in UTC.

A moment in Python is an aware UTC datetime (:func:`now`). The timestamp columns carry no zone
(SQLite keeps none, and the PostgreSQL columns are ``timestamp without time zone``), so the
store holds UTC wall time without a zone: :func:`utcnow` is "now" in that stored form, and
:func:`stored` / :func:`aware` convert at the boundary. Comparing a stored value with an aware
one would raise, so code that compares with a column uses the stored form on both sides.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["aware", "now", "stored", "today", "utcnow"]


def now() -> datetime:
    """The current moment, aware, in UTC, to the second (timestamps are kept to the second)."""
    return datetime.now(UTC).replace(microsecond=0)


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def stored(moment: datetime) -> datetime:
    """``moment`` as the store keeps it: UTC wall time without a zone.

    A naive value is taken to be stored already.

    >>> from datetime import timedelta, timezone
    >>> stored(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    datetime.datetime(2024, 5, 1, 12, 0)
    """
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def aware(value: datetime) -> datetime:
    """A stored (naive UTC) value as an aware UTC moment; an aware value is moved to UTC.

    >>> aware(datetime(2024, 5, 1, 12, 0))
    datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utcnow() -> datetime:
    """Now in the stored form (UTC, no zone): the default of every timestamp column."""
    return stored(now())
