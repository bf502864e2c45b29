"""Known-answer tests for turning judges' scores into a ranking."""

import pytest

from contest.judging.aggregation import EntryResult, aggregate, standardise, weighted_total

A, B, C = 1, 2, 3
HARSH, LENIENT, MIDDLE = 10, 20, 30
ONLY = {7: 1.0}  # one criterion, weight 1: a judge's total is their score


def single(scores: dict[tuple[int, int], float]) -> dict[tuple[int, int], dict[int, float]]:
    return {key: {7: value} for key, value in scores.items()}


# Worked by hand. Harsh judge: A=2, B=4, C=3 (mean 3, sd 0.8165) -> z -1.2247, 1.2247, 0.
# Lenient judge, who never saw C: A=10, B=9 (mean 9.5, sd 0.5) -> z 1, -1.
# Middle judge: A=6, B=7, C=8 (mean 7, sd 0.8165) -> z -1.2247, 0, 1.2247.
# Raw means: A 6.0, B 6.667, C 5.5 -> B, A, C (C suffers for missing the lenient judge).
# Z means:  A -0.4832, B 0.0749, C 0.6124 -> C, B, A.
PANEL = single(
    {
        (HARSH, A): 2,
        (HARSH, B): 4,
        (HARSH, C): 3,
        (LENIENT, A): 10,
        (LENIENT, B): 9,
        (MIDDLE, A): 6,
        (MIDDLE, B): 7,
        (MIDDLE, C): 8,
    }
)


def test_standardising_ranks_differently_from_raw_means() -> None:
    by_z = aggregate(PANEL, ONLY, [A, B, C], method="zscore")
    by_raw = aggregate(PANEL, ONLY, [A, B, C], method="raw")
    assert [r.entry_id for r in by_z] == [C, B, A]
    assert [r.entry_id for r in by_raw] == [B, A, C]
    finals = {r.entry_id: r.final for r in by_z}
    assert finals[A] == pytest.approx(-0.48316, abs=1e-5)
    assert finals[B] == pytest.approx(0.07491, abs=1e-5)
    assert finals[C] == pytest.approx(0.61237, abs=1e-5)
    assert {r.entry_id: r.raw_mean for r in by_raw} == pytest.approx({A: 6.0, B: 20 / 3, C: 5.5})
    assert [r.rank for r in by_z] == [1, 2, 3]


def test_disagreement_is_the_spread_of_the_judges_standardised_scores() -> None:
    result = {r.entry_id: r for r in aggregate(PANEL, ONLY, [A, B, C])}
    # C: z-scores 0 and 1.2247 -> population sd 0.6124
    assert result[C].disagreement == pytest.approx(0.61237, abs=1e-5)
    assert result[C].judges == 2


def test_weighted_total_uses_the_rubric_weights() -> None:
    assert weighted_total({1: 8, 2: 2}, {1: 3, 2: 1}) == pytest.approx(6.5)


def test_a_judge_with_a_single_score_has_no_spread_and_counts_zero() -> None:
    assert standardise({A: 9.0}) == {A: 0.0}
    assert standardise({A: 5.0, B: 5.0}) == {A: 0.0, B: 0.0}
    results = aggregate(single({(HARSH, A): 9}), ONLY, [A])
    assert results[0].final == 0.0 and results[0].disagreement == 0.0


# Worked by hand: judge 1 saw D=8 and X=4 (mean 6, sd 2: z 1 and -1); judge 2 saw E=6 and Y=4
# (mean 5, sd 1: z 1 and -1). D and E tie on the final score (1.0); D has the higher raw mean
# (8 against 6); E was submitted first (lower id).
E, D, X, Y = 4, 5, 6, 7
TIED = single({(1, D): 8, (1, X): 4, (2, E): 6, (2, Y): 4})


@pytest.mark.parametrize(
    ("rule", "winner"), [("raw_mean", D), ("top_criterion", D), ("earliest", E)]
)
def test_equal_final_scores_are_ordered_by_the_published_rule(rule: str, winner: int) -> None:
    results = aggregate(TIED, ONLY, [E, D, X, Y], tie_break=rule)
    assert results[0].final == results[1].final == pytest.approx(1.0)
    assert results[0].entry_id == winner and results[0].rank == 1


def test_entries_below_the_minimum_number_of_judges_are_flagged_not_ranked() -> None:
    results = aggregate(PANEL, ONLY, [A, B, C], min_judges=3)
    ranked = [r.entry_id for r in results if r.ranked]
    assert ranked == [B, A]
    unranked = [r for r in results if not r.ranked]
    assert (
        [r.entry_id for r in unranked] == [C]
        and unranked[0].rank is None
        and unranked[0].judges == 2
    )


def test_entries_nobody_scored_have_no_final_score() -> None:
    results = aggregate(PANEL, ONLY, [A, B, C, 99])
    last = results[-1]
    assert last.entry_id == 99 and last.final is None and not last.ranked


def test_an_unknown_method_or_tie_break_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"^unknown method 'borda'$"):
        aggregate(PANEL, ONLY, [A], method="borda")
    with pytest.raises(ValueError, match=r"^unknown tie-break 'coin'$"):
        aggregate(PANEL, ONLY, [A], tie_break="coin")


