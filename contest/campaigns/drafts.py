"""Campaign mail: invite people to a contest, announce voting and winners (see campaign_send).

A campaign is a message (subject and plain text with placeholders) and its recipients: rows
from uploaded lists, and for voting and winners news the contest's participants.

The message is written in the campaign's main language, with an optional version in the other
one (see text). Each recipient reads the language their account chose (found by mailbox), else
the one their list row gives, else the main one; with no version in it, the main version.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import anyio.to_thread

from contest.accounts.emails import mailbox
from contest.campaigns.lists import MailingList, Recipient, message_json, read_list
from contest.campaigns.text import (
    KINDS,
    TO_PARTICIPANTS,
    check_message,
    check_other_version,
    compose,
    is_chinese,
)
from contest.campaigns.unsubscribes import unsubscribed_among
from contest.contests.model import Contest
from contest.core.clock import to_db
from contest.core.db import Database, Row, Transaction
from contest.core.errors import NotFound, ValidationError
from contest.i18n import DEFAULT_LOCALE, N_, gettext, known, using_locale
from contest.voting.tallies import counts_outside

LinkMaker = Callable[[str], str]
UNSUBSCRIBED = N_("unsubscribed from campaign mail")
#: The language a listed row ``r`` reads: its account's choice, else its list's column.
READER_LOCALE = (
    "coalesce((SELECT u.locale FROM users u WHERE u.mailbox = r.mailbox"
    " AND u.locale IS NOT NULL LIMIT 1), r.locale)"
)


@dataclass(frozen=True)
class Campaign:
    """One message to many people, about one contest."""

    id: int
    contest_id: int
    kind: str
    subject: str
    body: str
    #: The main language: the subject and body are written in it.
    locale: str = DEFAULT_LOCALE
    #: The version in the other language ("" when there is none).
    other_subject: str = ""
    other_body: str = ""

    @property
    def to_participants(self) -> bool:
        """Whether the contest's participants receive it (besides any uploaded list)."""
        return self.kind in TO_PARTICIPANTS

    def version_for(self, reader_locale: str | None) -> tuple[str, str, str]:
        """The subject and body a reader of that language gets, and the language the message
        is written in (a Chinese version serves both scripts, its footer in the reader's)."""
        if reader_locale is None or known(reader_locale) is None:
            return self.subject, self.body, self.locale
        if is_chinese(reader_locale) == is_chinese(self.locale):
            return self.subject, self.body, reader_locale
        if self.other_subject:
            return self.other_subject, self.other_body, reader_locale
        return self.subject, self.body, self.locale

    @classmethod
    def from_row(cls, row: Row) -> Campaign:
        """The campaign described by a ``campaigns`` row."""
        return cls(
            row["id"],
            row["contest_id"],
            row["kind"],
            row["subject"],
            row["body"],
            row["locale"],
            row["other_subject"],
            row["other_body"],
        )


@dataclass(frozen=True)
class Sample:
    """The message as the first recipient of one language will read it, and how many of
    them would receive it in that language now."""

    locale: str
    to: str
    subject: str
    body: str
    count: int


@dataclass(frozen=True)
class Preview:
    """The message as its first recipient will read it, how many would receive it now, and
    one sample per language the messages are written in."""

    to: str
    subject: str
    body: str
    pending: int
    samples: tuple[Sample, ...] = ()


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
            existing[row["mailbox"]] = (
                N_("a participant") if row["line"] is None else N_("added earlier")
            )
    listing = await anyio.to_thread.run_sync(
        functools.partial(read_list, source, existing=existing, encoding=encoding)
    )
    stopped = await unsubscribed_among(db, (r.mailbox for r in listing.recipients))
    listing.drop_mailboxes(stopped, UNSUBSCRIBED)
    return listing


