"""How quickly staff replied: the library's measure (within a day of submission, over entries
whose first day has passed), the figure timed from approval, and entries inside their first day."""

from datetime import timedelta

import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.engagement import report_text
from contest.engagement.figures import engagement
from contest.engagement.response import reply_figures
from tests.engagement import reply_data
from tests.engagement.reply_data import NOW
from tests.factories import add_account, add_contest, add_entry, add_reply, photo_bytes

pytestmark = pytest.mark.anyio


async def test_the_headline_is_replies_within_a_day_of_submission_over_entries_past_it(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    built = await reply_data.build(db, passwords, storage)
    e = await engagement(db, built.contest, now=NOW)
    replies = e.replies
    assert (replies.entries, replies.answered, replies.waiting) == (96, 37, 59)
    assert (replies.answered_within_day, replies.day_passed) == (16, 92)
    assert report_text.percent(replies.share_within_day, 1) == "17.4%"
    assert report_text.share_of(replies.share_within_day, 16, 92) == "17.4% (16 of 92)"
    # The four entries sent in the last 24 hours are neither successes nor failures yet.
    assert (replies.in_first_day, replies.in_first_day_answered) == (4, 1)
    # Timed from approval (an hour after submission), the late twenty came within a day.
    assert (replies.answered_within_day_of_approval, replies.approval_day_passed) == (36, 92)
    assert report_text.percent(replies.share_within_day_of_approval, 1) == "39.1%"
    assert (
        "Organizers replied to 17.4% of entries within 24 hours of submission (16 of 92);"
        " the median first reply came 23 hours 30 minutes after approval."
    ) in report_text.summary(e)
    assert "4 entries are still inside their first 24 hours (1 already answered)." in (
        report_text.summary(e)
    )


async def test_a_busy_moderation_day_does_not_read_as_100_percent(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    """Entries sent days ago, approved this morning in one session, a third answered at once:
    timed from approval with only answered entries counted, this read "100% (3 of 3)"."""
    contest = await add_contest(db, "submissions", now=NOW)
    author = await add_account(db, passwords, email="ines@uni.edu")
    organizer = await add_account(db, passwords, email="rita@uni.edu", role="organizer")
    session = NOW - timedelta(hours=3)
    for index in range(9):
        entry = await add_entry(
            db,
            storage,
            contest,
            author,
            title=f"Stairwell {index}",
            photo=photo_bytes(index),
            moderator=organizer,
            entered=contest.schedule.submissions_open + timedelta(hours=index),
            now=session,
        )
        if index % 3 == 0:
            await add_reply(db, entry, organizer, now=session + timedelta(minutes=30))
    replies = await reply_figures(db, contest.id, now=NOW)
    assert (replies.answered_within_day, replies.day_passed) == (0, 9)
    assert replies.share_within_day == 0.0
    assert replies.approval_day_passed == 0  # approved 3 hours ago: no day has passed yet
    assert replies.share_within_day_of_approval is None
    assert (replies.in_first_day, replies.in_first_day_answered) == (0, 0)


async def test_a_reply_24_hours_after_submission_is_within_the_day_a_minute_later_is_not(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await add_contest(db, "submissions", now=NOW)
    author = await add_account(db, passwords, email="ines@uni.edu")
    organizer = await add_account(db, passwords, email="rita@uni.edu", role="organizer")
    sent = contest.schedule.submissions_open
    for index, after in enumerate((timedelta(hours=24), timedelta(hours=24, minutes=1))):
        entry = await add_entry(
            db,
            storage,
            contest,
            author,
            title=f"Corner {index}",
            photo=photo_bytes(index),
            moderator=organizer,
            entered=sent,
            now=sent,
        )
        await add_reply(db, entry, organizer, now=sent + after)
    replies = await reply_figures(db, contest.id, now=NOW)
    assert (replies.answered_within_day, replies.day_passed) == (1, 2)
