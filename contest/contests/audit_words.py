"""A contest's changes in words for its audit log, which is stored in English (the labels'
English text, whoever made the change in whichever language)."""

from __future__ import annotations

from datetime import datetime

from contest.contests.form import SCHEDULE_LABELS
from contest.contests.model import SETTING_LABELS, ContestSettings
from contest.core.clock import local_input_value
from contest.i18n import Message

SCHEDULE_FIELDS = tuple(SCHEDULE_LABELS)
#: Settings whose words the audit log does not repeat (it says they were edited).
LONG_TEXTS = frozenset({"description_md", "rules_md", "licence_text", "texts"})
QUOTED_LENGTH = 80


def _english(label: Message) -> str:
    """A label as the audit log stores it: in English, whoever reads the page."""
    return str.__str__(label)


def _shown(settings: ContestSettings, name: str) -> str:
    """A setting's value as the audit log quotes it."""
    value = getattr(settings, name)
    if isinstance(value, bool):
        return "on" if value else "off"
    if name == "criteria":
        return ", ".join(f"{c.name} (weight {c.weight:.15g})" for c in settings.criteria) or "none"
    if isinstance(value, tuple):
        return ", ".join(value) or "none"
    if isinstance(value, str):
        text = value if len(value) <= QUOTED_LENGTH else value[: QUOTED_LENGTH - 1] + "…"
        return f"“{text}”"
    return str(value)


def describe_changes(before: ContestSettings, after: ContestSettings) -> str:
    """What changed between two versions of the settings, in words for the audit log."""
    parts: list[str] = []
    for name in before.changed(after):
        if name == "schedule":
            for field in SCHEDULE_FIELDS:
                old, new = getattr(before.schedule, field), getattr(after.schedule, field)
                if old != new:
                    parts.append(
                        f"When {_english(SCHEDULE_LABELS[field])}:"
                        f" {_moment(old, before.timezone)} → {_moment(new, after.timezone)}"
                    )
        elif name in LONG_TEXTS:
            parts.append(f"{_english(SETTING_LABELS[name])}: edited")
        else:
            label = _english(SETTING_LABELS[name])
            parts.append(f"{label}: {_shown(before, name)} → {_shown(after, name)}")
    return "Settings changed. " + "; ".join(parts) + "."


def _moment(moment: datetime, tz_name: str) -> str:
    return f"{local_input_value(moment, tz_name).replace('T', ' ')} {tz_name}"
