"""The printed report: its figures, the cover's winners and the daily numbers in compact blocks."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime

from contest.contests.model import Contest
from contest.core.db import Database
from contest.engagement.figures import Engagement, engagement
from contest.engagement.series import Series
from contest.judging.award_labels import listed
from contest.judging.winners import public_winners

#: The daily table prints as up to this many blocks side by side (a month fits in three of
#: eleven rows), none shorter than ``BLOCK_ROWS`` rows unless it is the only one.
DAY_BLOCKS = 3
BLOCK_ROWS = 6


@dataclass(frozen=True)
class CoverWinner:
    """A winner on the report's cover: award, entry, author and the photo to show."""

    award: str
    entry_id: int
    title: str
    author: str
    photo_key: str
    width: int
    height: int
    alt_text: str


@dataclass(frozen=True)
class DayRow:
    """One contest-local day of the four daily series."""

    day: date
    entries: int
    likes: int
    views: int
    shares: int


@dataclass(frozen=True)
class PrintedReport:
    """What the report shows besides the dashboard's figures."""

    figures: Engagement
    winners: tuple[CoverWinner, ...]  # as the public sees them; none until announced
    day_blocks: tuple[tuple[DayRow, ...], ...]


def daily_rows(series: Series) -> tuple[DayRow, ...]:
    """The four daily series side by side, a row per day (they share one span of days)."""
    return tuple(
        DayRow(entries.day, entries.count, likes.count, views.count, shares.count)
        for entries, likes, views, shares in zip(
            series.entries, series.likes, series.views, series.shares, strict=True
        )
    )


def in_blocks(
    rows: tuple[DayRow, ...], *, blocks: int = DAY_BLOCKS
) -> tuple[tuple[DayRow, ...], ...]:
    """The rows cut into at most ``blocks`` runs of nearly equal length, in order (fewer when
    they would be shorter than ``BLOCK_ROWS``)."""
    if not rows:
        return ()
    blocks = max(1, min(blocks, len(rows) // BLOCK_ROWS))
    size = math.ceil(len(rows) / blocks)
    return tuple(rows[start : start + size] for start in range(0, len(rows), size))


async def cover_winners(
    db: Database, contest: Contest, *, now: datetime
) -> tuple[CoverWinner, ...]:
    """The winners as the winners page shows them (a photo with two awards once, both named),
    or none before they are announced."""
    by_entry: dict[int, CoverWinner] = {}
    for w in await public_winners(db, contest, now=now) or []:
        entry_id = int(w["entry_id"])
        if entry_id in by_entry:
            earlier = by_entry[entry_id]
            by_entry[entry_id] = replace(earlier, award=listed([earlier.award, w["award"]]))
            continue
        by_entry[entry_id] = CoverWinner(
            award=w["award"],  # a Message: named in the reader's language
            entry_id=entry_id,
            title=str(w["title"]),
            author=str(w["author"]),
            photo_key=str(w["display_key"]),
            width=int(w["display_width"]),
            height=int(w["display_height"]),
            alt_text=str(w["alt_text"]),
        )
    return tuple(by_entry.values())


async def printed_report(db: Database, contest: Contest, *, now: datetime) -> PrintedReport:
    """Everything the engagement report shows of a contest at ``now``."""
    figures = await engagement(db, contest, now=now)
    winners = await cover_winners(db, contest, now=now)
    return PrintedReport(figures, winners, in_blocks(daily_rows(figures.series)))
