"""Changing who may like photos once likes have been given: allowed, but only after the
organizer has read what happens to them.

No like is lost or doubled by a change: a person is one voter in every mode (their mailbox's
key), and a browser's likes join its person when they sign in. What changes is who may like
from then on, and that is what the warning says.
"""

from __future__ import annotations

from contest.contests.model import Contest, ContestSettings
from contest.core.db import Database
from contest.i18n import Message, Nn_

_FROM_NOW_ON = {
    "accounts": "only signed-in people can like.",
    "email": "people like after confirming their address by a mailed link, or signed in.",
    "device": "any browser can like, once per photo and at a person's pace.",
}
#: What the people who liked under the old mode must do now, by (old mode, new mode).
_THOSE_WHO_LIKED = {
    ("email", "accounts"): "People who liked by email link must sign in to like more.",
    ("device", "accounts"): "People who liked as an anonymous browser must sign in to like more.",
    ("device", "email"): (
        "People who liked as an anonymous browser must confirm their address to like more."
    ),
    ("accounts", "device"): "Signed-in people stay one voter with the browsers they use.",
    ("email", "device"): "Email voters stay one voter with the browsers they use.",
    ("accounts", "email"): "A signed-in person and their email link are one voter.",
}


async def likes_given(db: Database, contest_id: int) -> int:
    """People's Choice likes that stand in the contest."""
    count = await db.fetch_value(
        "SELECT count(*) FROM counted_likes JOIN entries ON entries.id = counted_likes.entry_id"
        " WHERE entries.contest_id = ?",
        (contest_id,),
    )
    return int(count)


async def campus_change_problem(
    db: Database, contest: Contest, new: ContestSettings
) -> Message | None:
    """Why campus sign-in cannot be asked for liking now, or None: once likes were given by
    people the campus never vouched for, asking for it would leave their likes counted while
    they could no longer take them back, and let them like again under a campus account."""
    if not new.campus_for_voting or contest.settings.campus_for_voting:
        return None
    given = await likes_given(db, contest.id)
    if not given:
        return None
    return Nn_(
        "Campus sign-in for liking must be asked for before the first like: %(count)d like has"
        " been given already.",
        "Campus sign-in for liking must be asked for before the first like: %(count)d likes"
        " have been given already.",
        given,
    )


async def mode_change_warning(db: Database, contest: Contest, new_mode: str) -> str | None:
    """What the organizer must read before changing the voting mode to ``new_mode``, or None
    when nothing was given yet (or the mode stays)."""
    if new_mode == contest.settings.voting_mode or new_mode not in _FROM_NOW_ON:
        return None
    given = await likes_given(db, contest.id)
    if not given:
        return None
    likes = "1 like has" if given == 1 else f"{given} likes have"
    return (
        f"{likes} been given. Every one stays counted and nobody becomes two voters. From now"
        f" on {_FROM_NOW_ON[new_mode]}"
        f" {_THOSE_WHO_LIKED[(contest.settings.voting_mode, new_mode)]}"
        " Tick the box to change the mode anyway."
    )
