"""Combining the jurors' orders of a ranking round by the Schulze method: pure functions.

Why Schulze (winning votes): it elects the entry that beats every other head to head whenever
there is one, breaks cycles by dropping the weakest defeats rather than by counting points, and
is immune to clones (a juror's near-duplicate photos cannot split or pad a vote). Both tables it
is built on, the pairwise counts and the strongest paths, stay in the result so an organizer can
show why one entry placed above another.

Internally candidates are positions 0..n-1 in plain lists, so 50 entries and 10 jurors take a few
milliseconds; the result speaks in entry ids again.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

#: A juror's order: groups of entry ids, best first. Entries in one group tie; entries the ballot
#: leaves out rank together below every entry it lists.
Ballot = Sequence[Sequence[int]]

#: n x n counts by candidate position (row beats column)
_Matrix = list[list[int]]


@dataclass(frozen=True)
class SchulzeResult:
    """The combined ranking of one round, with the tables an audit needs."""

    candidates: tuple[int, ...]  # sorted ids
    pairwise: dict[tuple[int, int], int]  # d[a, b]: ballots preferring a to b (every a != b)
    strongest: dict[tuple[int, int], int]  # p[a, b]: strength of the strongest path a -> b
    ranking: tuple[tuple[int, ...], ...]  # tiers, best first; ids sorted within a tier

    def beats(self, a: int, b: int) -> bool:
        """Whether the method places a above b: p[a, b] > p[b, a]."""
        self._require_candidate(a)
        self._require_candidate(b)
        return a != b and self.strongest[a, b] > self.strongest[b, a]

    def place_of(self, entry: int) -> int:
        """The 1-based place of the entry's tier, in competition style (1, 1, 3, ...)."""
        place = 1
        for tier in self.ranking:
            if entry in tier:
                return place
            place += len(tier)
        raise ValueError(f"entry {entry} is not ranked in this round")

    def _require_candidate(self, entry: int) -> None:
        if entry not in self.candidates:
            raise ValueError(f"entry {entry} is not ranked in this round")


def schulze(
    candidates: Iterable[int],
    ballots: Iterable[Ballot],
    abstaining: Sequence[Collection[int]] | None = None,
) -> SchulzeResult:
    """Rank the candidates from the ballots; ValueError names the first malformed ballot.

    ``abstaining``, one set per ballot: the entries that ballot has no say on (its juror
    declared a conflict on them, or made them). They count neither above nor below anything
    on that ballot, where an entry merely left out ranks below all it lists."""
    ordered = _sorted_distinct(candidates)
    position = {entry: index for index, entry in enumerate(ordered)}
    pairwise = _pairwise_counts(position, ballots, abstaining)
    strongest = _strongest_paths(pairwise)
    tiers = _tiers(strongest)
    return SchulzeResult(
        candidates=tuple(ordered),
        pairwise=_by_id(ordered, pairwise),
        strongest=_by_id(ordered, strongest),
        ranking=tuple(tuple(ordered[index] for index in tier) for tier in tiers),
    )


def _sorted_distinct(candidates: Iterable[int]) -> list[int]:
    """The candidates in id order; a repeated id is a caller's bug, so it is refused, not merged."""
    ordered = sorted(candidates)
    repeated = sorted({a for a, b in itertools.pairwise(ordered) if a == b})
    if repeated:
        raise ValueError(f"entries listed twice among the candidates: {repeated}")
    return ordered


def _levels(number: int, ballot: Ballot, position: dict[int, int]) -> list[int]:
    """Each candidate's group index on the ballot (lower is better); unlisted ones share the last.

    `number` is the ballot's 1-based place in the input, for the error message.
    """
    unlisted = len(ballot)
    levels = [unlisted] * len(position)
    seen: set[int] = set()
    for level, group in enumerate(ballot):
        for entry in group:
            if entry not in position:
                raise ValueError(f"ballot {number} names entry {entry}, which is not in this round")
            if entry in seen:
                raise ValueError(f"ballot {number} names entry {entry} more than once")
            seen.add(entry)
            levels[position[entry]] = level
    return levels


def _pairwise_counts(
    position: dict[int, int],
    ballots: Iterable[Ballot],
    abstaining: Sequence[Collection[int]] | None = None,
) -> _Matrix:
    """d[i][j]: how many ballots put candidate i strictly above candidate j (a ballot
    abstaining on i or j says nothing of the pair)."""
    size = len(position)
    counts = [[0] * size for _ in range(size)]
    for number, ballot in enumerate(ballots, start=1):
        levels: list[int | None] = list(_levels(number, ballot, position))
        for entry in abstaining[number - 1] if abstaining else ():
            if entry in position:
                levels[position[entry]] = None
        for row, level in zip(counts, levels, strict=True):
            if level is None:
                continue
            for column, other_level in enumerate(levels):
                if other_level is not None and level < other_level:
                    row[column] += 1
    return counts


def _strongest_paths(pairwise: _Matrix) -> _Matrix:
    """p[i][j]: the widest path from i to j over the links i -> j where d[i][j] > d[j][i].

    A link's strength is its winning votes d[i][j]; a path is as strong as its weakest link; 0
    means no path. Floyd-Warshall with (max, min) in place of (min, +).
    """
    size = len(pairwise)
    paths = [
        [pairwise[i][j] if pairwise[i][j] > pairwise[j][i] else 0 for j in range(size)]
        for i in range(size)
    ]
    for k in range(size):
        through = paths[k]
        for i in range(size):
            row = paths[i]
            to_k = row[k]
            if i == k or to_k == 0:
                continue
            for j, from_k in enumerate(through):
                if from_k > row[j] and to_k > row[j]:
                    row[j] = min(to_k, from_k)
    for i in range(size):
        paths[i][i] = 0  # a path back to oneself means nothing; keep the diagonal clean
    return paths


def _tiers(paths: _Matrix) -> list[list[int]]:
    """Peel off, again and again, the remaining candidates no remaining candidate beats.

    Schulze proved "beats" transitive, so every pass finds at least one candidate.
    """
    remaining = list(range(len(paths)))
    tiers: list[list[int]] = []
    while remaining:
        tier = [
            a for a in remaining if not any(paths[b][a] > paths[a][b] for b in remaining if b != a)
        ]
        assert tier, "the beats relation of strongest paths is transitive, so a tier exists"
        tiers.append(tier)
        taken = set(tier)
        remaining = [a for a in remaining if a not in taken]
    return tiers


def _by_id(ordered: list[int], matrix: _Matrix) -> dict[tuple[int, int], int]:
    """The matrix keyed by (entry id, entry id) for every ordered pair of distinct entries."""
    return {
        (a, b): matrix[i][j] for i, a in enumerate(ordered) for j, b in enumerate(ordered) if i != j
    }
