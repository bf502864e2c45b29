"""The printed report: the cover's winners, the daily numbers in blocks, charts that fit a page."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from contest.core.db import Database
from contest.core.security import Passwords
from contest.engagement.charts import CHAR_WIDTH, PRINTED_HEIGHT, bar_chart, daily_chart
from contest.engagement.report_print import DayRow, daily_rows, in_blocks, printed_report
from contest.engagement.series import DayCount, Series
from tests.engagement.engagement_data import NOW, build, publish_results

pytestmark = pytest.mark.anyio
#: After the known contest's results are announced (23 March).
ANNOUNCED = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)


def rows(count: int) -> tuple[DayRow, ...]:
    start = date(2026, 2, 16)
    return tuple(DayRow(start + timedelta(days=i), i, 0, 0, 0) for i in range(count))


def test_a_month_of_days_prints_as_three_blocks_of_nearly_equal_length() -> None:
    blocks = in_blocks(rows(38))
    assert [len(block) for block in blocks] == [13, 13, 12]
    assert [row for block in blocks for row in block] == list(rows(38))  # in order, none lost


def test_a_week_of_days_stays_one_block_and_no_days_no_block() -> None:
    assert [len(block) for block in in_blocks(rows(7))] == [7]
    assert [len(block) for block in in_blocks(rows(12))] == [6, 6]
    assert in_blocks(()) == ()


def test_daily_rows_put_the_four_series_side_by_side() -> None:
    day = date(2026, 3, 1)
    series = Series(
        entries=(DayCount(day, 1), DayCount(day + timedelta(days=1), 2)),
        likes=(DayCount(day, 3), DayCount(day + timedelta(days=1), 4)),
        views=(DayCount(day, 5), DayCount(day + timedelta(days=1), 6)),
        shares=(DayCount(day, 7), DayCount(day + timedelta(days=1), 8)),
    )
    assert daily_rows(series) == (
        DayRow(day, 1, 3, 5, 7),
        DayRow(day + timedelta(days=1), 2, 4, 6, 8),
    )


def test_printed_charts_are_flatter_and_every_bar_and_label_stays_inside() -> None:
    series = [DayCount(date(2026, 2, 16) + timedelta(days=i), i % 9) for i in range(42)]
    chart = daily_chart("Likes per day", series, unit="Likes", height=PRINTED_HEIGHT)
    assert chart.height == PRINTED_HEIGHT and chart.baseline == PRINTED_HEIGHT - 34
    for bar in chart.bars:  # a bar of 0 sits on the baseline, the highest reaches the top
        assert bar.y >= 14 and bar.y + bar.height == pytest.approx(chart.baseline, abs=0.02)
    assert max(bar.height for bar in chart.bars) == pytest.approx(chart.baseline - 14, abs=0.02)


def test_labels_under_the_bars_never_touch_even_where_the_first_is_moved_in() -> None:
    networks = ["Facebook", "X", "WhatsApp", "Weibo", "LINE", "Email", "Copied", "Phone"]
    for chart in (
        daily_chart(
            "Views per day",
            [DayCount(date(2026, 2, 16) + timedelta(days=i), 1) for i in range(42)],
            unit="Views",
        ),
        bar_chart("Shares", [(n, 1) for n in networks], unit="Clicks", label_name="Network"),
    ):
        for row in (0, 1):  # a line of labels, and the second line a category chart may use
            edges = [
                (
                    label.x - len(label.text) * CHAR_WIDTH / 2,
                    label.x + len(label.text) * CHAR_WIDTH / 2,
                )
                for label in chart.labels
                if label.row == row
            ]
            assert len(edges) >= 4 or row == 1, chart.title
            for (_, right), (left, _) in itertools.pairwise(edges):
                assert right < left, (chart.title, chart.labels)


def test_a_category_chart_labels_every_bar_on_two_lines_when_one_is_too_narrow() -> None:
    networks = ["Facebook", "X", "WhatsApp", "Weibo", "LINE", "Email", "Copied", "Phone"]
    chart = bar_chart(
        "Shares", [(n, 1) for n in networks], unit="Clicks", label_name="Network", height=170
    )
    assert [label.text for label in chart.labels] == networks  # X, Weibo, Email were left out
    assert [label.row for label in chart.labels] == [0, 1] * 4
    assert chart.baseline == 170 - 34 - 15  # the second line has its room under the bars
    for label in chart.labels:  # and every label stays inside the drawing
        half = len(label.text) * CHAR_WIDTH / 2
        assert label.x - half >= 0 and label.x + half <= chart.width, label
    few = bar_chart("Shares", [("A", 1), ("B", 2)], unit="Clicks", label_name="Network")
    assert [(label.text, label.row) for label in few.labels] == [("A", 0), ("B", 0)]
    assert few.baseline == few.height - 34


async def test_cover_shows_no_winners_until_they_are_announced(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    await publish_results(db, known)
    report = await printed_report(db, known.contest, now=NOW)  # published, not yet announced
    assert report.winners == ()
    assert [len(block) for block in report.day_blocks] == [7]  # 1 to 7 March
    assert report.figures.entries.total == 7


async def test_cover_shows_each_winning_photo_once_with_all_its_awards(
    db: Database, passwords: Passwords
) -> None:
    known = await build(db, passwords)
    await publish_results(db, known)
    report = await printed_report(db, known.contest, now=ANNOUNCED)
    by_title = {w.title: w for w in report.winners}
    assert by_title["Steps"].award == "Champion"
    assert "People's Choice" in by_title["Lamplight"].award
    assert len(report.winners) == len({w.entry_id for w in report.winners})
    stored = await db.fetch_one(
        "SELECT display_key, display_width FROM entries WHERE id = ?", (known.entries["steps"],)
    )
    assert stored is not None
    assert (by_title["Steps"].photo_key, by_title["Steps"].width) == (
        stored["display_key"],
        stored["display_width"],
    )


def test_nine_networks_take_a_third_line_and_no_two_labels_of_a_line_touch() -> None:
    networks = [
        "Facebook", "X", "WhatsApp", "Weibo", "WeChat", "LINE", "Email", "Copied link",
        "Phone share",
    ]  # fmt: skip
    chart = bar_chart(
        "Shares", [(n, 1) for n in networks], unit="Clicks", label_name="Network", height=170
    )
    assert [label.text for label in chart.labels] == networks
    rows = {label.row for label in chart.labels}
    assert rows == {0, 1, 2} and chart.baseline == 170 - 34 - 2 * 15
    for row in rows:
        line = [label for label in chart.labels if label.row == row]
        for before, after in itertools.pairwise(line):
            gap = (after.x - len(after.text) * CHAR_WIDTH / 2) - (
                before.x + len(before.text) * CHAR_WIDTH / 2
            )
            assert gap >= 0, (before, after)
