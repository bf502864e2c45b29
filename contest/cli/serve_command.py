"""`contest serve`: the web server, in one process or several."""

from __future__ import annotations

import argparse
import asyncio
import os

from contest.config import Config
from contest.core.db import Database
from contest.core.postgres_database import DatabaseUnreachable
from contest.core.site_copy import IncompleteCopy, ensure_complete


def image_workers_per_process(workers: int) -> int:
    """Photo-decoding processes for each of ``workers`` server processes: the cores but one,
    shared out, at least one each."""
    return max(1, ((os.cpu_count() or 2) - 1) // workers)


def _check_database(config: Config) -> None:
    """Open the database once before serving (bringing its schema up to date before any
    worker starts), or stop with a message: a server that does not answer (named, never with
    its password), a copy that copy-data has not finished."""

    async def check() -> None:
        database = await Database.open(config.database)
        try:
            await ensure_complete(database)
        finally:
            await database.close()

    try:
        asyncio.run(check())
    except (DatabaseUnreachable, IncompleteCopy) as error:
        raise SystemExit(f"Not serving: {error}") from error


def cmd_serve(config: Config, args: argparse.Namespace) -> int:
    """Run the web server: one process, or with --workers N several processes sharing the
    port (each with its own caches; the database keeps them in step)."""
    import uvicorn

    from contest.app import create_app

    config = config.with_secret_key()
    _check_database(config)
    workers = max(1, args.workers)
    if workers > 1:
        # Each worker process builds its app from the environment: hand them the secret key
        # resolved here (one key for all, even when it was just generated) and a share of
        # the cores for decoding photos.
        os.environ["CONTEST_SECRET_KEY"] = config.secret_key or ""
        os.environ.setdefault("CONTEST_IMAGE_WORKERS", str(image_workers_per_process(workers)))
    print(
        f"Serving on http://{args.host}:{args.port} with {workers} worker"
        f"{'s' if workers > 1 else ''} (public address {config.base_url})"
    )
    uvicorn.run(
        "contest.app:app_from_environ" if workers > 1 else create_app(config),
        factory=workers > 1,
        workers=workers if workers > 1 else None,
        host=args.host,
        port=args.port,
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
        access_log=args.access_log,
        limit_concurrency=args.limit_concurrency,
        backlog=args.backlog,
        timeout_keep_alive=args.timeout_keep_alive,
        timeout_graceful_shutdown=args.timeout_graceful_shutdown,
    )
    return 0


def default_connection_limit() -> int:
    """The default of ``serve --limit-concurrency``: 1000 connections, or fewer where the
    open-file limit would run out first (each connection holds a file; the database, photos
    being read and the listening socket need some too)."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 1000
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(16, min(1000, soft - 128))
