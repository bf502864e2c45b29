"""Advancing by threshold or by the top N, with the ties at the cut shown, not split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contest.judging.rounds.advancing import by_threshold, threshold_counts, top

SCORES = {10: 3.0, 11: 2.0, 12: 2.0, 13: 2.0, 14: 1.0, 15: None}


def test_a_threshold_advances_what_reaches_it_best_first() -> None:
    assert by_threshold(SCORES, 2) == (10, 11, 12, 13)
    assert by_threshold(SCORES, 3.5) == ()
    assert threshold_counts(SCORES, [1, 2, 3]) == [(1, 5), (2, 4), (3, 1)]


def test_a_cut_inside_a_tie_shows_the_tie_rather_than_splitting_it() -> None:
    cut = top(SCORES, 2)
    assert (cut.sure, cut.tied, cut.cut_score) == ((10,), (11, 12, 13), 2.0)
    assert (cut.with_ties, cut.without_ties, cut.split) == (4, 1, True)


def test_a_cut_between_two_scores_splits_nothing() -> None:
    cut = top(SCORES, 4)
    assert (cut.sure, cut.tied, cut.split) == ((10,), (11, 12, 13), False)
    assert cut.with_ties == 4
    everyone = top(SCORES, 10)  # more asked than scored: all scored photos, no cut
    assert (everyone.sure, everyone.tied, everyone.cut_score) == ((10, 11, 12, 13, 14), (), None)
    with pytest.raises(ValueError):
        top(SCORES, 0)


@given(
    st.dictionaries(st.integers(1, 500), st.one_of(st.none(), st.integers(0, 5)), max_size=60),
    st.integers(1, 70),
)
def test_the_top_cut_never_splits_a_score_and_holds_the_asked_number_when_it_can(
    scores: dict[int, int | None], asked: int
) -> None:
    cut = top({entry: None if s is None else float(s) for entry, s in scores.items()}, asked)
    sure, tied = set(cut.sure), set(cut.tied)
    assert not sure & tied
    scored = {entry: s for entry, s in scores.items() if s is not None}
    if cut.cut_score is not None:
        assert all(scored[entry] > cut.cut_score for entry in sure)
        assert tied == {entry for entry, s in scored.items() if s == cut.cut_score}
        assert cut.without_ties < asked <= cut.with_ties
    else:
        assert sure == set(scored) and len(scored) <= asked
