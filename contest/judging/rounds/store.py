"""Reading a round by its id, for jurors' and organizers' pages alike, and which contests are
judged in rounds."""

from __future__ import annotations

import json
from collections.abc import Iterable

from contest.core.db import Connection, Database
from contest.core.errors import Conflict, NotFound
from contest.i18n import N_
from contest.judging.rounds.model import Round

NO_SUCH_ROUND = N_("There is no such judging round.")
#: A task whose juror has declared no conflict on its photo (a conflict declared mid-round
#: that nobody else could take leaves the task with them, cleared: it counts nowhere).
UNCONFLICTED = (
    "NOT EXISTS (SELECT 1 FROM conflicts WHERE conflicts.entry_id = round_tasks.entry_id"
    " AND conflicts.judge_id = round_tasks.juror_id)"
)


def ensure_still_open(connection: Connection, round_id: int) -> None:
    """Conflict unless the round is open now, read inside the write that changes it (the
    page that led here may have seen it open before someone closed it)."""
    row = connection.execute("SELECT status FROM rounds WHERE id = ?", (round_id,)).fetchone()
    if row is None or row[0] != "open":
        raise Conflict(N_("This round is closed: its photos can no longer move."))


async def get_round(db: Database, round_id: int) -> Round:
    """The round; NotFound if there is none (the caller checks who may see it)."""
    row = await db.fetch_one("SELECT * FROM rounds WHERE id = ?", (round_id,))
    if row is None:
        raise NotFound(NO_SUCH_ROUND)
    return Round.from_row(row)


async def judged_in_rounds(db: Database, contest_ids: Iterable[int]) -> set[int]:
    """Those of the contests that have rounds (their single-stage queue no longer counts)."""
    rows = await db.fetch_all(
        "SELECT DISTINCT contest_id FROM rounds"
        " WHERE contest_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?))",
        (json.dumps(sorted(set(contest_ids))),),
    )
    return {int(row[0]) for row in rows}
