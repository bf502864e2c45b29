"""QR codes of share links, drawn by segno: for networks with no web share address (WeChat),
whose app scans the code on a screen to open, and then share, the link."""

from __future__ import annotations

import io
from functools import lru_cache

import segno

#: What the image is, for those who cannot see it (also the SVG's own title).
QR_TITLE = "QR code of the link to this photo"
#: Kept drawings, one per link (a few hundred bytes to a few kilobytes each).
KEPT = 1024


@lru_cache(maxsize=KEPT)
def qr_svg(link: str) -> bytes:
    """A standalone SVG QR code of ``link``: dark modules on white with the quiet zone, sized
    only by its viewBox so the page sets its size; no script, no external reference."""
    code = segno.make(link, error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        omitsize=True,
        border=4,
        dark="#000",
        light="#fff",
        title=QR_TITLE,
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()