def test_each_result_keeps_every_judges_total_and_standardised_score() -> None:
    result = {r.entry_id: r for r in aggregate(PANEL, ONLY, [A, B, C])}
    assert result[A].raw_totals == {HARSH: 2, LENIENT: 10, MIDDLE: 6}
    assert result[A].standardised == pytest.approx(
        {HARSH: -1.224745, LENIENT: 1.0, MIDDLE: -1.224745}
    )
    assert result[C].raw_totals == {HARSH: 3, MIDDLE: 8}
    assert result[C].standardised == pytest.approx({HARSH: 0.0, MIDDLE: 1.224745})


def test_scores_of_unlisted_entries_and_incomplete_sheets_are_left_out() -> None:
    rubric = {1: 1.0, 2: 1.0}
    scores = {
        (HARSH, A): {1: 2, 2: 2},
        (HARSH, B): {1: 4, 2: 4},
        (HARSH, 99): {1: 10, 2: 10},  # an entry withdrawn since: not among the entries ranked
        (HARSH, C): {1: 9},  # a sheet without the second criterion
    }
    result = {r.entry_id: r for r in aggregate(scores, rubric, [A, B, C])}
    # The judge's scores are standardised among A and B alone: mean 3, spread 1.
    assert result[A].standardised == {HARSH: -1.0} and result[B].standardised == {HARSH: 1.0}
    assert result[C].judges == 0 and result[C].final is None and not result[C].ranked
    assert set(result) == {A, B, C}


@pytest.mark.parametrize(("rubric", "top"), [({1: 1.0, 2: 3.0}, 2), ({1: 3.0, 2: 1.0}, 1)])
def test_the_top_criterion_is_the_most_heavily_weighted_one(
    rubric: dict[int, float], top: int
) -> None:
    scores = {(HARSH, A): {1: 2, 2: 8}, (LENIENT, A): {1: 4, 2: 10}}
    (result,) = aggregate(scores, rubric, [A])
    assert result.top_criterion_mean == {1: 3.0, 2: 9.0}[top]


def test_a_contest_without_criteria_yet_has_nothing_to_rank() -> None:
    assert aggregate({}, {}, [A]) == [
        EntryResult(
            entry_id=A,
            judges=0,
            raw_totals={},
            standardised={},
            raw_mean=None,
            final=None,
            disagreement=None,
            top_criterion_mean=None,
            ranked=False,
        )
    ]


def test_final_scores_are_compared_to_the_ninth_decimal_not_to_whole_points() -> None:
    fractions = single({(HARSH, A): 6.2, (HARSH, B): 6.4})
    by_fraction = aggregate(fractions, ONLY, [A, B], method="raw", tie_break="earliest")
    assert [r.entry_id for r in by_fraction] == [B, A]
    hair = single({(HARSH, A): 7.0, (HARSH, B): 7.0 + 4e-10})  # equal to nine decimals
    by_hair = aggregate(hair, ONLY, [A, B], method="raw", tie_break="earliest")
    assert [r.entry_id for r in by_hair] == [A, B]


def test_a_final_score_of_zero_ranks_below_a_positive_one() -> None:
    results = aggregate(single({(HARSH, A): 0.0, (HARSH, B): 0.5}), ONLY, [A, B], method="raw")
    assert [(r.entry_id, r.rank) for r in results] == [(B, 1), (A, 2)]


@pytest.mark.parametrize("rule", ["raw_mean", "top_criterion"])
def test_a_tie_break_score_of_zero_loses_to_a_positive_one(rule: str) -> None:
    # Every final is 0: one judge gave R a lone 0, another gave P and Q the same 0.5.
    R, P, Q = 1, 2, 3
    scores = single({(HARSH, R): 0.0, (LENIENT, P): 0.5, (LENIENT, Q): 0.5})
    results = aggregate(scores, ONLY, [R, P, Q], tie_break=rule)
    assert [r.final for r in results] == [0.0, 0.0, 0.0]
    assert [r.entry_id for r in results] == [P, Q, R]


@pytest.mark.parametrize("rule", ["raw_mean", "top_criterion"])
def test_tie_break_scores_are_compared_to_the_ninth_decimal(rule: str) -> None:
    # As TIED, with fractional raw scores: D 6.4 and E 6.2 tie on the final score (1.0).
    fractions = single({(1, D): 6.4, (1, X): 4, (2, E): 6.2, (2, Y): 4})
    assert aggregate(fractions, ONLY, [E, D, X, Y], tie_break=rule)[0].entry_id == D
    # Raw means equal to nine decimals leave the tie to the earlier submission.
    hair = single({(1, D): 6.0 + 4e-10, (1, X): 4, (2, E): 6.0, (2, Y): 4})
    assert aggregate(hair, ONLY, [E, D, X, Y], tie_break=rule)[0].entry_id == E


def test_with_no_tie_break_equal_finals_go_by_submission_order() -> None:
    scores = single({(1, D): 8, (1, X): 4, (2, E): 6, (2, Y): 4})
    results = aggregate(scores, ONLY, [D, E, X, Y], tie_break="earliest")
    assert [(r.entry_id, r.rank) for r in results] == [(E, 1), (D, 2), (X, 3), (Y, 4)]


def test_unranked_entries_come_last_in_submission_order() -> None:
    results = aggregate(single({(HARSH, 5): 6}), ONLY, [99, 98, 5, 97])
    assert [(r.entry_id, r.rank) for r in results] == [(5, 1), (97, None), (98, None), (99, None)]
