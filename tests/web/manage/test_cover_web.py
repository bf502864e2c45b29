"""The cover photo page: an organizer picks an entry or uploads a photo; pages show it."""

import re
from collections.abc import Callable

from tests.conftest import Site
from tests.factories import photo_bytes


def _contest(site: Site) -> tuple[int, str]:
    row = site.rows("SELECT id, slug FROM contests")[0]
    return int(row["id"]), str(row["slug"])


def test_an_organizer_chooses_an_entry_as_the_cover_shown_on_home_and_contest_pages(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    entry_ids = make_entries()
    contest_id, slug = _contest(site)
    site.sign_in_as("organizer", "boss@uni.edu")
    page = site.client.get(f"/contests/{slug}")
    assert f'href="http://testserver/manage/contests/{contest_id}/cover">Cover photo</a>' in (
        page.text
    )
    cover_page = f"/manage/contests/{contest_id}/cover"
    choose = site.client.get(cover_page)
    assert choose.status_code == 200 and "No cover yet" in choose.text
    chosen = site.post(
        cover_page, {"action": "choose", "entry_id": str(entry_ids[1])}, follow_redirects=False
    )
    assert chosen.status_code == 303
    assert (
        site.value("SELECT entry_id FROM contest_covers WHERE contest_id = ?", (contest_id,))
        == (entry_ids[1])
    )
    assert "Done: the cover photo is saved." in site.client.get(chosen.headers["location"]).text
    entry = site.rows("SELECT * FROM entries WHERE id = ?", (entry_ids[1],))[0]
    site.client.cookies.clear()
    home = site.client.get("/").text
    assert re.search(
        rf'<img class="card-cover" src="http://testserver/media/{entry["thumb_key"]}"', home
    )
    assert 'alt="A photo: Library light 1"' in home
    contest_page = site.client.get(f"/contests/{slug}").text
    assert f'src="http://testserver/media/{entry["display_key"]}"' in contest_page
    assert f'width="{entry["display_width"]}" height="{entry["display_height"]}"' in contest_page
    assert (
        f'<meta property="og:image" content="http://testserver/media/{entry["display_key"]}">'
        in contest_page
    )


def test_a_rejected_cover_entry_disappears_from_the_pages(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    entry_ids = make_entries()
    contest_id, slug = _contest(site)
    site.sign_in_as("organizer", "boss@uni.edu")
    cover_page = f"/manage/contests/{contest_id}/cover"
    site.post(cover_page, {"action": "choose", "entry_id": str(entry_ids[0])})
    site.execute("UPDATE entries SET status = 'rejected' WHERE id = ?", (entry_ids[0],))
    assert "card-cover" not in site.client.get("/").text
    assert "contest-cover" not in site.client.get(f"/contests/{slug}").text
    assert "No cover yet" in site.client.get(cover_page).text


def test_an_uploaded_cover_needs_alt_text_and_keeps_what_was_typed(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    make_entries()
    contest_id, slug = _contest(site)
    site.sign_in_as("organizer", "boss@uni.edu")
    cover_page = f"/manage/contests/{contest_id}/cover"
    token = site.csrf(cover_page)
    photo = {"photo": ("cover.jpg", photo_bytes(5, size=(1000, 400)), "image/jpeg")}
    refused = site.client.post(
        cover_page, data={"csrf_token": token, "action": "upload", "alt_text": ""}, files=photo
    )
    assert refused.status_code == 400
    assert "Describe the photo for people who cannot see it" in refused.text
    assert site.rows("SELECT * FROM contest_covers") == []
    bad = {"photo": ("cover.gif", b"GIF89a" + b"\0" * 20, "image/gif")}
    refused = site.client.post(
        cover_page,
        data={"csrf_token": token, "action": "upload", "alt_text": "Lamps lit at dusk"},
        files=bad,
    )
    assert refused.status_code == 400 and "GIF images are not accepted" in refused.text
    assert 'value="Lamps lit at dusk"' in refused.text
    saved = site.client.post(
        cover_page,
        data={"csrf_token": token, "action": "upload", "alt_text": "Lamps lit at dusk"},
        files=photo,
        follow_redirects=False,
    )
    assert saved.status_code == 303
    row = site.rows("SELECT * FROM contest_covers")[0]
    assert (row["entry_id"], row["alt_text"], row["display_width"]) == (
        None,
        "Lamps lit at dusk",
        1000,
    )
    assert site.storage.exists(row["display_key"])
    page = site.client.get(f"/contests/{slug}").text
    assert 'alt="Lamps lit at dusk" width="1000" height="400"' in page
    removed = site.post(cover_page, {"action": "remove"}, follow_redirects=False)
    assert removed.status_code == 303
    assert site.rows("SELECT * FROM contest_covers") == []
    assert not site.storage.exists(row["display_key"])


def test_only_organizers_reach_the_cover_page_and_its_posts_need_the_token(
    site: Site, make_entries: Callable[..., list[int]]
) -> None:
    entry_ids = make_entries()
    contest_id, _ = _contest(site)
    cover_page = f"/manage/contests/{contest_id}/cover"
    assert site.client.get(cover_page, follow_redirects=False).status_code in (303, 401)
    site.sign_in("ann@uni.edu")
    assert site.client.get(cover_page).status_code == 403
    token = site.csrf("/")
    choose = {"csrf_token": token, "action": "choose", "entry_id": str(entry_ids[0])}
    assert site.client.post(cover_page, data=choose).status_code == 403
    site.client.cookies.clear()
    site.sign_in_as("organizer", "boss@uni.edu")
    without_token = {"action": "choose", "entry_id": str(entry_ids[0])}
    assert site.client.post(cover_page, data=without_token).status_code == 400
    assert site.rows("SELECT * FROM contest_covers") == []
