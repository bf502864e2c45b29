"""Before publishing: the gaps in a ranking that publishing would fix in place (entries no
judge scored, or fewer than the minimum; ties the tie-break decided; judged in rounds, the last
round's unplaced photos, those placed on fewer jurors than its quorum, and its ties), and what
stops publishing now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from contest.contests.model import Contest
from contest.i18n import N_
from contest.judging.results import Results, Standing
from contest.judging.rounds.outcome import ROUNDS_NOT_OVER, Outcome


@dataclass(frozen=True)
class Tie:
    """Ranked entries with the same final score, in the order the tie-break put them."""

    standings: list[Standing]


@dataclass(frozen=True)
class PublishGaps:
    """What an organizer should see before publishing: entries no judge scored, entries
    scored by fewer judges than the minimum (both left unranked), and ties the tie-break
    decided (or, judged in rounds, the last round's photos no juror placed and its ties,
    which nothing broke)."""

    unscored: list[Standing]
    below_minimum: list[Standing]
    ties: list[Tie]
    in_rounds: bool = False

    def __bool__(self) -> bool:
        return bool(self.unscored or self.below_minimum or self.ties)


def publish_gaps(results: Results) -> PublishGaps:
    """The gaps in a ranking that publishing would fix in place."""
    ranked = [s for s in results.standings if s.result.ranked]
    if results.rounds is not None:
        finalists = {finalist.entry_id for finalist in results.rounds.finalists}
        last = [s for s in results.standings if s.entry["id"] in finalists]
        quorum = results.rounds.last.quorum if results.rounds.last.kind != "ranking" else 0
        return PublishGaps(
            [s for s in last if not s.result.ranked],
            # Placed on fewer decisions than the quorum (a conflict left too few jurors).
            [s for s in last if s.result.ranked and s.result.judges < quorum],
            _ties(ranked, lambda s: s.result.rank),
            in_rounds=True,
        )
    unscored = [s for s in results.standings if s.result.judges == 0]
    below = [s for s in results.standings if s.result.judges > 0 and not s.result.ranked]
    return PublishGaps(unscored, below, _ties(ranked, lambda s: round(s.result.final or 0.0, 9)))


def _ties(ranked: list[Standing], measure: Callable[[Standing], object]) -> list[Tie]:
    """Runs of ranked standings with the same measure (a final score, or a shared place)."""
    ties: list[Tie] = []
    group: list[Standing] = []
    for standing in ranked:
        if group and measure(group[0]) == measure(standing):
            group.append(standing)
            continue
        if len(group) > 1:
            ties.append(Tie(group))
        group = [standing]
    if len(group) > 1:
        ties.append(Tie(group))
    return ties


def publish_blocker(
    contest: Contest, *, published: str | None, now: datetime, rounds: Outcome | None = None
) -> str | None:
    """Why the results cannot be published now, or None when they can."""
    if published is not None:
        return N_("The results are already published.")
    if rounds is not None and not rounds.finished:
        return ROUNDS_NOT_OVER
    if now < max(contest.schedule.judging_close, contest.schedule.voting_close):
        return N_("Judging and public voting have not both closed yet.")
    return None
