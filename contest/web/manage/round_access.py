"""Who may see a round's organizer pages: an organizer, and the round must exist."""

from __future__ import annotations

from starlette.requests import Request

from contest.accounts.users import User
from contest.contests.model import Contest
from contest.contests.store import get_contest
from contest.judging.rounds.model import Round
from contest.judging.rounds.store import get_round
from contest.web.context import require_user, services


async def organizer_round(request: Request) -> tuple[User, Round, Contest]:
    """The signed-in organizer, the round the path's ``round_id`` names, and its contest
    (a judge or participant is refused before the round is even looked up)."""
    user = await require_user(request, "organizer")
    db = services(request).db
    round_ = await get_round(db, int(request.path_params["round_id"]))
    return user, round_, await get_contest(db, round_.contest_id)
