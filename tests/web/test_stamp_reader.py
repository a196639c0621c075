"""The shared stamp reads: every request gets stamps read after it asked, and requests that
arrive together share one read."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from coalition.web.stamp_reader import StampReader

from ..aio import run


class Database:
    """A counter that writers move; a read returns it as it was when the read started."""

    def __init__(self, delay_s: float) -> None:
        self.version = 0
        self.reads = 0
        self.delay_s = delay_s
        self.lock = threading.Lock()

    def read(self) -> tuple[int]:
        with self.lock:
            self.reads += 1
            seen = self.version
        time.sleep(self.delay_s)  # the round trip: writes may commit meanwhile
        return (seen,)


async def _request(reader: StampReader, db: Database) -> tuple[int, int]:
    committed_before = db.version
    stamps = await reader.stamps()
    assert stamps is not None
    return committed_before, stamps[0]


def test_each_request_sees_every_write_committed_before_it() -> None:
    db = Database(delay_s=0.005)
    reader = StampReader(db.read)

    async def main() -> list[tuple[int, int]]:
        async def writer() -> None:
            for _ in range(40):
                db.version += 1
                await asyncio.sleep(0.001)

        async def requests() -> list[tuple[int, int]]:
            out = []
            for _ in range(8):
                batch = [_request(reader, db) for _ in range(25)]
                out += await asyncio.gather(*batch)
                await asyncio.sleep(0.002)
            return out

        seen, _ = await asyncio.gather(requests(), writer())
        return seen

    seen = run(main())
    assert len(seen) == 200
    stale = [(before, got) for before, got in seen if got < before]
    assert not stale, f"stamps older than a write committed before the request: {stale[:3]}"
    # 25 requests at once share a read (or two: one under way, the next for the latecomers)
    assert db.reads <= 8 * 2 + 1, db.reads


def test_a_request_that_arrives_during_a_read_waits_for_the_next() -> None:
    db = Database(delay_s=0.05)
    reader = StampReader(db.read)

    async def main() -> tuple[tuple[int, int], tuple[int, int]]:
        first = asyncio.ensure_future(_request(reader, db))
        await asyncio.sleep(0.01)  # the first read is under way
        db.version = 7  # a write commits while it runs
        second = await _request(reader, db)
        return await first, second

    (before_1, got_1), (before_2, got_2) = run(main())
    assert (before_1, got_1) == (0, 0)
    assert (before_2, got_2) == (7, 7), "the second request must not share the older read"
    assert db.reads == 2


def test_a_request_that_goes_away_does_not_cancel_the_shared_read() -> None:
    db = Database(delay_s=0.03)
    reader = StampReader(db.read)

    async def main() -> tuple[int, ...] | None:
        quitter = asyncio.ensure_future(reader.stamps())
        stayer = asyncio.ensure_future(reader.stamps())
        await asyncio.sleep(0.005)
        quitter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await quitter
        return await stayer

    assert run(main()) == (0,)
    assert db.reads == 1


def test_a_failing_read_answers_none_and_the_next_read_runs() -> None:
    calls = []

    def read() -> tuple[int] | None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return (1,)

    reader = StampReader(read)
    assert run(reader.stamps()) is None
    assert run(reader.stamps()) == (1,)
