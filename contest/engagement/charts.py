"""Bar charts as geometry for inline SVG: drawn on the server, no script, printable.

The template (templates/manage/_chart.html) turns a BarChart into SVG elements; colours come from
CSS classes, so the strict CSP (no inline styles) holds.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from babel.dates import format_skeleton

from contest.engagement.series import DayCount
from contest.i18n import DEFAULT_LOCALE, N_, Nn_, current_locale, number

# A narrow drawing (400 units) with 13-unit text: on a 375 px phone the chart is about 340 px
# wide, so labels render at about 11 px (a 640-unit drawing with 12-unit text gave 6 px);
# site.css caps the chart's width so that on wide screens they do not grow past about 18 px.
WIDTH = 400
HEIGHT = 220
PRINTED_HEIGHT = 170  # the printed report's charts: flatter, so two rows fit under its cover
LEFT = 46  # room for the value axis: "10,000" at 13 units
RIGHT = 8
TOP = 14
BOTTOM = 34  # room for the labels under the bars
MAX_LABELS = 6  # "30 Sep" is ~50 units wide: six fit under the 346-unit plot with gaps
# A 13-unit character of the widest common sans-serif (DejaVu Sans, Chromium's system-ui on
# Linux: a digit is 8.3 units); 7.2 let "16 Feb" run into "23 Feb" in a printed report.
CHAR_WIDTH = 8.4
WIDE_CHAR_WIDTH = 13.0  # a Chinese character fills the whole 13-unit em: "3月16日" is wide
LABEL_GAP = 4  # the least space between two labels under the bars (widths are overestimated)
ROW_STEP = 15  # a category chart whose names do not fit on one line staggers them on two
MAX_LABEL_ROWS = 3


def text_width(text: str) -> float:
    """About how wide a label is drawn, in chart units (a Chinese character counts a full em)."""
    return sum(
        WIDE_CHAR_WIDTH if unicodedata.east_asian_width(char) in "WF" else CHAR_WIDTH
        for char in text
    )


def _label_x(centre: float, text: str) -> float:
    """Where a centred label goes: under its bar, moved in so it is never cut at an edge."""
    half = text_width(text) / 2
    return round(min(max(centre, LEFT + half), WIDTH - half), 2)


@dataclass(frozen=True)
class Bar:
    """One bar, in the chart's coordinates (y grows downwards)."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    """A gridline across the plot with its value."""

    y: float
    label: str


@dataclass(frozen=True)
class Label:
    """A label under a bar."""

    x: float
    text: str
    row: int = 0  # 0 on the first line under the bars, 1 on the second


@dataclass(frozen=True)
class BarChart:
    """A titled bar chart and the rows of the table that shows the same numbers."""

    title: str
    description: str
    unit: str  # what a value counts, for the table heading: "Likes"
    label_name: str  # what a bar stands for, for the table heading: "Day"
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM

    @property
    def rows(self) -> list[tuple[str, int]]:
        """The table beside the chart: label and value per bar."""
        return [(bar.label, bar.value) for bar in self.bars]

    @property
    def is_empty(self) -> bool:
        """Whether there is nothing to draw."""
        return not self.bars


def _labels(bars: Sequence[Bar], shown: Sequence[str], slot: float) -> tuple[Label, ...]:
    """The labels under every few bars, spaced for the widest, moved in from the edges; where
    two would then touch, the earlier one is left out for the last, else the later one."""
    widest = max((text_width(text) for text in shown), default=0.0)
    every = max(math.ceil(len(bars) / MAX_LABELS), math.ceil((widest + LABEL_GAP) / slot), 1)
    labels: list[Label] = []
    for index in range(0, len(bars), every):
        bar, text = bars[index], shown[index]
        label = Label(_label_x(bar.x + bar.width / 2, text), text)
        if labels and _left(label) < _right(labels[-1]) + LABEL_GAP:
            if index + every < len(bars):
                continue
            labels.pop()
        labels.append(label)
    return tuple(labels)


def _touch(labels: Sequence[Label]) -> bool:
    """Whether any two neighbouring labels of one line come closer than LABEL_GAP."""
    return any(_left(b) < _right(a) + LABEL_GAP for a, b in itertools.pairwise(labels))


