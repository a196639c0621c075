"""The change stamps, read once for many requests (web/read_cache.py reads them before every
kept answer).

A request must be answered with stamps read *after* it arrived: then every write committed
before it is in them. Requests that arrive while a read is under way therefore wait for the
next one, and all of them share it: under load one read (one thread hop, one round trip)
serves a whole batch of requests instead of one each. The read runs on the event loop's own
executor, not on the worker threads that endpoints hold (they may all be busy).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Stamps = tuple[Any, ...] | None


@dataclass
class _Rounds:
    """One event loop's reads: whether one is under way, and the round that waits for it."""

    running: bool = False
    waiting: asyncio.Future[Stamps] | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class StampReader:
    """Shares reads of ``read`` (a blocking function: the stamps, or None) between requests."""

    def __init__(self, read: Callable[[], Stamps]) -> None:
        self._read = read
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Rounds] = (
            weakref.WeakKeyDictionary()
        )

    async def stamps(self) -> Stamps:
        """Stamps read by a read that started after this call (None: they cannot be read)."""
        loop = asyncio.get_running_loop()
        rounds = self._loops.setdefault(loop, _Rounds())
        mine = rounds.waiting
        if mine is None:
            mine = rounds.waiting = loop.create_future()
            if not rounds.running:
                self._start(loop, rounds)
        # shielded: a request that goes away does not cancel the read the others wait for
        return await asyncio.shield(mine)

    def _start(self, loop: asyncio.AbstractEventLoop, rounds: _Rounds) -> None:
        rounds.running = True

        async def round_trip() -> None:
            # The round closes as its read is sent: whoever asked until now shares it, and
            # whoever asks from now on waits for the next one.
            future, rounds.waiting = rounds.waiting, None
            assert future is not None
            try:
                result = await loop.run_in_executor(None, self._read)
            except Exception:  # noqa: BLE001 - read_stamps answers None itself; belt and braces
                result = None
            future.set_result(result)
            rounds.running = False
            if rounds.waiting is not None:  # asked for while this one was under way
                self._start(loop, rounds)

        task = loop.create_task(round_trip())
        rounds.tasks.add(task)
        task.add_done_callback(rounds.tasks.discard)
