"""What every report table builder shares: the table itself and the scope it is built for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from contest.contests.model import Contest
from contest.core.clock import from_db, zone
from contest.core.db import Row
from contest.gallery.listing import credit

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """One report table: its name, its column names, and rows of cells in column order."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def records(self) -> list[dict[str, Cell]]:
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Scope:
    """Which contest, for whom, and when: what every table builder needs."""

    contest: Contest
    publication: bool
    now: datetime

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.contest.settings.timezone)

    @property
    def every_status(self) -> int:
        """The ``?`` of ``(entries.status = 'approved' OR ?)``: publication keeps approved ones."""
        return int(not self.publication)

    def local(self, stored: str | None) -> str | None:
        """A stored UTC time as ISO 8601 in the contest's time zone, with its offset."""
        return None if stored is None else from_db(stored).astimezone(self.zone).isoformat()

    def names_shown(self) -> bool:
        """Whether author names (and what identifies them) may appear in this variant."""
        return not self.publication or self.contest.names_authors(self.now)

    def author(self, row: Row) -> str | None:
        """The author as organizers know them, or as credited in public (once names show)."""
        if not self.publication:
            return str(row["author_name"])
        return credit(row) if self.names_shown() else None
