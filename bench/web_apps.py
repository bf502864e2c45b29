"""The two apps bench/web.py serves: ours, and plain StaticFiles over the same media folder."""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from contest.app import create_app
from contest.config import Config


def contest_app() -> Starlette:
    """The real application, configured from the environment the benchmark sets."""
    return create_app(Config.from_environ())


def static_app() -> Starlette:
    """Starlette's StaticFiles serving the same thumbnails: the baseline."""
    return Starlette(routes=[Mount("/static", StaticFiles(directory=os.environ["BENCH_MEDIA"]))])
