"""Voting with a verified email: normalise the address, mail a link, remember the voter.

Plus-aliases and Gmail's dots name one mailbox, so they are one voter; throw-away domains are
refused. The voter's key is a salted hash of the normalised address: likes never store it.
The typed address is kept only by the link's message while it waits to be sent (organizers
never see it; the outbox erases it once the message is sent or given up).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from contest.accounts.emails import email_error, is_throwaway, mailbox
from contest.contests.model import Contest
from contest.core.clock import from_db, to_db
from contest.core.db import Database
from contest.core.errors import Gone, ValidationError
from contest.core.forms import whole_number
from contest.core.outbox import queue_mail
from contest.core.security import new_token, texts_match, token_hash
from contest.i18n import N_, current_locale, using_locale

LINK_LIFETIME = timedelta(hours=24)
LINKS_PER_HOUR = 3


def normalize_voter_email(address: str) -> str:
    """One spelling per mailbox: lower case, no +alias, and no dots in a Gmail name."""
    address = address.strip().lower()
    if problem := email_error(address):
        raise ValidationError({"email": problem})
    if is_throwaway(address):
        raise ValidationError(
            {
                "email": N_(
                    "Please use your everyday email address; throw-away addresses can't vote."
                )
            }
        )
    return mailbox(address)


def voter_key(secret: str, normalized: str) -> str:
    """The voter's key: a keyed hash of the mailbox, so the address itself is never stored."""
    digest = hmac.new(secret.encode(), normalized.encode(), hashlib.sha256).hexdigest()
    return f"email:{digest[:32]}"


async def send_link(
    db: Database,
    *,
    contest: Contest,
    address: str,
    secret: str,
    link_for: Callable[[str], str],
    now: datetime,
) -> None:
    """Mail a one-time link that lets this mailbox vote in the contest. Only the keyed hash
    of the folded mailbox is stored for the vote; the typed address goes no further than the
    outbox message, which forgets it once it is sent or given up."""
    if not contest.schedule.voting_is_open(now):
        raise ValidationError({"email": N_("Voting is not open, so no voting links are sent.")})
    normalized = normalize_voter_email(address)
    voter = voter_key(secret, normalized)
    recent = await db.fetch_value(
        "SELECT count(*) FROM voter_links WHERE voter = ? AND created_at > ?",
        (voter, to_db(now - timedelta(hours=1))),
    )
    if int(recent) >= LINKS_PER_HOUR:
        raise ValidationError(
            {
                "email": N_(
                    "We have sent this address several links in the last hour; please use one."
                )
            }
        )
    token = new_token()
    # In the language of the page that asked for the link (nothing else is known of the voter).
    locale = current_locale.get()
    with using_locale(locale):
        subject = str(N_("Your link to vote in %(contest)s", contest=contest.title))
        body = str(
            N_(
                "Hello,\n\nOpen this link to like photos in %(contest)s:\n%(link)s\n\nIt works"
                " once, for 24 hours, on the device where you open it.\n",
                contest=contest.title,
                link=link_for(token),
            )
        )
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO voter_links (token_hash, contest_id, voter, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                token_hash(token),
                contest.id,
                voter,
                to_db(now),
                to_db(now + LINK_LIFETIME),
            ),
        )
        await queue_mail(
            tx,
            recipient=address.strip(),
            subject=subject,
            body=body,
            now=now,
            private=True,
            forget_recipient=True,
            locale=locale,
        )


async def check_link(db: Database, token: str, *, now: datetime) -> int:
    """The contest a usable voting link is for; Gone if it is unknown, used or expired."""
    row = await db.fetch_one("SELECT * FROM voter_links WHERE token_hash = ?", (token_hash(token),))
    if row is None or row["used_at"] is not None or from_db(row["expires_at"]) <= now:
        raise Gone(N_("This voting link has expired or was already used. Ask for a new one."))
    return int(row["contest_id"])


async def redeem_link(db: Database, token: str, *, now: datetime) -> tuple[int, str]:
    """Use up a voting link; return its contest id and voter key. Gone if used or expired."""
    await check_link(db, token, now=now)
    row = await db.fetch_one("SELECT * FROM voter_links WHERE token_hash = ?", (token_hash(token),))
    assert row is not None
    async with db.transaction() as tx:
        used = await tx.execute_rowcount(
            "UPDATE voter_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            (to_db(now), token_hash(token)),
        )
    if not used:
        raise Gone(N_("This voting link was already used."))
    return int(row["contest_id"]), str(row["voter"])


async def photo_in(db: Database, contest_id: int, entry_id: int | None) -> int | None:
    """The photo a voting link leads back to, if it is one of the link's contest (the link's
    query can be edited; then the voter lands on the gallery)."""
    if entry_id is None:
        return None
    found = await db.fetch_value(
        "SELECT id FROM entries WHERE id = ? AND contest_id = ?", (entry_id, contest_id)
    )
    return None if found is None else entry_id


def sign_voter(secret: str, contest_id: int, voter: str) -> str:
    """A cookie value naming a verified voter for one contest, signed so it can't be forged."""
    payload = f"{contest_id}|{voter}"
    mac = hmac.new(secret.encode(), f"voter|{payload}".encode(), hashlib.sha256).hexdigest()
    return f"{payload}|{mac}"


def verified_voter(secret: str, cookie: str | None, contest_id: int) -> str | None:
    """The voter key from a signed cookie, if it is genuine and for this contest."""
    if not cookie or cookie.count("|") != 2:
        return None
    contest_text, voter, mac = cookie.split("|")
    expected = sign_voter(secret, whole_number(contest_text) or -1, voter)
    if not texts_match(expected.rsplit("|", 1)[1], mac) or contest_text != str(contest_id):
        return None
    return voter
