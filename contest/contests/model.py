"""A contest's data model: its settings, its rubric and the vocabulary of its rules.

Plain values, no database: the store (store.py) reads and writes them, the form (form.py)
builds them from what an organizer typed, and every other package reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from contest.contests.phases import Phase, Schedule, phase_at, status_line
from contest.contests.texts import ContestTexts
from contest.i18n import N_, Message, current_locale

VOTING_MODES = {
    "accounts": N_("Signed-in accounts only"),
    "email": N_("Anyone with a verified email address (we email a sign-in link)"),
    "device": N_("Anyone, one like per browser (with limits per network address)"),
}
#: Whether a contest asks for campus sign-in (an account linked to the campus's identity
#: provider), and for what.
CAMPUS_SIGN_IN = {
    "": N_("Not asked: any account will do"),
    "entering": N_("To enter photos"),
    "voting": N_("To like photos"),
    "both": N_("To enter photos and to like them"),
}
SCORE_METHODS = {
    "zscore": N_(
        "Standardised per judge, so a harsh or lenient judge counts the same (recommended)"
    ),
    "raw": N_("Plain average of the judges' scores"),
}
TIE_BREAKS = {
    "raw_mean": N_("the higher average raw score, then the earlier submission"),
    "top_criterion": N_(
        "the higher average score on the most heavily weighted criterion, then the"
        " earlier submission"
    ),
    "earliest": N_("the earlier submission"),
}
#: What People's Choice counts: likes given on this site, or like counts an organizer read
#: from a social network (``voting.external_likes``), the latest reading per entry.
PEOPLES_CHOICE_BASES = {
    "site": N_("likes on this site"),
    "external": N_("likes on the social network named below (the latest reading per entry)"),
}


def peoples_choice_basis_label(basis: str, network: str) -> Message:
    """What People's Choice counts, in words: ``likes on Facebook (the latest reading per
    entry)``, the network unnamed while the organizer has not named it."""
    if basis == "external" and network:
        return N_("likes on %(network)s (the latest reading per entry)", network=network)
    return PEOPLES_CHOICE_BASES[basis if basis in PEOPLES_CHOICE_BASES else "site"]


MAX_NETWORK_NAME = 40
DEFAULT_LICENCE = N_(
    "The organizers may show this photo, credited to you, in the contest and its promotion."
)

#: A contest written in English alone.
NO_TEXTS = ContestTexts()

#: Contests stay on the home page this long after their winners are announced.
RECENT_RESULTS_DAYS = 30

#: Each setting's name in words, for messages and the audit log (the calendar's dates are
#: named by ``form.SCHEDULE_LABELS``).
SETTING_LABELS = {
    "title": N_("Title"),
    "theme": N_("Theme"),
    "description_md": N_("Description"),
    "rules_md": N_("Rules"),
    "hashtag": N_("Hashtag"),
    "timezone": N_("Time zone"),
    "eligible_affiliations": N_("Who may enter"),
    "max_entries_per_participant": N_("Photos allowed per participant"),
    "schedule": N_("Calendar"),
    "categories": N_("Categories"),
    "criteria": N_("Judging criteria and weights"),
    "scale_min": N_("Lowest score"),
    "scale_max": N_("Highest score"),
    "award_champion": N_("Champion award"),
    "award_runners_up": N_("Runners-up"),
    "award_peoples_choice": N_("People's Choice award"),
    "award_per_category": N_("Best in each category"),
    "allow_multiple_awards": N_("One photo may win more than one judges' award"),
    "one_judged_prize_per_person": N_("One judged prize per person"),
    "is_published": N_("Published"),
    "licence_text": N_("How the organizers may use the photos"),
    "description_required": N_("Entrants must describe their photo"),
    "min_judges_per_entry": N_("Judges needed per entry"),
    "score_method": N_("Combining scores"),
    "tie_break": N_("Equal scores are decided by"),
    "voting_mode": N_("Who may like photos"),
    "hide_counts": N_("Hide like counts until the results are announced"),
    "campus_sign_in_for": N_("Campus sign-in required"),
    "peoples_choice_basis": N_("People's Choice counts"),
    "external_network": N_("The social network's name"),
    "texts": N_("The contest in other languages"),
}

#: The rules that decide a contest's results. Once the results are published they stay as
#: they were (``result_rules``); dates and texts stay editable.
RESULT_RULES = (
    "criteria",
    "scale_min",
    "scale_max",
    "min_judges_per_entry",
    "score_method",
    "tie_break",
    "award_champion",
    "award_runners_up",
    "award_per_category",
    "award_peoples_choice",
    "allow_multiple_awards",
    "one_judged_prize_per_person",
    "voting_mode",
    "hide_counts",
    "peoples_choice_basis",
    "external_network",
)


def result_rule_locked(setting: str) -> Message:
    """Why a rule that decided the published results can no longer change."""
    return N_(
        "%(label)s: the results are published and were decided under this rule, so it can"
        " no longer change.",
        label=SETTING_LABELS[setting],
    )


@dataclass(frozen=True)
class Criterion:
    """One line of the judging rubric."""

    name: str
    weight: float


@dataclass(frozen=True)
class ContestSettings:
    """Everything an organizer decides about a contest."""

    title: str
    theme: str
    description_md: str
    rules_md: str
    hashtag: str
    timezone: str
    eligible_affiliations: tuple[str, ...]
    max_entries_per_participant: int
    schedule: Schedule
    categories: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    scale_min: int = 1
    scale_max: int = 10
    award_champion: bool = True
    award_runners_up: int = 2
    award_peoples_choice: bool = True
    award_per_category: bool = False
    #: Per photo: whether a photo that already holds an award may take another judges' award.
    allow_multiple_awards: bool = False
    #: Per person, across all their photos: whether someone who already holds a judges' award
    #: (champion, runner-up, best in a category) is passed over for the others.
    one_judged_prize_per_person: bool = True
    is_published: bool = False
    licence_text: str = DEFAULT_LICENCE
    description_required: bool = True
    min_judges_per_entry: int = 2
    score_method: str = "zscore"
    tie_break: str = "raw_mean"
    voting_mode: str = "accounts"
    hide_counts: bool = False
    #: "" (any account), "entering", "voting" or "both" (``CAMPUS_SIGN_IN``).
    campus_sign_in_for: str = ""
    #: "site" or "external" (``PEOPLES_CHOICE_BASES``); the network is named by the organizer.
    peoples_choice_basis: str = "site"
    external_network: str = ""
    #: The language the texts above are written in, and the texts in the other languages.
    texts: ContestTexts = NO_TEXTS

    @property
    def total_weight(self) -> float:
        """The sum of the rubric's weights."""
        return sum(criterion.weight for criterion in self.criteria)

    def weight_percents(self) -> tuple[int, ...]:
        """Each criterion's share of the rubric in whole percent, summing to exactly 100
        (largest remainder: the rounding goes to the shares that lost most to it)."""
        total = self.total_weight
        if not self.criteria or total <= 0:
            return tuple(0 for _ in self.criteria)
        exact = [100 * criterion.weight / total for criterion in self.criteria]
        whole = [int(share) for share in exact]
        by_remainder = sorted(range(len(exact)), key=lambda i: whole[i] - exact[i])
        for i in by_remainder[: 100 - sum(whole)]:
            whole[i] += 1
        return tuple(whole)

    def result_rules(self) -> tuple[str, ...]:
        """The settings published results were decided under (``RESULT_RULES``), and the
        categories when each has its own award (dropping one would drop its winner)."""
        return RESULT_RULES + (("categories",) if self.award_per_category else ())

    @property
    def campus_for_entering(self) -> bool:
        """Whether only accounts signed in through the campus may enter photos."""
        return self.campus_sign_in_for in ("entering", "both")

    @property
    def campus_for_voting(self) -> bool:
        """Whether only accounts signed in through the campus may like photos."""
        return self.campus_sign_in_for in ("voting", "both")

    @property
    def like_via(self) -> str:
        """Where a visitor who may not like yet is sent first: "campus" (sign in through it),
        "email" (a voting link by mail) or "sign_in"."""
        if self.campus_for_voting:
            return "campus"
        return "email" if self.voting_mode == "email" else "sign_in"

    def changed(self, other: ContestSettings) -> list[str]:
        """The names of the settings that differ in ``other`` ("schedule" for any date)."""
        return [
            item.name
            for item in fields(self)
            if getattr(self, item.name) != getattr(other, item.name)
        ]


