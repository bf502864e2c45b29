"""Campaign mail: invite people to a contest, announce voting and winners (see campaign_send).

A campaign is a message (subject and plain text with placeholders) and its recipients: rows
from uploaded lists, and for voting and winners news the contest's participants.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread

from contest.accounts.emails import mailbox
from contest.campaigns.lists import MailingList, Recipient, read_list
from contest.campaigns.text import KINDS, TO_PARTICIPANTS, check_message, compose
from contest.campaigns.unsubscribes import unsubscribed_among
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import NotFound, ValidationError
from contest.voting.tallies import peoples_choice_award

LinkMaker = Callable[[str], str]
UNSUBSCRIBED = "unsubscribed from campaign mail"


@dataclass(frozen=True)
class Campaign:
    """One message to many people, about one contest."""

    id: int
    contest_id: int
    kind: str
    subject: str
    body: str

    @property
    def to_participants(self) -> bool:
        """Whether the contest's participants receive it (besides any uploaded list)."""
        return self.kind in TO_PARTICIPANTS

    @classmethod
    def from_row(cls, row: Row) -> Campaign:
        """The campaign described by a ``campaigns`` row."""
        return cls(row["id"], row["contest_id"], row["kind"], row["subject"], row["body"])


@dataclass(frozen=True)
class Preview:
    """The message as its first recipient will read it, and how many would receive it now."""

    to: str
    subject: str
    body: str
    pending: int


async def prepare_list(
    db: Database, source: str | bytes, *, campaign_id: int | None = None, encoding: str = ""
) -> MailingList:
    """Read a list (file bytes in ``encoding`` if given, or pasted text) off the event loop,
    refusing duplicates of the campaign's list and unsubscribed mailboxes."""
    existing: dict[str, str] = {}
    if campaign_id is not None:
        for row in await db.fetch_all(
            "SELECT mailbox, line FROM campaign_recipients WHERE campaign_id = ?", (campaign_id,)
        ):
            existing[row["mailbox"]] = "a participant" if row["line"] is None else "added earlier"
    listing = await anyio.to_thread.run_sync(
        functools.partial(read_list, source, existing=existing, encoding=encoding)
    )
    stopped = await unsubscribed_among(db, (r.mailbox for r in listing.recipients))
    listing.drop_mailboxes(stopped, UNSUBSCRIBED)
    return listing


async def _store_list(tx: Transaction, campaign_id: int, listing: MailingList) -> None:
    await tx.execute_many(
        "INSERT OR IGNORE INTO campaign_recipients (campaign_id, mailbox, email, name, line)"
        " VALUES (?, ?, ?, ?, ?)",
        [(campaign_id, r.mailbox, r.email, r.name, r.line) for r in listing.recipients],
    )
    await tx.execute_many(
        "INSERT INTO campaign_problems (campaign_id, line, text, reason) VALUES (?, ?, ?, ?)",
        [(campaign_id, p.line, p.text, p.reason) for p in listing.problems],
    )


async def create_campaign(
    db: Database,
    *,
    contest_id: int,
    kind: str,
    subject: str,
    body: str,
    listing: MailingList,
    author_id: int | None,
    now: datetime,
) -> int:
    """Store a campaign with its list (and the list's bad rows); return its id."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose what the mail is about."
    try:
        subject, body = check_message(subject, body)
    except ValidationError as error:
        errors |= error.errors
    if kind == "invite" and not listing.recipients and not listing.problems:
        errors["recipients"] = "Upload a file or paste the addresses to invite."
    if errors:
        raise ValidationError(errors)
    async with db.transaction() as tx:
        campaign_id = await tx.execute(
            "INSERT INTO campaigns (contest_id, kind, subject, body, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (contest_id, kind, subject, body, author_id, to_db(now), to_db(now)),
        )
        await _store_list(tx, campaign_id, listing)
    return campaign_id


async def add_to_list(db: Database, campaign: Campaign, listing: MailingList) -> None:
    """Add more addresses (and their bad rows) to a campaign; a later send mails only them."""
    if not listing.recipients and not listing.problems:
        raise ValidationError({"recipients": "Upload a file or paste the addresses to add."})
    async with db.transaction() as tx:
        await _store_list(tx, campaign.id, listing)


async def update_message(
    db: Database, campaign: Campaign, *, subject: str, body: str, now: datetime
) -> None:
    """Change the subject and text (for whoever has not been mailed yet)."""
    subject, body = check_message(subject, body)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE campaigns SET subject = ?, body = ?, updated_at = ? WHERE id = ?",
            (subject, body, to_db(now), campaign.id),
        )


async def delete_draft(db: Database, campaign: Campaign) -> None:
    """Remove a campaign that has dealt with nobody yet, every recipient still listed (its tests
    go with it); ValidationError else."""
    async with db.transaction() as tx:
        deleted = await tx.execute_rowcount(
            "DELETE FROM campaigns WHERE id = ? AND NOT EXISTS (SELECT 1 FROM campaign_recipients"
            " WHERE campaign_id = campaigns.id AND status != 'listed')",
            (campaign.id,),
        )
    if not deleted:
        raise ValidationError(
            {"delete": "This campaign has mailed people, so it stays in the log."}
        )


async def get_campaign(db: Database, contest_id: int, campaign_id: int) -> Campaign:
    """The contest's campaign; NotFound if there is none with that id."""
    row = await db.fetch_one(
        "SELECT * FROM campaigns WHERE id = ? AND contest_id = ?", (campaign_id, contest_id)
    )
    if row is None:
        raise NotFound("There is no such campaign for this contest.")
    return Campaign.from_row(row)


