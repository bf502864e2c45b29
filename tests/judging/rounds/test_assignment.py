"""Assigning a round's entries to jurors: worked examples, then the properties that must hold.

Balance is checked against the truth on small rounds: every possible assignment is enumerated
and the result must have the lexicographically least sorted load vector (so the lowest possible
maximum and the highest possible minimum), whatever the bars and earlier loads.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from contest.judging.rounds.assignment import (
    Assignment,
    assign,
    queue_positions,
    reassign,
)

# --- worked examples -----------------------------------------------------------------------


def test_every_juror_sees_every_entry_when_the_quorum_is_the_whole_panel() -> None:
    result = assign([1, 2], [10, 20, 30], 3)
    assert result.tasks == ((1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30))
    assert result.short == {}
    assert result.load() == {10: 2, 20: 2, 30: 2}


def test_an_entry_with_too_few_eligible_jurors_is_short_and_the_free_jurors_take_the_rest() -> None:
    # Entry 1 bars jurors 10 and 20 (say a conflict and its author): only 30 may take it, one
    # short of the quorum of 2. It is the most constrained, so it goes first; entry 2 then goes
    # to the two jurors with nothing yet, 10 and 20, whatever the seed.
    for seed in range(5):
        result = assign([1, 2], [10, 20, 30], 2, barred={(10, 1), (20, 1)}, seed=seed)
        assert result.tasks == ((1, 30), (2, 10), (2, 20))
        assert result.short == {1: 1}
        assert result.load() == {10: 1, 20: 1, 30: 1}


def test_a_juror_given_nothing_is_in_the_load_with_zero() -> None:
    result = assign([1], [10, 20, 30], 2, barred={(30, 1)})
    assert result.tasks == ((1, 10), (1, 20))
    assert result.load() == {10: 1, 20: 1, 30: 0}


def test_late_entries_go_to_the_jurors_with_the_fewest_tasks() -> None:
    # Juror 10 already has 5 tasks, 20 and 30 have 3: the late entry goes to 20 and 30; the next
    # one (loads now 5, 4, 4) again to 20 and 30, leaving every juror at 5.
    result = assign([7, 8], [10, 20, 30], 2, load={10: 5, 20: 3, 30: 3})
    assert result.tasks == ((7, 20), (7, 30), (8, 20), (8, 30))
    assert result.load() == {10: 0, 20: 2, 30: 2}


# Worked by hand: quorum 1, entry 4 may go only to juror 10; entry 2 only to 10 or 13, so to 13;
# entry 1 only to 12 or 13, so to 12; entry 3 (10 barred) to the one left, 11. It is the only
# assignment with one task each. Picking least-loaded jurors alone misses it for 12 of the seeds
# 0..19 (e.g. entry 1 to 13 first); the evening-out step must find it for all of them.
CHAIN_BARS = {(10, 1), (11, 1), (11, 2), (12, 2), (10, 3), (11, 4), (12, 4), (13, 4)}


@pytest.mark.parametrize("seed", range(20))
def test_tasks_are_moved_along_a_chain_until_every_juror_has_one(seed: int) -> None:
    result = assign([1, 2, 3, 4], [10, 11, 12, 13], 1, barred=CHAIN_BARS, seed=seed)
    assert result.tasks == ((1, 12), (2, 13), (3, 11), (4, 10))


def test_bars_outside_the_round_are_ignored() -> None:
    result = assign([1], [10, 20], 2, barred={(99, 1), (10, 42)})
    assert result.tasks == ((1, 10), (1, 20))


def test_an_empty_panel_leaves_every_entry_short_by_the_whole_quorum() -> None:
    result = assign([1, 2], [], 3)
    assert result.tasks == ()
    assert result.short == {1: 3, 2: 3}
    assert result.load() == {}


def test_the_same_seed_gives_the_same_assignment_and_another_seed_another() -> None:
    entries, jurors = list(range(1, 41)), list(range(10, 18))
    first = assign(entries, jurors, 3, seed=4)
    assert assign(entries, jurors, 3, seed=4) == first
    assert assign(entries, jurors, 3, seed=5).tasks != first.tasks


def test_panels_mix_rather_than_repeating_fixed_teams() -> None:
    # With a fixed tie order, 30 jurors at quorum 3 would form the same 10 trios forever.
    result = assign(list(range(300)), list(range(30)), 3, seed=1)
    trios = Counter(tuple(sorted(j for e, j in result.tasks if e == entry)) for entry in range(300))
    assert len(trios) > 200


@pytest.mark.parametrize(
    ("entries", "jurors", "quorum", "message"),
    [
        ([1], [10], 0, "quorum must be at least 1, got 0"),
        ([1], [10], -2, "quorum must be at least 1, got -2"),
        ([1, 2, 1], [10], 1, r"each entry may be given only once; repeated: \[1\]"),
        ([1], [10, 20, 20, 10], 1, r"each juror may be given only once; repeated: \[10, 20\]"),
    ],
)
def test_a_bad_round_is_refused_with_a_clear_message(
    entries: list[int], jurors: list[int], quorum: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        assign(entries, jurors, quorum)


# --- properties ------------------------------------------------------------------------------


def eligible(entry: int, jurors: Sequence[int], barred: Collection[tuple[int, int]]) -> list[int]:
    return [juror for juror in jurors if (juror, entry) not in barred]


def best_sorted_loads(
    needs: Mapping[int, tuple[int, list[int]]], jurors: Sequence[int], start: Mapping[int, int]
) -> tuple[int, ...]:
    """The least (descending-sorted) load vector over every possible assignment, by brute force.

    `needs`: entry -> (how many jurors it takes, the jurors it may take).
    """
    index = {juror: i for i, juror in enumerate(jurors)}
    reachable = {tuple(start.get(juror, 0) for juror in jurors)}
    for count, candidates in needs.values():
        grown = set()
        for loads in reachable:
            for panel in itertools.combinations(candidates, count):
                new = list(loads)
                for juror in panel:
                    new[index[juror]] += 1
                grown.add(tuple(new))
        reachable = grown
    return min(tuple(sorted(loads, reverse=True)) for loads in reachable)


def check_invariants(
    result: Assignment,
    entries: Sequence[int],
    jurors: Sequence[int],
    quorum: int,
    barred: Collection[tuple[int, int]],
) -> None:
    """Every entry exactly min(quorum, eligible) distinct eligible jurors, in a row, in order."""
    assert len(set(result.tasks)) == len(result.tasks)
    assert all((juror, entry) not in barred for entry, juror in result.tasks)
    assert all(juror in jurors for _, juror in result.tasks)
    expected_rows = [
        entry for entry in entries for _ in range(min(quorum, len(eligible(entry, jurors, barred))))
    ]
    assert [entry for entry, _ in result.tasks] == expected_rows
    short = {entry: quorum - len(eligible(entry, jurors, barred)) for entry in entries}
    assert result.short == {entry: lack for entry, lack in short.items() if lack > 0}
    assert sum(result.load().values()) == len(result.tasks)
    assert set(result.load()) == set(jurors)


#: entries, jurors, quorum, barred (juror, entry) pairs, seed
Round = tuple[list[int], list[int], int, set[tuple[int, int]], int]


@st.composite
def rounds(draw: st.DrawFn, max_entries: int, max_jurors: int) -> Round:
    entries = draw(st.lists(st.integers(1, 10_000), max_size=max_entries, unique=True))
    jurors = draw(st.lists(st.integers(1, 500), max_size=max_jurors, unique=True))
    quorum = draw(st.integers(1, len(jurors) + 1))
    pairs = [(juror, entry) for juror in jurors for entry in entries]
    barred = draw(st.sets(st.sampled_from(pairs))) if pairs else set()
    seed = draw(st.integers(0, 2**32))
    return entries, jurors, quorum, barred, seed


@settings(max_examples=200, deadline=None)
@given(rounds(max_entries=40, max_jurors=8))
def test_every_entry_gets_its_quorum_of_eligible_jurors(case: Round) -> None:
    entries, jurors, quorum, barred, seed = case
    result = assign(entries, jurors, quorum, barred=barred, seed=seed)
    check_invariants(result, entries, jurors, quorum, barred)
    assert assign(entries, jurors, quorum, barred=barred, seed=seed) == result


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 200), st.integers(1, 12), st.integers(1, 13), st.integers(0, 2**32))
def test_without_bars_loads_are_within_one(
    entry_count: int, juror_count: int, quorum: int, seed: int
) -> None:
    result = assign(range(entry_count), range(100, 100 + juror_count), quorum, seed=seed)
    loads = result.load().values()
    assert max(loads) - min(loads) <= 1


@settings(max_examples=300, deadline=None)
@given(rounds(max_entries=6, max_jurors=5), st.lists(st.integers(0, 3), max_size=5))
@example(([1, 2, 3, 4], [10, 11, 12, 13], 1, CHAIN_BARS, 0), [])
def test_loads_are_as_even_as_the_bars_allow(case: Round, earlier: list[int]) -> None:
    entries, jurors, quorum, barred, seed = case
    start = dict(zip(jurors, earlier, strict=False))
    result = assign(entries, jurors, quorum, barred=barred, load=start, seed=seed)
    check_invariants(result, entries, jurors, quorum, barred)
    needs = {}
    for entry in entries:
        candidates = eligible(entry, jurors, barred)
        needs[entry] = (min(quorum, len(candidates)), candidates)
    totals = [start.get(juror, 0) + count for juror, count in result.load().items()]
    assert tuple(sorted(totals, reverse=True)) == best_sorted_loads(needs, jurors, start)


def few_enough_bars(
    entries: Sequence[int], jurors: Sequence[int], quorum: int, barred: Collection[tuple[int, int]]
) -> bool:
    """A sufficient condition for loads within one (max-flow min-cut over sets of s jurors).

    With n_e = min(quorum, eligible jurors of e), T = sum n_e = kJ + r: loads of k or k+1 fit
    when every set of s < J jurors can absorb their share, sum_e min(n_e, s) - B >= s*k +
    min(s, r), B being the number of bars (each costs such a set at most one task).
    """
    juror_count = len(jurors)
    needs = [min(quorum, len(eligible(entry, jurors, barred))) for entry in entries]
    k, r = divmod(sum(needs), juror_count)
    bars = sum(1 for juror, entry in barred if juror in jurors and entry in entries)
    return all(
        sum(min(n, s) for n in needs) - bars >= s * k + min(s, r) for s in range(1, juror_count)
    )


@settings(max_examples=150, deadline=None)
@given(
    st.integers(20, 120),
    st.integers(2, 8),
    st.integers(1, 4),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 119)), max_size=8),
    st.integers(0, 2**32),
)
def test_a_few_bars_among_many_entries_keep_loads_within_one(
    entry_count: int, juror_count: int, quorum: int, bar_draws: list[tuple[int, int]], seed: int
) -> None:
    entries, jurors = list(range(entry_count)), list(range(juror_count))
    barred = {(juror, entry) for juror, entry in bar_draws if juror < juror_count}
    assume(few_enough_bars(entries, jurors, quorum, barred))
    result = assign(entries, jurors, quorum, barred=barred, seed=seed)
    check_invariants(result, entries, jurors, quorum, barred)
    loads = result.load().values()
    assert max(loads) - min(loads) <= 1


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 120), st.integers(0, 40), st.integers(1, 10), st.integers(1, 4), st.integers()
)
def test_adding_late_entries_with_the_load_keeps_the_round_balanced(
    first_count: int, late_count: int, juror_count: int, quorum: int, seed: int
) -> None:
    jurors = list(range(juror_count))
    first = assign(range(first_count), jurors, quorum, seed=seed)
    late = assign(range(1000, 1000 + late_count), jurors, quorum, load=first.load(), seed=seed)
    totals = [first.load()[juror] + late.load()[juror] for juror in jurors]
    assert max(totals) - min(totals) <= 1


def test_twenty_thousand_entries_by_thirty_jurors_at_quorum_three() -> None:
    rng = random.Random(19)
    entries, jurors = list(range(1, 20_001)), list(range(500, 530))
    barred = {(rng.choice(jurors), rng.choice(entries)) for _ in range(200)}
    started = time.perf_counter()
    result = assign(entries, jurors, 3, barred=barred, seed=19)
    elapsed = time.perf_counter() - started
    print(f"\nassign 20,000 entries x 30 jurors, quorum 3, {len(barred)} bars: {elapsed:.3f} s")
    check_invariants(result, entries, jurors, 3, barred)
    assert set(result.load().values()) == {2000}


# --- reassignment ----------------------------------------------------------------------------


def test_a_leaving_jurors_entries_go_to_whoever_may_take_them_and_the_rest_are_stuck() -> None:
    # Entry 3 already has both remaining jurors: stuck. Entry 1 has 20, so it goes to 30 (load
    # 6); entry 2 then goes to 20, now the least loaded (5).
    result = reassign(
        [1, 2, 3],
        10,
        [10, 20, 30],
        assigned={1: {10, 20}, 2: {10}, 3: {10, 20, 30}},
        load={20: 5, 30: 5},
    )
    assert result.moves == ((1, 30), (2, 20))
    assert result.stuck == (3,)


def test_reassignment_respects_bars_and_balances_the_load() -> None:
    # 30 is barred from entry 4; 20 starts two tasks ahead of 30 and 40.
    result = reassign(
        [4, 5, 6, 7],
        10,
        [20, 30, 40],
        assigned={4: {10}, 5: {10}, 6: {10}, 7: {10}},
        load={20: 2, 30: 0, 40: 0},
        barred={(30, 4)},
    )
    assert result.stuck == ()
    moved = Counter(juror for _, juror in result.moves)
    assert dict(moved) == {30: 2, 40: 2}
    assert (4, 30) not in result.moves


def test_reassigning_the_same_entry_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"each entry may be given only once; repeated: \[4\]"):
        reassign([4, 4], 10, [20], assigned={}, load={})


@settings(max_examples=300, deadline=None)
@given(
    rounds(max_entries=6, max_jurors=5),
    st.data(),
)
def test_reassignment_moves_only_to_eligible_jurors_as_evenly_as_possible(
    case: Round,
    data: st.DataObject,
) -> None:
    entries, jurors, _, barred, seed = case
    assume(jurors)
    leaving = jurors[0]
    remaining = jurors[1:]
    assigned = {
        entry: {leaving, *data.draw(st.sets(st.sampled_from(jurors), max_size=2))}
        for entry in entries
    }
    load = {juror: data.draw(st.integers(0, 3)) for juror in remaining}
    result = reassign(
        entries, leaving, jurors, assigned=assigned, load=load, barred=barred, seed=seed
    )

    def may_take(entry: int) -> list[int]:
        return [
            juror
            for juror in remaining
            if juror not in assigned[entry] and (juror, entry) not in barred
        ]

    assert [entry for entry, _ in result.moves] == [entry for entry in entries if may_take(entry)]
    assert all(juror in may_take(entry) for entry, juror in result.moves)
    assert result.stuck == tuple(entry for entry in entries if not may_take(entry))
    needs = {entry: (1, may_take(entry)) for entry in entries if may_take(entry)}
    moved = Counter(juror for _, juror in result.moves)
    totals = [load[juror] + moved[juror] for juror in remaining]
    if remaining:
        assert tuple(sorted(totals, reverse=True)) == best_sorted_loads(needs, remaining, load)


# --- queue positions -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.tuples(st.integers(0, 60), st.integers(0, 6)), max_size=150),
    st.integers(),
    st.randoms(use_true_random=False),
)
def test_each_jurors_positions_are_a_permutation_whatever_the_task_order(
    tasks: set[tuple[int, int]], seed: int, shuffler: random.Random
) -> None:
    in_order = sorted(tasks)
    positions = queue_positions(in_order, seed=seed)
    assert set(positions) == tasks
    for juror in {juror for _, juror in tasks}:
        mine = [positions[task] for task in tasks if task[1] == juror]
        assert sorted(mine) == list(range(len(mine)))
    shuffled = list(in_order)
    shuffler.shuffle(shuffled)
    assert queue_positions(shuffled, seed=seed) == positions


def order_of(positions: Mapping[tuple[int, int], int], juror: int) -> list[int]:
    mine = {entry: position for (entry, who), position in positions.items() if who == juror}
    return sorted(mine, key=mine.__getitem__)


def test_jurors_with_the_same_entries_see_them_in_different_orders() -> None:
    tasks = [(entry, juror) for entry in range(30) for juror in (10, 20, 30)]
    positions = queue_positions(tasks, seed=0)
    orders = [order_of(positions, juror) for juror in (10, 20, 30)]
    assert all(sorted(order) == list(range(30)) for order in orders)
    assert len({tuple(order) for order in orders}) == 3
    assert len({order[0] for order in orders}) > 1
    assert order_of(queue_positions(tasks, seed=1), 10) != orders[0]


def test_start_appends_late_tasks_after_each_jurors_queue() -> None:
    late = [(100, 10), (101, 10), (102, 10), (100, 20)]
    positions = queue_positions(late, seed=3, start={10: 40, 20: 7})
    assert sorted(positions[(entry, 10)] for entry in (100, 101, 102)) == [40, 41, 42]
    assert positions[(100, 20)] == 7
    assert queue_positions([(100, 30)], seed=3, start={10: 40}) == {(100, 30): 0}


def test_a_repeated_task_is_refused() -> None:
    with pytest.raises(ValueError, match=r"repeated: \[5\]"):
        queue_positions([(5, 10), (5, 10)], seed=0)
