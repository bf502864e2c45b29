"""The list of departments: codes and names, people's choice, renames, removals, merges and
CSV imports (all or nothing)."""

from datetime import UTC, datetime

import pytest

from contest.accounts import department_import, departments, invitations, users
from contest.core import csv_files
from contest.core.db import Database
from contest.core.errors import NotFound, ValidationError
from contest.core.security import Passwords
from tests.factories import add_account, add_departments

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CIVL = ("CIVL", "Civil Engineering")
LIB = ("LIB", "Library")


async def people(db: Database) -> dict[str, str]:
    rows = await db.fetch_all("SELECT email, department FROM users ORDER BY email")
    return {row["email"]: row["department"] for row in rows}


async def audit(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetch_all(
        "SELECT action, details FROM audit_log WHERE contest_id IS NULL ORDER BY id"
    )
    return [(row["action"], row["details"]) for row in rows]


# Codes and names.


async def test_a_code_is_stored_in_capitals_and_unique_ignoring_case(db: Database) -> None:
    await departments.add_department(
        db, code=" civl ", name="  Civil   Engineering ", actor_id=None, now=NOW
    )
    [civl] = await departments.list_departments(db)
    assert (civl.code, civl.name, civl.label) == (
        "CIVL",
        "Civil Engineering",
        "Civil Engineering (CIVL)",
    )
    with pytest.raises(ValidationError) as same_code:
        await departments.add_department(db, code="Civl", name="Civils", actor_id=None, now=NOW)
    assert same_code.value.errors == {"code": "CIVL is already the code of “Civil Engineering”."}
    with pytest.raises(ValidationError) as same_name:
        await departments.add_department(
            db, code="CE", name="CIVIL engineering", actor_id=None, now=NOW
        )
    assert same_name.value.errors == {"name": "“Civil Engineering” is already the name of CIVL."}
    assert await departments.codes(db) == {"CIVL"}


@pytest.mark.parametrize(
    ("code", "name", "field", "words"),
    [
        ("", "Civil Engineering", "code", "short code"),
        ("CIVIL ENG", "Civil Engineering", "code", "no spaces"),
        ("-CIVL", "Civil Engineering", "code", "no spaces"),
        ("C" * 17, "Civil Engineering", "code", "16 characters at most"),
        ("CIVL", "   ", "name", "full name"),
        ("CIVL", "x" * 81, "name", "80 characters at most"),
    ],
)
async def test_a_bad_code_or_name_is_named(
    db: Database, code: str, name: str, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await departments.add_department(db, code=code, name=name, actor_id=None, now=NOW)
    assert words in caught.value.errors[field]
    assert await departments.codes(db) == frozenset()


async def test_codes_may_hold_letters_of_any_script_and_some_punctuation(db: Database) -> None:
    await departments.add_department(db, code="ee&cs", name="EECS", actor_id=None, now=NOW)
    await departments.add_department(db, code="génie", name="Génie civil", actor_id=None, now=NOW)
    assert await departments.codes(db) == {"EE&CS", "GÉNIE"}


# People's choice.


def test_without_a_list_any_short_department_is_kept_and_with_one_only_a_listed_code() -> None:
    assert users.department_error("Anything at all") is None
    assert "under 40" in (users.department_error("x" * 41) or "")
    listed = frozenset({"CIVL"})
    assert users.department_error("civl", listed) is None
    assert users.department_error("", listed) is None  # "not listed"
    assert users.department_error("Civil Engineering", listed) == users.NOT_LISTED
    fields = {"display_name": "Ann", "affiliation": "student", "department": "ARTS"}
    assert users.profile_errors(fields) == {}
    assert users.profile_errors(fields, listed) == {"department": users.NOT_LISTED}


async def test_a_sign_up_form_with_an_unlisted_department_is_refused_with_every_problem(
    db: Database,
) -> None:
    fields = {
        "display_name": "",
        "email": "ann@",
        "affiliation": "student",
        "department": "Civil Eng",
        "password": "short",
    }
    await departments.refuse_unlisted(db, fields)  # no list: free text, as before
    await add_departments(db, CIVL)
    with pytest.raises(ValidationError) as caught:
        await departments.refuse_unlisted(db, fields)
    assert caught.value.errors["department"] == users.NOT_LISTED
    assert set(caught.value.errors) == {"department", "display_name", "email", "password"}
    await departments.refuse_unlisted(db, fields | {"department": "civl"})
    await departments.refuse_unlisted(db, fields | {"department": ""})


async def test_an_invitation_with_an_unlisted_department_is_refused_and_stays_usable(
    db: Database, passwords: Passwords
) -> None:
    inviter = await add_account(
        db, passwords, email="org@uni.edu", role="organizer", department="LIB"
    )
    await add_departments(db, CIVL, LIB)
    token = await invitations.invite(
        db,
        email="jun@uni.edu",
        role="judge",
        contest_id=None,
        invited_by=inviter,
        link_for=lambda token: token,
        now=NOW,
    )
    fields = {"display_name": "Jun", "password": "judging is fun", "department": "ARTS"}
    with pytest.raises(ValidationError) as caught:
        await invitations.accept(db, passwords, token, fields=fields, now=NOW)
    assert caught.value.errors == {"department": users.NOT_LISTED}
    assert await db.fetch_value("SELECT accepted_at FROM invitations") is None
    user_id = await invitations.accept(
        db, passwords, token, fields=fields | {"department": "lib"}, now=NOW
    )
    assert (await users.get_user_row(db, user_id))["department"] == "LIB"


async def test_someone_changes_their_own_department_within_the_list(
    db: Database, passwords: Passwords
) -> None:
    ann = await add_account(db, passwords, email="ann@uni.edu", department="Civil Eng")
    changed = await departments.set_user_department(db, user_id=ann.id, value="maths dept")
    assert changed == "MATHS DEPT"  # no list yet: free text, in capitals
    await add_departments(db, CIVL)
    with pytest.raises(ValidationError) as caught:
        await departments.set_user_department(db, user_id=ann.id, value="ARTS")
    assert caught.value.errors == {"department": users.NOT_LISTED}
    # Saving the form unchanged keeps a value from before the list.
    assert await departments.set_user_department(db, user_id=ann.id, value="Maths dept") == (
        "MATHS DEPT"
    )
    assert await departments.set_user_department(db, user_id=ann.id, value="civl") == "CIVL"
    assert await departments.set_user_department(db, user_id=ann.id, value="") == ""
    with pytest.raises(NotFound):
        await departments.set_user_department(db, user_id=999, value="CIVL")


# Renaming, removing and merging.


async def test_a_new_code_moves_its_people_and_is_written_to_the_audit_log(
    db: Database, passwords: Passwords
) -> None:
    await add_account(db, passwords, email="ann@uni.edu", department="CIVL")
    await add_account(db, passwords, email="bob@uni.edu", department="LIB")
    [civl_id, _] = await add_departments(db, CIVL, LIB)
    moved = await departments.change_department(
        db, civl_id, code="cive", name="Civil & Environmental", actor_id=None, now=NOW
    )
    assert moved == 1
    assert await people(db) == {"ann@uni.edu": "CIVE", "bob@uni.edu": "LIB"}
    assert (await audit(db))[-1] == (
        "department_change",
        "Changed CIVL: code CIVL → CIVE (1 person moved),"
        " name “Civil Engineering” → “Civil & Environmental”",
    )
    with pytest.raises(ValidationError) as clash:
        await departments.change_department(
            db, civl_id, code="LIB", name="Civil & Environmental", actor_id=None, now=NOW
        )
    assert clash.value.errors == {"code": "LIB is already the code of “Library”."}
    with pytest.raises(NotFound):
        await departments.change_department(db, 999, code="X", name="X", actor_id=None, now=NOW)


async def test_a_removed_departments_people_keep_its_code_until_it_is_listed_again(
    db: Database, passwords: Passwords
) -> None:
    await add_account(db, passwords, email="ann@uni.edu", department="CIVL")
    [civl_id] = await add_departments(db, CIVL)
    assert await departments.remove_department(db, civl_id, actor_id=None, now=NOW) == 1
    assert await people(db) == {"ann@uni.edu": "CIVL"}
    assert await departments.unlisted_values(db) == [departments.Unlisted("CIVL", 1)]
    await add_departments(db, CIVL)
    assert await departments.unlisted_values(db) == []
    [listed] = await departments.listed_with_people(db)
    assert (listed.department.code, listed.people) == ("CIVL", 1)
    assert [action for action, _ in await audit(db)] == [
        "department_add",
        "department_remove",
        "department_add",
    ]
    with pytest.raises(NotFound):
        await departments.remove_department(db, civl_id, actor_id=None, now=NOW)


async def test_unlisted_values_are_merged_onto_a_code_and_the_merge_is_audited(
    db: Database, passwords: Passwords
) -> None:
    org = await add_account(db, passwords, email="org@uni.edu", role="organizer")
    for email, typed in [
        ("ann@uni.edu", "Civil Engineering"),
        ("bob@uni.edu", "civil engineering"),
        ("cat@uni.edu", "CE"),
        ("dan@uni.edu", "Physics"),
        ("eve@uni.edu", "CIVL"),
    ]:
        await add_account(db, passwords, email=email, department=typed)
    await add_departments(db, CIVL)
    assert await departments.unlisted_values(db) == [
        departments.Unlisted("CIVIL ENGINEERING", 2),
        departments.Unlisted("CE", 1),
        departments.Unlisted("PHYSICS", 1),
    ]
    changed = await departments.merge_values(
        db, ["CIVIL ENGINEERING", "CE"], code="civl", actor_id=org.id, now=NOW
    )
    assert changed == 3
    assert await people(db) == {
        "ann@uni.edu": "CIVL",
        "bob@uni.edu": "CIVL",
        "cat@uni.edu": "CIVL",
        "dan@uni.edu": "PHYSICS",
        "eve@uni.edu": "CIVL",
        "org@uni.edu": "",
    }
    [entry] = await departments.history(db, limit=1)
    assert entry["actor_id"] == org.id and entry["action"] == "department_merge"
    assert entry["details"] == "Merged “CIVIL ENGINEERING” (2), “CE” (1) into CIVL: 3 people"


@pytest.mark.parametrize(
    ("values", "code", "errors"),
    [
        ([], "CIVL", {"values": "Tick the values to merge."}),
        (["PHYSICS"], "", {"code": "Choose the department to merge them into."}),
        (["PHYSICS"], "ARTS", {"code": "Choose the department to merge them into."}),
        (["CIVL"], "CIVL", {"values": "“CIVL” is no longer an unlisted value"}),
        (["NOBODY", "PHYSICS"], "CIVL", {"values": "“NOBODY” is no longer an unlisted value"}),
        (
            [f"V{i}" for i in range(departments.MAX_MERGE_VALUES + 1)],
            "CIVL",
            {"values": "Merge at most 100 values at once."},
        ),
    ],
)
async def test_a_merge_that_cannot_be_done_changes_nobody(
    db: Database, passwords: Passwords, values: list[str], code: str, errors: dict[str, str]
) -> None:
    await add_account(db, passwords, email="ann@uni.edu", department="CIVL")
    await add_account(db, passwords, email="dan@uni.edu", department="Physics")
    await add_departments(db, CIVL)
    before = await people(db)
    with pytest.raises(ValidationError) as caught:
        await departments.merge_values(db, values, code=code, actor_id=None, now=NOW)
    assert set(caught.value.errors) == set(errors)
    for field, start in errors.items():
        assert caught.value.errors[field].startswith(start)
    assert await people(db) == before
    assert [action for action, _ in await audit(db)] == ["department_add"]


# Importing a CSV file.


async def test_a_file_with_a_header_and_a_bom_is_imported_and_listed_codes_take_its_names(
    db: Database,
) -> None:
    await add_departments(db, ("CIVL", "Civil Eng."), LIB)
    data = (
        "\ufeffCode,Name\r\n"
        "civl,Civil Engineering\r\n"
        "LIB,Library\r\n"
        '\r\nARTS,"Arts, Humanities"\r\n'
        "COMP , Computer  Science \r\n"
    ).encode()
    summary = await department_import.import_csv(db, data, actor_id=None, now=NOW)
    assert (summary.added, summary.renamed, summary.unchanged) == (["ARTS", "COMP"], ["CIVL"], 1)
    listed = {d.code: d.name for d in await departments.list_departments(db)}
    assert listed == {
        "ARTS": "Arts, Humanities",
        "CIVL": "Civil Engineering",
        "COMP": "Computer Science",
        "LIB": "Library",
    }
    assert (await audit(db))[-1] == (
        "department_import",
        "Imported the file: 2 added, 1 renamed, 1 unchanged; added ARTS, COMP; renamed CIVL",
    )


async def test_a_file_without_a_header_in_semicolons_is_imported(db: Database) -> None:
    data = "CIVL;Génie civil\nLIB;Bibliothèque\n".encode()
    summary = await department_import.import_csv(db, data, actor_id=None, now=NOW)
    assert summary.added == ["CIVL", "LIB"]
    assert str(summary) == "Imported the file: 2 added, 0 renamed, 0 unchanged."


async def test_a_file_with_bad_lines_imports_nothing_and_names_each_line(db: Database) -> None:
    await add_departments(db, LIB)
    data = (
        b"code,name\n"
        b"CIVL,Civil Engineering\n"
        b"ARTS\n"
        b"civil eng,Civil Eng\n"
        b"civl,Civil Engineering again\n"
        b"MATH,civil engineering\n"
        b"LIBR,Library\n"
        b"PHYS,Physics\n"
    )
    with pytest.raises(department_import.ImportRefused) as caught:
        await department_import.import_csv(db, data, actor_id=None, now=NOW)
    assert [(p.line, p.reason) for p in caught.value.problems] == [
        (3, "Give the department's full name, e.g. Civil Engineering."),
        (4, departments.code_error("CIVIL ENG")),
        (5, "the code CIVL is already on line 2"),
        (6, "the name “civil engineering” is already on line 2"),
        (7, "“Library” is already the name of LIB"),
    ]
    assert caught.value.problems[0].text == "ARTS"
    assert "5 lines" in caught.value.errors["csv_file"]
    assert await departments.codes(db) == {"LIB"}  # nothing stored, not even line 2
    # Against the list: a name another listed department keeps.
    with pytest.raises(department_import.ImportRefused) as clash:
        await department_import.import_csv(
            db, b"CIVL,Civil Engineering\nLIBR,Library\n", actor_id=None, now=NOW
        )
    assert [(p.line, p.reason) for p in clash.value.problems] == [
        (2, "“Library” is already the name of LIB")
    ]
    # ... unless the file renames that department too.
    await department_import.import_csv(
        db, b"LIBR,Library\nLIB,Old library\n", actor_id=None, now=NOW
    )
    assert {d.code: d.name for d in await departments.list_departments(db)} == {
        "LIB": "Old library",
        "LIBR": "Library",
    }


async def test_a_line_with_an_unquoted_comma_is_named(db: Database) -> None:
    with pytest.raises(department_import.ImportRefused) as caught:
        await department_import.import_csv(
            db, b"ARTS,Arts, Humanities\nLIB,Library,\n", actor_id=None, now=NOW
        )
    [problem] = caught.value.problems
    assert problem.line == 1 and "double quotes" in problem.reason


async def test_only_the_first_problems_are_listed(db: Database) -> None:
    data = "".join(f"bad code {i},Name {i}\n" for i in range(60)).encode()
    with pytest.raises(department_import.ImportRefused) as caught:
        await department_import.import_csv(db, data, actor_id=None, now=NOW)
    assert len(caught.value.problems) == csv_files.MAX_SHOWN_PROBLEMS
    assert caught.value.more == 10
    assert "60 lines" in caught.value.errors["csv_file"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "Choose a CSV file"),
        (b"code,name\n", "holds no departments"),
        (b"x" * (department_import.MAX_IMPORT_BYTES + 1), "must stay under 256 KB"),
        (b"PK\x03\x04workbook", "spreadsheet workbook"),
        (b"CIVL,Civil\nARTS,Caf\xe9s\n", "Line 2 is not UTF-8 text"),
        (b"CIVL,Civil\x00\n", "not plain text"),
        (b'CIVL,"Civil\n', "could not be read as CSV"),
        (b"code,title\nCIVL,Civil\n", "no name column"),
        (
            "".join(
                f"D{i},Dept {i}\n" for i in range(department_import.MAX_IMPORT_ROWS + 1)
            ).encode(),
            "import at most 1,000 at a time",
        ),
    ],
)
async def test_a_file_that_cannot_be_read_is_refused_with_a_reason(
    db: Database, data: bytes, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await department_import.import_csv(db, data, actor_id=None, now=NOW)
    assert words in caught.value.errors["csv_file"]
    assert await departments.codes(db) == frozenset()


async def test_the_list_never_grows_past_its_limit(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(departments, "MAX_DEPARTMENTS", 2)
    await add_departments(db, CIVL)
    with pytest.raises(ValidationError) as by_file:
        await department_import.import_csv(db, b"ARTS,Arts\nLIB,Library\n", actor_id=None, now=NOW)
    assert "2 at most" in by_file.value.errors["csv_file"]
    await add_departments(db, LIB)
    with pytest.raises(ValidationError) as by_hand:
        await departments.add_department(db, code="ARTS", name="Arts", actor_id=None, now=NOW)
    assert "2 departments at most" in by_hand.value.errors["code"]
