"""The organizers' dashboard and report pages show the known contest's figures, and only to them."""

import html
import re

import pytest

from contest.engagement import report_tables
from tests.conftest import Site
from tests.engagement import reply_data
from tests.engagement.engagement_data import (
    NOW,
    ORGANIZER_EMAIL,
    Known,
    build,
    empty_contest,
    publish_results,
)

TAG = re.compile(r"<[^>]+>")


def text(fragment: str) -> str:
    """A fragment of HTML as the reader sees it: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def table(page: str, table_id: str) -> list[list[str]]:
    """The body and footer rows of the table with that id, cell by cell."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    assert match, f"no table {table_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group().split("</thead>")[-1], re.S)
    return [
        [text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)] for row in rows
    ]


def facts(page: str, list_id: str) -> dict[str, str]:
    """The terms and descriptions of the definition list with that id."""
    match = re.search(rf'<dl[^>]*id="{list_id}".*?</dl>', page, re.S)
    assert match, f"no list {list_id}"
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", match.group(), re.S)
    return {text(term): text(value) for term, value in pairs}


def chart_rows(page: str, chart_id: str) -> list[list[str]]:
    """The table beside a chart."""
    match = re.search(rf'<figure[^>]*id="{chart_id}".*?</figure>', page, re.S)
    assert match, f"no chart {chart_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group().split("</thead>")[-1], re.S)
    return [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


@pytest.fixture
def known(site: Site) -> Known:
    site.clock.moment = NOW
    built = site.run(build, site.db, site.passwords)
    site.sign_in(ORGANIZER_EMAIL)
    return built


def test_dashboard_shows_every_figure_of_the_known_contest(site: Site, known: Known) -> None:
    response = site.client.get(f"/manage/contests/{known.contest.id}/dashboard")
    assert response.status_code == 200
    page = response.text
    assert table(page, "entries-by-status") == [
        ["Approved", "4"],
        ["Pending", "1"],
        ["Rejected", "1"],
        ["Withdrawn", "1"],
        ["Total", "7"],
    ]
    assert table(page, "entries-by-category") == [
        ["Day", "3", "2"],
        ["Night", "3", "2"],
        ["No category", "1", "0"],
    ]
    assert table(page, "participants-by-affiliation") == [
        ["Student", "3"],
        ["Staff", "1"],
        ["Alumni", "1"],
        ["Other", "0"],
    ]
    assert table(page, "participants-by-department") == [
        ["CIVL", "2"],
        ["COMP", "1"],
        ["LIB", "1"],
        ["Not given", "1"],
    ]
    assert table(page, "entries-per-participant") == [["1", "3"], ["2", "2"]]
    people = facts(page, "participant-facts")
    assert people["Entries per participant"] == "1.4"
    assert people["First-time participants"] == "4 of 5 (1 returning from 1 earlier contest)"
    assert facts(page, "public-facts") == {
        "Likes (People's Choice)": "4",
        "Unique voters": "3",
        "Library picks": "2",
        "Entry views": "5",
        "Share clicks": "4",
    }
    definition = "A view is one browser opening an entry's page on a day;"
    assert text(page.split('id="view-definition">')[1].split("</small>")[0]).startswith(definition)
    assert text(page.split('id="views-defined">')[1].split("</p>")[0]).startswith(definition)
    assert table(page, "arrival-sources") == [["Facebook", "1"], ["WhatsApp", "1"]]
    networks = {row[0]: row[1:] for row in table(page, "shares-by-network-table")}
    assert networks["WhatsApp"] == ["2", "1"]
    assert networks["Facebook"] == ["1", "1"]
    assert networks["X"] == ["1", "0"]
    assert table(page, "top-entries") == [
        ["Lamplight", "3", "1", "3"],
        ["Steps", "1", "0", "1"],
        ["Moon", "0", "1", "1"],
    ]
    assert "Top hashtags besides #DayAndNightAtTheLibrary" in page
    assert table(page, "top-hashtags")[0] == ["#library", "3"]
    assert table(page, "library-picks") == [["Lamplight", "1"], ["Moon", "1"]]
    assert facts(page, "staff-facts") == {
        "Replied within a day of submission": "33.3% (1 of 3)",
        "Still inside their first 24 hours": "1 (0 already answered)",
        "Replied within a day of approval": "66.7% (2 of 3)",
        "Median time from approval to first reply": "5 hours",
        "Approved entries with a reply": "2 of 4",
        "Still waiting for a reply": "2",
    }
    assert "“Within a day of submission” is the measure libraries quote" in page
    waiting_list = page.split('id="waiting">')[1].split("</ul>")[0]
    # Approval times in Hong Kong; the pending Atrium is not listed: nobody can reply to it yet.
    assert text(waiting_list) == "Moon · approved 4 Mar 12:00 Stacks · approved 7 Mar 09:00"
    for link in re.findall(r'href="([^"]+)"', waiting_list):
        assert site.client.get(html.unescape(link)).status_code == 200, link
    assert facts(page, "judging-facts") == {
        "Entries scored by at least 2 judges": "1 of 4 (25%)",
        "Reviews given": "3",
    }
    assert table(page, "judges-progress") == [["Judge One", "2", "4"], ["Judge Two", "1", "4"]]


def test_the_reply_headline_is_the_librarys_measure_and_a_partial_day_stands_apart(
    site: Site,
) -> None:
    site.clock.moment = reply_data.NOW
    built = site.run(reply_data.build, site.db, site.passwords, site.storage)
    site.sign_in(reply_data.ORGANIZER_EMAIL)
    base = f"/manage/contests/{built.contest.id}"
    page = site.client.get(f"{base}/dashboard").text
    headline = text(page.split('id="reply-headline">')[1].split("</li>")[0])
    assert headline == (
        "17.4% (16 of 92) replied within a day of submission"
        " 4 more in their first 24 hours, 1 already answered"
    )
    staff = facts(page, "staff-facts")
    assert staff["Replied within a day of submission"] == "17.4% (16 of 92)"
    assert staff["Still inside their first 24 hours"] == "4 (1 already answered)"
    assert staff["Replied within a day of approval"] == "39.1% (36 of 92)"
    assert staff["Approved entries with a reply"] == "37 of 96"
    report = site.client.get(f"{base}/report").text
    assert facts(report, "staff-facts") == staff
    summary = text(report.split('id="summary">')[1].split("</div>")[0])
    assert "replied to 17.4% of entries within 24 hours of submission (16 of 92)" in summary
    # The replies download times each reply from submission as well as from approval.
    rows = site.client.get(f"{base}/report/replies.json").json()["rows"]
    within = {r["entry_id"] for r in rows if r["hours_since_submission"] <= 24}
    assert len(rows) == 37 and len(within) == 17  # 16, and the fresh entry's answer
    assert within - set(built.past) == {built.fresh[0]}


def test_dashboard_charts_have_titles_and_tables_with_the_daily_numbers(
    site: Site, known: Known
) -> None:
    page = site.client.get(f"/manage/contests/{known.contest.id}/dashboard").text
    assert page.count('<svg class="chart"') == 5
    assert '<title id="likes-per-day-title">Likes per day</title>' in page
    assert 'aria-labelledby="likes-per-day-title likes-per-day-desc"' in page
    week = ["Sun 1", "Mon 2", "Tue 3", "Wed 4", "Thu 5", "Fri 6", "Sat 7"]

    def per_day(counts: list[int]) -> list[list[str]]:
        return [[f"{day} Mar 2026", str(n)] for day, n in zip(week, counts, strict=True)]

    # Every daily chart runs from the day submissions opened to today, quiet days included.
    assert chart_rows(page, "entries-per-day") == per_day([0, 3, 1, 2, 0, 0, 1])
    assert chart_rows(page, "likes-per-day") == per_day([0, 0, 0, 0, 1, 3, 0])
    assert chart_rows(page, "views-per-day") == per_day([0, 0, 0, 0, 3, 0, 2])
    assert chart_rows(page, "shares-per-day") == per_day([0, 0, 0, 0, 1, 1, 2])
    bars = re.findall(
        r'<rect class="chart-bar"[^>]*height="([\d.]+)"', page.split('id="likes-per-day"')[1]
    )
    assert float(bars[5]) == pytest.approx(3 * float(bars[4]), abs=0.05)
    assert " style=" not in page  # the CSP forbids inline styles


def test_report_opens_with_the_summary_and_names_winners_once_published(
    site: Site, known: Known
) -> None:
    path = f"/manage/contests/{known.contest.id}/report"
    page = site.client.get(path).text
    summary = text(page.split('id="summary">')[1].split("</div>")[0])
    assert summary.startswith(
        "7 entries from 5 participants, 3 students, 1 staff member and 1 alumnus."
        " Of these, 4 were approved, 1 is awaiting review, 1 was rejected and 1 was withdrawn."
    )
    assert "The album received 4 likes from 3 voters." in summary
    assert "winning entry" not in summary
    assert page.count('<svg class="chart"') == 5
    # The daily charts' numbers in one table: day, entries, likes, views, share clicks.
    assert table(page, "daily-numbers-1")[4:6] == [
        ["5 Mar", "0", "1", "3", "1"],
        ["6 Mar", "0", "3", "0", "1"],
    ]
    site.run(publish_results, site.db, known)
    summary = text(site.client.get(path).text.split('id="summary">')[1].split("</div>")[0])
    assert "The winning entry, “Steps”, received 1 like." in summary
    assert "People's Choice went to “Lamplight” with 3 likes." in summary


def test_empty_contest_pages_say_no_data_yet(site: Site) -> None:
    site.clock.moment = NOW
    contest = site.run(empty_contest, site.db)
    site.sign_in_as("organizer")
    for name in ("dashboard", "report"):
        response = site.client.get(f"/manage/contests/{contest.id}/{name}")
        assert response.status_code == 200, name
        page = response.text
        assert "<svg" not in page
        for chart in ("entries", "likes", "views", "shares"):
            figure = page.split(f'id="{chart}-per-day"')[1].split("</figure>")[0]
            assert text(figure).endswith("per day No data yet."), figure
        staff = facts(page, "staff-facts")
        assert staff["Replied within a day of submission"] == "no data yet"
        assert staff["Replied within a day of approval"] == "no data yet"
        assert staff["Median time from approval to first reply"] == "no data yet"
        assert facts(page, "participant-facts")["Entries per participant"] == "no data yet"
        assert table(page, "top-hashtags") == [
            ["No other hashtags yet: every entry carries #DayAndNightAtTheLibrary."]
        ]
        assert facts(page, "judging-facts")["Entries scored by at least 2 judges"] == (
            "0 of 0 (no data yet)"
        )
    report = site.client.get(f"/manage/contests/{contest.id}/report").text
    assert "No entries yet: the figures fill in as photos arrive." in report


def test_manage_index_links_to_dashboard_and_report(site: Site, known: Known) -> None:
    page = site.client.get("/manage").text
    assert f'/manage/contests/{known.contest.id}/dashboard">Dashboard</a>' in page
    assert f'/manage/contests/{known.contest.id}/report">Report</a>' in page


@pytest.mark.parametrize("role", ["participant", "judge"])
@pytest.mark.parametrize("name", ["dashboard", "report"])
def test_participants_and_judges_are_refused(site: Site, role: str, name: str) -> None:
    site.clock.moment = NOW
    contest = site.run(empty_contest, site.db)
    site.sign_in_as(role)
    response = site.client.get(f"/manage/contests/{contest.id}/{name}")
    assert response.status_code == 403
    assert "This page is for organizers" in response.text
    assert "Replied within a day of submission" not in response.text


@pytest.mark.parametrize("name", ["dashboard", "report"])
def test_visitors_are_sent_to_sign_in(site: Site, name: str) -> None:
    contest = site.run(empty_contest, site.db)
    path = f"/manage/contests/{contest.id}/{name}"
    response = site.client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(
        f"/sign-in?next=%2Fmanage%2Fcontests%2F{contest.id}%2F{name}"
    )


def test_unknown_contest_is_404(site: Site) -> None:
    site.sign_in_as("organizer")
    assert site.client.get("/manage/contests/999/report").status_code == 404


def test_report_links_every_table_download_and_each_link_downloads(
    site: Site, known: Known
) -> None:
    page = site.client.get(f"/manage/contests/{known.contest.id}/report").text
    section = page.split('id="downloads"')[1].split("</section>")[0]
    links = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', section)]
    # Every table, as CSV and JSON, for organizers and for publication.
    assert len(links) == len(report_tables.TABLES) * 4
    assert {link.split("/report/")[1].split(".")[0] for link in links} == set(report_tables.TABLES)
    for link in links:
        response = site.client.get(link)
        assert response.status_code == 200, link
        if link.endswith("json") or "json?" in link:
            assert response.json()["columns"], link
        else:
            assert response.text.splitlines()[0], link
        if "for=publication" in link:
            assert ORGANIZER_EMAIL not in response.text
            assert "@" not in response.text, link


def test_daily_and_judging_progress_downloads_hold_the_report_numbers(
    site: Site, known: Known
) -> None:
    base = f"/manage/contests/{known.contest.id}"
    page = site.client.get(f"{base}/report").text
    daily = site.client.get(f"{base}/report/daily.json").json()
    assert daily["columns"] == ["day", "entries", "likes", "views", "share_clicks"]
    rows = table(page, "daily-numbers-1")  # the report's one table of the daily charts
    for index, column in enumerate(daily["columns"][1:], start=1):
        assert [row[index] for row in rows] == [str(row[column]) for row in daily["rows"]], column
    assert [row["day"] for row in daily["rows"]] == [f"2026-03-0{d}" for d in range(1, 8)]
    assert site.client.get(f"{base}/report/daily.csv").text.splitlines()[2] == (
        "2026-03-02,3,0,0,0"
    )

    progress = site.client.get(f"{base}/report/judging_progress.json").json()
    assert (
        [list(row.values()) for row in progress["rows"]]
        == [[row[0], int(row[1]), int(row[2])] for row in table(page, "judges-progress")]
        == [["Judge One", 2, 4], ["Judge Two", 1, 4]]
    )
    public = site.client.get(f"{base}/report/judging_progress.csv?for=publication").text
    assert public.splitlines() == ["judge,scored,in_queue", "Judge 1,2,4", "Judge 2,1,4"]


def test_the_report_names_the_network_people_choice_counts_and_likes_here_apart(
    site: Site, known: Known
) -> None:
    site.execute(
        "UPDATE contests SET peoples_choice_basis = 'external', external_network = 'Instagram'"
    )
    site.execute(
        "INSERT INTO external_like_readings (entry_id, likes, read_at, recorded_at, source)"
        " VALUES (?, 57, '2026-03-06T08:00:00Z', '2026-03-06T08:00:00Z', 'form')",
        (known.entries["lamplight"],),
    )
    path = f"/manage/contests/{known.contest.id}/report"
    page = site.client.get(path).text
    public = facts(page, "public-facts")
    assert public["People's Choice counts"] == "Likes on Instagram (latest readings)"
    assert public["Likes on this site"] == "4" and "Likes (People's Choice)" not in public
    summary = text(page.split('id="summary">')[1].split("</div>")[0])
    assert "People's Choice counts likes on Instagram: the latest reading of each photo" in summary
    assert "The album received 4 likes on this site from 3 voters." in summary
    site.run(publish_results, site.db, known)
    summary = text(site.client.get(path).text.split('id="summary">')[1].split("</div>")[0])
    assert "People's Choice went to “Lamplight” with 57 likes on Instagram." in summary
    dashboard = site.client.get(f"/manage/contests/{known.contest.id}/dashboard").text
    assert facts(dashboard, "public-facts")["Likes on this site"] == "4"


def test_the_report_cover_says_results_are_to_be_announced_until_the_day(
    site: Site, known: Known
) -> None:
    path = f"/manage/contests/{known.contest.id}/report"
    cover = text(site.client.get(path).text.split('id="report-cover"')[1].split("</header>")[0])
    assert "results to be announced 23 Mar 2026" in cover
    site.clock.moment = known.contest.schedule.results_at
    site.sign_in(ORGANIZER_EMAIL)  # the session of 16 days ago has lapsed
    cover = text(site.client.get(path).text.split('id="report-cover"')[1].split("</header>")[0])
    assert "results announced 23 Mar 2026" in cover and "to be announced" not in cover


def test_manage_index_and_dashboard_link_to_likes_from_elsewhere(site: Site, known: Known) -> None:
    link = f'/manage/contests/{known.contest.id}/likes-elsewhere">Likes from elsewhere</a>'
    assert link in site.client.get("/manage").text
    assert link in site.client.get(f"/manage/contests/{known.contest.id}/dashboard").text
