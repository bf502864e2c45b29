"""Time: UTC in the database, the contest's own time zone on pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from contest.i18n import N_, Nn_

DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utcnow() -> datetime:
    """The current time, aware, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def to_db(moment: datetime) -> str:
    """An aware datetime as the sortable UTC text stored in the database."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; attach a time zone first")
    return moment.astimezone(UTC).strftime(DB_FORMAT)


def from_db(text: str) -> datetime:
    """Stored UTC text back to an aware datetime."""
    return datetime.strptime(text, DB_FORMAT).replace(tzinfo=UTC)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone of that name; ValueError if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted, for a picker."""
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


def local_input_value(moment: datetime, tz_name: str) -> str:
    """The value of an ``<input type=datetime-local>`` for that moment in that zone."""
    return moment.astimezone(zone(tz_name)).strftime("%Y-%m-%dT%H:%M")


def parse_local_input(text: str, tz_name: str) -> datetime:
    """A ``datetime-local`` value typed in that zone, as an aware datetime; ValueError if bad."""
    naive = datetime.fromisoformat(text.strip())
    if naive.tzinfo is not None:
        raise ValueError("give a local date and time without an offset")
    if not 2000 <= naive.year <= 2200:
        raise ValueError("give a date between the years 2000 and 2200")
    return naive.replace(tzinfo=zone(tz_name), second=0, microsecond=0)


def as_moment(value: datetime | str) -> datetime:
    """A moment given as an aware datetime or as stored text (ISO 8601 with its offset, as
    ``to_db`` writes it: ``2026-05-14T17:30:00Z``); ValueError if it names no zone."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} names no time zone (a camera's time is a calendar date)")
    return moment


def _written(day: date, time: str, with_year: bool) -> str:
    """The one way pages write a date: ``15 May``, ``15 May 2025``, then the time if any."""
    text = f"{day.day} {day:%b}"
    if with_year:
        text += f" {day.year}"
    return f"{text} {time}" if time else text


def format_local(
    moment: datetime | str,
    tz_name: str,
    *,
    with_year: bool = False,
    date_only: bool = False,
    now: datetime | None = None,
) -> str:
    """A moment (aware, or stored UTC text) as people read it in that zone: ``15 May 18:00``,
    or ``15 May`` with ``date_only``. The year is written when asked, and when ``now`` is given
    and the moment falls in another year there (``15 May 2025 18:00``)."""
    where = zone(tz_name)
    local = as_moment(moment).astimezone(where)
    other_year = now is not None and now.astimezone(where).year != local.year
    return _written(local.date(), "" if date_only else f"{local:%H:%M}", with_year or other_year)


def format_calendar_date(
    value: date | datetime | str, *, with_year: bool = False, now: datetime | None = None
) -> str:
    """A date as it was written where it was written, not converted to any zone: a camera's
    local time (``2026-05-14T23:10:00``, EXIF keeps no zone) or a day already counted in a
    contest's zone (``2026-05-15``). Written as ``format_local`` writes dates: ``14 May``."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    day = value.date() if isinstance(value, datetime) else value
    other_year = now is not None and now.year != day.year
    return _written(day, "", with_year or other_year)


def describe_until(now: datetime, then: datetime) -> str:
    """How far away a future moment is, in words: ``in 3 days``, ``in 5 hours`` (translated
    where it is shown)."""
    delta = then - now
    if delta <= timedelta(0):
        return N_("now")
    days, hours, minutes = (int(delta.total_seconds() // size) for size in (86400, 3600, 60))
    if days >= 1:
        return Nn_("in %(count)d day", "in %(count)d days", days)
    if hours >= 1:
        return Nn_("in %(count)d hour", "in %(count)d hours", hours)
    if minutes >= 1:
        return Nn_("in %(count)d minute", "in %(count)d minutes", minutes)
    return N_("in less than a minute")
