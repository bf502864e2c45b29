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
from contest.voting.writer import LikeWriter

#: Likes one network address may give per hour in open (device) voting: generous, because a
#: whole campus may share one address, but it stops one machine minting endless browsers.
#: Networks the organizers list as shared (Manage → Site settings) have no such limit.
DEVICE_LIKES_PER_ADDRESS_HOUR = 600


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
    """The voter behind a caller, by the contest's voting mode; NotSignedIn if none.

    In email mode a signed-in person votes under their mailbox's key, so signing in and
    following an email link cannot make them two voters.
    """
    user = caller.user
    return voter_for(
        contest,
        user,
        browser_id=caller.browser_id,
        address=caller.address,
        email_voter=caller.email_voter,
        user_email_key=mailbox_key(secret, user.email)
        if user is not None and contest.settings.voting_mode == "email"
        else None,
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
    voter's own, the session still standing, the address's budget) is made inside the write.

    In device voting an address may give at most ``DEVICE_LIKES_PER_ADDRESS_HOUR`` likes an
    hour, unless it lies in a network the organizers named as shared by many people.
    """
    mode = contest.settings.voting_mode
    budget: int | None = DEVICE_LIKES_PER_ADDRESS_HOUR
    if mode == "device" and in_networks(caller.address, await shared_networks(db)):
        budget = None
    user = caller.user
    request = click_request(
        contest,
        entry_id=entry_id,
        voter=voter_of(contest, caller, secret=secret),
        now=now,
        action="unlike" if action == "unlike" else "like",
        author_key=partial(mailbox_key, secret) if mode == "email" else None,
        address_budget=budget,
        session_hash=caller.session_hash if user is not None else None,
        role=user.role if user is not None else None,
    )
    state: LikeState = await writer.submit(request)
    shown = counts_visible(contest, user, now)
    return LikeAnswer(liked=state.liked, count=state.count if shown else None)
