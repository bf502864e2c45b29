"""Turning judges' rubric scores into a fair ranking: pure functions, no database.

Each judge's weighted total per entry is standardised against that judge's own scores (z-score),
so a harsh judge and a lenient one count the same; an entry's final score is the mean over the
judges who scored it. Ties are broken by the contest's published rule.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from contest.contests.model import SCORE_METHODS, TIE_BREAKS

#: (judge id, entry id) -> criterion id -> score
Scores = Mapping[tuple[int, int], Mapping[int, float]]


@dataclass(frozen=True)
class EntryResult:
    """Where one entry stands after aggregation."""

    entry_id: int
    judges: int
    raw_totals: dict[int, float]  # judge id -> weighted total on the contest's scale
    standardised: dict[int, float]  # judge id -> z-score of that total among the judge's scores
    raw_mean: float | None
    final: float | None
    disagreement: float | None  # spread (population std dev) of the values the final averages
    top_criterion_mean: float | None
    ranked: bool  # False when fewer judges than the minimum scored it
    rank: int | None = None


def weighted_total(scores: Mapping[int, float], weights: Mapping[int, float]) -> float:
    """A judge's score for an entry: the weighted mean of the criteria, on the contest's scale."""
    total_weight = sum(weights.values())
    return sum(weights[c] * scores[c] for c in weights) / total_weight


def standardise(totals: Mapping[int, float]) -> dict[int, float]:
    """Z-scores of one judge's totals; all zeros when the judge gave one score or all equal."""
    values = list(totals.values())
    if len(values) < 2:
        return {entry: 0.0 for entry in totals}
    mean = statistics.fmean(values)
    spread = statistics.pstdev(values)
    if spread == 0:
        return {entry: 0.0 for entry in totals}
    return {entry: (value - mean) / spread for entry, value in totals.items()}


def aggregate(
    scores: Scores,
    weights: Mapping[int, float],
    entry_ids: Sequence[int],
    *,
    method: str = "zscore",
    min_judges: int = 1,
    tie_break: str = "raw_mean",
) -> list[EntryResult]:
    """Every entry's result, ranked ones first in rank order, then the under-judged ones."""
    if method not in SCORE_METHODS:
        raise ValueError(f"unknown method {method!r}")
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"unknown tie-break {tie_break!r}")
    totals_by_judge: dict[int, dict[int, float]] = defaultdict(dict)
    for (judge, entry), criteria in scores.items():
        if entry in entry_ids and set(weights) <= set(criteria):
            totals_by_judge[judge][entry] = weighted_total(criteria, weights)
    z_by_judge = {judge: standardise(totals) for judge, totals in totals_by_judge.items()}
    top = max(weights, key=lambda c: weights[c]) if weights else None
    results = [
        _entry_result(entry, scores, totals_by_judge, z_by_judge, method, min_judges, top)
        for entry in entry_ids
    ]
    return _rank(results, tie_break)


def _entry_result(
    entry: int,
    scores: Scores,
    totals_by_judge: Mapping[int, Mapping[int, float]],
    z_by_judge: Mapping[int, Mapping[int, float]],
    method: str,
    min_judges: int,
    top: int | None,
) -> EntryResult:
    raw = {judge: t[entry] for judge, t in totals_by_judge.items() if entry in t}
    z = {judge: z_by_judge[judge][entry] for judge in raw}
    used = list((z if method == "zscore" else raw).values())
    top_scores = [scores[(judge, entry)][top] for judge in raw] if top is not None else []
    return EntryResult(
        entry_id=entry,
        judges=len(raw),
        raw_totals=raw,
        standardised=z,
        raw_mean=statistics.fmean(raw.values()) if raw else None,
        final=statistics.fmean(used) if used else None,
        disagreement=statistics.pstdev(used) if used else None,
        top_criterion_mean=statistics.fmean(top_scores) if top_scores else None,
        ranked=len(raw) >= max(1, min_judges),
    )


def _rank(results: list[EntryResult], tie_break: str) -> list[EntryResult]:
    def key(result: EntryResult) -> tuple[float, float, int]:
        final = round(result.final or 0.0, 9)  # equal scores must compare equal despite rounding
        if tie_break == "raw_mean":
            second = result.raw_mean or 0.0
        elif tie_break == "top_criterion":
            second = result.top_criterion_mean or 0.0
        else:
            second = 0.0
        return (-final, -round(second, 9), result.entry_id)

    ranked = sorted((r for r in results if r.ranked), key=key)
    unranked = sorted((r for r in results if not r.ranked), key=lambda r: r.entry_id)
    numbered = [
        EntryResult(**{**result.__dict__, "rank": position})
        for position, result in enumerate(ranked, start=1)
    ]
    return numbered + unranked
