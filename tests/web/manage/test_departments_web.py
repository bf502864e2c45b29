"""The departments page (add, rename, remove, import, merge) and the choice it gives the
sign-up, invitation and account forms."""

import re

import pytest

from contest.accounts import invitations
from contest.accounts.users import NOT_LISTED
from tests.conftest import Site
from tests.factories import add_departments

PAGE = "/manage/departments"
CIVL = ("CIVL", "Civil Engineering")
LIB = ("LIB", "Library")
SIGN_UP = {
    "display_name": "Ann Wong",
    "email": "ann@uni.edu",
    "affiliation": "student",
    "password": "a good password",
}


def listed(site: Site) -> dict[str, str]:
    return {row["code"]: row["name"] for row in site.rows("SELECT code, name FROM departments")}


def department_id(site: Site, code: str) -> int:
    return int(site.value("SELECT id FROM departments WHERE code = ?", (code,)))


def department_of(site: Site, email: str) -> str:
    return str(site.value("SELECT department FROM users WHERE email = ?", (email,)))


def upload(site: Site, content: bytes, name: str = "departments.csv"):  # type: ignore[no-untyped-def]
    token = site.csrf(PAGE)
    return site.client.post(
        PAGE + "/import",
        data={"csrf_token": token},
        files={"csv_file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def test_the_manage_page_links_to_the_departments(site: Site) -> None:
    site.sign_in_as("organizer")
    assert f'{PAGE}">Departments</a>' in site.client.get("/manage").text


def test_an_organizer_adds_renames_and_removes_a_department(site: Site) -> None:
    organizer = site.user(site.add_user("organizer", "lib@uni.edu", department="LIB")).id
    site.sign_in("lib@uni.edu")
    site.add_user("participant", "pat@uni.edu", department="civl")
    page = site.client.get(PAGE)
    assert page.status_code == 200 and "No departments yet" in page.text
    added = site.post(PAGE, {"code": "civl", "name": "Civil Engineering"}, follow_redirects=False)
    assert added.status_code == 303
    page = site.client.get(added.headers["location"])
    assert "Department added." in page.text
    assert 'value="CIVL"' in page.text and 'value="Civil Engineering"' in page.text
    assert listed(site) == {"CIVL": "Civil Engineering"}

    civl = department_id(site, "CIVL")
    renamed = site.post(
        f"{PAGE}/change",
        {"department_id": civl, "action": "save", "code": "CIVE", "name": "Civil & Environmental"},
        form_page=PAGE,
        follow_redirects=False,
    )
    assert renamed.status_code == 303
    assert "1 person moved to the new code" in site.client.get(renamed.headers["location"]).text
    assert department_of(site, "pat@uni.edu") == "CIVE"

    removed = site.post(
        f"{PAGE}/change", {"department_id": civl, "action": "remove"}, form_page=PAGE
    )
    assert removed.status_code == 200
    assert "Department removed. 1 person keeps its code, now unlisted" in removed.text
    assert listed(site) == {}
    assert department_of(site, "pat@uni.edu") == "CIVE"
    history = site.rows("SELECT actor_id, action FROM audit_log WHERE contest_id IS NULL")
    assert history == [
        {"actor_id": organizer, "action": "department_add"},
        {"actor_id": organizer, "action": "department_change"},
        {"actor_id": organizer, "action": "department_remove"},
    ]
    assert "Removed CIVE: Civil &amp; Environmental" in removed.text  # the page's history


def test_bad_codes_and_names_are_shown_with_what_was_typed(site: Site) -> None:
    site.sign_in_as("organizer")
    site.run(add_departments, site.db, CIVL, LIB)
    refused = site.post(PAGE, {"code": "civil eng", "name": ""})
    assert refused.status_code == 400
    assert "no spaces" in refused.text and "full name" in refused.text
    assert 'value="civil eng"' in refused.text
    civl = department_id(site, "CIVL")
    clash = site.post(
        f"{PAGE}/change",
        {"department_id": civl, "action": "save", "code": "lib", "name": "Civils"},
        form_page=PAGE,
    )
    assert clash.status_code == 400
    assert "LIB is already the code of “Library”." in clash.text
    assert f'id="code-{civl}" form="edit-{civl}" name="code"' in clash.text
    assert 'value="lib"' in clash.text and 'value="Civils"' in clash.text
    assert listed(site) == {"CIVL": "Civil Engineering", "LIB": "Library"}
    for missing in ("999", "", "x"):
        gone = site.post(
            f"{PAGE}/change", {"department_id": missing, "action": "remove"}, form_page=PAGE
        )
        assert gone.status_code == 404, missing


def test_a_csv_file_is_imported_whole_or_not_at_all(site: Site) -> None:
    site.sign_in_as("organizer")
    bad = upload(site, b"code,name\nCIVL,Civil Engineering\nLIB\nbad code,Arts\n")
    assert bad.status_code == 400
    assert "Nothing was imported: 2 lines of the file need another look" in bad.text
    lines = re.findall(r'<td class="number">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>', bad.text)
    assert [(line, text) for line, text, _ in lines] == [("3", "LIB"), ("4", "bad code,Arts")]
    assert "full name" in lines[0][2] and "no spaces" in lines[1][2]
    assert listed(site) == {}

    good = upload(site, "\ufeffcode,name\nCIVL,Civil Engineering\nLIB,Library\n".encode())
    assert good.status_code == 303
    page = site.client.get(good.headers["location"])
    assert "Imported the file: 2 added, 0 renamed, 0 unchanged." in page.text
    assert listed(site) == {"CIVL": "Civil Engineering", "LIB": "Library"}

    latin = upload(site, b"ARTS,Caf\xe9\n")
    assert latin.status_code == 400 and "Line 1 is not UTF-8 text" in latin.text
    empty = upload(site, b"", name="")
    assert empty.status_code == 400 and "Choose a CSV file" in empty.text


def test_unlisted_values_are_shown_with_their_counts_and_merged(site: Site) -> None:
    site.sign_in_as("organizer")
    for email, typed in [
        ("ann@uni.edu", "Civil Engineering"),
        ("bob@uni.edu", "civil engineering"),
        ("cat@uni.edu", "CE"),
        ("dan@uni.edu", "Physics"),
    ]:
        site.add_user("participant", email, department=typed)
    assert "Add the departments first" in site.client.get(PAGE).text
    site.run(add_departments, site.db, CIVL)
    page = site.client.get(PAGE).text
    assert re.search(r'value="CIVIL ENGINEERING">\s*CIVIL ENGINEERING.*\(2 people\)', page)
    assert re.search(r'value="CE">\s*CE.*\(1 person\)', page)
    nothing = site.post(PAGE + "/merge", {"into": "CIVL"}, form_page=PAGE)
    assert nothing.status_code == 400 and "Tick the values to merge." in nothing.text
    no_target = site.post(PAGE + "/merge", {"values": ["CE"]}, form_page=PAGE)
    assert no_target.status_code == 400
    assert "Choose the department to merge them into." in no_target.text
    assert 'value="CE" checked' in no_target.text
    merged = site.post(
        PAGE + "/merge",
        {"values": ["CIVIL ENGINEERING", "CE"], "into": "CIVL"},
        form_page=PAGE,
        follow_redirects=False,
    )
    assert merged.status_code == 303
    page = site.client.get(merged.headers["location"]).text
    assert "Merged: 3 people now have the department." in page
    assert "Merged “CIVIL ENGINEERING” (2), “CE” (1) into CIVL: 3 people" in page
    rows = site.rows("SELECT email, department FROM users WHERE role = 'participant'")
    assert {row["email"]: row["department"] for row in rows} == {
        "ann@uni.edu": "CIVL",
        "bob@uni.edu": "CIVL",
        "cat@uni.edu": "CIVL",
        "dan@uni.edu": "PHYSICS",
    }


@pytest.mark.parametrize("role", ["participant", "judge"])
def test_only_organizers_keep_the_list(site: Site, role: str) -> None:
    site.run(add_departments, site.db, CIVL)
    site.add_user("participant", "pat@uni.edu", department="Civil Eng")
    site.sign_in_as(role)
    token = site.csrf("/")
    assert site.client.get(PAGE).status_code == 403
    posts: list[tuple[str, dict[str, str | int]]] = [
        (PAGE, {"code": "ARTS", "name": "Arts"}),
        (f"{PAGE}/change", {"department_id": department_id(site, "CIVL"), "action": "remove"}),
        (PAGE + "/merge", {"values": "CIVIL ENG", "into": "CIVL"}),
    ]
    for path, data in posts:
        response = site.client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 403, path
    files = {"csv_file": ("d.csv", b"ARTS,Arts\n", "text/csv")}
    response = site.client.post(PAGE + "/import", data={"csrf_token": token}, files=files)
    assert response.status_code == 403
    assert listed(site) == {"CIVL": "Civil Engineering"}
    assert department_of(site, "pat@uni.edu") == "CIVIL ENG"


# The choice on people's forms.


def test_sign_up_offers_the_list_and_refuses_a_value_not_on_it(site: Site) -> None:
    assert 'input id="department" name="department"' in site.client.get("/sign-up").text
    site.run(add_departments, site.db, CIVL, LIB)
    form = site.client.get("/sign-up").text
    assert '<select id="department" name="department"' in form
    assert '<option value="CIVL">Civil Engineering (CIVL)</option>' in form
    assert '<option value="" selected>Not listed / prefer not to say</option>' in form
    refused = site.post("/sign-up", {**SIGN_UP, "department": "Civil Eng", "password": "x"})
    assert refused.status_code == 400
    assert NOT_LISTED in refused.text and "at least 10 characters" in refused.text
    assert site.value("SELECT count(*) FROM users") == 0
    # The same answer for an address that has an account (nothing tells them apart).
    site.add_user("participant", "bob@uni.edu")
    taken = site.post("/sign-up", {**SIGN_UP, "email": "bob@uni.edu", "department": "X"})
    assert taken.status_code == 400 and NOT_LISTED in taken.text
    assert site.value("SELECT count(*) FROM outbox") == 0
    accepted = site.post("/sign-up", {**SIGN_UP, "department": "LIB"}, follow_redirects=False)
    assert accepted.status_code == 303
    assert department_of(site, "ann@uni.edu") == "LIB"


def test_an_invitation_offers_the_list(site: Site) -> None:
    inviter = site.user(site.add_user("organizer", "org@uni.edu"))
    site.run(add_departments, site.db, CIVL, LIB)
    token = site.run(
        invitations.invite,
        site.db,
        email="jun@uni.edu",
        role="judge",
        contest_id=None,
        invited_by=inviter,
        link_for=lambda token: token,
        now=site.clock(),
    )
    path = f"/invitations/{token}"
    assert '<option value="LIB">Library (LIB)</option>' in site.client.get(path).text
    fields = {"display_name": "Jun", "affiliation": "staff", "password": "judging is fun"}
    refused = site.post(path, {**fields, "department": "ARTS"})
    assert refused.status_code == 400 and NOT_LISTED in refused.text
    accepted = site.post(path, {**fields, "department": "LIB"}, follow_redirects=False)
    assert accepted.status_code == 303
    assert department_of(site, "jun@uni.edu") == "LIB"


def test_the_account_page_names_the_department_and_lets_its_owner_choose(site: Site) -> None:
    site.add_user("participant", "pat@uni.edu", department="Civil Eng")
    site.sign_in("pat@uni.edu")
    page = site.client.get("/account").text
    assert "<dd>CIVIL ENG</dd>" in page and 'value="CIVIL ENG"' in page  # no list: free text
    site.run(add_departments, site.db, CIVL, LIB)
    page = site.client.get("/account").text
    assert '<option value="CIVIL ENG" selected>CIVIL ENG (as you typed it; not on the list)' in page
    refused = site.post("/account/department", {"department": "ARTS"}, form_page="/account")
    assert refused.status_code == 400 and NOT_LISTED in refused.text
    saved = site.post("/account/department", {"department": "CIVL"}, form_page="/account")
    assert saved.status_code == 200 and "Your department is saved." in saved.text
    assert "<dd>Civil Engineering (CIVL)</dd>" in saved.text
    assert department_of(site, "pat@uni.edu") == "CIVL"
    site.client.cookies.clear()
    anonymous = site.client.post("/account/department", data={"department": "LIB"})
    assert anonymous.status_code in (400, 401)
    assert department_of(site, "pat@uni.edu") == "CIVL"
