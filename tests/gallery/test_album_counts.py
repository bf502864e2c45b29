"""The album gives People's Choice its count of likes, unless the contest hides like counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.gallery.album import export_album
from tests.factories import (
    DAY,
    START,
    add_account,
    add_contest,
    add_judge,
    add_like,
    add_published_results,
    add_scored_entry,
)

pytestmark = pytest.mark.anyio


async def test_the_album_gives_peoples_choice_its_likes_unless_counts_are_hidden(
    db: Database, passwords: Passwords, storage: LocalStorage, tmp_path: Path
) -> None:
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    ann = await add_account(db, passwords, email="ann@uni.edu", name="Ann Lee")
    bob = await add_account(db, passwords, email="bob@uni.edu", name="Bob Roy")
    for hide_counts in (False, True):
        contest = await add_contest(
            db,
            "judging_and_voting",
            title=f"Light, counts hidden: {hide_counts}",
            voting_mode="device",
            hide_counts=hide_counts,
            award_runners_up=0,
        )
        judge = await add_judge(db, passwords, contest, email=f"judge-{hide_counts}@uni.edu")
        for author, title, score in ((ann, "Dawn", 9), (bob, "Dusk by the stacks", 5)):
            entry = await add_scored_entry(
                db,
                storage,
                contest,
                author,
                judge=judge,
                score=score,
                moderator=organizer,
                title=title,
            )
        for voter in range(12):
            await add_like(db, contest, entry, f"browser-{voter}")
        await add_published_results(db, contest, organizer, now=START + 5 * DAY)
        out = tmp_path / f"album-{hide_counts}"
        await export_album(db, storage, contest, out, now=START + 6 * DAY)
        winners = (out / "winners.html").read_text()
        entry_page = (out / "entries" / f"{entry}.html").read_text()
        assert "People&#39;s Choice" in winners and "Dusk by the stacks" in winners
        if hide_counts:
            assert "12 likes" not in winners and "likes" not in entry_page
            assert '<p class="award">People&#39;s Choice</p>' in entry_page
        else:
            assert "12 likes from the public" in winners
            assert '<p class="award">People&#39;s Choice · 12 likes</p>' in entry_page