async def _store_list(tx: Transaction, campaign_id: int, listing: MailingList) -> None:
    await tx.execute_many(
        "INSERT INTO campaign_recipients (campaign_id, mailbox, email, name, line, locale)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(campaign_id, r.mailbox, r.email, r.name, r.line, r.locale) for r in listing.recipients],
    )
    await tx.execute_many(
        "INSERT INTO campaign_problems (campaign_id, line, text, reason, reason_message)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (campaign_id, p.line, p.text, str.__str__(p.reason), message_json(p.reason))
            for p in listing.problems
        ],
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
    locale: str = DEFAULT_LOCALE,
    other_subject: str = "",
    other_body: str = "",
) -> int:
    """Store a campaign (its main version in ``locale``, and the optional version in the
    other language) with its list (and the list's bad rows); return its id."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = N_("Choose what the mail is about.")
    if known(locale) is None:
        errors["locale"] = N_("Choose one of the languages the site offers.")
    try:
        subject, body = check_message(subject, body)
    except ValidationError as error:
        errors |= error.errors
    try:
        other_subject, other_body = check_other_version(other_subject, other_body)
    except ValidationError as error:
        errors |= error.errors
    if kind == "invite" and not listing.recipients and not listing.problems:
        errors["recipients"] = N_("Upload a file or paste the addresses to invite.")
    if errors:
        raise ValidationError(errors)
    async with db.transaction() as tx:
        campaign_id = await tx.insert(
            "INSERT INTO campaigns (contest_id, kind, subject, body, locale, other_subject,"
            " other_body, created_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                contest_id,
                kind,
                subject,
                body,
                locale,
                other_subject,
                other_body,
                author_id,
                to_db(now),
                to_db(now),
            ),
        )
        await _store_list(tx, campaign_id, listing)
    return campaign_id


async def add_to_list(db: Database, campaign: Campaign, listing: MailingList) -> None:
    """Add more addresses (and their bad rows) to a campaign; a later send mails only them."""
    if not listing.recipients and not listing.problems:
        raise ValidationError({"recipients": N_("Upload a file or paste the addresses to add.")})
    async with db.transaction() as tx:
        await _store_list(tx, campaign.id, listing)


async def update_message(
    db: Database,
    campaign: Campaign,
    *,
    subject: str,
    body: str,
    now: datetime,
    other_subject: str | None = None,
    other_body: str | None = None,
) -> None:
    """Change the subject and text, and the other language's version (None: kept as it is),
    for whoever has not been mailed yet."""
    errors: dict[str, str] = {}
    try:
        subject, body = check_message(subject, body)
    except ValidationError as error:
        errors |= error.errors
    other = (campaign.other_subject, campaign.other_body)
    if other_subject is not None or other_body is not None:
        try:
            other = check_other_version(other_subject or "", other_body or "")
        except ValidationError as error:
            errors |= error.errors
    if errors:
        raise ValidationError(errors)
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE campaigns SET subject = ?, body = ?, other_subject = ?, other_body = ?,"
            " updated_at = ? WHERE id = ?",
            (subject, body, *other, to_db(now), campaign.id),
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
            {"delete": N_("This campaign has mailed people, so it stays in the log.")}
        )


async def get_campaign(db: Database, contest_id: int, campaign_id: int) -> Campaign:
    """The contest's campaign; NotFound if there is none with that id."""
    row = await db.fetch_one(
        "SELECT * FROM campaigns WHERE id = ? AND contest_id = ?", (campaign_id, contest_id)
    )
    if row is None:
        raise NotFound(N_("There is no such campaign for this contest."))
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
    """The contest's participants (anyone with an entry not withdrawn), oldest account first,
    each with the language their account chose."""
    rows = await db.fetch_all(
        "SELECT users.email, users.display_name, users.locale FROM users"
        " WHERE users.disabled_at IS NULL AND users.id IN (SELECT participant_id FROM entries"
        "  WHERE contest_id = ? AND status != 'withdrawn') ORDER BY users.id",
        (contest_id,),
    )
    found: dict[str, Recipient] = {}
    for row in rows:
        box = mailbox(row["email"])
        found.setdefault(
            box, Recipient(0, row["email"], box, row["display_name"], known(row["locale"]))
        )
    return list(found.values())


@dataclass(frozen=True)
class Pending:
    """Who a send would mail now: the first of them (None if nobody), and how many; and per
    language a reader may have (None: unknown), the first such reader and how many."""

    first: Recipient | None
    count: int
    by_reader_locale: dict[str | None, tuple[Recipient, int]] = field(default_factory=dict)