class ListName(Message):
    """A stored name of one of a contest's lists (a category, a criterion), for a sentence: as
    a ``str`` the stored name (what data compares and keeps), shown in the reader's language
    like any Message (``Best %(category)s`` with a ListName reads ``最佳日間``)."""

    texts: ContestTexts
    field: str
    main_names: tuple[str, ...]

    def __new__(
        cls, stored: str, *, texts: ContestTexts, field: str, main_names: tuple[str, ...]
    ) -> ListName:
        self = cast(ListName, super().__new__(cls, stored))
        self.texts, self.field, self.main_names = texts, field, main_names
        return self

    def translated(self) -> str:
        """The name in the current locale (the stored one when none is written for it)."""
        return self.texts.name(self.field, self.main_names, self.msgid, current_locale.get())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_list_name, (self.msgid, self.texts, self.field, self.main_names))


def _list_name(
    stored: str, texts: ContestTexts, field: str, main_names: tuple[str, ...]
) -> ListName:
    return ListName(stored, texts=texts, field=field, main_names=main_names)


@dataclass(frozen=True)
class Contest:
    """A stored contest with its categories and rubric, ready for pages and rules."""

    id: int
    slug: str
    settings: ContestSettings
    created_at: datetime

    def _text(self, field: str) -> str:
        """One of the contest's texts in the reader's language (``current_locale``), falling
        back to the other Chinese script, then to the main language."""
        main_text: str = getattr(self.settings, field)
        return self.settings.texts.text(field, main_text, current_locale.get())

    @property
    def title(self) -> str:
        """The contest's name, in the reader's language (``settings.title``: as stored)."""
        return self._text("title")

    @property
    def theme(self) -> str:
        """The theme's line, in the reader's language."""
        return self._text("theme")

    @property
    def description_md(self) -> str:
        """The description (Markdown), in the reader's language."""
        return self._text("description_md")

    @property
    def rules_md(self) -> str:
        """The rules (Markdown), in the reader's language."""
        return self._text("rules_md")

    @property
    def licence_text(self) -> str:
        """How the organizers may use the photos, in the reader's language (the site's own
        default sentence, kept as written, is the catalog's translation of it)."""
        text = self._text("licence_text")
        return DEFAULT_LICENCE.translated() if text == DEFAULT_LICENCE else text

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories' names in the reader's language, in the stored order."""
        return self.settings.texts.names(
            "categories", self.settings.categories, current_locale.get()
        )

    def category_name(self, stored: str | None) -> str:
        """A stored (main-language) category name as the reader reads it."""
        return self.category_label(stored).translated() if stored else ""

    def category_label(self, stored: str) -> ListName:
        """A stored category name for a sentence, shown in the reader's language."""
        main = self.settings.categories
        return ListName(stored, texts=self.settings.texts, field="categories", main_names=main)

    def criterion_name(self, stored: str) -> str:
        """A stored (main-language) criterion name as the reader reads it."""
        main = tuple(criterion.name for criterion in self.settings.criteria)
        return self.settings.texts.name("criteria", main, stored, current_locale.get())

    @property
    def schedule(self) -> Schedule:
        """The contest's calendar."""
        return self.settings.schedule

    def phase(self, now: datetime) -> Phase:
        """The phase at that moment."""
        return phase_at(self.settings.schedule, now)

    def status(self, now: datetime) -> str:
        """What is happening now, in words, in the contest's time zone."""
        return status_line(self.settings.schedule, now, self.settings.timezone)

    def is_current(self, now: datetime) -> bool:
        """Whether the home page lists it with the current contests rather than the archive."""
        announced_days_ago = (now - self.schedule.results_at).days
        return announced_days_ago < RECENT_RESULTS_DAYS

    def names_authors(self, now: datetime) -> bool:
        """Whether public pages may name authors: only once judging has closed (judges see
        the public site too, and must stay blind)."""
        return now >= self.schedule.judging_close

    def admits(self, affiliation: str) -> bool:
        """Whether people of that affiliation may enter."""
        return affiliation in self.settings.eligible_affiliations
