"""The gallery's orders: one shuffle per contest, each visitor starting at their own place."""

from collections import Counter
from typing import Any

import pytest

from contest.gallery import listing


def entries(count: int) -> list[Any]:
    return [{"id": number, "like_count": number % 7} for number in range(1, count + 1)]


def ids(rows: list[Any]) -> list[int]:
    return [row["id"] for row in rows]


@pytest.mark.parametrize("count", [1, 10, 23, 63, 64, 100, 500, 1000])
def test_every_entry_opens_page_one_for_exactly_the_same_share_of_visitors(count: int) -> None:
    rows = entries(count)
    slots = listing.order_slots(len(rows))
    assert slots >= listing.ORDER_SLOTS and slots % count == 0
    shuffled = listing.base_shuffle(rows, contest_id=1)
    first_pages: Counter[int] = Counter()
    firsts: Counter[int] = Counter()
    for slot in range(slots):
        order = listing.rotate(shuffled, slot, slots)
        assert sorted(ids(order)) == list(range(1, count + 1))
        first_pages.update(ids(order[: listing.PAGE_SIZE]))
        firsts[order[0]["id"]] += 1
    assert set(first_pages) == set(range(1, count + 1))
    assert len(set(first_pages.values())) == 1  # the very same number of visitors for each
    assert len(set(firsts.values())) == 1


def test_a_very_large_gallery_gets_enough_orders_for_every_entry_to_open_one() -> None:
    rows = entries(5000)
    slots = listing.order_slots(len(rows))
    assert slots > listing.ORDER_SLOTS
    shuffled = listing.base_shuffle(rows, contest_id=1)
    seen = {
        row["id"]
        for slot in range(slots)
        for row in listing.rotate(shuffled, slot, slots)[: listing.PAGE_SIZE]
    }
    assert len(seen) == 5000


def test_the_shuffle_is_neither_by_id_nor_the_same_for_two_contests() -> None:
    rows = entries(40)
    one = ids(listing.base_shuffle(rows, contest_id=1))
    assert one != sorted(one) and one != sorted(one, reverse=True)
    assert one != ids(listing.base_shuffle(rows, contest_id=2))
    assert one == ids(listing.base_shuffle(list(reversed(rows)), contest_id=1))


def test_a_visitors_order_is_stable_and_visitors_spread_over_the_slots() -> None:
    rows = entries(30)
    seed = "20260302.some-browser-id"
    first = listing.order(rows, sort="shuffled", contest_id=1, seed=seed)
    assert ids(first) == ids(listing.order(rows, sort="shuffled", contest_id=1, seed=seed))
    slots = listing.order_slots(30)
    slot = listing.visitor_slot(seed, slots)
    rotated = listing.rotate(listing.base_shuffle(rows, contest_id=1), slot, slots)
    assert ids(first) == ids(rotated)
    used = {listing.visitor_slot(f"browser-{n}", slots) for n in range(3000)}
    assert used == set(range(slots))


def test_newest_and_most_liked_orders_are_the_same_for_everyone() -> None:
    rows = entries(10)
    newest = listing.order(rows, sort="newest", contest_id=1, seed="a")
    assert ids(newest) == list(range(10, 0, -1))
    liked = listing.order(rows, sort="likes", contest_id=1, seed="b")
    assert ids(liked) == ids(listing.order(rows, sort="likes", contest_id=1, seed="c"))
    assert [row["like_count"] for row in liked] == sorted(
        (row["like_count"] for row in rows), reverse=True
    )
