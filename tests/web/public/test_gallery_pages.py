"""Gallery snapshots: what a new one keeps of the last, and the canonical address of a page."""

import sqlite3

from contest.web.public.gallery_pages import PAGE_BYTES_KEPT, GalleryQuery, Snapshot


def rows(*likes: int) -> list[sqlite3.Row]:
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    values = " UNION ALL ".join(
        f"SELECT {n + 1} AS id, {count} AS like_count" for n, count in enumerate(likes)
    )
    return list(db.execute(values))


def test_a_new_snapshot_keeps_the_cards_of_entries_that_did_not_change() -> None:
    old = Snapshot(1, rows(0, 0, 0), [])
    old.cards = {(1, "", False): "card one", (2, "", False): "card two", (3, "", True): "three"}
    old.pages = {("page",): [b"whole page"]}
    new = Snapshot(1, rows(0, 1, 0), [])  # the second entry got a like
    new.inherit(old)
    assert new.cards == {(1, "", False): "card one", (3, "", True): "three"}
    assert new.pages == {}  # pages show counts and the time: always rendered again


def test_a_page_address_names_only_what_differs_from_the_defaults() -> None:
    plain = GalleryQuery(category_id=None, tag="", sort="shuffled", sort_chosen=False, page=1)
    assert plain.here("/g", 1) == "/g"
    chosen = GalleryQuery(category_id=3, tag="night owls", sort="newest", sort_chosen=True, page=9)
    assert chosen.here("/g", 2) == "/g?category=3&tag=night+owls&sort=newest&page=2"
    assert chosen.link(4) == "category=3&tag=night+owls&sort=newest&page=4"


def test_a_snapshot_keeps_whole_pages_within_its_byte_budget() -> None:
    snapshot = Snapshot(1, rows(0), [])
    page = [b"x" * (PAGE_BYTES_KEPT // 3)]
    for number in range(5):
        snapshot.keep_page(("page", number), page)
    assert list(snapshot.pages) == [("page", 0), ("page", 1), ("page", 2)]
    assert snapshot.page_bytes <= PAGE_BYTES_KEPT
