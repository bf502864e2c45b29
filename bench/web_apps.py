"""The apps bench/web.py serves: ours, and the baselines it is compared with in the same run."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles

from contest.app import create_app
from contest.config import Config
from contest.core.cache import TTLCache
from contest.web.public.like_fast_path import LikeFastPath
from contest.web.public.media import MediaFastPath


def contest_app() -> Starlette:
    """The real application, configured from the environment the benchmark sets."""
    return create_app(Config.from_environ())


#: What ``variant_app`` can take out of our app, each measured against the whole app.
SPEED_UPS = (
    "like_fast_path",
    "media_fast_path",
    "indexed_router",
    "session_cache",
    "contest_cache",
)


def variant_app() -> Starlette:
    """Our app without the speed-ups named in BENCH_WITHOUT (comma-separated SPEED_UPS), to
    show what each one earns in the same run. Only public attributes are changed: the
    middleware list before the stack is built, the router, and the services' caches."""
    app = contest_app()
    without = {name for name in os.environ.get("BENCH_WITHOUT", "").split(",") if name}
    unknown = without - set(SPEED_UPS)
    if unknown:
        raise SystemExit(f"unknown speed-ups: {', '.join(sorted(unknown))}")
    dropped = {LikeFastPath} if "like_fast_path" in without else set()
    dropped |= {MediaFastPath} if "media_fast_path" in without else set()
    app.user_middleware = [entry for entry in app.user_middleware if entry.cls not in dropped]
    started = app.router.lifespan_context
    if "indexed_router" in without:
        app.router = Router(app.router.routes)

    @contextlib.asynccontextmanager
    async def lifespan(served: Starlette) -> AsyncIterator[None]:
        async with started(served):
            services = served.state.services
            if "session_cache" in without:
                services.session_cache.seconds = 0
            if "contest_cache" in without:
                services.contest_cache = TTLCache(0)
            yield

    app.router.lifespan_context = lifespan
    return app


def static_app() -> Starlette:
    """Starlette's StaticFiles serving the same thumbnails: the baseline."""
    return Starlette(routes=[Mount("/static", StaticFiles(directory=os.environ["BENCH_MEDIA"]))])


def minimal_like_app() -> Starlette:
    """The issue's reference: a bare Starlette + aiosqlite like endpoint with no checks at all.

    One voter per session cookie, one like per voter and entry by a unique constraint, the
    count read back; no sessions, CSRF, phases, eligibility, budgets or log.
    """
    path = Path(os.environ["CONTEST_DATA_DIR"]) / "minimal.db"
    state: dict[str, aiosqlite.Connection] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = await aiosqlite.connect(path, isolation_level=None)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute(
            "CREATE TABLE IF NOT EXISTS likes (entry_id INTEGER, voter TEXT,"
            " UNIQUE (entry_id, voter))"
        )
        state["db"] = db
        yield
        await db.close()

    async def like(request: Request) -> JSONResponse:
        await request.form()
        db, entry_id = state["db"], request.path_params["entry_id"]
        voter = request.cookies.get("contest_session", "")
        await db.execute("INSERT OR IGNORE INTO likes VALUES (?, ?)", (entry_id, voter))
        rows = await db.execute_fetchall(
            "SELECT count(*) FROM likes WHERE entry_id = ?", (entry_id,)
        )
        (count,) = next(iter(rows))
        return JSONResponse({"liked": True, "count": count})

    routes = [Route("/entries/{entry_id:int}/like", like, methods=["POST"])]
    return Starlette(routes=routes, lifespan=lifespan)
