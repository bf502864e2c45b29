"""Sending campaign mail: a test to the organizer, then one message per recipient, logged.

Each campaign keeps its recipients with ``UNIQUE (campaign_id, mailbox)``: a row goes from
``listed`` to ``queued`` once, together with its outbox message, so sending a campaign again
mails only the people added since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contest.accounts.emails import mailbox
from contest.accounts.users import User
from contest.campaigns.drafts import (
    READER_LOCALE,
    Campaign,
    LinkMaker,
    message_for,
    participants,
    pending,
    values_for,
)
from contest.campaigns.lists import Recipient
from contest.campaigns.text import fill
from contest.campaigns.unsubscribes import INSERT_LINK, new_link
from contest.contests.model import Contest
from contest.core.clock import as_moment, format_local, to_db, zone
from contest.core.db import Connection, Database, Transaction
from contest.core.errors import ValidationError
from contest.core.outbox import INSERT_MESSAGE, outbox_row, queue_mail
from contest.i18n import (
    DEFAULT_LOCALE,
    N_,
    Message,
    current_locale,
    gettext,
    using_locale,
    written_date,
)
from contest.judging import winners

#: Messages queued per write transaction while sending.
SEND_BATCH = 200


@dataclass(frozen=True)
class SendReport:
    """What one send did; ``bad_rows`` counts the rows refused since the previous send."""

    queued: int
    unsubscribed: int
    bad_rows: int


def logged_subject(campaign: Campaign, contest: Contest, link: str) -> str:
    """The subject as the send log keeps it: filled in, but naming no recipient."""
    return fill(
        campaign.subject, values_for(contest, link, Recipient(0, "", "")) | {"name": "{name}"}
    )


async def _log_send(
    tx: Transaction,
    campaign: Campaign,
    contest: Contest,
    link: str,
    *,
    actor: User,
    now: datetime,
    report: SendReport | None = None,
    test_recipient: str | None = None,
) -> int:
    """Log a send (with its report so far) or a test (one message, to ``test_recipient``);
    return the log row's id."""
    counts = report or SendReport(queued=1, unsubscribed=0, bad_rows=0)
    return await tx.insert(
        "INSERT INTO campaign_sends (campaign_id, is_test, actor_id, subject, queued,"
        " skipped_unsubscribed, skipped_bad, test_recipient, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            campaign.id,
            int(test_recipient is not None),
            actor.id,
            logged_subject(campaign, contest, link),
            counts.queued,
            counts.unsubscribed,
            counts.bad_rows,
            test_recipient,
            to_db(now),
        ),
    )


def _written(moment: datetime, tz_name: str) -> str:
    """A moment in the contest's zone as the current locale writes it, with its year."""
    locale = current_locale.get()
    if locale == DEFAULT_LOCALE:
        return format_local(moment, tz_name, with_year=True)
    local = as_moment(moment).astimezone(zone(tz_name))
    return written_date(local, locale, with_year=True, with_time=True)


async def send_problem(
    db: Database, campaign: Campaign, contest: Contest, now: datetime
) -> Message | str:
    """Why the campaign cannot be sent now ("" when it can): its link would mislead."""
    schedule, tz_name = contest.schedule, contest.settings.timezone
    if not contest.settings.is_published:
        return N_("Publish the contest first: the link in the message would lead nowhere.")
    if campaign.kind == "invite" and now >= schedule.submissions_close:
        return N_("Submissions have closed, so there is nothing left to invite people to.")
    if campaign.kind == "voting" and not schedule.voting_is_open(now):
        return N_(
            "Voting is not open: it runs from %(opens)s to %(closes)s.",
            opens=_written(schedule.voting_open, tz_name),
            closes=_written(schedule.voting_close, tz_name),
        )
    if campaign.kind == "results" and not await winners.winners_are_public(db, contest, now=now):
        return N_("The winners page is empty until the results are published and announced.")
    return ""


async def send_test(
    db: Database,
    campaign: Campaign,
    *,
    contest: Contest,
    actor: User,
    link: str,
    unsubscribe_link_for: LinkMaker,
    now: datetime,
) -> None:
    """Queue to the organizer (``actor``) only the message of the first recipient of each
    language the messages are written in (the main version's when nobody waits), logged as
    one test."""
    waiting = await pending(db, campaign)
    readers = list(waiting.by_reader_locale.items()) or [
        (None, (Recipient(0, actor.email, "", actor.display_name), 1))
    ]
    tests: dict[str, tuple[str, str, tuple[object, ...]]] = {}
    for reader_locale, (sample, _) in readers:
        token, link_row = new_link(mailbox(actor.email), campaign.id, now)
        subject, body, locale = message_for(
            campaign, contest, link, sample, unsubscribe_link_for(token), reader_locale
        )
        with using_locale(locale):
            # Translators: before a test message's subject; keep the space after it.
            prefix = gettext("[Test]") + " "
        tests.setdefault(locale, (prefix + subject, body, link_row))
    async with db.transaction() as tx:
        for locale, (subject, body, link_row) in tests.items():
            await tx.execute(INSERT_LINK, link_row)
            await queue_mail(
                tx, recipient=actor.email, subject=subject, body=body, now=now, locale=locale
            )
        await _log_send(
            tx,
            campaign,
            contest,
            link,
            actor=actor,
            now=now,
            report=SendReport(len(tests), 0, 0),
            test_recipient=actor.email,
        )


_MARK = (
    "UPDATE campaign_recipients SET status = ?, outbox_id = ?, queued_at = ?"
    " WHERE id = ? AND status = 'listed'"
)


