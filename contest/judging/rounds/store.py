"""Reading a round by its id, for jurors' and organizers' pages alike."""

from __future__ import annotations

from contest.core.db import Database
from contest.core.errors import NotFound
from contest.i18n import N_
from contest.judging.rounds.model import Round


async def get_round(db: Database, round_id: int) -> Round:
    """The round; NotFound if there is none (the caller checks who may see it)."""
    row = await db.fetch_one("SELECT * FROM rounds WHERE id = ?", (round_id,))
    if row is None:
        raise NotFound(N_("There is no such judging round."))
    return Round.from_row(row)
