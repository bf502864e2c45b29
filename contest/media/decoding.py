"""Decoding in supervised worker processes: pixels never touch the web server's memory.

A ``DecodingPool`` keeps a few worker processes (started with "spawn": the server has threads,
so it must not fork). Each worker runs under an address-space limit (``MEMORY_LIMIT``, set with
``RLIMIT_AS`` when it starts) and each call under a time limit (``TIME_LIMIT``). The work is a
plain function of bytes in and values out (``images.process_photo``, ``images.make_master``):
it goes to the worker by name, its arguments and result by pickle; storing the files stays in
the web process.

Why our own pool rather than ``concurrent.futures.ProcessPoolExecutor``: the executor cannot
stop one running task, and the death of one worker breaks the whole executor, failing every
image then in flight. Here every worker is one process with one pipe, used by one call at a
time, so a worker that dies (a decoder's crash, SIGKILL, running out of memory) or overruns the
time limit (it is killed) fails exactly the image it was working on, with ``DecodingFailed``,
and is replaced by a fresh process at once.

The caller waits in a thread (``anyio.to_thread``, under the caller's limiter); the thread
waits on the pipe, so the event loop never waits on pixels. One pool serves the whole process
(``shared_pool``): the app starts it with its size at start-up (``start``), anything else
(the demo, tests) gets it on first use, and it is shut down at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import logging
import multiprocessing
import os
import pickle
import queue
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import anyio.to_thread

log = logging.getLogger("contest")
T = TypeVar("T")

#: A worker's address space (RLIMIT_AS): the largest accepted photo (50 MP) needs about 600 MB
#: at its peak (a master turned upright), the interpreter and Pillow about 250 MB of it.
MEMORY_LIMIT = 1 << 30
#: How long one image may take in a worker before it is killed (a 50 MP photo takes about 2 s).
TIME_LIMIT = 30.0
#: How long a new worker may take to start (import Pillow) before it counts as failed.
START_LIMIT = 60.0
#: Workers by default (the app passes its own ``IMAGE_WORKERS``): one per core, keeping a core
#: free for page views when there are two.
DEFAULT_WORKERS = max(1, (os.cpu_count() or 2) - 1)
#: Imported by each worker as it starts, so the first image does not pay for it.
PRELOAD = ("contest.media.images",)
#: How long a closing pool waits for an idle worker to leave before killing it.
_LEAVE_SECONDS = 2.0


class DecodingFailed(Exception):
    """The worker died, ran out of memory or overran the time limit on this image; the message
    says which (for the log; a participant is told only that the photo could not be done)."""


class _Worker:
    """One worker process and the parent's end of its pipe; used by one call at a time."""

    def __init__(self, memory_limit: int, preload: tuple[str, ...]) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve,
            args=(child, memory_limit, preload),
            name="contest-decoder",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.ready = False

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], time_limit: float) -> Any:
        """``fn(*args)`` in the worker; DecodingFailed if the worker is lost meanwhile (it is
        then useless: the caller must ``kill`` it); the work's own exception otherwise."""
        if not self.ready:
            self._wait_until_ready()
        message = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)  # errors: ours
        try:
            self.conn.send_bytes(message)
            if not self.conn.poll(time_limit):
                self.kill()
                raise DecodingFailed(f"the image overran the time limit of {time_limit:g} s")
            status, value = self.conn.recv()
        except (EOFError, OSError) as lost:
            raise DecodingFailed(f"the decoding worker {self._end()}") from lost
        if status == "memory":
            raise DecodingFailed(
                f"the decoding worker ran out of memory (its limit is {value >> 20} MB)"
            )
        if status == "error":
            raise value
        return value

    def _wait_until_ready(self) -> None:
        try:
            if not self.conn.poll(START_LIMIT):
                self.kill()
                raise DecodingFailed(f"the decoding worker did not start in {START_LIMIT:g} s")
            self.conn.recv()
        except (EOFError, OSError) as lost:
            raise DecodingFailed(f"the decoding worker {self._end()} as it started") from lost
        self.ready = True

    def _end(self) -> str:
        """How the process ended, once it has."""
        self.process.join(5)
        code = self.process.exitcode
        if code is None:
            return "stopped answering"
        if code < 0:
            with contextlib.suppress(ValueError):
                return f"was killed by {signal.Signals(-code).name}"
            return f"was killed by signal {-code}"
        return f"exited with status {code}"

    def kill(self) -> None:
        """End the process now, whatever it is doing."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def leave(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        with contextlib.suppress(OSError):  # already gone
            self.conn.send_bytes(pickle.dumps(None))
        self.process.join(_LEAVE_SECONDS)
        self.kill()


def _serve(conn: Connection, memory_limit: int, preload: tuple[str, ...]) -> None:
    """A worker's life: set the limit, import what the work needs, then answer each call."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    for module in preload:
        importlib.import_module(module)
    conn.send("ready")
    while True:
        try:
            request = pickle.loads(conn.recv_bytes())  # noqa: S301 - from our server's pipe
        except (EOFError, ConnectionResetError):  # the server went away
            return
        if request is None:
            return
        fn, args = request
        try:
            answer: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            answer = ("memory", memory_limit)
        except Exception as error:
            error.add_note("In a decoding worker:\n" + "".join(traceback.format_exception(error)))
            answer = ("error", error)
        try:
            conn.send(answer)
        except MemoryError:
            conn.send(("memory", memory_limit))
        except Exception as error:  # a result or an exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))


