"""Who is voting, as a request shows them: the account, the browser, the address, and the
verified email voter's cookie."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

from contest.contests.model import Contest
from contest.core.errors import NotSignedIn
from contest.voting import email_voters
from contest.voting.clicks import Caller, voter_of
from contest.voting.likes import Voter
from contest.web.context import (
    browser_id,
    client_address,
    current_user,
    services,
    session_hash,
)


def cookie_name(contest_id: int) -> str:
    """The cookie that names this browser's verified voter for one contest."""
    return f"contest_voter_{contest_id}"


def carried_voter(secret: str, cookies: Mapping[str, str], contest: Contest) -> str | None:
    """The verified voter key a browser's cookies carry for the contest, if any."""
    return email_voters.verified_voter(secret, cookies.get(cookie_name(contest.id)), contest.id)


def email_voter(request: Request, contest: Contest) -> str | None:
    """The verified voter key this browser carries for the contest, if any."""
    return carried_voter(services(request).config.secret_key or "", request.cookies, contest)


async def request_caller(request: Request, contest: Contest, *, cached: bool = False) -> Caller:
    """The caller behind this request (``cached``: the account as the session cache knows it,
    which a like's write checks again)."""
    return Caller(
        user=await current_user(request, cached=cached),
        session_hash=session_hash(request),
        browser_id=browser_id(request),
        address=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
        email_voter=email_voter(request, contest),
    )


async def request_voter(request: Request, contest: Contest) -> Voter:
    """The voter behind this request, by the contest's voting mode; NotSignedIn if none."""
    caller = await request_caller(request, contest)
    return voter_of(contest, caller, secret=services(request).config.secret_key or "")


async def knows_voter(request: Request, contest: Contest) -> bool:
    """Whether this request may like in the contest already (signed in as the mode asks, or a
    verified email voter), so pages tell the others how to vote."""
    try:
        await request_voter(request, contest)
    except NotSignedIn:
        return False
    return True
