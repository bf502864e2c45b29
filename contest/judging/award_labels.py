"""The awards' names and the sentences about them, marked for translation: kept as Messages
(English as data, translated where a person reads them)."""

from __future__ import annotations

from collections.abc import Sequence

from contest.contests.model import Contest
from contest.core.db import Row
from contest.i18n import N_, Message

PEOPLES_CHOICE = "peoples_choice"
CHAMPION = N_("Champion")
PEOPLES_CHOICE_LABEL = N_("People's Choice")
RUNNERS_UP = (N_("1st runner-up"), N_("2nd runner-up"))
ONE_JUDGED_PRIZE = N_("one judged prize per person")
NO_LIKES_YET = N_("No likes yet.")


def best_in(category: str) -> Message:
    """The award for the best entry of one category: ``Best Landscapes``."""
    return N_("Best %(category)s", category=category)


def award_slots(contest: Contest, categories: Sequence[Row]) -> list[tuple[str, str]]:
    """The judges' awards the contest gives, in order: key and name."""
    settings = contest.settings
    slots: list[tuple[str, str]] = []
    if settings.award_champion:
        slots.append(("champion", CHAMPION))
    for place in range(1, settings.award_runners_up + 1):
        slots.append((f"runner_up_{place}", RUNNERS_UP[min(place, len(RUNNERS_UP)) - 1]))
    if settings.award_per_category:
        slots += [
            (f"category_{row['id']}", best_in(contest.category_label(row["name"])))
            for row in categories
        ]
    return slots


def listed(items: Sequence[str]) -> str:
    """Names in a list as the reader's language joins them: ``a``, ``a and b``, ``a, b and c``
    (``甲、乙和丙``); the Messages among them translate too."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    joined: str = items[0]
    for item in items[1:-1]:
        joined = N_("%(first)s, %(then)s", first=joined, then=item)
    return N_("%(first)s and %(last)s", first=joined, last=items[-1])


def skip_reason(author: str, award: str, entry_id: int) -> Message:
    """Why the ranking passed an entry over: its author already holds another judges' award."""
    return N_(
        "%(author)s already wins %(award)s (#%(entry)s): %(rule)s.",
        author=author,
        award=award,
        entry=entry_id,
        rule=ONE_JUDGED_PRIZE,
    )


def second_prize_warning(author: str, awards: Sequence[str]) -> Message:
    """An organizer's choice gave one author a second judges' award although the rule is on."""
    return N_(
        "%(author)s also wins %(awards)s, although the rule “%(rule)s” is on.",
        author=author,
        awards=listed(awards),
        rule=ONE_JUDGED_PRIZE,
    )
