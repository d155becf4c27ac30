"""Bounds that keep one client from starving the others, and the request size caps.

Library calls run in worker threads, never on the event loop. A light call (a formula, a
listing) takes one of ``LIGHT_SLOTS``; a heavy one (a report, a plot, an uploaded config, a
Monte Carlo run over every machine) one of ``HEAVY_SLOTS``. A request that cannot get a slot
within ``QUEUE_WAIT_S`` is answered 503 at once instead of queueing without end; one that has
a slot keeps it until its work ends, so abandoned requests cannot pile up work behind it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

from flopcast.web.inputs import MAX_UPLOAD_BYTES

T = TypeVar("T")

HEAVY_SLOTS = 2  # the machines this runs on have a few cores; the GIL does the rest
LIGHT_SLOTS = 8
QUEUE_WAIT_S = 15.0
#: Largest request body (an uploaded config.json and its form) and query string.
MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 16 * 1024
MAX_QUERY_BYTES = 8 * 1024
#: Results kept for repeated requests (every result is a pure function of its inputs).
CACHE_ENTRIES = 512


class Busy(Exception):
    """No worker slot came free in time."""


class Limiters:
    """The light and heavy worker slots of one running app (made inside its event loop)."""

    def __init__(self) -> None:
        import anyio

        self.light = anyio.CapacityLimiter(LIGHT_SLOTS)
        self.heavy = anyio.CapacityLimiter(HEAVY_SLOTS)

    async def run(self, fn: Callable[[], T], *, heavy: bool = False) -> T:
        """``fn()`` in a worker thread once a slot is free (:class:`Busy` after the wait)."""
        import anyio
        import anyio.to_thread

        from flopcast.errors import cli_surface

        limiter = self.heavy if heavy else self.light
        with anyio.move_on_after(QUEUE_WAIT_S) as scope:
            await limiter.acquire()
        if scope.cancelled_caught:
            raise Busy
        try:

            def work() -> T:
                with cli_surface():  # errors name inputs as the command line does
                    return fn()

            return await anyio.to_thread.run_sync(work)
        finally:
            limiter.release()


class ResultCache:
    """A bounded least-recently-used map of results by request, shared by the threads."""

    def __init__(self, size: int = CACHE_ENTRIES) -> None:
        self._size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
