"""The same migrations build the same schema on SQLite and on PostgreSQL: tables, columns and
whether they may be empty, primary keys, unique constraints and foreign keys (with what a
deletion does). A twin in ``schema_postgresql/`` that drifts from its SQLite original fails
here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contest.core.db import Database
from tests import postgres

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(not postgres.on_postgres(), reason="needs CONTEST_TEST_DATABASE"),
]

Shape = dict[str, Any]


async def sqlite_shape(db: Database) -> Shape:
    tables = [
        row[0]
        for row in await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    shape: Shape = {}
    for table in tables:
        columns = await db.fetch_all(f"PRAGMA table_info({table})")
        unique = set()
        for index in await db.fetch_all(f"PRAGMA index_list({table})"):
            if index["unique"] and index["origin"] in ("u", "pk"):
                info = await db.fetch_all(f"PRAGMA index_info({index['name']})")
                unique.add(tuple(sorted(row["name"] for row in info)))
        primary = tuple(sorted(c["name"] for c in columns if c["pk"]))
        if primary:
            unique.add(primary)
        keys = {
            (row["from"], row["table"], row["to"] or "id", row["on_delete"])
            for row in await db.fetch_all(f"PRAGMA foreign_key_list({table})")
        }
        shape[table] = {
            "columns": sorted((c["name"], bool(c["notnull"] or c["pk"])) for c in columns),
            "primary": primary,
            "unique": sorted(unique),
            "foreign": sorted(keys),
        }
    return shape


async def postgres_shape(db: Database) -> Shape:
    shape: Shape = {}
    tables = [
        row[0]
        for row in await db.fetch_all(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ]
    for table in tables:
        columns = await db.fetch_all(
            "SELECT column_name, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = ?",
            (table,),
        )
        constraints = await db.fetch_all(
            "SELECT c.contype, c.confdeltype, f.relname AS target,"
            " (SELECT array_agg(a.attname ORDER BY array_position(c.conkey, a.attnum))"
            "   FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey))"
            "   AS names,"
            " (SELECT array_agg(a.attname ORDER BY array_position(c.confkey, a.attnum))"
            "   FROM pg_attribute a WHERE a.attrelid = c.confrelid AND a.attnum = ANY(c.confkey))"
            "   AS targets"
            " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " LEFT JOIN pg_class f ON f.oid = c.confrelid"
            " WHERE t.relname = ? AND c.contype IN ('p', 'u', 'f')",
            (table,),
        )
        actions = {"a": "NO ACTION", "c": "CASCADE", "n": "SET NULL", "r": "RESTRICT"}
        primary = next((tuple(sorted(c["names"])) for c in constraints if c["contype"] == "p"), ())
        shape[table] = {
            "columns": sorted((c[0], c[1] == "NO") for c in columns),
            "primary": primary,
            "unique": sorted(
                {tuple(sorted(c["names"])) for c in constraints if c["contype"] in "pu"}
            ),
            "foreign": sorted(
                (name, c["target"], target, actions[c["confdeltype"]])
                for c in constraints
                if c["contype"] == "f"
                for name, target in zip(c["names"], c["targets"], strict=True)
            ),
        }
    return shape


async def test_both_databases_have_the_same_schema(tmp_path: Path, database_url: str) -> None:
    sqlite = await Database.open(tmp_path / "a.db")
    pg = await Database.open(database_url)
    try:
        expected, actual = await sqlite_shape(sqlite), await postgres_shape(pg)
    finally:
        await sqlite.close()
        await pg.close()
    assert sorted(actual) == sorted(expected)
    for table, shape in expected.items():
        assert actual[table] == shape, table
