"""The report's tables downloaded as CSV and JSON, parsed back and checked against the database."""

import csv
import io
import json
from typing import Any

import pytest

from contest.engagement import report_tables
from tests.conftest import Site
from tests.engagement.report_scenario import ANNOUNCED, EMAILS, Scenario, build, judge_and_publish
from tests.factories import PASSWORD  # the scenario's accounts


@pytest.fixture
def scenario(site: Site) -> Scenario:
    return site.run(build, site.db, site.passwords)


@pytest.fixture
def announced(site: Site, scenario: Scenario) -> Scenario:
    """Results published and announced, signed in as the organizer: every table has rows."""
    site.run(judge_and_publish, site.db, scenario)
    site.clock.moment = ANNOUNCED
    site.sign_in("lib@uni.edu", PASSWORD)
    return scenario


def path(s: Scenario, table: str, fmt: str) -> str:
    return f"/manage/contests/{s.contest.id}/report/{table}.{fmt}"


def download(site: Site, url: str) -> tuple[list[str], list[dict[str, str]], dict[str, Any]]:
    """The CSV (header and rows) and the JSON of one table, both checked for their headers."""
    got_csv = site.client.get(url.replace("FMT", "csv"))
    got_json = site.client.get(url.replace("FMT", "json"))
    assert got_csv.status_code == got_json.status_code == 200, (url, got_csv.text)
    assert got_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert got_json.headers["content-type"] == "application/json"
    for response in (got_csv, got_json):
        assert response.headers["cache-control"] == "private, no-store"
    assert not got_csv.text.startswith("\ufeff")  # no BOM, like the results export
    reader = csv.DictReader(io.StringIO(got_csv.text))
    return list(reader.fieldnames or []), list(reader), json.loads(got_json.text)


def as_csv_cells(row: dict[str, Any]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in row.items()}


def test_every_table_in_csv_and_json_agrees_with_the_other_and_the_database(
    site: Site, announced: Scenario
) -> None:
    s, slug = announced, announced.contest.slug
    parsed: dict[str, list[dict[str, Any]]] = {}
    for name in report_tables.TABLES:
        header, csv_rows, data = download(site, path(s, name, "FMT"))
        expected = site.run(
            lambda name=name: report_tables.build_table(
                site.db, s.contest, name, publication=False, now=ANNOUNCED
            )
        )
        assert list(data) == ["table", "columns", "rows"]
        assert (data["table"], data["columns"]) == (name, list(expected.columns))
        assert header == data["columns"]
        assert data["rows"] == expected.records() and data["rows"], name
        assert csv_rows == [as_csv_cells(row) for row in data["rows"]], name
        response = site.client.get(path(s, name, "csv"))
        assert response.headers["content-disposition"] == (
            f'attachment; filename="{slug}-{name}.csv"'
        )
        parsed[name] = data["rows"]
    # And straight from the database, without the report code in between.
    entries = site.rows(
        "SELECT id, title FROM entries WHERE contest_id = ? ORDER BY id", (s.contest.id,)
    )
    assert [(r["id"], r["title"]) for r in parsed["entries"]] == [
        (r["id"], r["title"]) for r in entries
    ]
    assert [r["email"] for r in parsed["participants"]] == [
        "ann@uni.edu",
        "bob@uni.edu",
        "cat@uni.edu",
    ]
    counted = site.value(
        "SELECT count(*) FROM likes JOIN entries ON entries.id = entry_id"
        " WHERE contest_id = ? AND kind = 'vote' AND voided_at IS NULL",
        (s.contest.id,),
    )
    assert sum(r["net_counted_likes"] for r in parsed["likes_by_day"]) == counted == 2
    assert sum(r["views"] for r in parsed["views"]) == site.value(
        "SELECT count(*) FROM entry_views"
    )
    assert sum(r["clicks"] for r in parsed["shares"]) == site.value(
        "SELECT count(*) FROM share_clicks"
    )
    assert [r["body"] for r in parsed["replies"]] == [
        r["body"] for r in site.rows("SELECT body FROM replies ORDER BY entry_id, id")
    ]
    assert [(r["rank"], r["entry_id"]) for r in parsed["judging"]] == [
        (1, s.night_stacks),
        (2, s.reading_room),
    ]


