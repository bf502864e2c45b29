"""A new contest's starting point: a sensible calendar from tomorrow, and a rubric, in the
organizer's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from contest.contests.model import DEFAULT_LICENCE, ContestSettings, Criterion
from contest.contests.phases import Schedule
from contest.contests.texts import ContestTexts
from contest.core.clock import zone
from contest.i18n import N_, Message, shown, using_locale

DEFAULT_RUBRIC = (
    (N_("Relevance to the theme"), 2.0),
    (N_("Creativity"), 1.0),
    (N_("Technical quality"), 1.0),
)


def default_settings(
    now: datetime, tz_name: str, *, title: str = "", main_locale: str = "en"
) -> ContestSettings:
    """A sensible starting calendar and rubric for a new contest form, its texts to be written
    in ``main_locale`` (the organizer's language)."""

    def in_main(text: Message) -> str:
        with using_locale(main_locale):
            return shown(text)

    day = now.astimezone(zone(tz_name)).replace(hour=9, minute=0, second=0, microsecond=0)
    schedule = Schedule(
        submissions_open=day + timedelta(days=1),
        submissions_close=day + timedelta(days=29, hours=9),
        judging_open=day + timedelta(days=29, hours=9),
        judging_close=day + timedelta(days=39, hours=9),
        voting_open=day + timedelta(days=29, hours=9),
        voting_close=day + timedelta(days=39, hours=9),
        results_at=day + timedelta(days=42, hours=3),
    )
    return ContestSettings(
        title=title,
        theme="",
        description_md="",
        rules_md="",
        hashtag="",
        timezone=tz_name,
        eligible_affiliations=("student", "staff"),
        max_entries_per_participant=3,
        schedule=schedule,
        categories=(),
        criteria=tuple(Criterion(in_main(name), weight) for name, weight in DEFAULT_RUBRIC),
        licence_text=in_main(DEFAULT_LICENCE),
        texts=ContestTexts(main_locale),
    )
