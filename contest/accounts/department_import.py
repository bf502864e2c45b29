"""Importing the department list from a CSV file, all or nothing: every bad line is named
with its number and reason, and nothing is stored until the whole file is right (UTF-8 with or
without BOM; comma, semicolon or tab; a header line optional)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from contest.accounts import departments
from contest.accounts.departments import (
    FILE_FIELD,
    MAX_SHOWN_TEXT,
    code_error,
    folded_name,
    list_departments,
    name_error,
    normalize_code,
    normalize_name,
    record_change,
)
from contest.core import csv_files
from contest.core.clock import to_db
from contest.core.csv_files import ImportRefused, Problem
from contest.core.db import Database
from contest.core.errors import ValidationError
from contest.i18n import N_, number

MAX_IMPORT_BYTES = 256 * 1024

MAX_IMPORT_ROWS = departments.MAX_DEPARTMENTS


CODE_HEADINGS = frozenset({"code", "departmentcode", "deptcode"})

NAME_HEADINGS = frozenset({"name", "departmentname", "deptname", "department"})


@dataclass
class ImportSummary:
    """What an import changed."""

    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.renamed)} renamed"]
        parts.append(f"{self.unchanged} unchanged")
        return "Imported the file: " + ", ".join(parts) + "."


@dataclass(frozen=True)
class _Line:
    line: int
    text: str
    code: str
    name: str


def _decode(data: bytes) -> str:
    """The file's text (UTF-8 only: department names are written in many scripts)."""
    if not data.strip():
        raise ValidationError({FILE_FIELD: N_("Choose a CSV file of codes and names to import.")})
    too_big = N_(
        "The file is %(size)s KB; a department list must stay under %(limit)s KB.",
        size=number(round(len(data) / 1024)),
        limit=number(MAX_IMPORT_BYTES // 1024),
    )
    return csv_files.decode(data, field=FILE_FIELD, too_big=too_big, max_bytes=MAX_IMPORT_BYTES)


def _columns(header: list[str]) -> tuple[int, int] | None:
    """The code's and the name's column when the first row is a header, else None."""
    headings = [csv_files.heading(cell) for cell in header]
    code_at = next((i for i, h in enumerate(headings) if h in CODE_HEADINGS), None)
    if code_at is None:
        return None
    name_at = next((i for i, h in enumerate(headings) if h in NAME_HEADINGS and i != code_at), None)
    if name_at is None:
        raise ValidationError(
            {
                FILE_FIELD: N_(
                    "The first line names a code column but no name column: use code,name."
                )
            }
        )
    return code_at, name_at


def read_csv(data: bytes) -> tuple[list[_Line], list[Problem]]:
    """The lines of an uploaded list (code,name; a header line optional), each checked alone
    and against the file's other lines: the good lines, and the problems of the others."""
    text = _decode(data)
    delimiter = csv_files.delimiter_of(text)
    rows = list(csv_files.rows(text, field=FILE_FIELD, delimiter=delimiter))
    if not rows:
        raise ValidationError({FILE_FIELD: N_("The file holds no departments.")})
    columns = _columns(rows[0][1])
    if columns is not None:
        rows = rows[1:]
    if not rows:
        raise ValidationError({FILE_FIELD: N_("The file holds no departments.")})
    code_at, name_at = columns or (0, 1)
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(
            {
                FILE_FIELD: N_(
                    "The file has %(count)s departments; import at most %(most)s at a time.",
                    count=number(len(rows)),
                    most=number(MAX_IMPORT_ROWS),
                )
            }
        )
    lines: list[_Line] = []
    problems: list[Problem] = []
    codes_seen: dict[str, int] = {}
    names_seen: dict[str, int] = {}
    for line_number, row in rows:
        shown = delimiter.join(row)[:MAX_SHOWN_TEXT]
        code = normalize_code(row[code_at]) if code_at < len(row) else ""
        name = normalize_name(row[name_at]) if name_at < len(row) else ""
        extra = [cell for i, cell in enumerate(row) if i not in (code_at, name_at) and cell.strip()]
        if extra and columns is None:
            problems.append(
                Problem(
                    line_number,
                    shown,
                    N_("more than two columns: put a name that holds a comma in double quotes"),
                )
            )
            continue
        reason = code_error(code) or name_error(name)
        if reason is None and code in codes_seen:
            reason = N_(
                "the code %(code)s is already on line %(line)d", code=code, line=codes_seen[code]
            )
        if reason is None and folded_name(name) in names_seen:
            reason = N_(
                "the name “%(name)s” is already on line %(line)d",
                name=name,
                line=names_seen[folded_name(name)],
            )
        if reason is not None:
            problems.append(Problem(line_number, shown, reason))
            continue
        codes_seen[code] = line_number
        names_seen[folded_name(name)] = line_number
        lines.append(_Line(line_number, shown, code, name))
    return lines, problems


async def import_csv(
    db: Database, data: bytes, *, actor_id: int | None, now: datetime
) -> ImportSummary:
    """Import a CSV file of departments, all or nothing: a new code is added, a listed code
    takes the file's name, others stay as they are (the file removes nothing)."""
    lines, problems = read_csv(data)
    summary = ImportSummary()
    async with db.transaction() as tx:
        listed = {d.code: d for d in await list_departments(tx)}
        in_file = {line.code for line in lines}
        # Departments the file names take its names, so only the others' names can clash.
        kept = {folded_name(d.name): d.code for d in listed.values() if d.code not in in_file}
        problems += [
            Problem(
                line.line,
                line.text,
                N_("“%(name)s” is already the name of %(code)s", name=line.name, code=holder),
            )
            for line in lines
            if (holder := kept.get(folded_name(line.name))) is not None
        ]
        if problems:
            in_order = sorted(problems, key=lambda problem: problem.line)
            raise ImportRefused(in_order, field=FILE_FIELD)
        new = [line for line in lines if line.code not in listed]
        if len(listed) + len(new) > departments.MAX_DEPARTMENTS:
            raise ValidationError(
                {
                    FILE_FIELD: N_(
                        "The list would hold %(count)s departments; it holds %(most)s at most.",
                        count=number(len(listed) + len(new)),
                        most=number(departments.MAX_DEPARTMENTS),
                    )
                }
            )
        renames = [
            (listed[line.code], line)
            for line in lines
            if line.code in listed and listed[line.code].name != line.name
        ]
        # Names may pass from one department to another (even swap): free them all first.
        for before, _ in renames:
            await tx.execute(
                "UPDATE departments SET name = ? WHERE id = ?", (f"\x01{before.id}", before.id)
            )
        for before, line in renames:
            await tx.execute("UPDATE departments SET name = ? WHERE id = ?", (line.name, before.id))
            summary.renamed.append(line.code)
        for line in new:
            await tx.execute(
                "INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)",
                (line.code, line.name, to_db(now)),
            )
            summary.added.append(line.code)
        summary.unchanged = len(lines) - len(new) - len(renames)
        if summary.added or summary.renamed:
            details = str(summary).removesuffix(".")
            if summary.added:
                details += "; added " + ", ".join(summary.added)
            if summary.renamed:
                details += "; renamed " + ", ".join(summary.renamed)
            await record_change(
                tx, actor_id=actor_id, action="department_import", details=details, now=now
            )
    return summary
