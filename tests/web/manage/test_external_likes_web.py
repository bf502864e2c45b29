"""The organizer's "Likes from elsewhere" page: readings typed per entry or from a CSV file,
shown beside on-site likes, their history, and the contest setting that counts them."""

from collections.abc import Callable

import pytest

from contest.contests import store as contest_store
from contest.contests.form import settings_to_form
from tests.conftest import Site


@pytest.fixture
def contest_id(site: Site, make_entries: Callable[..., list[int]]) -> int:
    """A contest in voting whose network is Facebook, with three approved entries."""
    make_entries(external_network="Facebook")
    return int(site.value("SELECT id FROM contests"))


def page(contest_id: int) -> str:
    return f"/manage/contests/{contest_id}/likes-elsewhere"


def readings(site: Site) -> list[tuple[int, int, str]]:
    return [
        (row["entry_id"], row["likes"], row["read_at"])
        for row in site.rows(
            "SELECT entry_id, likes, read_at FROM external_like_readings ORDER BY id"
        )
    ]


def entry_ids(site: Site) -> list[int]:
    return [row["id"] for row in site.rows("SELECT id FROM entries ORDER BY id")]


def test_the_page_is_for_organizers_only(site: Site, contest_id: int) -> None:
    assert site.client.get(page(contest_id), follow_redirects=False).status_code in (302, 303)
    site.sign_in_as("judge")
    assert site.client.get(page(contest_id)).status_code == 403
    refused = site.client.post(
        page(contest_id) + "/record", data={"entry": "1", "likes": "5", "read_at": ""}
    )
    assert refused.status_code in (400, 403)
    assert readings(site) == []


