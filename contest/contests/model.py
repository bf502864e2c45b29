"""A contest's data model: its settings, its rubric and the vocabulary of its rules.

Plain values, no database: the store (store.py) reads and writes them, the form (form.py)
builds them from what an organizer typed, and every other package reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from contest.contests.phases import Phase, Schedule, phase_at, status_line

VOTING_MODES = {
    "accounts": "Signed-in accounts only",
    "email": "Anyone with a verified email address (we email a sign-in link)",
    "device": "Anyone, one like per browser (with limits per network address)",
}
SCORE_METHODS = {
    "zscore": "Standardised per judge, so a harsh or lenient judge counts the same (recommended)",
    "raw": "Plain average of the judges' scores",
}
TIE_BREAKS = {
    "raw_mean": "the higher average raw score, then the earlier submission",
    "top_criterion": "the higher average score on the most heavily weighted criterion, then the"
    " earlier submission",
    "earliest": "the earlier submission",
}
#: What People's Choice counts: likes given on this site, or like counts an organizer read
#: from a social network (``voting.external_likes``), the latest reading per entry.
PEOPLES_CHOICE_BASES = {
    "site": "likes on this site",
    "external": "likes on {network} (the latest reading per entry)",
}
MAX_NETWORK_NAME = 40
DEFAULT_LICENCE = (
    "The organizers may show this photo, credited to you, in the contest and its promotion."
)

#: Contests stay on the home page this long after their winners are announced.
RECENT_RESULTS_DAYS = 30

#: Each setting's name in words, for messages and the audit log (the calendar's dates are
#: named by ``form.SCHEDULE_LABELS``).
SETTING_LABELS = {
    "title": "Title",
    "theme": "Theme",
    "description_md": "Description",
    "rules_md": "Rules",
    "hashtag": "Hashtag",
    "timezone": "Time zone",
    "eligible_affiliations": "Who may enter",
    "max_entries_per_participant": "Photos allowed per participant",
    "schedule": "Calendar",
    "categories": "Categories",
    "criteria": "Judging criteria and weights",
    "scale_min": "Lowest score",
    "scale_max": "Highest score",
    "award_champion": "Champion award",
    "award_runners_up": "Runners-up",
    "award_peoples_choice": "People's Choice award",
    "award_per_category": "Best in each category",
    "allow_multiple_awards": "One photo may win more than one judges' award",
    "one_judged_prize_per_person": "One judged prize per person",
    "is_published": "Published",
    "licence_text": "How the organizers may use the photos",
    "description_required": "Entrants must describe their photo",
    "min_judges_per_entry": "Judges needed per entry",
    "score_method": "Combining scores",
    "tie_break": "Equal scores are decided by",
    "voting_mode": "Who may like photos",
    "hide_counts": "Hide like counts until the results are announced",
    "peoples_choice_basis": "People's Choice counts",
    "external_network": "The social network's name",
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
RESULT_RULE_LOCKED = (
    "{label}: the results are published and were decided under this rule, so it can no"
    " longer change."
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
    #: "site" or "external" (``PEOPLES_CHOICE_BASES``); the network is named by the organizer.
    peoples_choice_basis: str = "site"
    external_network: str = ""

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

    def changed(self, other: ContestSettings) -> list[str]:
        """The names of the settings that differ in ``other`` ("schedule" for any date)."""
        return [
            item.name
            for item in fields(self)
            if getattr(self, item.name) != getattr(other, item.name)
        ]


@dataclass(frozen=True)
class Contest:
    """A stored contest with its categories and rubric, ready for pages and rules."""

    id: int
    slug: str
    settings: ContestSettings
    created_at: datetime

    @property
    def title(self) -> str:
        """The contest's name."""
        return self.settings.title

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