async def _send_batch(
    db: Database,
    campaign: Campaign,
    contest: Contest,
    link: str,
    unsubscribe_link_for: LinkMaker,
    now: datetime,
    send_id: int,
) -> tuple[int, int] | None:
    """Queue the next batch of listed recipients; (queued, unsubscribed), or None when done.

    One read, then every message composed here, then one trip to the writer's thread for the
    whole batch. The write re-checks which rows are still listed and not unsubscribed, so a
    send running at the same time cannot mail anyone twice, nor a late unsubscribe be missed;
    it adds its counts to the send's log row, so a send cut short is logged as far as it got.
    """
    rows = await db.fetch_all(
        f"SELECT r.id, r.mailbox, r.email, r.name, {READER_LOCALE} AS reader,"  # noqa: S608
        " EXISTS (SELECT 1 FROM unsubscribes u WHERE u.mailbox = r.mailbox) AS stopped"
        " FROM campaign_recipients r WHERE r.campaign_id = ? AND r.status = 'listed'"
        " ORDER BY r.id LIMIT ?",
        (campaign.id, SEND_BATCH),
    )
    if not rows:
        return None
    at = to_db(now)
    messages: dict[int, tuple[tuple[object, ...], tuple[object, ...]]] = {}
    for row in rows:
        if row["stopped"]:
            continue
        token, link_row = new_link(row["mailbox"], campaign.id, now)
        url = unsubscribe_link_for(token)
        recipient = Recipient(0, row["email"], row["mailbox"], row["name"], row["reader"])
        subject, body, locale = message_for(campaign, contest, link, recipient, url, row["reader"])
        message = outbox_row(
            recipient=row["email"],
            subject=subject,
            body=body,
            now=now,
            unsubscribe_url=url,
            locale=locale,
        )
        messages[row["id"]] = (message, link_row)
    ids = [row["id"] for row in rows]

    def write(connection: Connection) -> tuple[int, int]:
        # Read again under the write lock: rows another send has taken are left alone, and
        # a mailbox that unsubscribed since the read above is not queued.
        marks = ",".join("?" * len(ids))
        current = connection.execute(
            "SELECT r.id,"  # noqa: S608 - only ?s
            " EXISTS (SELECT 1 FROM unsubscribes u WHERE u.mailbox = r.mailbox) AS stopped"
            f" FROM campaign_recipients r WHERE r.status = 'listed' AND r.id IN ({marks})"
            " ORDER BY r.id",
            ids,
        ).fetchall()
        skipped = [(found[0],) for found in current if found[1]]
        connection.executemany(
            "UPDATE campaign_recipients SET status = 'unsubscribed' WHERE id = ?", skipped
        )
        queued = 0
        for found in current:
            if found[1] or found[0] not in messages:
                continue
            message, link_row = messages[found[0]]
            outbox_id = connection.execute(INSERT_MESSAGE + " RETURNING id", message).fetchone()[0]
            connection.execute(_MARK, ("queued", outbox_id, at, found[0]))
            connection.execute(INSERT_LINK, link_row)
            queued += 1
        connection.execute(
            "UPDATE campaign_sends SET queued = queued + ?,"
            " skipped_unsubscribed = skipped_unsubscribed + ? WHERE id = ?",
            (queued, len(skipped), send_id),
        )
        return queued, len(skipped)

    return await db.write_in_thread(write)


async def _new_bad_rows(tx: Transaction, campaign_id: int) -> int:
    """Bad rows added to the campaign's lists since its last send (each send logs its own).

    Bad rows are only ever added, and every send logs the ones it found new, so the new ones
    are all of them less those already logged; in the write transaction, two sends cannot both
    count the same rows.
    """
    return int(
        await tx.fetch_value(
            "SELECT max(0, (SELECT count(*) FROM campaign_problems WHERE campaign_id = ?)"
            " - (SELECT coalesce(sum(skipped_bad), 0) FROM campaign_sends"
            "    WHERE campaign_id = ? AND is_test = 0))",
            (campaign_id, campaign_id),
        )
    )


async def send(
    db: Database,
    campaign: Campaign,
    *,
    contest: Contest,
    actor: User,
    link: str,
    unsubscribe_link_for: LinkMaker,
    now: datetime,
) -> SendReport:
    """Queue one message per recipient not yet mailed by this campaign; log and report it (the
    log row is written first and grows with each batch).

    Batches are queued in separate transactions so other writes (likes) wait for one batch,
    not the whole list; a row is marked queued with its message, so an interrupted send is
    finished by sending again, and nobody is mailed twice.
    """
    if problem := await send_problem(db, campaign, contest, now):
        raise ValidationError({"send": problem})
    if campaign.to_participants:
        people = await participants(db, contest.id)
        async with db.transaction() as tx:
            await tx.execute_many(
                "INSERT INTO campaign_recipients (campaign_id, mailbox, email, name, locale)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(campaign.id, p.mailbox, p.email, p.name, p.locale) for p in people],
            )
    async with db.transaction() as tx:  # logged first: each batch adds what it queued
        bad_rows = await _new_bad_rows(tx, campaign.id)
        report = SendReport(0, 0, bad_rows)
        send_id = await _log_send(tx, campaign, contest, link, actor=actor, now=now, report=report)
    queued = stopped = 0
    while batch := await _send_batch(
        db, campaign, contest, link, unsubscribe_link_for, now, send_id
    ):
        queued, stopped = queued + batch[0], stopped + batch[1]
    return SendReport(queued, stopped, bad_rows)