def test_an_organizer_records_a_reading_shown_beside_the_likes_here(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    first = entry_ids(site)[0]
    shown = site.client.get(page(contest_id))
    assert shown.status_code == 200 and "Latest on Facebook" in shown.text
    assert "none yet" in shown.text
    posted = site.post(
        page(contest_id) + "/record",
        {"entry": str(first), "likes": "1,204", "read_at": "2026-03-02T08:30"},
        form_page=page(contest_id),
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert readings(site) == [(first, 1204, "2026-03-02T08:30:00Z")]
    after = site.client.get(posted.headers["location"])
    assert "Done: the reading is recorded" in after.text
    assert "<strong>1,204</strong>" in after.text and "Organizer Person" in after.text
    audit = site.rows("SELECT action, details FROM audit_log")
    assert audit == [
        {
            "action": "external_likes",
            "details": f"Facebook likes of entry #{first}: 1,204, read 2026-03-02 08:30 UTC"
            " (typed on the form).",
        }
    ]
    results = site.client.get(f"/manage/contests/{contest_id}/results")
    assert "Likes from elsewhere" in results.text and "1,204" in results.text


def test_a_bad_count_is_named_at_its_row_keeping_what_was_typed(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    second = entry_ids(site)[1]
    refused = site.post(
        page(contest_id) + "/record",
        {"entry": str(second), "likes": "-12", "read_at": "2026-03-02T07:15"},
        form_page=page(contest_id),
    )
    assert refused.status_code == 400
    assert "A count of likes cannot be negative." in refused.text
    assert f'id="likes-{second}" name="likes"' in refused.text
    assert 'value="-12" aria-invalid="true"' in refused.text
    assert 'value="2026-03-02T07:15"' in refused.text
    assert readings(site) == []


def test_a_form_without_its_token_is_refused(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    refused = site.client.post(
        page(contest_id) + "/record",
        data={"entry": str(entry_ids(site)[0]), "likes": "5", "read_at": "2026-03-02T08:00"},
    )
    assert refused.status_code == 400 and "expired" in refused.text
    assert readings(site) == []


def upload(site: Site, contest_id: int, content: bytes, read_at: str = "2026-03-02T08:00"):  # type: ignore[no-untyped-def]
    token = site.csrf(page(contest_id))
    return site.client.post(
        page(contest_id) + "/import",
        data={"csrf_token": token, "read_at": read_at},
        files={"csv_file": ("facebook.csv", content, "text/csv")},
        follow_redirects=False,
    )


def test_a_csv_file_is_imported_whole_or_not_at_all(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    ids = entry_ids(site)
    bad = upload(site, contest_id, f"entry,likes\n{ids[0]},10\n424242,3\n{ids[1]},x\n".encode())
    assert bad.status_code == 400
    assert "Nothing was imported: 2 lines" in bad.text
    assert '<td class="num">3</td>' in bad.text and '<td class="num">4</td>' in bad.text
    assert "#424242 is not an entry in this contest" in bad.text
    assert readings(site) == []
    good = upload(site, contest_id, f"{ids[0]},10\n#{ids[1]},7,2026-03-01 20:00\n".encode())
    assert good.status_code == 303
    assert readings(site) == [
        (ids[0], 10, "2026-03-02T08:00:00Z"),
        (ids[1], 7, "2026-03-01T20:00:00Z"),
    ]
    assert "every reading of the file" in site.client.get(good.headers["location"]).text
    assert site.value("SELECT count(*) FROM audit_log WHERE action = 'external_likes'") == 1


def test_the_history_lists_every_reading_latest_first(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    first = entry_ids(site)[0]
    for likes, read_at in (("5", "2026-03-01T08:00"), ("9", "2026-03-02T08:00")):
        site.post(
            page(contest_id) + "/record",
            {"entry": str(first), "likes": likes, "read_at": read_at},
            form_page=page(contest_id),
        )
    history = site.client.get(page(contest_id) + f"/history?entry={first}")
    assert history.status_code == 200
    assert f"Readings of entry #{first} (2)" in history.text
    assert history.text.index('"num">9<') < history.text.index('"num">5<')


def test_the_contest_form_sets_people_choice_on_outside_likes(site: Site, contest_id: int) -> None:
    site.sign_in_as("organizer")
    edit = f"/manage/contests/{contest_id}/edit"
    form = site.client.get(edit)
    assert 'name="peoples_choice_basis"' in form.text
    assert "likes on Facebook (the latest reading per entry)" in form.text
    stored = settings_to_form(site.run(contest_store.get_contest, site.db, contest_id).settings)
    fields = {name: stored.getlist(name) for name in stored.as_dict()}
    refused = site.post(
        edit, {**fields, "peoples_choice_basis": "external", "external_network": ""}
    )
    assert refused.status_code == 400
    assert "Name the social network whose likes People&#39;s Choice counts" in refused.text
    saved = site.post(
        edit,
        {**fields, "peoples_choice_basis": "external", "external_network": "Instagram"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    row = site.rows("SELECT peoples_choice_basis, external_network FROM contests")[0]
    assert row == {"peoples_choice_basis": "external", "external_network": "Instagram"}


@pytest.mark.parametrize("hide_counts", [False, True])
def test_the_public_sees_outside_likes_only_where_like_counts_are_shown(
    site: Site, make_entries: Callable[..., list[int]], hide_counts: bool
) -> None:
    first = make_entries(external_network="Facebook", hide_counts=hide_counts)[0]
    slug = site.value("SELECT slug FROM contests")
    site.execute(
        "INSERT INTO external_like_readings (entry_id, likes, read_at, recorded_at, source)"
        " VALUES (?, 1500, '2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z', 'form')",
        (first,),
    )
    entry_page = site.client.get(f"/entries/{first}").text
    gallery = site.client.get(f"/contests/{slug}/gallery").text
    shown = "1,500 likes on Facebook"
    assert (shown in entry_page, shown in gallery) == (not hide_counts, not hide_counts)
    site.clock.advance(days=10)  # the results are out: counts are shown to everyone
    assert shown in site.client.get(f"/entries/{first}").text


def test_before_a_network_is_named_the_page_and_audit_say_likes_elsewhere(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    first = make_entries()[0]
    contest_id = int(site.value("SELECT id FROM contests"))
    site.sign_in_as("organizer")
    shown = site.client.get(page(contest_id)).text
    assert "shown beside them. Name the network in the contest" in shown
    posted = site.post(
        page(contest_id) + "/record",
        {"entry": str(first), "likes": "15", "read_at": "2026-03-02T08:30"},
        form_page=page(contest_id),
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert readings(site) == [(first, 15, "2026-03-02T08:30:00Z")]
    details = site.value("SELECT details FROM audit_log WHERE action = 'external_likes'")
    assert details == (
        f"Likes elsewhere (no network named yet) of entry #{first}: 15,"
        " read 2026-03-02 08:30 UTC (typed on the form)."
    )
    assert "the other network likes" not in site.client.get(page(contest_id)).text


def test_the_rows_carry_their_headings_for_a_phone_that_stacks_them(
    site: Site, contest_id: int
) -> None:
    site.sign_in_as("organizer")
    shown = site.client.get(page(contest_id)).text
    for heading in ("Entry", "Likes here", "Latest on Facebook", "New reading"):
        assert shown.count(f'data-label="{heading}"') == 3, heading


@pytest.mark.parametrize(
    ("basis", "award", "rule"),
    [
        ("site", "the most liked photo", "the most likes; a tie goes to"),
        (
            "external",
            "the photo with the most likes on Instagram",
            "the most likes on Instagram at each photo&#39;s latest reading",
        ),
    ],
)
def test_the_contest_page_states_people_choice_on_the_likes_it_counts(
    site: Site, make_entries: Callable[..., list[int]], basis: str, award: str, rule: str
) -> None:
    make_entries(peoples_choice_basis=basis, external_network="Instagram")
    slug = site.value("SELECT slug FROM contests")
    stored = site.rows("SELECT peoples_choice_basis, external_network FROM contests")[0]
    assert stored == {"peoples_choice_basis": basis, "external_network": "Instagram"}
    shown = site.client.get(f"/contests/{slug}").text
    assert f"<li>People's Choice: {award}</li>" in shown
    assert f"People's Choice goes to {rule}" in shown
    if basis == "external":
        assert "goes to the most likes;" not in shown