def _every_label(bars: Sequence[Bar], shown: Sequence[str]) -> tuple[Label, ...]:
    """A label under every bar (a category chart has few): on one line if they fit, else
    in turn on two lines, or three (nine share networks at print width)."""
    labels = [
        Label(_label_x(bar.x + bar.width / 2, text), text)
        for bar, text in zip(bars, shown, strict=False)  # no bars: no labels
    ]
    placed = labels
    for rows in range(1, MAX_LABEL_ROWS + 1):
        placed = [replace(label, row=index % rows) for index, label in enumerate(labels)]
        if not any(_touch([label for label in placed if label.row == row]) for row in range(rows)):
            break
    return tuple(placed)


def _left(label: Label) -> float:
    return label.x - text_width(label.text) / 2


def _right(label: Label) -> float:
    return label.x + text_width(label.text) / 2


def nice_step(largest: int, *, most_ticks: int = 4) -> int:
    """A round gridline step (1, 2, 5, 10, 20, 50 ...) giving at most ``most_ticks`` lines."""
    if largest <= most_ticks:
        return 1
    magnitude = int(10 ** math.floor(math.log10(largest / most_ticks)))
    for factor in (1, 2, 5, 10):
        if factor * magnitude * most_ticks >= largest:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def bar_chart(
    title: str,
    points: Sequence[tuple[str, int]],
    *,
    unit: str,
    label_name: str,
    axis_labels: Sequence[str] = (),
    height: int = HEIGHT,
    every_label: bool = True,
) -> BarChart:
    """A vertical bar chart of labelled counts; ``axis_labels`` are shorter labels to draw.
    A category chart labels every bar; a long series (``every_label=False``) every few."""
    largest = max((value for _, value in points), default=0)
    step = nice_step(largest)
    top = max(step, step * math.ceil(largest / step))
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / len(points) if points else plot_width
    bar_width = max(1.0, slot * 0.72)
    xs = [LEFT + index * slot + (slot - bar_width) / 2 for index in range(len(points))]
    shown = list(axis_labels) or [label for label, _ in points]
    places = [Bar(x, 0, bar_width, 0, "", 0) for x in xs]
    labels = _every_label(places, shown) if every_label else _labels(places, shown, slot)
    bottom = BOTTOM + ROW_STEP * max((label.row for label in labels), default=0)
    plot_height = height - TOP - bottom
    bars = []
    for x, (label, value) in zip(xs, points, strict=True):
        drawn = plot_height * value / top
        bars.append(
            Bar(
                round(x, 2),
                round(TOP + plot_height - drawn, 2),
                round(bar_width, 2),
                round(drawn, 2),
                label,
                value,
            )
        )
    ticks = tuple(
        Tick(round(TOP + plot_height - plot_height * value / top, 2), number(value))
        for value in range(0, top + 1, step)
    )
    total = sum(value for _, value in points)
    description = (
        Nn_(
            "%(count)s bar, %(total)s in all; the highest is %(largest)s.",
            "%(count)s bars, %(total)s in all; the highest is %(largest)s.",
            len(points),
            count=number(len(points)),
            total=number(total),
            largest=number(largest),
        )
        if points
        else N_("No data yet.")
    )
    return BarChart(
        title,
        description,
        unit,
        label_name,
        tuple(bars),
        ticks,
        labels,
        height=height,
        baseline=height - bottom,
    )


def day_label(day: date, *, full: bool = False) -> str:
    """A day as the reader's locale writes it under a bar (``16 Feb``, ``2月16日``) or in the
    table (``Mon 16 Feb 2026``, ``2026年2月16日 週一``)."""
    locale = current_locale.get()
    if locale == DEFAULT_LOCALE:
        return f"{day:%a} {day.day} {day:%b %Y}" if full else f"{day.day} {day:%b}"
    return format_skeleton("yMMMEd" if full else "MMMd", day, locale=locale)


def daily_chart(
    title: str, series: Sequence[DayCount], *, unit: str, height: int = HEIGHT
) -> BarChart:
    """A bar per day; the table names each day in full, the axis in short (in the reader's
    locale)."""
    points = [(day_label(point.day, full=True), point.count) for point in series]
    short = [day_label(point.day) for point in series]
    chart = bar_chart(
        title,
        points,
        unit=unit,
        label_name=N_("Day"),
        axis_labels=short,
        height=height,
        every_label=False,
    )
    if series:
        largest = max(series, key=lambda point: point.count)
        chart = replace(
            chart,
            description=N_(
                "%(unit)s per day from %(first)s to %(last)s: %(total)s in all, at most"
                " %(largest)s on %(day)s.",
                unit=unit,
                first=day_label(series[0].day),
                last=day_label(series[-1].day),
                total=number(sum(point.count for point in series)),
                largest=number(largest.count),
                day=day_label(largest.day),
            ),
        )
    return chart
