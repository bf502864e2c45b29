"""The engagement report's tables, row by row, for organizers and for publication."""

from datetime import datetime, timedelta

import pytest

from contest.accounts import users
from contest.accounts.users import User
from contest.core.clock import zone
from contest.core.db import Database
from contest.core.errors import NotFound
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.engagement import report_tables
from contest.engagement.figures import engagement
from contest.engagement.report_tables import Table
from contest.entries import replies
from contest.voting import tallies
from tests.engagement.report_scenario import (
    ANNOUNCED,
    JUDGING_CLOSED,
    NOW,
    TZ,
    Scenario,
    at,
    build,
    judge_and_publish,
    make_user,
)
from tests.factories import add_contest, add_entry, add_like

pytestmark = pytest.mark.anyio


@pytest.fixture
async def scenario(db: Database, passwords: Passwords) -> Scenario:
    return await build(db, passwords)


async def table(
    db: Database, s: Scenario, name: str, *, publication: bool = False, now: datetime = NOW
) -> Table:
    return await report_tables.build_table(db, s.contest, name, publication=publication, now=now)


async def test_entries_for_organizers_hold_every_entry_with_its_engagement(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    entries = await table(db, s, "entries")
    assert entries.rows == (
        (
            s.night_stacks,
            "Night stacks",
            "Night",
            "#librarylight #stacks",
            "approved",
            "Ann Author",
            "student",
            "CIVL",
            "2026-02-12T11:00:00+08:00",
            "2026-02-12T13:30:00+08:00",
            2,
            0,
            3,
            4,
            "2026-02-12T14:30:00+08:00",
        ),
        (
            s.reading_room,
            "Reading room",
            "Day",
            "#librarylight",
            "approved",
            "Bob Builder",
            "staff",
            "ARTS",
            "2026-02-14T04:00:00+08:00",
            "2026-02-14T09:00:00+08:00",
            0,
            1,
            1,
            1,
            None,
        ),
        (
            s.pending,
            "Still waiting",
            "Day",
            "#librarylight",
            "pending",
            "Ann Author",
            "student",
            "CIVL",
            "2026-02-20T08:00:00+08:00",
            None,
            0,
            0,
            0,
            0,
            None,
        ),
        (
            s.rejected,
            "Blurry",
            "Day",
            "#librarylight",
            "rejected",
            "Cat Cole",
            "student",
            "MATH",
            "2026-02-15T10:00:00+08:00",
            "2026-02-16T10:00:00+08:00",
            0,
            0,
            1,
            0,
            "2026-02-16T10:06:00+08:00",
        ),
    )


async def test_entries_for_publication_are_approved_ones_named_only_after_judging(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    during = await table(db, s, "entries", publication=True)
    assert [row[0] for row in during.rows] == [s.night_stacks, s.reading_room]
    authors = ("author", "author_affiliation", "author_department")
    assert [[r[c] for c in authors] for r in during.records()] == [[None] * 3, [None] * 3]
    after = await table(db, s, "entries", publication=True, now=JUDGING_CLOSED)
    assert [[r[c] for c in authors] for r in after.records()] == [
        ["Ann Author", "student", "CIVL"],
        ["B.B.", "staff", "ARTS"],  # Bob asked to be credited by his initials
    ]


async def test_participants_with_emails_for_organizers_and_without_for_publication(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    participants = await table(db, s, "participants")
    assert participants.rows == (
        (s.ann, "Ann Author", "ann@uni.edu", "student", "CIVL", 2, 1, "yes"),
        (s.bob, "Bob Builder", "bob@uni.edu", "staff", "ARTS", 1, 1, "no"),
        (s.cat, "Cat Cole", "cat@uni.edu", "student", "MATH", 1, 0, "no"),
    )
    published = await table(db, s, "participants", publication=True)
    assert published.columns == ("affiliation", "department", "entries_approved", "first_contest")
    # Cat's only entry was rejected: she is not among the published participants, and Ann's
    # rejected entry is not told either. While judging runs authors are hidden, and so is what
    # would point at them.
    assert published.rows == ((None, None, 1, "yes"), (None, None, 1, "no"))
    named = await table(db, s, "participants", publication=True, now=JUDGING_CLOSED)
    assert named.rows == (("student", "CIVL", 1, "yes"), ("staff", "ARTS", 1, "no"))


async def test_first_contest_means_what_the_dashboard_means_with_overlapping_contests(
    db: Database, scenario: Scenario, storage: LocalStorage
) -> None:
    s = scenario
    # A contest that opened after this one (11 February, this one on 10 February) where Ann
    # sent a photo on 11 February, the day before her first entry here: by entry times she had
    # entered elsewhere first, but not a contest that opened earlier, so this is her first.
    later = await add_contest(
        db, "submissions", now=at("2026-02-14T00:00"), title="Overlapping", timezone=TZ
    )
    ann = User.from_row(await users.get_user_row(db, s.ann))
    await add_entry(
        db, storage, later, ann, title="Sooner", moderator=s.organizer, now=at("2026-02-11T01:00")
    )
    assert later.schedule.submissions_open > s.contest.schedule.submissions_open
    first = {
        row["id"]: row["first_contest"] for row in (await table(db, s, "participants")).records()
    }
    assert first == {s.ann: "yes", s.bob: "no", s.cat: "no"}
    people = (await engagement(db, s.contest, now=NOW)).participants
    assert people.first_time == sum(1 for value in first.values() if value == "yes") == 1


async def test_likes_by_contest_local_day_net_to_the_counted_tally(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    by_day = await table(db, s, "likes_by_day")
    assert by_day.rows == (
        (s.night_stacks, "2026-02-26", 1, 0, 0, 1, 1),
        (s.night_stacks, "2026-02-27", 2, 1, 0, 1, 1),  # 16:10 UTC is past midnight in HK
        (s.reading_room, "2026-02-27", 1, 0, 0, 1, 0),  # the pick is not among them; voided
        (s.reading_room, "2026-02-28", 0, 0, 1, -1, 0),
    )
    net: dict[int, int] = {}
    for row in by_day.records():
        assert isinstance(row["entry_id"], int) and isinstance(row["net_counted_likes"], int)
        net[row["entry_id"]] = net.get(row["entry_id"], 0) + row["net_counted_likes"]
    assert net == await tallies.tallies(db, s.contest.id)


async def test_standing_likes_per_day_redraw_the_dashboard_likes_chart(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    chart = {
        point.day.isoformat(): point.count
        for point in (await engagement(db, s.contest, now=NOW)).series.likes
        if point.count
    }
    assert chart == {"2026-02-26": 1, "2026-02-27": 1}
    for publication in (False, True):
        sums: dict[str, int] = {}
        for row in (await table(db, s, "likes_by_day", publication=publication)).records():
            standing = row["standing_likes_cast"]
            assert isinstance(standing, int) and isinstance(row["day"], str)
            if standing:
                sums[row["day"]] = sums.get(row["day"], 0) + standing
        assert sums == chart, publication


async def test_views_and_shares_per_local_day(db: Database, scenario: Scenario) -> None:
    s = scenario
    assert (await table(db, s, "views")).rows == (
        (s.night_stacks, "2026-02-26", 2),
        (s.night_stacks, "2026-02-27", 1),
        (s.reading_room, "2026-02-27", 1),
        (s.rejected, "2026-02-16", 1),
    )
    assert (await table(db, s, "views", publication=True)).rows == (
        (s.night_stacks, "2026-02-26", 2),
        (s.night_stacks, "2026-02-27", 1),
        (s.reading_room, "2026-02-27", 1),
    )
    assert (await table(db, s, "shares")).rows == (
        (s.night_stacks, "2026-02-26", "facebook", 1),
        (s.night_stacks, "2026-02-27", "facebook", 2),
        (s.night_stacks, "2026-02-27", "whatsapp", 1),
        (s.reading_room, "2026-02-27", "x", 1),
    )


async def test_replies_with_hours_since_submission_and_approval_as_the_dashboard_counts(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    first, second, on_rejected = s.replies
    expected = (
        (
            s.night_stacks,
            first,
            "Libby Org",
            "2026-02-12T14:30:00+08:00",
            3.5,  # sent at 03:00 UTC
            1.0,  # approved at 05:30, replied at 06:30
            "Lovely light on the shelves.",
        ),
        (
            s.night_stacks,
            second,
            "Libby Org",
            "2026-02-14T11:00:00+08:00",
            48.0,
            45.5,
            "Shared on our page today.",
        ),
    )
    rejected = (
        s.rejected,
        on_rejected,
        "Libby Org",
        "2026-02-16T10:06:00+08:00",
        24.1,  # sent on the 15th at 02:00 UTC
        None,  # never approved, so never public: no staff-response clock
        "Sorry, it is too blurry.",
    )
    assert (await table(db, s, "replies")).rows == (*expected, rejected)
    assert (await table(db, s, "replies", publication=True)).rows == expected


async def test_email_addresses_in_replies_are_removed_for_publication(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    body = "Write to prints@uni.edu (or lib@uni.edu) for a print."
    await replies.add_reply(
        db, entry_id=s.reading_room, author=s.organizer, body=body, entry_link="/", now=NOW
    )
    organizers = (await table(db, s, "replies")).records()
    assert [r["body"] for r in organizers if r["entry_id"] == s.reading_room] == [body]
    published = (await table(db, s, "replies", publication=True)).records()
    assert [r["body"] for r in published if r["entry_id"] == s.reading_room] == [
        "Write to [email removed] (or [email removed]) for a print."
    ]


async def test_judging_is_empty_until_published_and_public_once_announced(
    db: Database, scenario: Scenario
) -> None:
    s = scenario
    before = await table(db, s, "judging", now=JUDGING_CLOSED)
    assert before == Table("judging", report_tables.JUDGING_COLUMNS, ())
    await judge_and_publish(db, s)
    ranking = (
        (1, s.night_stacks, "Night stacks", "Ann Author", "Night", 1, 1.0, 8.0),
        (2, s.reading_room, "Reading room", "Bob Builder", "Day", 1, -1.0, 4.0),
    )
    awards = ("Champion; People's Choice", "1st runner-up")
    organizers = await table(db, s, "judging", now=JUDGING_CLOSED)
    assert organizers.rows == tuple(
        (*row, award) for row, award in zip(ranking, awards, strict=True)
    )
    assert (await table(db, s, "judging", publication=True, now=JUDGING_CLOSED)).rows == ()
    public = await table(db, s, "judging", publication=True, now=ANNOUNCED)
    assert [row["author"] for row in public.records()] == ["Ann Author", "B.B."]
    assert [row["award"] for row in public.records()] == list(awards)


async def test_every_table_by_name_and_unknown_names_refused(
    db: Database, scenario: Scenario
) -> None:
    for name in report_tables.TABLES:
        assert (await table(db, scenario, name)).name == name
    assert tuple(
        report_tables.TABLES
    ) == (  # the downloads' addresses: a promise to whoever links them
        "daily",
        "entries",
        "participants",
        "likes_by_day",
        "views",
        "shares",
        "replies",
        "judging_progress",
        "judging",
    )
    with pytest.raises(NotFound, match="no such report table"):
        await table(db, scenario, "judges")


@pytest.mark.parametrize(
    ("tz_name", "around"),
    [
        ("Europe/London", "2026-03-29T01:00"),  # clocks go forward at 01:00 UTC
        ("America/Santiago", "2026-04-05T03:00"),  # clocks go back at local midnight
        ("Asia/Kathmandu", "2026-03-01T18:15"),  # UTC+5:45: local midnight
    ],
)
async def test_likes_fall_on_the_local_day_across_clock_changes(
    db: Database, passwords: Passwords, storage: LocalStorage, tz_name: str, around: str
) -> None:
    # Voting (by device) is open around the change.
    contest = await add_contest(
        db, "voting", now=at(around), timezone=tz_name, voting_mode="device"
    )
    author = await make_user(db, passwords, "ann@uni.edu", "Ann Author")
    organizer = await make_user(db, passwords, "lib@uni.edu", "Libby Org", "organizer")
    entry = await add_entry(db, storage, contest, author, title="Clock", moderator=organizer)
    moments = [at(around) + timedelta(minutes=15 * step) for step in range(-12, 13)]
    for moment in moments:
        await add_like(db, contest, entry, f"voter-{moment}", now=moment)
    expected: dict[str, int] = {}
    for moment in moments:
        day = moment.astimezone(zone(tz_name)).date().isoformat()
        expected[day] = expected.get(day, 0) + 1
    by_day = await report_tables.build_table(
        db, contest, "likes_by_day", publication=False, now=NOW
    )
    assert {row[1]: row[2] for row in by_day.rows} == expected
    assert len(expected) == 2  # the moments straddle a local midnight
