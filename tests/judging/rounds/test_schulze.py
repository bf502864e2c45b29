"""The Schulze method for ranking rounds: worked examples, brute-force checks, properties."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from contest.judging.rounds.schulze import Ballot, SchulzeResult, schulze

PROPERTIES = settings(max_examples=200, deadline=None, database=None)
LETTERS = "ABCDE"  # the articles' candidates, as entry ids 1..5
A, B, C, D, E = 1, 2, 3, 4, 5


def strict(order: str) -> list[list[int]]:
    """A ballot from letters, best first: "ACB" -> [[A], [C], [B]]."""
    return [[LETTERS.index(letter) + 1] for letter in order]


def repeated(counts: Sequence[tuple[int, str]]) -> list[Ballot]:
    return [strict(order) for count, order in counts for _ in range(count)]


def table(rows: str) -> dict[tuple[int, int], int]:
    """A 5 x 5 table written row by row as in the article, "-" on the diagonal."""
    cells = [line.split() for line in rows.strip().splitlines()]
    return {
        (i + 1, j + 1): int(value)
        for i, line in enumerate(cells)
        for j, value in enumerate(line)
        if i != j
    }


# Independent brute force: straight from the definitions, no shared code with the module.


def brute_pairwise(
    candidates: Sequence[int], ballots: Sequence[Ballot]
) -> dict[tuple[int, int], int]:
    """d[a, b]: a ballot prefers a to b when b comes in a later group or is not listed at all."""
    counts = {(a, b): 0 for a in candidates for b in candidates if a != b}
    for ballot in ballots:
        listed_so_far: set[int] = set()
        for group in ballot:
            listed_so_far |= set(group)
            for a in group:
                for b in candidates:
                    if b not in listed_so_far:
                        counts[a, b] += 1
    return counts


def brute_strongest(
    candidates: Sequence[int], d: dict[tuple[int, int], int]
) -> dict[tuple[int, int], int]:
    """p[a, b]: the best weakest link over every simple path a -> b (0 when none)."""

    def link(x: int, y: int) -> int:
        return d[x, y] if d[x, y] > d[y, x] else 0

    strongest = {}
    for a, b in itertools.permutations(candidates, 2):
        others = [c for c in candidates if c not in (a, b)]
        best = 0
        for length in range(len(others) + 1):
            for middle in itertools.permutations(others, length):
                path = (a, *middle, b)
                best = max(best, min(link(x, y) for x, y in itertools.pairwise(path)))
        strongest[a, b] = best
    return strongest


def smith_set(candidates: Sequence[int], d: dict[tuple[int, int], int]) -> set[int]:
    """The smallest non-empty set whose members all beat every outsider head to head."""
    for size in range(1, len(candidates) + 1):
        for members in itertools.combinations(candidates, size):
            outsiders = [c for c in candidates if c not in members]
            if all(d[a, b] > d[b, a] for a in members for b in outsiders):
                return set(members)
    raise AssertionError("the full set always qualifies")


def full_ballot(ballot: Ballot, candidates: Sequence[int]) -> list[list[int]]:
    """The ballot with its implicit last group (the candidates it leaves out) written out."""
    listed = {entry for group in ballot for entry in group}
    unlisted = [c for c in candidates if c not in listed]
    return [list(group) for group in ballot if group] + ([unlisted] if unlisted else [])


@st.composite
def elections(draw: st.DrawFn, max_candidates: int = 5) -> tuple[list[int], list[Ballot]]:
    """Up to 5 entries with arbitrary ids and up to 9 ballots with ties and omissions."""
    candidates = draw(
        st.lists(st.integers(1, 10_000), min_size=1, max_size=max_candidates, unique=True)
    )
    ballots: list[Ballot] = []
    for _ in range(draw(st.integers(0, 9))):
        # Each candidate gets a group number, or None for "left out".
        levels = draw(
            st.lists(
                st.none() | st.integers(0, 4), min_size=len(candidates), max_size=len(candidates)
            )
        )
        used = sorted({level for level in levels if level is not None})
        ballots.append(
            [[c for c, lv in zip(candidates, levels, strict=True) if lv == level] for level in used]
        )
    return candidates, ballots


# The worked example of the Wikipedia article "Schulze method" (45 voters, 5 candidates), also
# Markus Schulze's own "Schulze method examples", example 1.
WIKIPEDIA = repeated(
    [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
)
WIKIPEDIA_D = table(
    """
    -  20 26 30 22
    25 -  16 33 18
    19 29 -  17 24
    15 12 28 -  14
    23 27 21 31 -
    """
)
WIKIPEDIA_P = table(
    """
    -  28 28 30 24
    25 -  28 33 24
    25 29 -  29 24
    25 28 28 -  24
    25 28 28 31 -
    """
)


def test_wikipedia_example_pairwise_table_matches_the_article_and_brute_force() -> None:
    result = schulze(range(1, 6), WIKIPEDIA)
    assert result.pairwise == WIKIPEDIA_D
    assert brute_pairwise(range(1, 6), WIKIPEDIA) == WIKIPEDIA_D
    # Spot checks worked by hand: A over B on 5 ACBED + 5 ADECB + 3 CABED + 7 CAEBD = 20.
    assert (result.pairwise[A, B], result.pairwise[B, A]) == (20, 25)
    assert (result.pairwise[A, C], result.pairwise[C, A]) == (26, 19)


def test_wikipedia_example_strongest_paths_match_the_article_and_brute_force() -> None:
    result = schulze(range(1, 6), WIKIPEDIA)
    assert result.strongest == WIKIPEDIA_P
    assert brute_strongest(range(1, 6), WIKIPEDIA_D) == WIKIPEDIA_P
    # A -> C is stronger through D (min(30, 28) = 28) than directly (26); E -> D is direct, 31.
    assert result.strongest[A, C] == 28
    assert result.strongest[E, D] == 31


def test_wikipedia_example_ranks_e_a_c_b_d() -> None:
    result = schulze(range(1, 6), WIKIPEDIA)
    assert result.ranking == ((E,), (A,), (C,), (B,), (D,))
    assert [result.place_of(entry) for entry in (E, A, C, B, D)] == [1, 2, 3, 4, 5]
    assert result.beats(E, A) and not result.beats(A, E)
    assert result.beats(C, B)  # p[C, B] = 29 > p[B, C] = 28 (B reaches C only via D: 33, 28)
    assert result.candidates == (1, 2, 3, 4, 5)


def test_tennessee_capital_example_elects_the_condorcet_winner_nashville() -> None:
    # Wikipedia "Condorcet method": Memphis 42, Nashville 26, Chattanooga 15, Knoxville 17 (in %).
    memphis, nashville, chattanooga, knoxville = A, B, C, D
    ballots = repeated([(42, "ABCD"), (26, "BCDA"), (15, "CDBA"), (17, "DCBA")])
    result = schulze([memphis, nashville, chattanooga, knoxville], ballots)
    assert result.pairwise[nashville, memphis] == 58
    assert result.pairwise[chattanooga, knoxville] == 83
    assert result.ranking == ((nashville,), (chattanooga,), (knoxville,), (memphis,))


def test_a_cycle_is_broken_at_its_weakest_defeat() -> None:
    # 4 A>B>C, 3 B>C>A, 2 C>A>B: A beats B 6-3, B beats C 7-2, C beats A 5-4 (a cycle).
    # Strongest paths: A->C via B = min(6, 7) = 6 > C->A = 5, so the 5-4 defeat is overruled.
    result = schulze([A, B, C], repeated([(4, "ABC"), (3, "BCA"), (2, "CAB")]))
    assert result.pairwise == {(A, B): 6, (B, A): 3, (B, C): 7, (C, B): 2, (A, C): 4, (C, A): 5}
    assert result.strongest == {(A, B): 6, (B, A): 5, (B, C): 7, (C, B): 5, (A, C): 6, (C, A): 5}
    assert result.ranking == ((A,), (B,), (C,))


def test_a_perfectly_balanced_cycle_leaves_one_tier_of_three() -> None:
    # One each of A>B>C, B>C>A, C>A>B: every link is 2-1, every strongest path 2.
    result = schulze([C, B, A], repeated([(1, "ABC"), (1, "BCA"), (1, "CAB")]))
    assert set(result.strongest.values()) == {2}
    assert result.ranking == ((A, B, C),)
    assert [result.place_of(entry) for entry in (A, B, C)] == [1, 1, 1]
    assert not result.beats(A, B) and not result.beats(B, A)


def test_entries_in_one_group_tie_and_the_next_tier_places_third() -> None:
    result = schulze([1, 2, 3], [[[1, 2], [3]], [[2, 1], [3]]])
    assert result.pairwise == {(1, 2): 0, (2, 1): 0, (1, 3): 2, (3, 1): 0, (2, 3): 2, (3, 2): 0}
    assert result.ranking == ((1, 2), (3,))
    assert [result.place_of(entry) for entry in (1, 2, 3)] == [1, 1, 3]


def test_entries_a_ballot_leaves_out_tie_below_those_it_lists() -> None:
    result = schulze([10, 20, 30, 40], [[[20], [10]]])
    assert result.pairwise[20, 10] == 1
    assert result.pairwise[10, 30] == result.pairwise[10, 40] == 1
    assert result.pairwise[30, 40] == result.pairwise[40, 30] == 0
    assert result.ranking == ((20,), (10,), (30, 40))
    assert result.place_of(30) == result.place_of(40) == 3


def test_a_juror_who_leaves_the_favourite_out_only_narrows_its_lead() -> None:
    # Two jurors rank 1 over 2 over 3; one juror ties 2 and 3 and leaves 1 out.
    result = schulze([1, 2, 3], [[[1], [2], [3]], [[1], [2], [3]], [[2, 3]]])
    assert result.pairwise[1, 2] == 2 and result.pairwise[2, 1] == 1
    assert result.pairwise[2, 3] == 2 and result.pairwise[3, 2] == 0
    assert result.ranking == ((1,), (2,), (3,))


def test_no_ballots_tie_every_candidate_in_one_tier() -> None:
    result = schulze([3, 1, 2], [])
    assert result.candidates == (1, 2, 3)
    assert set(result.pairwise.values()) == set(result.strongest.values()) == {0}
    assert len(result.pairwise) == 6
    assert result.ranking == ((1, 2, 3),)


def test_empty_ballots_and_no_candidates_are_harmless() -> None:
    assert schulze([5, 6], [[], [[]]]).ranking == ((5, 6),)
    assert schulze([], []) == SchulzeResult(candidates=(), pairwise={}, strongest={}, ranking=())


@pytest.mark.parametrize(
    ("ballots", "message"),
    [
        ([[[1], [2]], [[1], [9]]], "ballot 2 names entry 9, which is not in this round"),
        ([[[1], [1]]], "ballot 1 names entry 1 more than once"),
        ([[[2, 2]]], "ballot 1 names entry 2 more than once"),
    ],
)
def test_malformed_ballots_are_refused_with_a_message(ballots: list[Ballot], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        schulze([1, 2, 3], ballots)


def test_candidates_listed_twice_are_refused() -> None:
    with pytest.raises(ValueError, match=r"listed twice among the candidates: \[2\]"):
        schulze([1, 2, 2], [])


def test_asking_about_an_entry_outside_the_round_is_refused() -> None:
    result = schulze([1, 2], [[[1], [2]]])
    with pytest.raises(ValueError, match="entry 7 is not ranked"):
        result.place_of(7)
    with pytest.raises(ValueError, match="entry 7 is not ranked"):
        result.beats(1, 7)
    assert not result.beats(1, 1)


def test_fifty_entries_by_ten_jurors() -> None:
    jurors = random.Random(19)
    entries = list(range(1000, 1050))
    ballots = [[[entry] for entry in jurors.sample(entries, len(entries))] for _ in range(10)]
    started = time.perf_counter()
    result = schulze(entries, ballots)
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"Schulze, 50 entries by 10 jurors: {elapsed_ms:.1f} ms")
    assert all(result.pairwise[a, b] + result.pairwise[b, a] == 10 for a, b in result.pairwise)
    assert sorted(entry for tier in result.ranking for entry in tier) == entries


# Properties.


@PROPERTIES
@given(elections())
def test_tables_equal_the_brute_force_of_every_path(
    election: tuple[list[int], list[Ballot]],
) -> None:
    candidates, ballots = election
    result = schulze(candidates, ballots)
    d = brute_pairwise(candidates, ballots)
    assert result.pairwise == d
    assert result.strongest == brute_strongest(candidates, d)


@PROPERTIES
@given(elections())
def test_tiers_partition_the_candidates_by_repeatedly_taking_the_unbeaten(
    election: tuple[list[int], list[Ballot]],
) -> None:
    candidates, ballots = election
    result = schulze(candidates, ballots)
    ranked = [entry for tier in result.ranking for entry in tier]
    assert sorted(ranked) == sorted(candidates)
    assert all(tier and list(tier) == sorted(tier) for tier in result.ranking)
    for index, tier in enumerate(result.ranking):
        remaining = [entry for later in result.ranking[index:] for entry in later]
        unbeaten = [a for a in remaining if not any(result.beats(b, a) for b in remaining)]
        assert list(tier) == sorted(unbeaten)


@PROPERTIES
@given(elections())
def test_a_condorcet_winner_is_alone_in_the_first_tier(
    election: tuple[list[int], list[Ballot]],
) -> None:
    candidates, ballots = election
    d = brute_pairwise(candidates, ballots)
    winners = [a for a in candidates if all(d[a, b] > d[b, a] for b in candidates if b != a)]
    assume(winners)
    assert schulze(candidates, ballots).ranking[0] == (winners[0],)


@PROPERTIES
@given(elections())
def test_the_first_tier_lies_within_the_smith_set(election: tuple[list[int], list[Ballot]]) -> None:
    candidates, ballots = election
    first_tier = schulze(candidates, ballots).ranking[0]
    assert set(first_tier) <= smith_set(candidates, brute_pairwise(candidates, ballots))


@PROPERTIES
@given(elections())
def test_reversing_every_ballot_turns_a_single_winner_into_a_loser_to_all(
    election: tuple[list[int], list[Ballot]],
) -> None:
    candidates, ballots = election
    result = schulze(candidates, ballots)
    reversed_ballots = [full_ballot(ballot, candidates)[::-1] for ballot in ballots]
    reversed_result = schulze(candidates, reversed_ballots)
    # Reversal transposes both tables exactly (winning-votes links simply change direction).
    assert reversed_result.pairwise == {(a, b): n for (b, a), n in result.pairwise.items()}
    assert reversed_result.strongest == {(a, b): n for (b, a), n in result.strongest.items()}
    assume(len(candidates) >= 2 and len(result.ranking[0]) == 1)
    (winner,) = result.ranking[0]
    assert reversed_result.ranking[0] != (winner,)
    assert all(reversed_result.beats(other, winner) for other in candidates if other != winner)


@PROPERTIES
@given(elections(), st.data())
def test_raising_a_winner_on_one_ballot_keeps_it_a_winner(
    election: tuple[list[int], list[Ballot]], data: st.DataObject
) -> None:
    candidates, ballots = election
    assume(ballots)
    winner = data.draw(st.sampled_from(schulze(candidates, ballots).ranking[0]))
    index = data.draw(st.integers(0, len(ballots) - 1))
    rest = [[c for c in group if c != winner] for group in ballots[index]]
    raised = [*ballots[:index], [[winner], *rest], *ballots[index + 1 :]]
    assert winner in schulze(candidates, raised).ranking[0]


def test_a_ballot_abstaining_on_an_entry_says_nothing_of_its_pairs() -> None:
    # Two ballots: A > B > C and B > A > C; the second juror made C, so abstains on it.
    ballots = [[[1], [2], [3]], [[2], [1], [3]]]
    counted = schulze([1, 2, 3], ballots, [set(), {3}])
    assert counted.pairwise[1, 3] == 1 and counted.pairwise[2, 3] == 1
    assert counted.pairwise[3, 1] == 0 and counted.pairwise[1, 2] == 1
    left_last = schulze([1, 2, 3], [[[1], [2]], [[2], [1]]])  # merely unlisted: below both
    assert left_last.pairwise[1, 3] == 2
