"""Award ribbons on gallery cards: each winning photo's awards, once the results are out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from contest.contests.model import Contest
from contest.core.db import Database
from contest.judging.winners import published_awards


@dataclass(frozen=True)
class Ribbons:
    """The published awards of a contest's entries and when they may be shown (the
    announcement time; None while the results are not published)."""

    by_entry: dict[int, tuple[str, ...]] = field(default_factory=dict)
    shown_from: datetime | None = None

    def of(self, entry_id: int, now: datetime) -> tuple[str, ...]:
        """The labels on the entry's card at that moment: none before the announcement."""
        if self.shown_from is None or now < self.shown_from:
            return ()
        return self.by_entry.get(entry_id, ())


async def contest_ribbons(db: Database, contest: Contest) -> Ribbons:
    """The contest's ribbons as published (nothing to show until the results are)."""
    labels = await published_awards(db, contest)
    if not labels:
        return Ribbons()
    return Ribbons(labels, contest.schedule.results_at)
