"""Group commit for likes: many requests' likes stored by one trip, in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from contest.core.db import Database
from contest.voting.batch import apply_likes
from contest.voting.likes import LikeRequest, LikeState

#: Likes stored in one transaction at most; more wait for the next trip.
MAX_BATCH = 256

Outcome = LikeState | Exception


class LikeWriter:
    """Queues likes and stores whatever has gathered in one write, each with its own outcome.

    The first like to arrive while none is being written starts a writer task; it stores the
    whole queue (up to ``MAX_BATCH``) in one trip to the database's writer thread, then again
    whatever gathered meanwhile, and ends when the queue is empty. So the batch grows with the
    load and a lone like is stored at once. Each like is checked and stored on its own (a
    savepoint each), so a refusal or failure touches no other like in the batch; a caller that
    goes away does not stop the write that carries the others' likes.
    """

    def __init__(
        self,
        db: Database,
        *,
        max_batch: int = MAX_BATCH,
        on_change: Callable[[int], None] | None = None,
    ) -> None:
        self._db = db
        self._max_batch = max_batch
        #: Told the contest id of every stored like or unlike that changed something (so
        #: caches of its gallery can be forgotten).
        self._on_change = on_change
        self._queue: list[tuple[LikeRequest, asyncio.Future[Outcome]]] = []
        self._writer: asyncio.Task[None] | None = None
        #: How many batches and likes were written (tests check the batching by them).
        self.batches = 0
        self.written = 0

    @property
    def db(self) -> Database:
        """The database the likes are stored in."""
        return self._db

    async def submit(self, request: LikeRequest) -> LikeState:
        """Store one like or unlike (see ``likes.click_request``); its refusal (a ContestError)
        is raised to this caller only. One voter's clicks are stored in the order they came."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.append((request, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_while_queued())
        outcome = await future
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _write_while_queued(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                await self._write(batch)
        finally:
            self._writer = None

    async def _write(self, batch: list[tuple[LikeRequest, asyncio.Future[Outcome]]]) -> None:
        requests = [request for request, _ in batch]
        try:
            outcomes = await self._db.write_in_thread(
                lambda connection: apply_likes(connection, requests)
            )
        except Exception as error:  # the transaction itself failed: none of them was stored
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        except BaseException:
            for _, future in batch:
                future.cancel()
            raise
        self.batches += 1
        self.written += len(batch)
        for (request, future), outcome in zip(batch, outcomes, strict=True):
            if self._on_change is not None and isinstance(outcome, LikeState) and outcome.changed:
                self._on_change(request.contest_id)
            if not future.done():
                future.set_result(outcome)
