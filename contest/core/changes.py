"""What changed, told to every process and host of one site, so their caches agree.

Each process of ``contest serve --workers N`` (and each host) keeps caches of its own: a
contest's settings, gallery pages, the brand, sessions. A change that readers must see at once
is ``announce``d: a row in the ``changes`` table, written in the transaction of the change when
the caller has one (so it commits, or is undone, with it). Every process runs a ``ChangeFeed``
that reads the rows after the last one it saw and calls the handler of each row's topic,
which forgets what the row names in that process's caches.

The feed asks the database every ``POLL_SECONDS``; on PostgreSQL it also listens on a
connection of its own (``LISTEN``), woken by the ``pg_notify`` that ``announce`` sends at
commit, so it usually reads a change within milliseconds. When it cannot be sure it saw every
row (the database failed, it fell silent longer than rows are kept, the numbers jump), it
forgets everything: its caches are then as fresh as the database, never staler than their own
seconds. Rows older than ``KEEP`` are pruned every ``PRUNE_SECONDS`` by each feed (a delete is
a write, so it is kept rare).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from datetime import timedelta

import anyio
import psycopg
from anyio.abc import TaskStatus

from contest.core.clock import to_db, utcnow
from contest.core.db import Database, Transaction

log = logging.getLogger("contest.changes")

#: The topics, each naming what its key is.
CONTEST = "contest"  # a contest's settings changed; key: its id
BRAND = "brand"  # the library's brand or default language changed; no key
GALLERY = "gallery"  # what a contest's gallery shows changed (not a visitor's like); key: its id
SESSION = "session"  # a session ended; key: its token's hash
USER = "user"  # an account's role or standing changed, or all its sessions ended; key: its id

#: PostgreSQL's channel that wakes the feeds (the payload is empty: the table holds the news).
CHANNEL = "contest_changes"
POLL_SECONDS = 0.25
BATCH = 500
#: How long rows are kept; a feed silent for half of it may have missed some, and forgets all.
KEEP = timedelta(minutes=10)
PRUNE_SECONDS = 300.0
#: The wait before listening again after the listening connection failed.
RELISTEN_SECONDS = 5.0

Handler = Callable[[str], None]


async def announce(
    db: Database, topic: str, key: str | int = "", *, tx: Transaction | None = None
) -> None:
    """Tell every process that ``key`` of ``topic`` changed: inside ``tx`` when given (it
    commits with the change), else in a small transaction of its own."""
    if tx is None:
        async with db.transaction() as own:
            await announce(db, topic, key, tx=own)
        return
    await tx.execute(
        "INSERT INTO changes (topic, key, at) VALUES (?, ?, ?)",
        (topic, str(key), to_db(utcnow())),
    )
    if db.kind == "postgresql":
        await tx.execute(f"SELECT pg_notify('{CHANNEL}', '')")


class ChangeFeed:
    """Reads the changes other processes (and this one) announce, and hands each to the
    handler of its topic; ``forget_all`` when it may have missed some."""

    def __init__(
        self,
        db: Database,
        handlers: Mapping[str, Handler],
        forget_all: Callable[[], None],
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.db = db
        self.handlers = dict(handlers)
        self.forget_all = forget_all
        self.poll_seconds = poll_seconds
        self._last: int | None = None
        self._lock = anyio.Lock()
        self._wakeup = anyio.Event()
        self._last_read = -math.inf
        self._last_pruned = -math.inf
        #: Whether the last read failed (the failure is logged once, not at every poll).
        self._failing = False
        #: Set once the feed listens on PostgreSQL (for tests).
        self.listening = anyio.Event()

    async def start(self) -> None:
        """Begin after the newest row: what happened before, the caches (empty) never saw."""
        self._last = int(await self.db.fetch_value("SELECT coalesce(max(id), 0) FROM changes"))
        self._last_read = self._last_pruned = anyio.current_time()

    async def run(self, *, task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
        """Start, then read the changes for as long as the app runs (``task_status`` is told
        once the feed knows where it begins, so no change after start-up is missed)."""
        await self.start()
        task_status.started()
        async with anyio.create_task_group() as tasks:
            url = getattr(self.db, "url", None) if self.db.kind == "postgresql" else None
            if url:
                tasks.start_soon(self._listen, url)
            while True:
                self._wakeup = anyio.Event()  # before reading: news while it reads is not lost
                await self._read_safely()
                await self._prune_when_due()
                with anyio.move_on_after(self.poll_seconds):
                    await self._wakeup.wait()

    async def settle(self) -> None:
        """Handle every change committed so far (for tests, and anyone who must be sure)."""
        while await self._read() == BATCH:
            pass

    async def _read_safely(self) -> None:
        try:
            while await self._read() == BATCH:
                pass
        except Exception as error:  # the database failed: the caches may miss what it said
            if not self._failing:  # told once per outage, not four times a second
                log.exception("reading the changes failed; forgetting every cache until it works")
            else:
                log.debug("reading the changes still fails: %s", error)
            self._failing = True
            self.forget_all()
        else:
            if self._failing:
                log.warning("reading the changes works again")
            self._failing = False

    async def _read(self) -> int:
        """Handle the next batch of changes; return how many there were."""
        async with self._lock:
            if self._last is None:
                await self.start()
            assert self._last is not None
            rows = await self.db.fetch_all(
                "SELECT id, topic, key FROM changes WHERE id > ? ORDER BY id LIMIT ?",
                (self._last, BATCH),
            )
            now = anyio.current_time()
            silent = now - self._last_read > KEEP.total_seconds() / 2
            self._last_read = now
            # A jump in the numbers is a pruned row this feed never read (or, on PostgreSQL,
            # an announcement rolled back: rare, and forgetting all then costs a few reloads).
            if silent or (rows and int(rows[0]["id"]) != self._last + 1):
                self.forget_all()
            for row in rows:
                self._handle(str(row["topic"]), str(row["key"]))
                self._last = int(row["id"])
            return len(rows)

    def _handle(self, topic: str, key: str) -> None:
        handler = self.handlers.get(topic)
        try:
            if handler is None:  # a newer version's topic: what it means is unknown here
                self.forget_all()
            else:
                handler(key)
        except Exception:
            log.exception("handling the change %s %r failed; forgetting every cache", topic, key)
            self.forget_all()

    async def _prune_when_due(self) -> None:
        if anyio.current_time() - self._last_pruned < PRUNE_SECONDS:
            return
        self._last_pruned = anyio.current_time()
        try:
            async with self.db.transaction() as tx:
                await tx.execute("DELETE FROM changes WHERE at < ?", (to_db(utcnow() - KEEP),))
        except Exception:  # the next prune tries again
            log.exception("pruning the changes failed")

    async def _listen(self, url: str) -> None:
        """Wake the feed whenever PostgreSQL says a change committed (polling goes on
        beside it, so a lost connection only slows the news down)."""
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as raw:
                    await raw.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._wakeup.set()  # anything said while not listening is read now
                    async for _ in raw.notifies():
                        self._wakeup.set()
            except psycopg.Error:
                log.warning("listening for changes failed; polling until it listens again")
            await anyio.sleep(RELISTEN_SECONDS)
