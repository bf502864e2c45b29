"""Which photos go on to the next round: by a threshold, or the top N with the ties at the
cut shown rather than silently split.

Pure functions over each photo's score in the round (yes/no: how many jurors said yes;
rating: the average of its stars; higher is better). Photos nobody decided have no score and
never advance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class TopCut:
    """The top ``asked`` photos by score, and the photos tied at the cut."""

    asked: int
    #: Photos scoring above the cut: they advance either way.
    sure: tuple[int, ...]
    #: Photos scoring exactly the cut score: all advance, or none (a choice for the organizer).
    tied: tuple[int, ...]
    cut_score: float | None

    @property
    def with_ties(self) -> int:
        """How many advance if the tied photos go on too."""
        return len(self.sure) + len(self.tied)

    @property
    def without_ties(self) -> int:
        """How many advance if the tied photos stop here."""
        return len(self.sure)

    @property
    def split(self) -> bool:
        """Whether the cut falls inside a tie (so exactly ``asked`` cannot advance)."""
        return self.with_ties > self.asked and bool(self.tied) and len(self.sure) < self.asked


def by_threshold(scores: Mapping[int, float | None], threshold: float) -> tuple[int, ...]:
    """The photos scoring at least ``threshold``, best first (then by id)."""
    return tuple(entry for entry, score in _ranked(scores) if score >= threshold)


def top(scores: Mapping[int, float | None], asked: int) -> TopCut:
    """The best ``asked`` photos, with any tie at the cut shown, not broken."""
    if asked < 1:
        raise ValueError("advance at least one photo")
    ranked = _ranked(scores)
    if len(ranked) <= asked:
        return TopCut(asked, tuple(entry for entry, _ in ranked), (), None)
    cut_score = ranked[asked - 1][1]
    sure = tuple(entry for entry, score in ranked if score > cut_score)
    tied = tuple(entry for entry, score in ranked if score == cut_score)
    return TopCut(asked, sure, tied, cut_score)


def threshold_counts(
    scores: Mapping[int, float | None], thresholds: Iterable[float]
) -> list[tuple[float, int]]:
    """How many photos each threshold would advance (the organizer's preview)."""
    values = [score for score in scores.values() if score is not None]
    return [
        (threshold, sum(1 for score in values if score >= threshold)) for threshold in thresholds
    ]


def _ranked(scores: Mapping[int, float | None]) -> list[tuple[int, float]]:
    """Scored photos, best first, then by id."""
    scored = [(entry, score) for entry, score in scores.items() if score is not None]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))
