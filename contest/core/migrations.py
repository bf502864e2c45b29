"""Named, forward-only schema migrations, applied in order at start-up, never edited once shipped.

Each step is a file ``schema/NNNN_name.sql`` in this package; its name without ``.sql`` is
what the ``migrations`` table records. The files are read through ``importlib.resources`` so
that an installed wheel finds them too (``pyproject.toml`` ships them as package data).

The shipped files keep, byte for byte, the SQL they held as Python strings, indentation and
all: SQLite stores each ``CREATE`` statement's text as written (and splices in the text of each
``ADD COLUMN``), so re-indenting a shipped file would make ``sqlite_master`` differ between old
and new databases. A new migration is a new file with the next number.

Invariants live in the schema: foreign keys everywhere, CHECK constraints on roles, dates and
weights, UNIQUE where a duplicate would be a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

_STATEMENT_END = re.compile(r";\s*\n(?=\s*(?:CREATE|ALTER|INSERT|DROP|UPDATE|DELETE)\b)")

_FILE_NAME = re.compile(r"[0-9]{4}_[a-z0-9]+(?:_[a-z0-9]+)*\.sql")


REBUILDS_TABLES = "-- rebuilds tables: run with foreign keys off"


class SchemaFileError(ValueError):
    """The schema folder holds a file that is not a well-named, well-numbered migration."""


@dataclass(frozen=True)
class Migration:
    """One named step: SQL statements separated by blank-line-free semicolons."""

    name: str
    sql: str

    @property
    def rebuilds_tables(self) -> bool:
        """Whether the step rebuilds tables (new table, copy, drop, rename), which SQLite
        allows only with foreign keys off: dropping a parent table with them on would delete
        every child row through ``ON DELETE CASCADE``. The file says so on a line of its own."""
        return REBUILDS_TABLES in self.sql.splitlines()

    def statements(self) -> list[str]:
        """The migration's statements, one by one.

        A statement ends at a semicolon that closes its line and is followed by the next
        statement's keyword, so trigger bodies (``BEGIN ...; END``) stay whole.
        """
        parts = _STATEMENT_END.split(self.sql)
        return [part.strip().rstrip(";").strip() for part in parts if part.strip()]


def schema_folder() -> Traversable:
    """The folder of ``NNNN_name.sql`` files, wherever the package is installed."""
    return resources.files(__package__ or "contest.core") / "schema"


def load(folder: Traversable | None = None) -> tuple[Migration, ...]:
    """Every file of the schema folder as a migration, in the order of its number.

    A file not named ``NNNN_name.sql``, or numbers that skip or repeat, are refused rather
    than skipped: a migration left out by a typo would leave databases silently behind.
    """
    files = sorted((folder or schema_folder()).iterdir(), key=lambda file: file.name)
    for file in files:
        if not _FILE_NAME.fullmatch(file.name):
            raise SchemaFileError(
                f"{file.name!r} in the schema folder is not a migration: name each file"
                " NNNN_name.sql (four digits, an underscore, lowercase words joined by"
                " underscores)"
            )
    numbers = [int(file.name[:4]) for file in files]
    if numbers != list(range(1, len(files) + 1)):
        raise SchemaFileError(
            "the schema files must be numbered 0001, 0002, ... with no gap or repeat;"
            f" found {', '.join(file.name for file in files)}"
        )
    return tuple(
        Migration(file.name.removesuffix(".sql"), file.read_text(encoding="utf-8"))
        for file in files
    )


MIGRATIONS: tuple[Migration, ...] = load()
