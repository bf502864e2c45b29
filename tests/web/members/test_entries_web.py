"""Submitting, editing, withdrawing and deleting entries through the web, as a participant would."""

import io
import re
from typing import Any

import pytest
from PIL import Image

from contest.contests import store as contest_store
from contest.contests.phases import Phase
from contest.entries import moderation
from contest.media.masters import complete_pending_masters
from tests.conftest import Site
from tests.factories import add_contest

GPS_IFD = 0x8825


def photo_bytes(
    seed: int = 1,
    *,
    fmt: str = "JPEG",
    size: tuple[int, int] = (900, 600),
    gps: bool = False,
    taken: str | None = None,
) -> bytes:
    image = Image.new("RGB", size, (40 * seed % 255, 90, 160))
    for x in range(0, size[0], 60):
        image.paste(
            (255 - 30 * seed % 255, 200, 40),
            (x, (x * seed) % size[1], x + 30, (x * seed) % size[1] + 80),
        )
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 15"
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (22.0, 20.0, 9.0), 3: "E", 4: (114.0, 15.0, 47.0)})
    buffer = io.BytesIO()
    image.save(buffer, fmt, exif=exif.tobytes()) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


ENTRY = {
    "title": "Lamplight on the reading room",
    "description": "The last hour before closing. #nightowls",
    "hashtags": "#StudySpace",
    "licence": "contest",
    "consent_own_work": "on",
    "consent_people": "on",
}


@pytest.fixture
def contest_slug(site: Site) -> str:
    """A contest taking submissions, in two categories, three photos a person at most."""
    contest = site.run(
        add_contest,
        site.db,
        Phase.SUBMISSIONS,
        now=site.clock(),
        categories=("Day", "Night"),
        max_entries_per_participant=3,
    )
    return contest.slug


def category_id(site: Site, name: str = "Night") -> str:
    return str(site.value("SELECT id FROM categories WHERE name = ?", (name,)))


def submit(site: Site, slug: str, photo: bytes | None, **fields: Any):  # type: ignore[no-untyped-def]
    data = ENTRY | {"category_id": category_id(site)} | fields
    data["csrf_token"] = site.csrf(f"/contests/{slug}/enter")
    files = {"photo": ("IMG_0001.HEIC", photo, "image/jpeg")} if photo is not None else None
    return site.client.post(
        f"/contests/{slug}/enter", data=data, files=files, follow_redirects=False
    )


def stored_files(site: Site) -> list[str]:
    return site.storage.all_keys()


def finish_masters(site: Site) -> None:
    import anyio

    site.run(complete_pending_masters, site.db, site.storage, limiter=anyio.CapacityLimiter(1))


def moderate(site: Site, slug: str, entry_id: int, action: str, reason: str = "") -> None:
    """An organizer approves or rejects the entry, as the moderation queue would."""
    contest = site.run(contest_store.get_contest_by_slug, site.db, slug, include_unpublished=True)
    organizer = site.user(site.add_user("organizer", "moderator@uni.edu"))
    site.run(
        moderation.moderate,
        site.db,
        contest=contest,
        entry_ids=[entry_id],
        action=action,
        reason=reason,
        moderator=organizer,
        now=site.clock(),
    )


