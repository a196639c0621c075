"""Running a coroutine from a test, whatever the test process's main thread is doing."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` on a thread of its own: in a worker that has run the browser
    tests, the main thread already runs an event loop (Playwright's sync API keeps one), and
    ``asyncio.run`` refuses to start a second there."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
