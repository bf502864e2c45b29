"""File downloads of tables: CSV or JSON, saved under a name, never cached."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response

from contest.core import tabular

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


def download(body: str, fmt: str, name: str) -> Response:
    """Text the browser saves as ``name.fmt``; kept out of caches (it may hold personal data)."""
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )


def rows_download(rows: Sequence[Mapping[str, Any]], fmt: str, name: str) -> Response:
    """Rows as a CSV file or a JSON array the browser saves as ``name.fmt``."""
    body = tabular.to_csv(rows) if fmt == "csv" else tabular.to_json(list(rows))
    return download(body, fmt, name)
