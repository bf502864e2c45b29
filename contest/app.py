"""The application factory: ``create_app(config)`` builds a ready Starlette app."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from contest.accounts import users
from contest.config import Config
from contest.core import outbox
from contest.core.cache import TTLCache
from contest.core.clock import utcnow
from contest.core.db import OPERATIONAL_ERRORS, Database
from contest.core.errors import ContestError
from contest.core.security import Passwords
from contest.core.site_copy import IncompleteCopy, ensure_complete
from contest.core.storage import open_storage
from contest.media import decoding
from contest.media.card_backlog import draw_all_missing_cards
from contest.media.masters import complete_pending_masters, next_master_try
from contest.media.photos import sweep_expired_uploads_once, sweep_unreferenced_files_once
from contest.web.context import Services
from contest.web.errors import (
    error_response,
    handle_contest_error,
    handle_http_exception,
    handle_overflow,
    handle_server_error,
    handle_storage_error,
)
from contest.web.language import LanguageMiddleware
from contest.web.language import routes as language_routes
from contest.web.manage import bulk_invitations as manage_bulk_invitations
from contest.web.manage import (
    campaigns,
    dashboard,
    like_review,
    moderation,
    report_downloads,
    results,
)
from contest.web.manage import contests as manage_contests
from contest.web.manage import cover as manage_cover
from contest.web.manage import departments as manage_departments
from contest.web.manage import external_likes as manage_external_likes
from contest.web.manage import preview as manage_preview
from contest.web.manage import rounds as manage_rounds
from contest.web.manage import site as manage_site
from contest.web.members import auth, campus, confirmation, entries, judging
from contest.web.members import rounds as juror_rounds
from contest.web.middleware import (
    BodyLimitMiddleware,
    CrossSiteRequestMiddleware,
    SecurityHeadersMiddleware,
)
from contest.web.preview import PreviewMiddleware
from contest.web.public import brand_style, email_votes, gallery, likes, media, share_qr
from contest.web.public import home as public
from contest.web.public.like_fast_path import LikeFastPath
from contest.web.rendering import STATIC_DIR, build_templates
from contest.web.routing import IndexedRouter

log = logging.getLogger("contest")
MAIL_INTERVAL_SECONDS = 30
MEDIA_SWEEP_SECONDS = 600
#: How often the worker looks for files nothing refers to (and at start-up).
FILE_SWEEP_SECONDS = 3600
#: Photos decoded at once: one per core, keeping a core free for page views when there are two
#: (`serve --workers N` shares them out through CONTEST_IMAGE_WORKERS).
IMAGE_WORKERS = int(os.environ.get("CONTEST_IMAGE_WORKERS") or max(1, (os.cpu_count() or 2) - 1))


async def _deliver_mail_forever(services: Services) -> None:
    """Send queued mail every little while, for as long as the app runs."""
    smtp = services.config.smtp
    assert smtp is not None
    while True:
        try:
            await outbox.deliver_all_waiting(
                services.db, smtp=smtp, sender=services.config.mail_from, now=services.clock()
            )
        except Exception:  # keep the loop alive; the outbox page shows what failed
            log.exception("mail delivery failed")
        await anyio.sleep(MAIL_INTERVAL_SECONDS)


async def _make_media_once(services: Services, *, sweep_files: bool) -> None:
    """Make every master that is due and every share card missing, drop abandoned uploads and,
    if asked, files nothing uses. Every worker process does this; each piece is claimed in the
    database first (``core.claims``), so it is done by one of them."""
    while await complete_pending_masters(
        services.db, services.storage, limiter=services.image_limiter, now=services.clock()
    ):
        pass
    if services.config.draw_cards_ahead:
        await draw_all_missing_cards(
            services.db, services.storage, limiter=services.image_limiter, clock=services.clock
        )
    await sweep_expired_uploads_once(services.db, services.storage, now=services.clock())
    if sweep_files:
        await sweep_unreferenced_files_once(
            services.db,
            services.storage,
            now=services.clock(),
            every=timedelta(seconds=FILE_SWEEP_SECONDS),
        )


async def _media_pause(services: Services) -> float:
    """Seconds until the worker should look again unasked: the next retry of a failed master,
    or the periodic sweep, whichever comes first."""
    due = await next_master_try(services.db)
    if due is None:
        return MEDIA_SWEEP_SECONDS
    return min(MEDIA_SWEEP_SECONDS, max(1.0, (due - services.clock()).total_seconds()))


async def _make_media_forever(services: Services) -> None:
    """Make deferred masters at start-up (what a crash left), as uploads arrive and when a
    failed one is due again; sweep abandoned uploads now and then, and unreferenced files at
    start-up and every ``FILE_SWEEP_SECONDS``."""
    last_file_sweep: float | None = None
    while True:
        services.media_wakeup = anyio.Event()
        pause: float = MEDIA_SWEEP_SECONDS
        sweep_files = (
            last_file_sweep is None or anyio.current_time() - last_file_sweep >= FILE_SWEEP_SECONDS
        )
        try:
            await _make_media_once(services, sweep_files=sweep_files)
            if sweep_files:
                last_file_sweep = anyio.current_time()
            pause = await _media_pause(services)
        except Exception:  # keep the worker alive; the next upload or sweep tries again
            log.exception("media worker failed")
        with anyio.move_on_after(pause):
            await services.media_wakeup.wait()


def create_app(
    config: Config, *, clock: Callable[[], datetime] = utcnow, fast_passwords: bool = False
) -> Starlette:
    """Build the app; the database opens (and migrates) when the app starts."""
    config = config.with_secret_key()
    templates = build_templates()
    passwords = Passwords(fast=fast_passwords)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = await Database.open(config.database)
        try:
            await ensure_complete(db)  # never serve half a site that copy-data left
        except IncompleteCopy:
            await db.close()
            raise
        await users.fill_mailboxes(db)
        services = Services(
            config=config,
            db=db,
            passwords=passwords,
            templates=templates,
            clock=clock,
            storage=open_storage(config.media_location),
            image_limiter=anyio.CapacityLimiter(IMAGE_WORKERS),
            # Aged by the app's clock, so tests can move a like past the staleness bound.
            gallery_cache=TTLCache(config.gallery_cache_seconds, clock=lambda: clock().timestamp()),
        )
        app.state.services = services
        # Decoding workers for this process, started now (in a thread: spawning takes a few
        # milliseconds); shared by every app in the process and stopped at exit.
        await anyio.to_thread.run_sync(decoding.start, IMAGE_WORKERS)
        try:
            async with anyio.create_task_group() as tasks:
                # What other processes change, forgotten here (started before serving).
                await tasks.start(services.change_feed.run)
                if config.smtp is not None:
                    tasks.start_soon(_deliver_mail_forever, services)
                tasks.start_soon(_make_media_forever, services)
                yield
                tasks.cancel_scope.cancel()
        finally:
            await db.close()

    routes = [
        *public.routes,
        *language_routes,
        *brand_style.routes,
        *auth.routes,
        *campus.routes,
        *confirmation.routes,
        *manage_contests.routes,
        *manage_site.routes,
        *manage_cover.routes,
        *manage_departments.routes,
        *manage_bulk_invitations.routes,
        *manage_preview.routes,
        *entries.routes,
        *moderation.routes,
        *media.routes,
        *judging.routes,
        *juror_rounds.routes,
        *manage_rounds.routes,
        *gallery.routes,
        *share_qr.routes,
        *likes.routes,
        *like_review.routes,
        *email_votes.routes,
        *results.routes,
        *manage_external_likes.routes,
        *campaigns.routes,
        *dashboard.routes,
        *report_downloads.routes,
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(config.hosts)),
        # Files already in memory, and a script's plain like, are answered here, before the
        # per-request work below.
        Middleware(media.MediaFastPath),
        Middleware(LikeFastPath),
        Middleware(SecurityHeadersMiddleware, https=config.https),
        Middleware(
            CrossSiteRequestMiddleware,
            secure_cookies=config.https,
            refuse=error_response,
            clock=clock,
        ),
        Middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes, refuse=error_response),
        # The reader's language, current for the whole request.
        Middleware(LanguageMiddleware),
        # An organizer's rehearsal: their GETs of one contest's pages as on a chosen moment.
        Middleware(PreviewMiddleware),
    ]
    app = Starlette(
        debug=config.debug,
        middleware=middleware,
        exception_handlers={
            ContestError: handle_contest_error,
            HTTPException: handle_http_exception,
            OverflowError: handle_overflow,
            # A busy database or a full disk: 503/507 with Retry-After, connection kept.
            **dict.fromkeys(OPERATIONAL_ERRORS, handle_storage_error),
            OSError: handle_storage_error,
            Exception: handle_server_error,
        },
    )
    app.router = IndexedRouter(routes, lifespan=lifespan)
    return app


def app_from_environ() -> Starlette:
    """The app of one worker of `contest serve --workers N`, built from the environment (which
    the command filled in before starting the workers)."""
    return create_app(Config.from_environ().with_secret_key())
