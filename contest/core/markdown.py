"""Markdown for contest descriptions and rules, rendered safely: raw HTML is shown as text."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # "commonmark" with html disabled escapes any tags typed by the organizer; markdown-it's
    # link validation already refuses javascript:, vbscript: and data: URLs.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})


def render_markdown(text: str) -> Markup:
    """HTML for the Markdown text, safe to put on a page."""
    return Markup(_renderer().render(text))  # noqa: S704 - markdown-it output with html off
