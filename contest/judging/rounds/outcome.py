"""Where judging in rounds ended: the last round's order, from which a contest judged in rounds
proposes its awards (as a single-stage contest proposes them from the rubric's ranking).

Judging in rounds is over once the last round closed without advancing anything. Its photos
still approved are the finalists, placed by the round's own measure: a ranking round's Schulze
order, a rating round's average, a yes/no round's count of yes. Equal measures share a place
(1, 1, 3): rounds break no ties, the organizer does, on the results page. Every other photo is
placed by how far it went: the round it last took part in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from contest.core.db import Database
from contest.i18n import N_
from contest.judging.aggregation import EntryResult
from contest.judging.rounds.closing import final_order, standings
from contest.judging.rounds.model import Round

#: Why a contest judged in rounds has nothing to publish yet.
ROUNDS_NOT_OVER = N_(
    "Judging in rounds is not over: it ends when a round closes without advancing any photos"
    " (open the next round for the photos the last one advanced)."
)


@dataclass(frozen=True)
class Finalist:
    """A photo of the last round, with its place and what placed it."""

    entry_id: int
    #: Competition style (1, 1, 3); None for a photo no juror decided (it is not placed).
    place: int | None
    #: The round's measure: yes count or average; None in a ranking round (its place says it).
    score: float | None
    decided: int


@dataclass(frozen=True)
class Outcome:
    """A contest's judging in rounds as the results page reads it."""

    rounds: tuple[Round, ...]
    #: The last round's photos in place order, once judging in rounds is over (else empty).
    finalists: tuple[Finalist, ...] = ()
    #: Every photo that took part, by id: the number of the last round it was in.
    reached: dict[int, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """Whether the last round closed without advancing any photo."""
        last = self.rounds[-1]
        return not last.is_open and last.advanced_by is None

    @property
    def last(self) -> Round:
        """The contest's latest round."""
        return self.rounds[-1]

    def entry_results(self, entry_ids: Iterable[int]) -> list[EntryResult]:
        """The approved entries as the results page ranks them: the finalists placed by the
        last round (its measure as their score), then the photos no juror of it placed, then
        every other entry by how far it went (unranked)."""
        wanted = set(entry_ids)
        results = [
            EntryResult(
                entry_id=each.entry_id,
                judges=each.decided,
                raw_totals={},
                standardised={},
                raw_mean=each.score,
                final=each.score,
                disagreement=None,
                top_criterion_mean=None,
                ranked=each.place is not None,
                rank=each.place,
            )
            for each in sorted(self.finalists, key=lambda f: (f.place is None, f.place or 0))
            if each.entry_id in wanted
        ]
        placed = {each.entry_id for each in results}
        others = sorted(wanted - placed, key=lambda entry: (-self.reached.get(entry, 0), entry))
        return results + [
            EntryResult(entry, 0, {}, {}, None, None, None, None, ranked=False) for entry in others
        ]


async def outcome(db: Database, contest_id: int) -> Outcome | None:
    """The contest's judging in rounds, or None for a contest judged in a single stage."""
    rows = await db.fetch_all(
        "SELECT * FROM rounds WHERE contest_id = ? ORDER BY number", (contest_id,)
    )
    if not rows:
        return None
    rounds = tuple(Round.from_row(row) for row in rows)
    reached = {
        int(row["entry_id"]): int(row["number"])
        for row in await db.fetch_all(
            "SELECT round_entries.entry_id, max(rounds.number) AS number FROM round_entries"
            " JOIN rounds ON rounds.id = round_entries.round_id"
            " WHERE rounds.contest_id = ? GROUP BY round_entries.entry_id",
            (contest_id,),
        )
    }
    found = Outcome(rounds, reached=reached)
    if not found.finished:
        return found
    return Outcome(rounds, await _finalists(db, found.last), reached)


async def _finalists(db: Database, last: Round) -> tuple[Finalist, ...]:
    """The last round's photos still approved, best first, ties sharing a place."""
    measured = await standings(db, last)  # still approved only
    if last.kind == "ranking":
        order = await final_order(db, last)
        decided = {each.entry_id: each.decided for each in measured}
        placed = sorted(decided, key=lambda entry: (order.place_of(entry), entry))
        return tuple(
            Finalist(entry, order.place_of(entry) if decided[entry] else None, None, decided[entry])
            for entry in placed
        )
    finalists: list[Finalist] = []
    for position, each in enumerate(measured):
        place: int | None = None
        if each.score is not None:
            tied_above = finalists[-1] if finalists else None
            same = tied_above is not None and tied_above.score == each.score
            place = tied_above.place if same and tied_above else position + 1
        finalists.append(Finalist(each.entry_id, place, each.score, each.decided))
    return tuple(finalists)
