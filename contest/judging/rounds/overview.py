"""What organizers read of a contest's rounds: each round's size and progress, every juror's
progress, the flags and favourites jurors left, and who decided what (for the exports).

Read-only and organizer-facing: jurors are named by their display names, never their
addresses, since these pages and files may be shared. Each read is one or two grouped
queries, so a round of 60,000 tasks stays quick to show.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from contest.core.db import Database, Row
from contest.judging.panel import criteria_of
from contest.judging.rounds.closing import final_order
from contest.judging.rounds.model import Progress, Round
from contest.judging.rounds.store import UNCONFLICTED

#: The columns an organizer's lists show of a photo (a thumbnail and its title).
PHOTO_COLUMNS = (
    "entries.id, entries.title, entries.alt_text, entries.thumb_key,"
    " entries.thumb_width, entries.thumb_height"
)


@dataclass(frozen=True)
class RoundSummary:
    """One round as the contest's list of rounds shows it."""

    round: Round
    photos: int
    jurors: int
    advanced: int
    progress: Progress


@dataclass(frozen=True)
class JurorProgress:
    """How far one juror of the round has got, and whether they still work in it."""

    juror_id: int
    name: str
    active: bool
    progress: Progress


async def contest_rounds(db: Database, contest_id: int) -> list[RoundSummary]:
    """The contest's rounds in order, with their photos, jurors and progress."""
    rows = await db.fetch_all(
        "SELECT rounds.*,"
        " (SELECT count(*) FROM round_entries WHERE round_id = rounds.id) AS photos,"
        " (SELECT count(*) FROM round_entries WHERE round_id = rounds.id AND advanced = 1)"
        "   AS advanced_photos,"
        " (SELECT count(*) FROM round_jurors WHERE round_id = rounds.id AND active = 1)"
        "   AS juror_count,"
        " (SELECT count(decided_at) FROM round_tasks WHERE round_id = rounds.id) AS decided,"
        " (SELECT count(*) FROM round_tasks WHERE round_id = rounds.id) AS tasks"
        " FROM rounds WHERE contest_id = ? ORDER BY number",
        (contest_id,),
    )
    return [
        RoundSummary(
            Round.from_row(row),
            photos=int(row["photos"]),
            jurors=int(row["juror_count"]),
            advanced=int(row["advanced_photos"]),
            progress=Progress(decided=int(row["decided"]), total=int(row["tasks"])),
        )
        for row in rows
    ]


async def round_progress(db: Database, round_: Round) -> Progress:
    """Every task of the round: decided out of all."""
    row = await db.fetch_one(
        "SELECT count(decided_at), count(*) FROM round_tasks"  # noqa: S608 - fixed text
        f" WHERE round_id = ? AND {UNCONFLICTED}",
        (round_.id,),
    )
    assert row is not None
    return Progress(decided=int(row[0]), total=int(row[1]))


async def jurors(db: Database, round_: Round) -> list[JurorProgress]:
    """Each juror of the round by name, active ones first, with their progress."""
    rows = await db.fetch_all(
        "SELECT round_jurors.juror_id, round_jurors.active, users.display_name,"  # noqa: S608
        " (SELECT count(decided_at) FROM round_tasks WHERE round_tasks.round_id ="
        "   round_jurors.round_id AND round_tasks.juror_id = round_jurors.juror_id"
        f"   AND {UNCONFLICTED}) AS decided,"
        " (SELECT count(*) FROM round_tasks WHERE round_tasks.round_id ="
        "   round_jurors.round_id AND round_tasks.juror_id = round_jurors.juror_id"
        f"   AND {UNCONFLICTED}) AS tasks"
        " FROM round_jurors JOIN users ON users.id = round_jurors.juror_id"
        " WHERE round_jurors.round_id = ?"
        " ORDER BY round_jurors.active DESC, users.display_name, round_jurors.juror_id",
        (round_.id,),
    )
    return [
        JurorProgress(
            juror_id=int(row["juror_id"]),
            name=str(row["display_name"]),
            active=bool(row["active"]),
            progress=Progress(decided=int(row["decided"]), total=int(row["tasks"])),
        )
        for row in rows
    ]


async def marks(db: Database, round_: Round) -> list[Row]:
    """The flags and favourites jurors left in the round: the photo, the juror's name, the
    flag with its note, whether it is a favourite; flags first."""
    return await db.fetch_all(
        f"SELECT {PHOTO_COLUMNS}, users.display_name AS juror_name,"  # noqa: S608
        " round_tasks.flag, round_tasks.flag_note, round_tasks.favourite"
        " FROM round_tasks JOIN entries ON entries.id = round_tasks.entry_id"
        " JOIN users ON users.id = round_tasks.juror_id"
        " WHERE round_tasks.round_id = ? AND (round_tasks.flag IS NOT NULL"
        "   OR round_tasks.favourite = 1)"
        " ORDER BY round_tasks.flag IS NULL, entries.id, users.display_name",
        (round_.id,),
    )


