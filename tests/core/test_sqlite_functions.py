"""The SQLite functions PostgreSQL is given (``schema_postgresql/sqlite_functions.sql``) answer
as SQLite's own do, on the values the queries pass them (compared as text: SQLite's JSON
functions give numbers as numbers, the stand-ins give text the queries then cast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contest.core.db import Database
from tests import postgres

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not postgres.on_postgres(), reason="needs CONTEST_TEST_DATABASE"),
]

LIKE = '{"place": 3, "user": null, "voter": "mailbox:fan", "at": "2026-03-02 09:00:00", "n": 2.5}'
EXPRESSIONS = [
    ("CAST(json_extract(?, '$.place') AS TEXT)", (LIKE,)),
    ("CAST(json_extract(json(?), '$.place') AS TEXT)", (LIKE,)),
    ("json_extract(json(?), '$.voter')", (LIKE,)),
    ("json_extract(json(?), '$.user') IS NULL", (LIKE,)),
    ("json_extract(json(?), '$.missing') IS NULL", (LIKE,)),
    ("CAST(json_extract(json(?), '$.n') AS TEXT)", (LIKE,)),
    ("(SELECT count(*) FROM json_each(?))", ('[{"a": 1}, {"a": 2}, {"a": 3}]',)),
    (
        "(SELECT sum(CAST(json_extract(json(value), '$.a') AS BIGINT)) FROM json_each(?))",
        ('[{"a": 1}, {"a": 2}, {"a": 39}]',),
    ),
    ("json_valid(?)", ('{"a": [1, 2]}',)),
    ("json_valid(?)", ("{not json",)),
]


@pytest.mark.parametrize(("expression", "arguments"), EXPRESSIONS)
async def test_a_stand_in_answers_as_sqlite_does(
    expression: str, arguments: tuple[object, ...], tmp_path: Path, database_url: str
) -> None:
    sqlite = await Database.open(tmp_path / "a.db")
    pg = await Database.open(database_url)
    try:
        expected = await sqlite.fetch_value(f"SELECT {expression}", arguments)
        on_reader = await pg.fetch_value(f"SELECT {expression}", arguments)
        on_writer = await pg.write_in_thread(
            lambda c: c.execute(f"SELECT {expression}", arguments).fetchone()[0]
        )
    finally:
        await sqlite.close()
        await pg.close()
    assert on_reader == on_writer == expected
