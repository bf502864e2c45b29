"""The one Jinja2 set-up of the site's templates, pages and album alike."""

from __future__ import annotations

from pathlib import Path

import jinja2

from contest.i18n import gettext, ngettext


def translated_environment(directory: Path) -> jinja2.Environment:
    """Templates with autoescaping on, undefined names errors, and the words translated into
    the locale being rendered (``current_locale``), whitespace inside ``{% trans %}``
    collapsed as ``babel.cfg`` extracts it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env
