"""A tiny time-limited cache for values that may be a moment stale (gallery rows, counts)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

MAX_KEYS = 512


class TTLCache:
    """Values kept for ``seconds``; loaded again once older. Zero seconds caches nothing."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._values: dict[Hashable, tuple[float, Any]] = {}

    async def get(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        """The cached value for the key, or a freshly loaded one."""
        if self.seconds <= 0:
            return await load()
        now = self._clock()
        cached = self._values.get(key)
        if cached is not None and now - cached[0] < self.seconds:
            return cached[1]
        value = await load()
        if len(self._values) >= MAX_KEYS:
            self._values.clear()
        self._values[key] = (now, value)
        return value

    def forget(self, matches: Callable[[Hashable], bool]) -> None:
        """Drop the values whose keys match (after a change their readers should see at once)."""
        for key in [key for key in self._values if matches(key)]:
            del self._values[key]


class BytesCache:
    """Small immutable files kept in memory, least recently used dropped past a byte budget."""

    def __init__(self, budget: int = 64 * 1024 * 1024, largest: int = 512 * 1024) -> None:
        self.budget = budget
        self.largest = largest
        self._files: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0

    def get(self, key: str) -> bytes | None:
        """The cached bytes, if any (and mark them recently used)."""
        data = self._files.get(key)
        if data is not None:
            self._files.move_to_end(key)
        return data

    def put(self, key: str, data: bytes) -> None:
        """Keep the bytes if they are small enough, evicting the oldest to stay in budget."""
        if len(data) > self.largest or key in self._files:
            return
        self._files[key] = data
        self._size += len(data)
        while self._size > self.budget:
            _, dropped = self._files.popitem(last=False)
            self._size -= len(dropped)