def test_publication_downloads_carry_no_email_address(site: Site, announced: Scenario) -> None:
    s, slug = announced, announced.contest.slug
    organizers = site.client.get(path(s, "participants", "csv")).text
    assert all(email in organizers for email in ("ann@uni.edu", "bob@uni.edu", "cat@uni.edu"))
    for name in report_tables.TABLES:
        for fmt in ("csv", "json"):
            response = site.client.get(path(s, name, fmt), params={"for": "publication"})
            assert response.status_code == 200, (name, fmt)
            assert response.headers["content-disposition"] == (
                f'attachment; filename="{slug}-{name}-publication.{fmt}"'
            )
            for email in EMAILS:
                assert email not in response.text, (name, fmt, email)
            assert "@" not in response.text, (name, fmt)
    header, rows, data = download(site, path(s, "participants", "FMT") + "?for=publication")
    assert "email" not in header and "display_name" not in data["columns"]
    assert "id" not in header and "id" not in data["columns"]
    assert len(rows) == len(data["rows"]) == 2  # Cat's only entry was rejected
    entries = json.loads(site.client.get(path(s, "entries", "json") + "?for=publication").text)
    assert [r["id"] for r in entries["rows"]] == [s.night_stacks, s.reading_room]


def test_formula_looking_title_is_defused_in_csv_and_kept_in_json(
    site: Site, announced: Scenario
) -> None:
    title = '=HYPERLINK("http://evil.example","Click")'
    # Titles are fixed once submissions close (as here), so the row is given one directly.
    site.execute("UPDATE entries SET title = ? WHERE id = ?", (title, announced.night_stacks))
    _, csv_rows, data = download(site, path(announced, "entries", "FMT"))
    assert csv_rows[0]["title"] == "'" + title
    assert data["rows"][0]["title"] == title
    assert site.value("SELECT title FROM entries WHERE id = ?", (announced.night_stacks,)) == title


@pytest.mark.parametrize("email", ["ann@uni.edu", "judge@uni.edu"])
def test_participants_and_judges_are_refused(site: Site, scenario: Scenario, email: str) -> None:
    site.sign_in(email, PASSWORD)
    for fmt in ("csv", "json"):
        response = site.client.get(path(scenario, "participants", fmt))
        assert response.status_code == 403
        assert "bob@uni.edu" not in response.text


def test_visitors_are_sent_to_sign_in(site: Site, scenario: Scenario) -> None:
    response = site.client.get(path(scenario, "participants", "csv"), follow_redirects=False)
    assert response.status_code == 303
    assert "/sign-in?next=" in response.headers["location"]
    assert "bob@uni.edu" not in response.text


def test_unknown_table_format_or_audience_is_refused_clearly(
    site: Site, scenario: Scenario
) -> None:
    site.sign_in("lib@uni.edu", PASSWORD)
    unknown = site.client.get(path(scenario, "judges", "csv"))
    assert unknown.status_code == 404 and "no such report table" in unknown.text
    assert "likes_by_day" in unknown.text  # it lists the tables there are
    xml = site.client.get(path(scenario, "entries", "xml"))
    assert xml.status_code == 404 and ".csv or .json" in xml.text
    assert site.client.get("/manage/contests/999/report/entries.csv").status_code == 404
    press = site.client.get(path(scenario, "participants", "csv"), params={"for": "press"})
    assert press.status_code == 400 and "ann@uni.edu" not in press.text


def test_judging_table_is_empty_with_its_columns_before_results(
    site: Site, scenario: Scenario
) -> None:
    site.sign_in("lib@uni.edu", PASSWORD)
    header, rows, data = download(site, path(scenario, "judging", "FMT"))
    assert header == data["columns"] == list(report_tables.JUDGING_COLUMNS)
    assert rows == [] and data["rows"] == []


def test_publication_daily_figures_count_approved_entries_only(
    site: Site, announced: Scenario
) -> None:
    s = announced
    _, rows, _ = download(site, path(s, "daily", "FMT") + "?for=publication")
    approved = site.value(
        "SELECT count(*) FROM entries WHERE contest_id = ? AND status = 'approved'",
        (s.contest.id,),
    )
    views = site.value(
        "SELECT count(*) FROM entry_views JOIN entries ON entries.id = entry_id"
        " WHERE contest_id = ? AND status = 'approved'",
        (s.contest.id,),
    )
    assert approved < site.value(
        "SELECT count(*) FROM entries WHERE contest_id = ?", (s.contest.id,)
    )
    assert sum(int(row["entries"]) for row in rows) == approved
    assert sum(int(row["views"]) for row in rows) == views
    _, all_rows, _ = download(site, path(s, "daily", "FMT"))
    assert sum(int(row["entries"]) for row in all_rows) > approved  # organizers see them all