async def photos(db: Database, entry_ids: Iterable[int]) -> dict[int, Row]:
    """The photos of those ids (a page of standings), by id."""
    rows = await db.fetch_all(
        f"SELECT {PHOTO_COLUMNS} FROM entries"  # noqa: S608
        " WHERE entries.id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
        (json.dumps(sorted(set(entry_ids))),),
    )
    return {int(row["id"]): row for row in rows}


async def short_of_jurors(db: Database, round_: Round) -> dict[int, int]:
    """Photos given fewer jurors than the round's quorum (conflicts left too few), by id:
    how many jurors each has (a juror who declared a conflict on it since does not count)."""
    rows = await db.fetch_all(
        "SELECT round_entries.entry_id, count(round_tasks.id) AS jurors"  # noqa: S608 - fixed
        " FROM round_entries LEFT JOIN round_tasks ON round_tasks.round_id ="
        "   round_entries.round_id AND round_tasks.entry_id = round_entries.entry_id"
        f"   AND {UNCONFLICTED}"
        " WHERE round_entries.round_id = ? GROUP BY round_entries.entry_id"
        " HAVING count(round_tasks.id) < ? ORDER BY round_entries.entry_id",
        (round_.id, round_.quorum),
    )
    return {int(row["entry_id"]): int(row["jurors"]) for row in rows}


def _decision(kind: str, value: float | None) -> str:
    """A decision as a file says it: yes/no, the stars, or the place given."""
    if value is None:
        return ""
    if kind == "yes_no":
        return "yes" if value else "no"
    return f"{value:g}"


async def decision_rows(db: Database, round_: Round) -> list[dict[str, Any]]:
    """Every task of the round, for the organizers' export: who decided what, and when (a
    rubric round's decision is the weighted mean, each criterion's score in a column after).
    A task left with a juror who declared a conflict on its photo counts nowhere, so it is
    not listed."""
    rows = await db.fetch_all(
        "SELECT round_tasks.id AS task_id, entries.id AS entry_id, entries.title,"  # noqa: S608
        " users.display_name AS juror,"
        " round_tasks.value, round_tasks.decided_at, round_tasks.favourite,"
        " round_tasks.flag, round_tasks.flag_note"
        " FROM round_tasks JOIN entries ON entries.id = round_tasks.entry_id"
        " JOIN users ON users.id = round_tasks.juror_id"
        f" WHERE round_tasks.round_id = ? AND {UNCONFLICTED}"
        " ORDER BY entries.id, users.display_name, users.id",
        (round_.id,),
    )
    scores = await _criteria_scores(db, round_) if round_.by_rubric else {}
    return [
        {
            "entry_id": int(row["entry_id"]),
            "title": row["title"],
            "juror": row["juror"],
            "decision": _decision(round_.kind, row["value"]),
            "decided_at": row["decided_at"] or "",
            "favourite": bool(row["favourite"]),
            "flag": row["flag"] or "",
            "note": row["flag_note"] or "",
            **scores.get(int(row["task_id"]), {}),
        }
        for row in rows
    ]


async def _criteria_scores(db: Database, round_: Round) -> dict[int, dict[str, float | str]]:
    """A rubric round's scores by task (every task of the round): a column per criterion of
    the contest's rubric, "score: " and its name (never one of the fixed columns' names),
    blank where the juror gave none."""
    named = {
        int(row["id"]): f"score: {row['name']}" for row in await criteria_of(db, round_.contest_id)
    }
    rows = await db.fetch_all(
        "SELECT round_tasks.id AS task_id, round_task_scores.criterion_id,"
        " round_task_scores.value FROM round_tasks LEFT JOIN round_task_scores"
        "   ON round_task_scores.task_id = round_tasks.id"
        " WHERE round_tasks.round_id = ?",
        (round_.id,),
    )
    found: dict[int, dict[str, float | str]] = {}
    for row in rows:
        task = found.setdefault(int(row["task_id"]), dict.fromkeys(named.values(), ""))
        if row["criterion_id"] is not None and int(row["criterion_id"]) in named:
            task[named[int(row["criterion_id"])]] = float(row["value"])
    return found


async def ranking_rows(db: Database, round_: Round) -> list[dict[str, Any]]:
    """A ranking round's final order (places with ties), for the organizers' export."""
    result = await final_order(db, round_)
    named = await photos(db, result.candidates)
    return [
        {"place": result.place_of(entry), "entry_id": entry, "title": named[entry]["title"]}
        for tier in result.ranking
        for entry in tier
    ]
