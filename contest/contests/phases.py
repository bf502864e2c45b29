"""A contest's calendar and the phase it is in: pure functions of the dates and ``now``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from contest.core.clock import describe_until, format_local, zone
from contest.i18n import DEFAULT_LOCALE, N_, Message, current_locale, written_date


class Phase(StrEnum):
    """Where a contest stands; judging and public voting may run side by side."""

    UPCOMING = "upcoming"
    SUBMISSIONS = "submissions"
    REVIEW = "review"  # submissions closed, judging and voting not yet open
    JUDGING = "judging"
    VOTING = "voting"
    JUDGING_AND_VOTING = "judging_and_voting"
    AWAITING_RESULTS = "awaiting_results"
    RESULTS = "results"


@dataclass(frozen=True)
class Schedule:
    """The dates of every phase, as aware datetimes."""

    submissions_open: datetime
    submissions_close: datetime
    judging_open: datetime
    judging_close: datetime
    voting_open: datetime
    voting_close: datetime
    results_at: datetime

    def submissions_are_open(self, now: datetime) -> bool:
        """Whether participants may submit, edit or withdraw entries."""
        return self.submissions_open <= now < self.submissions_close

    def judging_is_open(self, now: datetime) -> bool:
        """Whether judges may score."""
        return self.judging_open <= now < self.judging_close

    def voting_is_open(self, now: datetime) -> bool:
        """Whether the public may like entries."""
        return self.voting_open <= now < self.voting_close

    def results_are_out(self, now: datetime) -> bool:
        """Whether the announcement time has come."""
        return now >= self.results_at

    def problems(self) -> dict[str, str]:
        """Each field whose date breaks the calendar's order, with what to fix."""
        errors: dict[str, str] = {}
        if self.submissions_close <= self.submissions_open:
            errors["submissions_close"] = N_("Submissions must close after they open.")
        if self.judging_open < self.submissions_close:
            errors["judging_open"] = N_("Judging can start only once submissions have closed.")
        if self.judging_close <= self.judging_open:
            errors["judging_close"] = N_("Judging must close after it opens.")
        if self.voting_open < self.submissions_open:
            errors["voting_open"] = N_("Voting cannot open before submissions do.")
        if self.voting_close <= self.voting_open:
            errors["voting_close"] = N_("Voting must close after it opens.")
        if self.results_at < max(self.judging_close, self.voting_close):
            errors["results_at"] = N_("Announce the results after judging and voting have closed.")
        return errors


def phase_at(schedule: Schedule, now: datetime) -> Phase:
    """The phase of the contest at that moment."""
    if now < schedule.submissions_open:
        return Phase.UPCOMING
    if schedule.submissions_are_open(now):
        return Phase.SUBMISSIONS
    if schedule.results_are_out(now):
        return Phase.RESULTS
    judging, voting = schedule.judging_is_open(now), schedule.voting_is_open(now)
    if judging and voting:
        return Phase.JUDGING_AND_VOTING
    if judging:
        return Phase.JUDGING
    if voting:
        return Phase.VOTING
    if now < schedule.judging_open or now < schedule.voting_open:
        return Phase.REVIEW
    return Phase.AWAITING_RESULTS


def _written(moment: datetime, tz_name: str, *, with_year: bool = False) -> str:
    """A moment in the contest's zone as the reader's language writes it: ``15 May 18:00``,
    ``5月15日 18:00``."""
    locale = current_locale.get()
    if locale == DEFAULT_LOCALE:
        return format_local(moment, tz_name, with_year=with_year)
    local = moment.astimezone(zone(tz_name))
    return written_date(local, locale, with_year=with_year, with_time=True)


def _until(now: datetime, then: datetime) -> str:
    """How far away a moment is, as the reader's language says it: ``in 11 days``,
    ``11 天後``; one rule in every language (days stay days, never rounded to weeks)."""
    return describe_until(now, then)


def status_line(schedule: Schedule, now: datetime, tz_name: str) -> Message:
    """One sentence for the contest's page: what is happening and until when, in the reader's
    language (``current_locale``) and the contest's time zone."""
    phase = phase_at(schedule, now)

    def when(moment: datetime) -> str:
        return _written(moment, tz_name)

    if phase is Phase.UPCOMING:
        return N_(
            "Submissions open %(until)s (%(when)s)",
            until=_until(now, schedule.submissions_open),
            when=when(schedule.submissions_open),
        )
    if phase is Phase.SUBMISSIONS:
        return N_(
            "Submissions close %(until)s (%(when)s)",
            until=_until(now, schedule.submissions_close),
            when=when(schedule.submissions_close),
        )
    if phase in (Phase.VOTING, Phase.JUDGING_AND_VOTING):
        return N_("Voting is open until %(when)s", when=when(schedule.voting_close))
    if phase is Phase.JUDGING:
        return N_("The judges are at work; results on %(when)s", when=when(schedule.results_at))
    if phase is Phase.REVIEW:
        if now < schedule.voting_open:
            return N_(
                "Submissions are closed; voting opens %(when)s", when=when(schedule.voting_open)
            )
        return N_(
            "Submissions are closed; judging starts %(when)s", when=when(schedule.judging_open)
        )
    if phase is Phase.AWAITING_RESULTS:
        return N_("Results will be announced %(until)s", until=_until(now, schedule.results_at))
    return N_(
        "Winners announced on %(when)s",
        when=_written(schedule.results_at, tz_name, with_year=True),
    )


#: The phases an organizer may rehearse with one button, in calendar order.
REHEARSED_PHASES = (Phase.SUBMISSIONS, Phase.JUDGING, Phase.VOTING, Phase.RESULTS)

#: A phase in words, for a sentence ("the site as on ... (judging and voting)").
PHASE_WORDS = {
    Phase.UPCOMING: N_("before submissions open"),
    Phase.SUBMISSIONS: N_("submissions open"),
    Phase.REVIEW: N_("submissions closed"),
    Phase.JUDGING: N_("judging"),
    Phase.VOTING: N_("voting"),
    Phase.JUDGING_AND_VOTING: N_("judging and voting"),
    Phase.AWAITING_RESULTS: N_("awaiting results"),
    Phase.RESULTS: N_("results"),
}


def _middle(start: datetime, end: datetime) -> datetime:
    """The moment halfway between two, to the minute."""
    return (start + (end - start) / 2).replace(second=0, microsecond=0)


def moment_in(schedule: Schedule, phase: Phase) -> datetime:
    """A moment inside that phase of the calendar (halfway through its window; the
    announcement itself for the results); ValueError for a phase without a window of its own."""
    windows = {
        Phase.SUBMISSIONS: (schedule.submissions_open, schedule.submissions_close),
        Phase.JUDGING: (schedule.judging_open, schedule.judging_close),
        Phase.VOTING: (schedule.voting_open, schedule.voting_close),
    }
    if phase is Phase.RESULTS:
        return schedule.results_at
    if phase not in windows:
        raise ValueError(f"no moment to rehearse in phase {phase!r}")
    return _middle(*windows[phase])