async def list_campaigns(db: Database, contest_id: int) -> list[Row]:
    """The contest's campaigns, newest first, with how many were mailed and are still listed."""
    return await db.fetch_all(
        "SELECT c.*, users.display_name AS author,"
        " (SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = c.id"
        "  AND r.status = 'queued') AS queued,"
        " (SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = c.id"
        "  AND r.status = 'listed') AS listed,"
        " (SELECT count(*) FROM campaign_problems p WHERE p.campaign_id = c.id) AS bad_rows"
        " FROM campaigns c LEFT JOIN users ON users.id = c.created_by"
        " WHERE c.contest_id = ? ORDER BY c.id DESC",
        (contest_id,),
    )


async def participants(db: Database | Transaction, contest_id: int) -> list[Recipient]:
    """The contest's participants (anyone with an entry not withdrawn), oldest account first."""
    rows = await db.fetch_all(
        "SELECT users.email, users.display_name FROM users"
        " WHERE users.disabled_at IS NULL AND users.id IN (SELECT participant_id FROM entries"
        "  WHERE contest_id = ? AND status != 'withdrawn') ORDER BY users.id",
        (contest_id,),
    )
    found: dict[str, Recipient] = {}
    for row in rows:
        box = mailbox(row["email"])
        found.setdefault(box, Recipient(0, row["email"], box, row["display_name"]))
    return list(found.values())


@dataclass(frozen=True)
class Pending:
    """Who a send would mail now: the first of them (None if nobody), and how many."""

    first: Recipient | None
    count: int


#: Listed rows of a campaign whose mailbox has not unsubscribed.
_WAITING = (
    " FROM campaign_recipients r WHERE r.campaign_id = ? AND r.status = 'listed'"
    " AND NOT EXISTS (SELECT 1 FROM unsubscribes u WHERE u.mailbox = r.mailbox)"
)


async def pending(db: Database, campaign: Campaign) -> Pending:
    """Who a send would mail now: not mailed by this campaign yet, and not unsubscribed.

    A campaign's own list is counted in SQL with the first row alone loaded. A campaign to
    the contest's participants also reads their accounts (their mailboxes are worked out in
    Python, Gmail dots and all), one row per participant.
    """
    row = await db.fetch_one(
        "SELECT r.line, r.email, r.mailbox, r.name, count(*) OVER () AS n"
        + _WAITING
        + " ORDER BY r.id LIMIT 1",
        (campaign.id,),
    )
    first, count = None, 0
    if row is not None:
        first = Recipient(row["line"] or 0, row["email"], row["mailbox"], row["name"])
        count = int(row["n"])
    if campaign.to_participants:
        # Participants not on the campaign's rows yet: a send adds them after the listed rows.
        people = await participants(db, campaign.contest_id)
        new = await db.fetch_all(
            "SELECT value AS mailbox FROM json_each(?) WHERE value NOT IN"
            " (SELECT mailbox FROM campaign_recipients WHERE campaign_id = ?)"
            " AND value NOT IN (SELECT mailbox FROM unsubscribes)",
            (json.dumps([p.mailbox for p in people]), campaign.id),
        )
        boxes = {found["mailbox"] for found in new}
        extra = [p for p in people if p.mailbox in boxes]
        first = first or (extra[0] if extra else None)
        count += len(extra)
    return Pending(first, count)


def values_for(contest: Contest, link: str, recipient: Recipient) -> dict[str, str]:
    """What the placeholders stand for in one recipient's message."""
    return {
        "name": recipient.name or "there",
        "contest": contest.title,
        "link": link,
        "hashtag": "#" + contest.settings.hashtag,
        "peoples_choice": peoples_choice_award(contest.settings),
    }


def message_for(
    campaign: Campaign, contest: Contest, link: str, recipient: Recipient, unsubscribe_link: str
) -> tuple[str, str]:
    """The subject and body of the campaign's message as one recipient reads it."""
    return compose(
        campaign.subject, campaign.body, values_for(contest, link, recipient), unsubscribe_link
    )


async def preview(
    db: Database, campaign: Campaign, *, contest: Contest, link: str, unsubscribe_link: str
) -> Preview:
    """The message for the first recipient still to be mailed (or a sample recipient)."""
    waiting = await pending(db, campaign)
    first = waiting.first or Recipient(0, "pat@example.edu", "", "Pat Example")
    subject, body = message_for(campaign, contest, link, first, unsubscribe_link)
    return Preview(first.email, subject, body, waiting.count)
