"""The album's pages as words: its templates' environment, its style sheet and the lines that
name an entry's awards, in the language the album is exported in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from contest.i18n import (
    DEFAULT_LOCALE,
    Message,
    Nn_,
    current_locale,
    html_lang,
    written_date,
)
from contest.i18n.jinja import translated_environment

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "album"
STYLE = """\
:root { color-scheme: light dark; --ink: #1d1d1f; --muted: #5f6368; --paper: #fafaf7;
  --accent: #8a6200; --line: #e3e1da; }
@media (prefers-color-scheme: dark) { :root { --ink: #f2f2f2; --muted: #b0b0b0;
  --paper: #161618; --accent: #ffd166; --line: #2e2e33; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--ink);
  background: var(--paper); }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem; }
a { color: inherit; } nav a { margin-right: 1rem; } .muted { color: var(--muted); }
.hashtag, .award { color: var(--accent); font-weight: 600; } .description { white-space: pre-line; }
.grid { display: grid; gap: 1rem; padding: 0; list-style: none;
  grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
img { display: block; max-width: 100%; height: auto; border-radius: 4px; background: var(--line); }
.grid img { width: 100%; aspect-ratio: 1; object-fit: cover; }
.grid h2 { font-size: 1rem; margin: .5rem 0 0; } .grid p { margin: 0; }
.winner { border-top: 1px solid var(--line); padding: 1rem 0; } blockquote { margin: .5rem 0; }
footer { border-top: 1px solid var(--line); font-size: .875rem; color: var(--muted); }
"""


def environment() -> jinja2.Environment:
    """Templates with autoescaping on, undefined names errors, and the words translated into
    the locale being rendered (``current_locale``); ``html_lang`` is that locale's tag."""
    return translated_environment(TEMPLATES_DIR)


def page_words() -> dict[str, Any]:
    """What every page needs of the language it is rendered in."""
    return {"html_lang": html_lang(current_locale.get())}


def local_day(local: datetime, english: str, *, with_time: bool = False) -> str:
    """A day (already in the contest's zone) as the album's language writes it, with its year
    (``english``: as the site writes it in English)."""
    locale = current_locale.get()
    if locale == DEFAULT_LOCALE:
        return english
    return written_date(local, locale, with_year=True, with_time=with_time)


def award_line(winner: dict[str, Any]) -> Message:
    """An award as an entry's page names it, People's Choice with its likes when the contest
    shows counts: ``People's Choice · 207 likes``."""
    if winner["likes"] is None:
        return Message("%(award)s", {"award": winner["award"]})
    count = int(winner["likes"])
    if winner.get("network"):
        likes = Nn_(
            "%(count)s like on %(network)s",
            "%(count)s likes on %(network)s",
            count,
            network=winner["network"],
        )
    else:
        likes = Nn_("%(count)s like", "%(count)s likes", count)
    return Message("%(award)s · %(likes)s", {"award": winner["award"], "likes": likes})
