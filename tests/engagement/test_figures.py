"""Engagement figures, checked one by one against a contest built with known numbers."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contest.contests import store as contest_store
from contest.core.db import Database
from contest.core.security import Passwords
from contest.core.storage import LocalStorage
from contest.engagement import report_text
from contest.engagement.charts import (
    CHAR_WIDTH,
    LEFT,
    bar_chart,
    daily_chart,
    nice_step,
    text_width,
)
from contest.engagement.figures import (
    CategoryCount,
    Count,
    engagement,
    entry_figures,
)
from contest.engagement.response import NetworkShares, RankedEntry, WaitingEntry
from contest.engagement.series import DayCount, daily_series, fill_days
from contest.i18n import using_locale
from contest.judging.award_labels import listed
from tests.engagement.engagement_data import NOW, build, empty_contest, publish_results
from tests.factories import add_account, add_contest, add_entry, schedule_for

pytestmark = pytest.mark.anyio


def days(start: date, counts: list[int]) -> tuple[DayCount, ...]:
    return tuple(DayCount(start + timedelta(days=i), n) for i, n in enumerate(counts))


async def test_entries_by_status_and_category(db: Database, passwords: Passwords) -> None:
    known = await build(db, passwords)
    figures = (await engagement(db, known.contest, now=NOW)).entries
    assert (figures.total, figures.approved, figures.pending) == (7, 4, 1)
    assert (figures.rejected, figures.withdrawn) == (1, 1)
    assert figures.by_category == (
        CategoryCount("Day", total=3, approved=2),
        CategoryCount("Night", total=3, approved=2),
        CategoryCount("No category", total=1, approved=0),
    )


async def test_participants_by_affiliation_department_and_first_time(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    people = (await engagement(db, known.contest, now=NOW)).participants
    assert people.total == 5
    assert people.by_affiliation == (
        Count("student", 3),
        Count("staff", 1),
        Count("alumni", 1),
        Count("other", 0),
    )
    assert people.by_department == (
        Count("CIVL", 2),
        Count("COMP", 1),
        Count("LIB", 1),
        Count("Not given", 1),
    )
    assert people.entries_per_participant == pytest.approx(7 / 5)
    assert people.entry_spread == ((1, 3), (2, 2))
    # Sue entered the earlier contest; Sam's entry in a later contest does not make him returning.
    assert (people.first_time, people.returning, people.earlier_contests) == (4, 1, 1)


async def test_public_response_counts_likes_voters_picks_views_and_shares(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    public = (await engagement(db, known.contest, now=NOW)).public
    ids = known.entries
    assert (public.likes, public.voters, public.picks) == (4, 3, 2)  # the voided like is out
    assert (public.views, public.shares) == (5, 4)
    networks = {n.network: n for n in public.networks}
    assert networks["WhatsApp"] == NetworkShares("WhatsApp", clicks=2, arrivals=1)
    assert networks["Facebook"] == NetworkShares("Facebook", clicks=1, arrivals=1)
    assert networks["X"] == NetworkShares("X", clicks=1, arrivals=0)
    clicks = await db.fetch_value(
        "SELECT count(*) FROM share_clicks JOIN entries ON entries.id = entry_id"
        " WHERE contest_id = ?",
        (known.contest.id,),
    )
    assert sum(n.clicks for n in public.networks) == clicks  # every click on some network
    assert public.top_entries == (
        RankedEntry(ids["lamplight"], "Lamplight", likes=3, picks=1, views=3),
        RankedEntry(ids["steps"], "Steps", likes=1, picks=0, views=1),
        RankedEntry(ids["moon"], "Moon", likes=0, picks=1, views=1),
    )
    # The official #DayAndNightAtTheLibrary is on every entry: ranking it would say nothing.
    assert public.official_hashtag == "DayAndNightAtTheLibrary"
    assert public.top_hashtags == (
        Count("library", 3),
        Count("nightowls", 2),
        Count("moon", 1),
        Count("morning", 1),
    )
    assert [e.title for e in public.picked_entries] == ["Lamplight", "Moon"]


async def test_staff_response_within_a_day_of_submission_and_of_approval(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    replies = (await engagement(db, known.contest, now=NOW)).replies
    # From submission: Lamplight answered after 2 h; Steps after 3 days; Moon never, sent 3
    # days ago. Stacks was sent 9 hours ago: inside its first 24 hours, not yet a failure.
    # Atrium is pending: nobody can reply to it yet, so it is neither counted nor waiting.
    assert (replies.entries, replies.answered) == (4, 2)
    assert (replies.answered_within_day, replies.day_passed) == (1, 3)
    assert replies.share_within_day == pytest.approx(1 / 3)
    assert (replies.in_first_day, replies.in_first_day_answered) == (1, 0)
    # From approval: Lamplight (2 h) and Steps (8 h after its late approval) within a day,
    # Moon not; Stacks was approved 9 hours ago.
    assert (replies.answered_within_day_of_approval, replies.approval_day_passed) == (2, 3)
    assert replies.share_within_day_of_approval == pytest.approx(2 / 3)
    assert replies.median_first_reply == timedelta(hours=5)
    assert replies.waiting == 2
    assert replies.oldest_waiting == (
        WaitingEntry(known.entries["moon"], "Moon", NOW.replace(day=4, hour=4)),
        WaitingEntry(known.entries["stacks"], "Stacks", NOW.replace(day=7, hour=1)),
    )
    # A day later Stacks has had its day without a reply.
    later = (await engagement(db, known.contest, now=NOW + timedelta(days=1))).replies
    assert (later.answered_within_day, later.day_passed, later.in_first_day) == (1, 4, 0)
    assert later.share_within_day == 0.25
    assert later.share_within_day_of_approval == 0.5


async def test_judging_progress(db: Database, passwords: Passwords) -> None:
    known = await build(db, passwords)
    judging = (await engagement(db, known.contest, now=NOW)).judging
    assert (judging.entries, judging.complete, judging.reviews, judging.min_judges) == (4, 1, 3, 2)
    assert judging.share_complete == 0.25
    assert [(j.name, j.scored, j.total) for j in judging.judges] == [
        ("Judge One", 2, 4),
        ("Judge Two", 1, 4),
    ]


async def test_daily_series_are_in_the_contest_time_zone_with_quiet_days_as_zero(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    figures = await engagement(db, known.contest, now=NOW)
    series = figures.series
    # One span for all four: from 1 March (submissions opened at 18:00 in Hong Kong) to today,
    # 7 March, however quiet its ends. "Steps" was sent at 17:00 UTC on 2 March: 01:00 on
    # 3 March in Hong Kong.
    assert series.entries == days(date(2026, 3, 1), [0, 3, 1, 2, 0, 0, 1])
    # A like at 16:30 UTC on 5 March is a like on 6 March in Hong Kong.
    assert series.likes == days(date(2026, 3, 1), [0, 0, 0, 0, 1, 3, 0])
    assert series.views == days(date(2026, 3, 1), [0, 0, 0, 0, 3, 0, 2])
    assert series.shares == days(date(2026, 3, 1), [0, 0, 0, 0, 1, 1, 2])
    assert sum(p.count for p in series.likes) == figures.public.likes  # the days add up


async def test_daily_series_end_today_or_on_the_contest_last_day(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    tomorrow = (await engagement(db, known.contest, now=NOW + timedelta(days=1))).series
    assert {(s[0].day, s[-1].day) for s in tomorrow.__dict__.values()} == {
        (date(2026, 3, 1), date(2026, 3, 8))
    }
    # Long after the results (announced on 23 March in Hong Kong) the charts stop there.
    later = (await engagement(db, known.contest, now=NOW + timedelta(days=90))).series
    assert {(s[0].day, s[-1].day) for s in later.__dict__.values()} == {
        (date(2026, 3, 1), date(2026, 3, 23))
    }
    assert [p.count for p in later.entries[:7]] == [0, 3, 1, 2, 0, 0, 1]
    assert sum(p.count for p in later.entries) == (await entry_figures(db, known.contest.id)).total


async def test_winners_appear_only_once_results_are_published(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    before = await engagement(db, known.contest, now=NOW)
    assert before.winners == ()
    assert not any("winning entry" in s for s in report_text.summary(before))
    await publish_results(db, known)
    after = await engagement(db, known.contest, now=NOW)
    champion, favourite = after.winner("champion"), after.winner("peoples_choice")
    assert champion is not None and (champion.title, champion.likes) == ("Steps", 1)
    assert favourite is not None and (favourite.title, favourite.likes) == ("Lamplight", 3)
    summary = report_text.summary(after)
    assert "The winning entry, “Steps”, received 1 like." in summary
    assert "People's Choice went to “Lamplight” with 3 likes." in summary


async def test_summary_reads_like_a_librarian_wrote_it(db: Database, passwords: Passwords) -> None:
    known = await build(db, passwords)
    assert report_text.summary(await engagement(db, known.contest, now=NOW)) == [
        "7 entries from 5 participants, 3 students, 1 staff member and 1 alumnus.",
        "Of these, 4 were approved, 1 is awaiting review, 1 was rejected and 1 was withdrawn.",
        "4 of the 5 participants took part for the first time.",
        "The album received 4 likes from 3 voters.",
        "The library picked 2 favourites.",
        "Entries were viewed 5 times and shared 4 times, most often on WhatsApp (2).",
        "Besides #DayAndNightAtTheLibrary, the most used hashtag was #library (3 entries).",
        "Organizers replied to 33.3% of entries within 24 hours of submission (1 of 3);"
        " the median first reply came 5 hours after approval.",
        "1 entry is still inside its first 24 hours (0 already answered).",
        "2 entries are still waiting for a reply.",
        "1 of the 4 entries has been scored by at least 2 judges.",
    ]


async def test_empty_contest_has_zeros_and_no_data_instead_of_divisions(db: Database) -> None:
    contest = await empty_contest(db)
    e = await engagement(db, contest, now=NOW)
    assert (e.entries.total, e.participants.total, e.public.likes, e.public.views) == (0, 0, 0, 0)
    assert e.entries.by_category == (
        CategoryCount("Day", 0, 0),
        CategoryCount("Night", 0, 0),
    )
    assert e.participants.entries_per_participant is None
    assert e.participants.by_department == ()
    assert e.replies.share_within_day is None
    assert e.replies.median_first_reply is None
    assert e.judging.share_complete is None
    assert e.public.top_entries == e.public.top_hashtags == e.public.picked_entries == ()
    assert (e.series.entries, e.series.likes, e.series.views, e.series.shares) == ((),) * 4
    assert report_text.summary(e) == ["No entries yet: the figures fill in as photos arrive."]
    assert report_text.percent(None) == report_text.duration(None) == "no data yet"
    chart = daily_chart("Likes per day", e.series.likes, unit="Likes")
    assert chart.is_empty and chart.description == "No data yet."


async def test_only_the_official_hashtag_means_no_other_hashtags(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    contest = await empty_contest(db)
    author = await add_account(db, passwords, email="k@uni.edu", name="K")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    await add_entry(  # the form adds the official hashtag, and no other is given
        db, storage, contest, author, title="Only official", category="Day", moderator=organizer
    )
    e = await engagement(db, contest, now=NOW)
    assert e.public.top_hashtags == ()
    assert not any("hashtag" in sentence for sentence in report_text.summary(e))


def test_fill_days_puts_zero_on_quiet_days() -> None:
    assert fill_days({}, date(2026, 3, 1), date(2026, 3, 2)) == days(date(2026, 3, 1), [0, 0])
    assert fill_days({date(2026, 3, 3): 2}, date(2026, 3, 1), date(2026, 3, 3)) == days(
        date(2026, 3, 1), [0, 0, 2]
    )


def test_words_have_the_right_plurals_and_units() -> None:
    assert report_text.entries(1) == "1 entry"
    assert report_text.entries(2) == "2 entries"
    assert report_text.likes(1204) == "1,204 likes"
    assert listed(["a", "b", "c"]) == "a, b and c"
    assert report_text.duration(timedelta(days=1, hours=3, minutes=5)) == "1 day 3 hours"
    assert report_text.duration(timedelta(minutes=45)) == "45 minutes"
    assert report_text.duration(timedelta(seconds=20)) == "under a minute"
    assert report_text.duration(None) == "no data yet"
    assert report_text.percent(2 / 3) == "67%"
    assert report_text.percent(0.174, 1) == "17.4%"
    assert report_text._first_time(5, 5) == "All 5 participants took part for the first time."
    assert report_text._first_time(0, 1) == "The participant came back."


def test_words_in_chinese_use_measure_words_and_babel_units() -> None:
    with using_locale("zh_Hant"):
        assert str(report_text.entries(1204)) == "1,204 件作品"
        assert str(listed(["甲", "乙", "丙"])) == "甲、乙及丙"
        assert str(report_text.duration(timedelta(hours=23, minutes=30))) == "23 小時 30 分鐘"
        assert report_text.percent(0.174, 1) == "17.4%"
        assert str(report_text._first_time(5, 5)) == "全部 5 位參加者都是首次參加。"
        assert str(report_text.duration(None)) == "暫無數據"
    with using_locale("zh_Hans"):
        assert str(report_text.entries(3)) == "3 件作品"
        assert str(report_text.duration(timedelta(days=2, minutes=5))) == "2天5分钟"


def test_bar_heights_follow_the_values_on_a_round_scale() -> None:
    assert [nice_step(n) for n in (0, 3, 9, 40, 131)] == [1, 1, 5, 10, 50]
    chart = bar_chart("Shares", [("A", 10), ("B", 5), ("C", 0)], unit="Clicks", label_name="Net")
    a, b, c = chart.bars
    assert a.height == pytest.approx(2 * b.height) and c.height == 0
    assert a.y + a.height == pytest.approx(chart.baseline) == b.y + b.height
    assert [t.label for t in chart.ticks] == ["0", "5", "10"]
    assert chart.rows == [("A", 10), ("B", 5), ("C", 0)]


def test_daily_chart_labels_at_most_six_days_and_tables_every_day() -> None:
    series = days(date(2026, 3, 1), list(range(20)))
    chart = daily_chart("Views per day", series, unit="Views")
    assert len(chart.bars) == len(chart.rows) == 20
    assert len(chart.labels) <= 6  # room for readable labels on a phone
    assert chart.rows[0] == ("Sun 1 Mar 2026", 0)
    assert (
        chart.description == "Views per day from 1 Mar to 20 Mar: 190 in all, at most 19 on 20 Mar."
    )


async def test_quarter_hour_offsets_put_each_moment_on_its_local_day(
    db: Database, passwords: Passwords, storage: LocalStorage
) -> None:
    before, after = (
        datetime(2026, 3, 2, 18, 14, 59, tzinfo=UTC),
        datetime(2026, 3, 2, 18, 15, tzinfo=UTC),
    )
    contest = await add_contest(
        db, "submissions", now=after, title="Nepal at the Library", timezone="Asia/Kathmandu"
    )
    author = await add_account(db, passwords, email="k@uni.edu", name="K")
    organizer = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    for title, entered in [("Before", before), ("After", after)]:
        await add_entry(
            db, storage, contest, author, title=title, moderator=organizer, entered=entered
        )
    # Then the organizers moved the opening of submissions to 4 March.
    contest = await contest_store.update_contest(
        db,
        contest.id,
        replace(contest.settings, schedule=schedule_for("submissions", NOW)),
        now=NOW,
    )
    # Kathmandu is UTC+5:45: 18:15 UTC is midnight there.
    series = await daily_series(db, contest, now=NOW)
    # Both before submissions opened (4 March): the span widens rather than lose them.
    assert series.entries == days(date(2026, 3, 2), [1, 1, 0, 0, 0, 0])


def test_day_labels_stay_inside_the_drawing_at_both_ends() -> None:
    series = days(date(2026, 11, 9), [1] * 21)  # 9 Nov .. 29 Nov: a label falls on the last bar
    chart = daily_chart("Entries per day", series, unit="Entries")
    for label in chart.labels:
        half = len(label.text) * CHAR_WIDTH / 2
        assert label.x - half >= LEFT and label.x + half <= chart.width, label
    assert chart.labels[-1].text == "29 Nov"


def test_daily_chart_names_days_as_a_chinese_reader_writes_them() -> None:
    series = days(date(2026, 3, 1), list(range(20)))
    with using_locale("zh_Hant"):
        chart = daily_chart("每日瀏覽", series, unit="瀏覽")
        description = str(chart.description)
    assert chart.rows[0] == ("2026年3月1日週日", 0)
    assert chart.labels[0].text == "3月1日"
    assert description == "3月1日 至 3月20日 每日瀏覽：合共 190，最多為 3月20日 的 19。"  # noqa: RUF001
    lefts = [label.x - text_width(label.text) / 2 for label in chart.labels]
    rights = [label.x + text_width(label.text) / 2 for label in chart.labels]
    assert all(right < left for right, left in zip(rights, lefts[1:], strict=False))
    assert text_width("3月1日") > 5 * CHAR_WIDTH  # a Chinese character is wider than a digit