def test_participant_submits_a_photo_that_waits_for_review(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    response = submit(site, contest_slug, photo_bytes(gps=True))
    assert response.status_code == 303
    assert "/my/entries?received=" in response.headers["location"]
    entry = site.rows("SELECT * FROM entries")[0]
    assert entry["status"] == "pending" and entry["title"] == ENTRY["title"]
    # Alt text left empty is the description without its hashtags.
    assert entry["camera"] == "Apple iPhone 15"
    assert entry["alt_text"] == "The last hour before closing."
    tags = [
        r["tag"] for r in site.rows("SELECT tag FROM entry_hashtags ORDER BY entry_id, position")
    ]
    assert tags == ["librarylight", "studyspace", "nightowls"]  # the contest's own comes first
    finish_masters(site)
    entry = site.rows("SELECT * FROM entries")[0]
    assert entry["master_key"] and entry["source_key"] is None
    keys = stored_files(site)
    assert sorted(keys) == sorted({entry["thumb_key"], entry["display_key"], entry["master_key"]})
    for key in keys:
        data = (site.config.media / key).read_bytes()
        assert b"Exif" not in data and b"iPhone" not in data and b"IMG_0001" not in data
    mail = site.rows("SELECT subject FROM outbox")
    assert mail == [{"subject": "We received your photo “Lamplight on the reading room”"}]
    page = site.client.get("/my/entries?received=1").text
    assert "Waiting for review" in page and "Thank you!" in page


def test_form_errors_keep_the_text_and_the_photo(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    response = submit(site, contest_slug, photo_bytes(), title="IMG_2041", consent_people="")
    assert response.status_code == 400
    assert (
        "looks like a camera file name" in response.text and "Confirm that people" in response.text
    )
    assert 'value="IMG_2041"' in response.text and "The last hour before closing" in response.text
    assert "Photo received" in response.text
    token = re.search(r'name="upload_token" value="([^"]+)"', response.text).group(1)
    assert site.value("SELECT count(*) FROM entries") == 0
    fixed = submit(site, contest_slug, None, upload_token=token)
    assert fixed.status_code == 303
    assert site.value("SELECT count(*) FROM entries") == 1
    assert site.value("SELECT count(*) FROM uploads") == 0


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("GIF", "JPEG, PNG, WebP or HEIC"),
        ("TIFF", "JPEG, PNG, WebP or HEIC"),
        ("BMP", "JPEG, PNG, WebP or HEIC"),
    ],
)
def test_other_formats_are_refused_naming_the_accepted_ones(
    site: Site, contest_slug: str, fmt: str, message: str
) -> None:
    site.sign_in_as("participant")
    response = submit(site, contest_slug, photo_bytes(fmt=fmt))
    assert response.status_code == 400 and message in response.text
    assert site.value("SELECT count(*) FROM entries") == 0 and stored_files(site) == []


@pytest.mark.parametrize("content", [b"", b"hello, I am text", photo_bytes()[:4000]])
def test_empty_text_and_truncated_files_are_clear_400s(
    site: Site, contest_slug: str, content: bytes
) -> None:
    site.sign_in_as("participant")
    response = submit(site, contest_slug, content)
    assert response.status_code == 400
    assert 'id="photo-error"' in response.text
    assert site.value("SELECT count(*) FROM entries") == 0 and stored_files(site) == []


def test_every_format_from_a_camera_roll_is_accepted(site: Site, contest_slug: str) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    site.sign_in_as("participant")
    for index, fmt in enumerate(("PNG", "WEBP", "HEIF")):
        response = submit(
            site,
            contest_slug,
            photo_bytes(index + 2, fmt=fmt),
            title=f"Library view number {index}",
        )
        assert response.status_code == 303, (fmt, response.text[:2000])
    formats = [r["image_format"] for r in site.rows("SELECT image_format FROM entries ORDER BY id")]
    assert formats == ["PNG", "WEBP", "HEIF"]


