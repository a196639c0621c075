"""iCalendar (RFC 5545) files of a member's engagements: CRLF lines folded at 75 octets.

An engagement with agreed hours is a weekly recurring block of those hours (``RRULE:FREQ=
WEEKLY`` until the window's last day), in floating local time from 09:00, split over up to
five weekdays of at most ``DAY_HOURS`` each; the window and the hours are in the description.
Without hours it is an all-day event spanning the window (``DTEND`` is exclusive, so it is the
day after the last one). Both are marked transparent so they do not block calendars.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PRODID = "-//Coalition//Engagements//EN"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: date
    last_day: date | None  # inclusive; None for a one-day event
    summary: str
    description: str = ""
    url: str = ""
    hours_per_week: float = 0.0


DAY_HOURS = 8.0
START_HOUR = 9


def weekly_blocks(hours_per_week: float) -> list[float]:
    """The lengths in hours of the weekly blocks: as few days as hold the hours at
    ``DAY_HOURS`` a day (at most five), shared evenly, each rounded to a quarter hour."""
    days = min(5, max(1, math.ceil(hours_per_week / DAY_HOURS - 1e-9)))
    each = max(0.25, round(hours_per_week / days * 4) / 4)
    return [min(each, 24.0 - START_HOUR)] * days


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> list[str]:
    """Split a content line into chunks of at most 75 octets, never inside a character."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = " ", 1, 75  # continuation lines start with one space
        current += char
        size += width
    parts.append(current)
    return parts


def calendar(events: Iterable[CalendarEvent], *, now: datetime, name: str) -> str:
    """The whole VCALENDAR text, lines ended by CRLF."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += _vevents(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(chunk + "\r\n" for line in lines for chunk in fold(line))


def _duration(hours: float) -> str:
    minutes = round(hours * 60)
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def _vevents(event: CalendarEvent, stamp: str) -> list[str]:
    tail = []
    if event.description:
        tail.append(f"DESCRIPTION:{escape(event.description)}")
    if event.url:
        tail.append(f"URL:{event.url}")
    tail += ["STATUS:CONFIRMED", "TRANSP:TRANSPARENT", "END:VEVENT"]
    if event.hours_per_week <= 0:
        end = (event.last_day or event.start) + timedelta(days=1)
        return [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{escape(event.summary)}",
            *tail,
        ]
    rule = "RRULE:FREQ=WEEKLY"
    if event.last_day is not None:
        rule += f";UNTIL={event.last_day:%Y%m%d}T235959"
    lines: list[str] = []
    for day, hours in enumerate(weekly_blocks(event.hours_per_week)):
        first = event.start + timedelta(days=day)
        if event.last_day is not None and first > event.last_day:
            break
        uid = event.uid if day == 0 else f"{day}-{event.uid}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{first:%Y%m%d}T{START_HOUR:02d}0000",
            f"DURATION:{_duration(hours)}",
            rule,
            f"SUMMARY:{escape(event.summary)}",
            *tail,
        ]
    return lines
