"""Small in-process caches: values that may be a moment stale, and small immutable files."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import anyio

MAX_KEYS = 512


class _Loading:
    """A load in progress that other callers for the same key wait on instead of repeating."""

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.value: Any = None
        self.failed = False
        self.forgotten = False  # forgotten while loading: hand it to the waiters, keep it not


def group_of(key: Hashable) -> Hashable:
    """The group a key belongs to: a tuple key's first two parts (what and whose, such as
    ``("gallery", contest_id)``), any other key itself."""
    return key[:2] if isinstance(key, tuple) else key


class TTLCache:
    """Values kept for ``seconds``; loaded again once older. Zero seconds caches nothing.

    Callers who ask for a key while it is being loaded wait for that load rather than start
    their own, so an expiry under load costs one load, not one per waiting request. The clock
    may be the application's (a test's fake clock); an age that runs backwards counts as old.
    Keys are indexed by ``group_of``, so a group is forgotten without looking at the others.
    """

    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.seconds = seconds
        self.max_keys = max_keys
        self._clock = clock
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._groups: dict[Hashable, set[Hashable]] = {}
        self._loading: dict[Hashable, _Loading] = {}
        self._swept = clock()

    def _fresh(self, stamp: float, now: float) -> bool:
        return 0 <= now - stamp < self.seconds

    async def get(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        """The cached value for the key, or a freshly loaded one."""
        if self.seconds <= 0:
            return await load()
        cached = self._values.get(key)
        if cached is not None and self._fresh(cached[0], self._clock()):
            return cached[1]
        loading = self._loading.get(key)
        if loading is not None:
            await loading.done.wait()
            if not loading.failed:
                return loading.value
        return await self._load(key, load)

    async def _load(self, key: Hashable, load: Callable[[], Awaitable[Any]]) -> Any:
        loading = self._loading[key] = _Loading()
        started = self._clock()
        try:
            loading.value = await load()
        except BaseException:
            loading.failed = True
            raise
        finally:
            if self._loading.get(key) is loading:
                del self._loading[key]
            loading.done.set()
        if not loading.forgotten:
            self._store(key, started, loading.value)
        return loading.value

    def __len__(self) -> int:
        return len(self._values)

    def _store(self, key: Hashable, stamp: float, value: Any) -> None:
        # The age counts from before the load, so a value is never older than ``seconds``.
        if key in self._values:
            self._drop(key)
        now = self._clock()
        if len(self._values) >= self.max_keys or not self._fresh(self._swept, now):
            # Old values go at least once a lifetime, so none lingers (with what hangs on it).
            self._swept = now
            for old in [k for k, (at, _) in self._values.items() if not self._fresh(at, now)]:
                self._drop(old)
        while len(self._values) >= self.max_keys:
            self._drop(next(iter(self._values)))  # the longest-kept goes first
        self._values[key] = (stamp, value)
        self._groups.setdefault(group_of(key), set()).add(key)

    def _drop(self, key: Hashable) -> None:
        del self._values[key]
        group = group_of(key)
        members = self._groups[group]
        members.discard(key)
        if not members:
            del self._groups[group]

    def stale(self, key: Hashable) -> Any:
        """The value last kept for the key however old (None if none), for a loader to reuse
        what has not changed since."""
        cached = self._values.get(key)
        return None if cached is None else cached[1]

    def forget(self, matches: Callable[[Hashable], bool]) -> None:
        """Make the values whose keys match old, so their next reader loads them afresh (after
        a change readers should see at once); they stay available to ``stale``."""
        self._forget([key for key in self._values if matches(key)], matches)

    def forget_group(self, group: Hashable) -> None:
        """``forget`` for the keys of one group (see ``group_of``), at the cost of that group
        alone: for hot paths, such as a like forgetting its contest's gallery."""
        self._forget(list(self._groups.get(group, ())), lambda key: group_of(key) == group)

    def _forget(self, keys: list[Hashable], matches: Callable[[Hashable], bool]) -> None:
        for key in keys:
            self._values[key] = (-math.inf, self._values[key][1])
        for key, loading in list(self._loading.items()):
            if matches(key):  # begun before the change: callers from now on load afresh
                loading.forgotten = True
                del self._loading[key]


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

    def drop(self, key: str) -> None:
        """Forget one file (it was deleted)."""
        data = self._files.pop(key, None)
        if data is not None:
            self._size -= len(data)
