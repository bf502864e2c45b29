"""Moving a contest's whole calendar at once: by a number of days, or to next year.

Pure functions of a Schedule and a time zone. Every date moves on the contest's own wall
clock: 18:00 in the contest's zone stays 18:00, whatever daylight saving does in between.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime, timedelta

from contest.contests.phases import Schedule
from contest.core.clock import zone
from contest.i18n import N_, Message, shown

#: How far one move may go, either way.
MAX_SHIFT_DAYS = 365
SHIFT_DAYS_MESSAGE = N_(
    "Move the dates by a whole number of days from -%(limit)d to %(limit)d,"
    " not 0 (for example 7 for a week later, -7 for a week earlier).",
    limit=MAX_SHIFT_DAYS,
)
_TRAILING_YEAR = re.compile(r"(?<!\d)((?:19|20|21)\d\d)\s*$")


def _moved(schedule: Schedule, tz_name: str, move: Callable[[datetime], datetime]) -> Schedule:
    where = zone(tz_name)
    moments: dict[str, datetime] = {}
    for item in fields(schedule):
        local = getattr(schedule, item.name).astimezone(where)
        moments[item.name] = move(local)
    return Schedule(**moments)


def shift_by_days(schedule: Schedule, days: int, tz_name: str) -> Schedule:
    """Every date ``days`` later (earlier when negative), at the same local time."""

    def move(local: datetime) -> datetime:
        # Arithmetic on an aware datetime keeps its zone and its wall time.
        return local + timedelta(days=days)

    return _moved(schedule, tz_name, move)


def next_year(moment: datetime) -> datetime:
    """The same local date and time a year later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:
        return moment.replace(year=moment.year + 1, day=28)


def shift_by_a_year(schedule: Schedule, tz_name: str) -> Schedule:
    """Every date one calendar year later, at the same local date and time (not the same
    weekday)."""
    return _moved(schedule, tz_name, next_year)


YEARS_ALLOWED = range(2000, 2201)


def shift_problem(schedule: Schedule) -> Message | None:
    """Why a moved calendar cannot be stored, in one sentence, or None if it can."""
    problems: list[str] = list(schedule.problems().values())
    if any(getattr(schedule, item.name).year not in YEARS_ALLOWED for item in fields(schedule)):
        problems.append(N_("The dates would leave the years 2000 to 2200; move them less far."))
    if not problems:
        return None
    return N_("The moved calendar would not work: %(problems)s", problems=Sentences(problems))


class Sentences:
    """Sentences one after another, each in the reader's language when shown (a parameter of
    a Message)."""

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = sentences

    def __str__(self) -> str:
        return " ".join(shown(sentence) for sentence in self.sentences)


def parse_shift_days(text: str) -> int:
    """The number of days typed in the "move every date" form; ValueError with a message
    for anything but a whole number from -365 to 365 other than 0."""
    cleaned = text.strip().replace("\u2212", "-")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if not re.fullmatch(r"-?\d{1,4}", cleaned):
        raise ValueError(SHIFT_DAYS_MESSAGE)
    days = int(cleaned)
    if days == 0 or abs(days) > MAX_SHIFT_DAYS:
        raise ValueError(SHIFT_DAYS_MESSAGE)
    return days


def next_title(title: str) -> str:
    """A copy's title: a year at the end counts on by one (``Spring Light 2026`` ->
    ``Spring Light 2027``); any other title stays as it is."""
    match = _TRAILING_YEAR.search(title)
    if match is None:
        return title
    return title[: match.start(1)] + str(int(match.group(1)) + 1)