class DecodingPool:
    """``workers`` supervised worker processes, each under ``memory_limit`` bytes of address
    space and ``time_limit`` seconds per call. Workers start on first use (or ``start``)."""

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        *,
        memory_limit: int = MEMORY_LIMIT,
        time_limit: float = TIME_LIMIT,
        preload: tuple[str, ...] = PRELOAD,
    ) -> None:
        self.workers = workers
        self.memory_limit = memory_limit
        self.time_limit = time_limit
        self.preload = preload
        self.closed = False
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        # Idle workers, and None for a slot whose worker is not started yet.
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        for _ in range(workers):
            self._idle.put(None)

    def start(self) -> None:
        """Start every worker not started yet, so the first images do not wait for them
        (without waiting for busy ones)."""
        for _ in range(self.workers):
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            try:
                self._idle.put(worker or self._spawn())
            except BaseException:
                self._idle.put(None)
                raise

    async def run(
        self, fn: Callable[..., T], *args: Any, limiter: anyio.CapacityLimiter | None = None
    ) -> T:
        """``fn(*args)`` in a worker, awaited in a thread under ``limiter``; DecodingFailed if
        the worker is lost on it (the worker is replaced)."""
        if self.closed:
            raise RuntimeError("the decoding pool is closed")
        if not _by_name(fn):
            # A function a worker cannot import by name (a test's stand-in wrapping the real
            # one) runs in a thread here, as every image did before the pool.
            return await anyio.to_thread.run_sync(lambda: fn(*args), limiter=limiter)
        return await anyio.to_thread.run_sync(self.call, fn, *args, limiter=limiter)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker, waiting for a free one (blocking: call it in a thread)."""
        worker = self._take()
        try:
            result: T = worker.call(fn, args, self.time_limit)
        except DecodingFailed as failed:
            log.warning("decoding failed: %s; the worker is replaced", failed)
            self._forget(worker)
            worker.kill()
            self._give_back(None)
            raise
        except BaseException:
            self._give_back(worker)
            raise
        self._give_back(worker)
        return result

    def close(self) -> None:
        """Stop every worker, idle or busy; calls waiting for one fail."""
        self.closed = True
        with self._lock:
            workers, self._live = list(self._live), set()
        for worker in workers:
            worker.leave()

    def _take(self) -> _Worker:
        while True:
            if self.closed:
                raise RuntimeError("the decoding pool is closed")
            try:
                worker = self._idle.get(timeout=0.5)
            except queue.Empty:
                continue
            if worker is not None and worker.process.is_alive():
                return worker
            if worker is not None:
                self._forget(worker)
                worker.kill()
            try:
                return self._spawn()
            except BaseException:
                self._idle.put(None)
                raise

    def _spawn(self) -> _Worker:
        worker = _Worker(self.memory_limit, self.preload)
        with self._lock:
            self._live.add(worker)
        return worker

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)

    def _give_back(self, worker: _Worker | None) -> None:
        if self.closed and worker is not None:
            worker.leave()
        else:
            self._idle.put(worker)


def _by_name(fn: Callable[..., Any]) -> bool:
    """Whether a worker can find ``fn`` by its module and name (pickle sends it so)."""
    try:
        pickle.dumps(fn)
    except (pickle.PicklingError, AttributeError, TypeError):
        return False
    return True


_shared: DecodingPool | None = None
_shared_lock = threading.Lock()


def shared_pool(workers: int = DEFAULT_WORKERS) -> DecodingPool:
    """This process's pool, made on first use (with ``workers`` workers)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.closed:
            _shared = DecodingPool(workers)
        return _shared


def start(workers: int = DEFAULT_WORKERS) -> DecodingPool:
    """Make this process's pool with ``workers`` workers (if it has another size, replace it)
    and start them; at app start-up."""
    global _shared
    with _shared_lock:
        if _shared is not None and _shared.workers != workers:
            _shared.close()
            _shared = None
    pool = shared_pool(workers)
    pool.start()
    return pool


def shutdown() -> None:
    """Stop this process's pool (the next use makes a new one); at exit."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close()


atexit.register(shutdown)


async def run(fn: Callable[..., T], *args: Any, limiter: anyio.CapacityLimiter | None) -> T:
    """``fn(*args)`` in this process's pool (see ``DecodingPool.run``)."""
    return await shared_pool().run(fn, *args, limiter=limiter)