def test_the_same_photo_twice_is_refused(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    assert submit(site, contest_slug, photo_bytes()).status_code == 303
    again = submit(site, contest_slug, photo_bytes(), title="Another title for it")
    assert again.status_code == 400 and "already entered this photo" in again.text
    assert site.value("SELECT count(*) FROM entries") == 1


def test_entry_limit_is_enforced(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    for seed in range(3):
        assert (
            submit(
                site, contest_slug, photo_bytes(seed + 1), title=f"Night view {seed}"
            ).status_code
            == 303
        )
    page = site.client.get(f"/contests/{contest_slug}/enter")
    assert "the most this contest allows" in page.text
    response = site.client.post(
        f"/contests/{contest_slug}/enter",
        data={"csrf_token": site.csrf("/")},
        files={"photo": ("a.jpg", photo_bytes(9), "image/jpeg")},
    )
    assert response.status_code == 403
    assert site.value("SELECT count(*) FROM entries") == 3


def test_ineligible_affiliation_is_refused(site: Site, contest_slug: str) -> None:
    site.add_user("participant", "alum@uni.edu", affiliation="alumni")
    site.sign_in("alum@uni.edu")
    page = site.client.get(f"/contests/{contest_slug}/enter")
    assert "open to: student, staff" in page.text and 'type="file"' not in page.text
    response = submit_without_page(site, contest_slug)
    assert response.status_code == 403
    assert site.value("SELECT count(*) FROM entries") == 0


def submit_without_page(site: Site, slug: str):  # type: ignore[no-untyped-def]
    data = ENTRY | {"csrf_token": site.csrf("/")}
    return site.client.post(
        f"/contests/{slug}/enter",
        data=data,
        files={"photo": ("a.jpg", photo_bytes(), "image/jpeg")},
    )


@pytest.mark.parametrize("role", ["judge", "organizer"])
def test_judges_and_organizers_cannot_enter(site: Site, contest_slug: str, role: str) -> None:
    site.sign_in_as(role)
    assert submit_without_page(site, contest_slug).status_code == 403


def test_visitors_are_asked_to_sign_in(site: Site, contest_slug: str) -> None:
    response = site.client.get(f"/contests/{contest_slug}/enter", follow_redirects=False)
    assert response.status_code == 303 and "/sign-in?next=" in response.headers["location"]


def test_after_the_deadline_every_change_is_refused(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    entry_id = site.value("SELECT id FROM entries")
    site.clock.advance(days=12)
    assert submit_without_page(site, contest_slug).status_code == 403
    edit = site.client.get(f"/my/entries/{entry_id}/edit")
    assert "Submissions have closed" in edit.text
    token = site.csrf("/")
    response = site.client.post(f"/my/entries/{entry_id}/withdraw", data={"csrf_token": token})
    assert response.status_code == 409 and "Submissions have closed" in response.text
    assert site.value("SELECT status FROM entries") == "pending"


def test_replacing_the_photo_removes_the_old_files(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes(1))
    finish_masters(site)
    old = set(stored_files(site))
    entry_id = site.value("SELECT id FROM entries")
    moderate(site, contest_slug, entry_id, "approve")
    data = ENTRY | {
        "category_id": category_id(site, "Day"),
        "title": "A better title",
        "csrf_token": site.csrf(f"/my/entries/{entry_id}/edit"),
    }
    response = site.client.post(
        f"/my/entries/{entry_id}/edit",
        data=data,
        files={"photo": ("b.png", photo_bytes(5, fmt="PNG"), "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = site.rows("SELECT * FROM entries")[0]
    assert (
        row["title"] == "A better title"
        and row["status"] == "pending"
        and row["image_format"] == "PNG"
    )
    now_stored = set(stored_files(site))
    assert not (old & now_stored)
    assert now_stored == {row["thumb_key"], row["display_key"], row["master_key"]}


def test_withdrawn_entry_can_be_deleted_leaving_no_files(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    entry_id = site.value("SELECT id FROM entries")
    token = site.csrf("/my/entries")
    assert (
        site.client.post(f"/my/entries/{entry_id}/delete", data={"csrf_token": token}).status_code
        == 409
    )
    site.client.post(f"/my/entries/{entry_id}/withdraw", data={"csrf_token": token})
    assert site.value("SELECT status FROM entries") == "withdrawn"
    assert "Withdrawn" in site.client.get("/my/entries").text
    site.client.post(f"/my/entries/{entry_id}/delete", data={"csrf_token": token})
    assert site.value("SELECT count(*) FROM entries") == 0
    assert stored_files(site) == []


def test_another_participants_entries_cannot_be_touched(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant", "owner@uni.edu")
    submit(site, contest_slug, photo_bytes())
    entry_id = site.value("SELECT id FROM entries")
    site.client.cookies.clear()
    site.sign_in_as("participant", "other@uni.edu")
    token = site.csrf("/")
    assert site.client.get(f"/my/entries/{entry_id}/edit").status_code == 403
    assert (
        site.client.post(f"/my/entries/{entry_id}/withdraw", data={"csrf_token": token}).status_code
        == 403
    )
    assert site.value("SELECT status FROM entries") == "pending"


def test_two_files_in_one_request_are_refused(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    data = ENTRY | {"csrf_token": site.csrf("/")}
    files = [
        ("photo", ("a.jpg", photo_bytes(1), "image/jpeg")),
        ("photo", ("b.jpg", photo_bytes(2), "image/jpeg")),
    ]
    response = site.client.post(f"/contests/{contest_slug}/enter", data=data, files=files)
    assert response.status_code == 400 and "Too many files" in response.text
    assert site.value("SELECT count(*) FROM entries") == 0 and stored_files(site) == []


def test_media_keys_are_checked_and_cached_for_a_year(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    key = site.value("SELECT thumb_key FROM entries")
    response = site.client.get(f"/media/{key}")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    assert "immutable" in response.headers["cache-control"]
    again = site.client.get(f"/media/{key}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    for bad in ("../contest.db", "ab/cd/../../secret_key", "00/00/" + "0" * 64 + ".jpg"):
        assert site.client.get(f"/media/{bad}").status_code == 404


def test_entry_page_is_a_phone_friendly_plain_form(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    page = site.client.get(f"/contests/{contest_slug}/enter").text
    assert (
        'enctype="multipart/form-data"' in page
        and 'accept="image/jpeg,image/png,image/webp,image/heic' in page
    )
    assert "upload.js" in page and "<script>" not in page


@pytest.mark.parametrize(
    "filename",
    ["../../secret_key.jpg", "<script>alert(1)</script>.jpg", "photo\x00.jpg", "C:\\x.jpg"],
)
def test_hostile_file_names_are_never_used(site: Site, contest_slug: str, filename: str) -> None:
    site.sign_in_as("participant")
    data = ENTRY | {"category_id": category_id(site), "csrf_token": site.csrf("/")}
    files = {"photo": (filename, photo_bytes(), "text/html")}
    response = site.client.post(
        f"/contests/{contest_slug}/enter", data=data, files=files, follow_redirects=False
    )
    assert response.status_code == 303
    for key in stored_files(site):
        assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.jpg", key)
    assert "<script>alert(1)" not in site.client.get("/my/entries").text


def test_a_deleted_photo_is_not_served_from_memory(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    key = site.value("SELECT thumb_key FROM entries")
    assert site.client.get(f"/media/{key}").status_code == 200  # now cached in memory
    entry_id = site.value("SELECT id FROM entries")
    token = site.csrf("/my/entries")
    site.client.post(f"/my/entries/{entry_id}/withdraw", data={"csrf_token": token})
    site.client.post(f"/my/entries/{entry_id}/delete", data={"csrf_token": token})
    assert site.client.get(f"/media/{key}").status_code == 404


def test_a_held_photo_replaced_before_submitting_leaves_no_files(
    site: Site, contest_slug: str
) -> None:
    site.sign_in_as("participant")
    first = submit(site, contest_slug, photo_bytes(1), title="IMG_1")
    token = re.search(r'name="upload_token" value="([^"]+)"', first.text).group(1)
    response = submit(site, contest_slug, photo_bytes(2), upload_token=token)
    assert response.status_code == 303
    entry = site.rows("SELECT thumb_key, display_key, source_key, master_key FROM entries")[0]
    assert set(stored_files(site)) == {key for key in entry.values() if key}
    assert site.value("SELECT count(*) FROM uploads") == 0


def test_deleting_an_entry_removes_its_share_card(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    submit(site, contest_slug, photo_bytes())
    entry_id = site.value("SELECT id FROM entries")
    moderate(site, contest_slug, entry_id, "approve")
    assert site.client.get(f"/entries/{entry_id}/card.jpg").status_code == 200
    assert site.value("SELECT share_card_key FROM entries") is not None
    token = site.csrf("/my/entries")
    site.client.post(f"/my/entries/{entry_id}/withdraw", data={"csrf_token": token})
    site.client.post(f"/my/entries/{entry_id}/delete", data={"csrf_token": token})
    assert stored_files(site) == []


def test_a_rejected_entry_cannot_come_back_past_the_limit(site: Site, contest_slug: str) -> None:
    site.sign_in_as("participant")
    for seed in range(3):
        submit(site, contest_slug, photo_bytes(seed + 1), title=f"Night view {seed}")
    first = site.value("SELECT min(id) FROM entries")
    moderate(site, contest_slug, first, "reject", reason="Not on the theme.")
    submit(site, contest_slug, photo_bytes(7), title="A fourth photo")
    edit = f"/my/entries/{first}/edit"
    data = ENTRY | {"category_id": category_id(site), "title": "Try again"}
    response = site.post(edit, data)
    assert response.status_code == 409 and "the most this contest allows" in response.text
    assert site.value("SELECT status FROM entries WHERE id = ?", (first,)) == "rejected"
