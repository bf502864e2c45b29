"""A press of the like button: who the voter is, what budget their address has, and what
they are told afterwards. The one use case behind both entrances of a like (the route, and
the script's fast path).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from contest.accounts.site_settings import in_networks, shared_networks
from contest.accounts.users import User
from contest.contests.model import Contest
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.voting import email_voters
from contest.voting.likes import LikeState, Voter, click_request, voter_for
from contest.voting.pace import DeviceLimits
from contest.voting.writer import LikeWriter

#: The pace anonymous browsers keep in device voting (see ``pace.DeviceLimits``); networks
#: the organizers list as shared (Manage → Site settings) get ten times the new browsers.
DEVICE_LIMITS = DeviceLimits()


@dataclass(frozen=True)
class Caller:
    """Who pressed the button, as their request shows them."""

    #: The signed-in account (possibly as a session cache knew it a moment ago), and the
    #: hash of its session token: the write checks that the session still stands.
    user: User | None
    session_hash: str | None
    browser_id: str
    address: str
    user_agent: str = ""
    #: The verified email voter's key this browser carries for the contest, if any.
    email_voter: str | None = None


@dataclass(frozen=True)
class LikeAnswer:
    """What the voter is told after a click: their like's state, and the count if they may
    see it (None when hidden)."""

    liked: bool
    count: int | None


def counts_visible(contest: Contest, user: User | None, moment: datetime) -> bool:
    """Like counts are hidden from judges (blind judging) and, if the contest says so, from
    everyone until the results."""
    results_out = contest.schedule.results_are_out(moment)
    if user is not None and user.is_judge and not results_out:
        return False
    return not contest.settings.hide_counts or results_out


def mailbox_key(secret: str, email: str) -> str | None:
    """The email-voter key of an account's address (None for an address that cannot vote)."""
    try:
        normalized = email_voters.normalize_voter_email(email)
    except ValidationError:
        return None
    return email_voters.voter_key(secret, normalized)


def agent_signature(user_agent: str) -> str:
    """A short hash of a browser's User-Agent, for spotting many voters from one kind."""
    return hashlib.sha256(user_agent.encode()).hexdigest()[:12]


def voter_of(contest: Contest, caller: Caller, *, secret: str) -> Voter:
    """The voter behind a caller (see ``likes.voter_for``); NotSignedIn if none.

    A signed-in person votes under their mailbox's key in every mode, the key an email link
    to that mailbox gives, so they are one voter however they vote and whatever the mode.
    """
    user = caller.user
    return voter_for(
        contest,
        user,
        browser_id=caller.browser_id,
        address=caller.address,
        email_voter=caller.email_voter,
        user_email_key=mailbox_key(secret, user.email) if user is not None else None,
        signature=agent_signature(caller.user_agent),
    )


async def click_like(
    db: Database,
    contest: Contest,
    *,
    writer: LikeWriter,
    entry_id: int,
    action: str,
    caller: Caller,
    secret: str,
    now: datetime,
) -> LikeAnswer:
    """Like an entry (or, with ``action="unlike"``, take the like back) through the group
    commit; every check that depends on the stored state (the entry approved and not the
    voter's own, the session still standing, the device pace) is made inside the write.

    Anonymous browsers keep the pace of ``DEVICE_LIMITS``, with more room in a network the
    organizers named as shared by many people.
    """
    limits = DEVICE_LIMITS
    if contest.settings.voting_mode == "device" and in_networks(
        caller.address, await shared_networks(db)
    ):
        limits = limits.shared()
    user = caller.user
    request = click_request(
        contest,
        entry_id=entry_id,
        voter=voter_of(contest, caller, secret=secret),
        now=now,
        action="unlike" if action == "unlike" else "like",
        author_key=partial(mailbox_key, secret),
        device_limits=limits,
        session_hash=caller.session_hash if user is not None else None,
        role=user.role if user is not None else None,
    )
    state: LikeState = await writer.submit(request)
    shown = counts_visible(contest, user, now)
    return LikeAnswer(liked=state.liked, count=state.count if shown else None)
