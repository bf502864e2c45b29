"""The winners as the public sees them, once published and announced: the winners page and
album, the awards gallery cards wear, and the finished contests of the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contest.contests.model import Contest
from contest.core.db import Database
from contest.judging.award_labels import (
    CHAMPION,
    PEOPLES_CHOICE,
    PEOPLES_CHOICE_LABEL,
    award_slots,
)
from contest.judging.results import compute, published_at
from contest.voting import tallies


async def winners_are_public(db: Database, contest: Contest, *, now: datetime) -> bool:
    """Whether the winners page shows the winners: results published, and their time come."""
    return contest.schedule.results_are_out(now) and await published_at(db, contest.id) is not None


async def public_winners(
    db: Database, contest: Contest, *, now: datetime
) -> list[dict[str, Any]] | None:
    """The winners for the public page, or None until results are published and announced.

    People's Choice comes with its count of likes (``likes``; None for the other awards, and
    for it too when the contest hides like counts), what it was for (``wording``: "Most
    Facebook likes") and the network counted (``network``; empty for likes on this site).
    """
    if not await winners_are_public(db, contest, now=now):
        return None
    results = await compute(db, contest)
    counts_shown = not contest.settings.hide_counts
    winners = []
    for award in results.awards:
        standing = results.by_entry.get(award.entry_id) if award.entry_id else None
        if standing is None:
            continue
        entry = standing.entry
        winners.append(
            {
                "award": award.label,
                "key": award.key,
                "citation": award.citation,
                "entry_id": entry["id"],
                "title": entry["title"],
                "author": entry["author_name"],
                "department": entry["author_department"],
                "display_key": entry["display_key"],
                "display_width": entry["display_width"],
                "display_height": entry["display_height"],
                "alt_text": entry["alt_text"],
                "likes": award.likes if counts_shown and award.key == PEOPLES_CHOICE else None,
                "wording": tallies.peoples_choice_wording(contest.settings)
                if award.key == PEOPLES_CHOICE
                else "",
                "network": contest.settings.external_network
                if tallies.counts_outside(contest.settings)
                else "",
            }
        )
    return winners


async def published_awards(db: Database, contest: Contest) -> dict[int, tuple[str, ...]]:
    """Each winning entry's award labels as published, in the awards' order (empty until the
    results are published). Whether the announcement time has come is the caller's to check
    (``Contest.schedule.results_are_out``)."""
    if await published_at(db, contest.id) is None:
        return {}
    categories = await db.fetch_all(
        "SELECT id, name FROM categories WHERE contest_id = ? ORDER BY position", (contest.id,)
    )
    slots = award_slots(contest, categories)
    if contest.settings.award_peoples_choice:
        slots.append((PEOPLES_CHOICE, PEOPLES_CHOICE_LABEL))
    winners = {
        row["award"]: row["entry_id"]
        for row in await db.fetch_all(
            "SELECT award, entry_id FROM awards WHERE contest_id = ? AND entry_id IS NOT NULL",
            (contest.id,),
        )
    }
    labels: dict[int, tuple[str, ...]] = {}
    for key, label in slots:
        if key in winners:
            labels[winners[key]] = (*labels.get(winners[key], ()), label)
    return labels


@dataclass(frozen=True)
class Headline:
    """A finished contest's headline winner, for the home page: award, title and thumbnail."""

    award: str
    entry_id: int
    title: str
    thumb_key: str
    thumb_width: int
    thumb_height: int
    alt_text: str


HEADLINE_AWARDS = {"champion": CHAMPION, PEOPLES_CHOICE: PEOPLES_CHOICE_LABEL}


async def finished_contests(
    db: Database, contests: list[Contest], *, now: datetime
) -> dict[int, list[Headline]]:
    """The contests among these whose winners are public at ``now`` (results published and
    announced), each with its champion and People's Choice as far as they were awarded."""
    announced = {c.id for c in contests if c.schedule.results_are_out(now)}
    if not announced:
        return {}
    published = await db.fetch_all("SELECT id FROM contests WHERE results_published_at IS NOT NULL")
    finished: dict[int, list[Headline]] = {
        row["id"]: [] for row in published if row["id"] in announced
    }
    rows = await db.fetch_all(
        "SELECT awards.contest_id, awards.award, entries.id, entries.title, entries.thumb_key,"
        " entries.thumb_width, entries.thumb_height, entries.alt_text FROM awards"
        " JOIN entries ON entries.id = awards.entry_id"
        " JOIN contests ON contests.id = awards.contest_id"
        " WHERE contests.results_published_at IS NOT NULL AND entries.status = 'approved'"
        " AND awards.award IN ('champion', ?)",
        (PEOPLES_CHOICE,),
    )
    rows = [row for row in rows if row["contest_id"] in finished]
    order = list(HEADLINE_AWARDS)
    for row in sorted(rows, key=lambda row: order.index(row["award"])):
        finished[row["contest_id"]].append(
            Headline(
                HEADLINE_AWARDS[row["award"]],
                row["id"],
                row["title"],
                row["thumb_key"],
                row["thumb_width"],
                row["thumb_height"],
                row["alt_text"],
            )
        )
    return finished