#: Listed rows of a campaign whose mailbox has not unsubscribed.
_WAITING = (
    " FROM campaign_recipients r WHERE r.campaign_id = ? AND r.status = 'listed'"
    " AND NOT EXISTS (SELECT 1 FROM unsubscribes u WHERE u.mailbox = r.mailbox)"
)


def _recipient(row: Row) -> Recipient:
    return Recipient(row["line"] or 0, row["email"], row["mailbox"], row["name"], row["reader"])


async def pending(db: Database, campaign: Campaign) -> Pending:
    """Who a send would mail now: not mailed by this campaign yet, and not unsubscribed.

    A campaign's own list is counted in SQL by the language each row reads, with the first row
    of each language alone loaded. A campaign to the contest's participants also reads their
    accounts (their mailboxes are worked out in Python, Gmail dots and all), one row per
    participant.
    """
    groups = await db.fetch_all(
        f"SELECT reader, count(*) AS n, min(id) AS first_id FROM (SELECT r.id,"  # noqa: S608
        f" {READER_LOCALE} AS reader" + _WAITING + ") AS waiting GROUP BY reader ORDER BY first_id",
        (campaign.id,),
    )
    by_locale: dict[str | None, tuple[Recipient, int]] = {}
    first, count = None, 0
    for group in groups:
        row = await db.fetch_one(
            f"SELECT r.line, r.email, r.mailbox, r.name, {READER_LOCALE} AS reader"  # noqa: S608
            " FROM campaign_recipients r WHERE r.id = ?",
            (group["first_id"],),
        )
        if row is None:  # deleted meanwhile
            continue
        recipient = _recipient(row)
        by_locale[known(group["reader"])] = (recipient, int(group["n"]))
        first = first or recipient
        count += int(group["n"])
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
        for person in extra:
            sample, n = by_locale.get(person.locale, (person, 0))
            by_locale[person.locale] = (sample, n + 1)
    return Pending(first, count, by_locale)


def values_for(contest: Contest, link: str, recipient: Recipient) -> dict[str, str]:
    """What the placeholders stand for in one recipient's message (in the current locale)."""
    return {
        # Translators: the name in "Hello {name}," when a mailing list gives none.
        "name": recipient.name or gettext("there"),
        "contest": contest.title,
        "link": link,
        "hashtag": "#" + contest.settings.hashtag,
        "peoples_choice": peoples_choice_words(contest),
    }


def peoples_choice_words(contest: Contest) -> str:
    """What wins People's Choice, as ``{peoples_choice}`` writes it in the current locale."""
    if counts_outside(contest.settings):
        return N_(
            "the photo with the most likes on %(network)s",
            network=contest.settings.external_network,
        ).translated()
    return N_("the most liked photo").translated()


def message_for(
    campaign: Campaign,
    contest: Contest,
    link: str,
    recipient: Recipient,
    unsubscribe_link: str,
    reader_locale: str | None = None,
) -> tuple[str, str, str]:
    """The subject and body of the campaign's message as one recipient reads it (in the
    version of ``reader_locale``, the language they read), and the language it is written in."""
    subject, body, locale = campaign.version_for(reader_locale)
    with using_locale(locale):
        subject, body = compose(
            subject, body, values_for(contest, link, recipient), unsubscribe_link
        )
    return subject, body, locale


async def preview(
    db: Database, campaign: Campaign, *, contest: Contest, link: str, unsubscribe_link: str
) -> Preview:
    """The message for the first recipient still to be mailed (or a sample recipient), and
    one sample per language the messages would be written in, with how many get it."""
    waiting = await pending(db, campaign)
    samples: dict[str, Sample] = {}
    for reader_locale, (recipient, count) in waiting.by_reader_locale.items():
        subject, body, locale = message_for(
            campaign, contest, link, recipient, unsubscribe_link, reader_locale
        )
        if locale in samples:  # another language's readers get this version too
            samples[locale] = replace(samples[locale], count=samples[locale].count + count)
        else:
            samples[locale] = Sample(locale, recipient.email, subject, body, count)
    first = waiting.first or Recipient(0, "pat@example.edu", "", "Pat Example")
    subject, body, _ = message_for(
        campaign, contest, link, first, unsubscribe_link, first.locale if waiting.first else None
    )
    return Preview(first.email, subject, body, waiting.count, tuple(samples.values()))
