"""Organizers review entries: the queue, flags, bulk decisions and the mails they send."""

import io

import pytest
from PIL import Image

from tests.conftest import Site
from tests.web.members.test_entries_web import contest_slug, photo_bytes, submit

__all__ = ["contest_slug"]


def entries_by(
    site: Site, slug: str, email: str, count: int, *, taken: str | None = None
) -> list[int]:
    site.client.cookies.clear()
    site.sign_in_as("participant", email)
    for index in range(count):
        photo = photo_bytes(len(email) + index, taken=taken)
        assert (
            submit(site, slug, photo, title=f"View number {index} of {email[:3]}").status_code
            == 303
        )
    return [
        r["id"]
        for r in site.rows(
            "SELECT entries.id FROM entries JOIN users ON users.id = participant_id"
            " WHERE email = ?",
            (email,),
        )
    ]


def organizer(site: Site) -> str:
    site.client.cookies.clear()
    site.sign_in_as("organizer", "org@uni.edu")
    return f"/manage/contests/{site.value('SELECT id FROM contests')}/moderation"


def test_bulk_approval_and_rejection_with_a_reason_reach_the_participants(
    site: Site, contest_slug: str
) -> None:
    ids = entries_by(site, contest_slug, "ann@uni.edu", 3)
    queue = organizer(site)
    page = site.client.get(queue).text
    assert page.count('name="entry_ids"') == 3 and "Student, CIVL" in page
    token = site.csrf(queue)
    approve = site.client.post(
        queue,
        data={"csrf_token": token, "entry_ids": [str(i) for i in ids[:2]], "action": "approve"},
    )
    assert approve.status_code == 200
    no_reason = site.client.post(
        queue, data={"csrf_token": token, "entry_ids": [str(ids[2])], "action": "reject"}
    )
    assert no_reason.status_code == 400 and "Tell the participant why" in no_reason.text
    site.client.post(
        queue,
        data={
            "csrf_token": token,
            "entry_ids": [str(ids[2])],
            "action": "reject",
            "reason": "People in it did not agree.",
        },
    )
    statuses = [r["status"] for r in site.rows("SELECT status FROM entries ORDER BY id")]
    assert statuses == ["approved", "approved", "rejected"]
    subjects = [
        r["subject"]
        for r in site.rows(
            "SELECT subject FROM outbox WHERE subject NOT LIKE 'We received%' ORDER BY id"
        )
    ]
    assert len(subjects) == 3 and subjects[2].endswith("was not accepted")
    assert "People in it did not agree." in site.value(
        "SELECT body FROM outbox ORDER BY id DESC LIMIT 1"
    )
    site.client.cookies.clear()
    site.sign_in("ann@uni.edu")
    mine = site.client.get("/my/entries").text
    assert "Organizers' reason: People in it did not agree." in mine


def test_near_copy_by_another_participant_is_flagged(site: Site, contest_slug: str) -> None:
    entries_by(site, contest_slug, "ann@uni.edu", 1)
    original = Image.open(io.BytesIO(photo_bytes(len("ann@uni.edu"))))
    copy = io.BytesIO()
    original.resize((700, 467)).save(copy, "JPEG", quality=70)
    site.client.cookies.clear()
    site.sign_in_as("participant", "bob@uni.edu")
    assert (
        submit(site, contest_slug, copy.getvalue(), title="Totally my own photo").status_code == 303
    )
    first_id = site.value("SELECT min(id) FROM entries")
    assert (
        site.value("SELECT near_duplicate_of FROM entries WHERE id != ?", (first_id,)) == first_id
    )
    page = site.client.get(organizer(site)).text
    assert f"Looks like entry #{first_id} by another participant" in page


def test_capture_date_outside_the_submission_window_is_flagged(
    site: Site, contest_slug: str
) -> None:
    entries_by(site, contest_slug, "ann@uni.edu", 1, taken="2019:07:04 12:00:00")
    page = site.client.get(organizer(site)).text
    assert "Taken on 04 Jul 2019, outside the submission window" in page


@pytest.mark.parametrize("role", ["participant", "judge"])
def test_only_organizers_moderate(site: Site, contest_slug: str, role: str) -> None:
    ids = entries_by(site, contest_slug, "ann@uni.edu", 1)
    site.client.cookies.clear()
    site.sign_in_as(role, f"{role}2@uni.edu")
    queue = f"/manage/contests/{site.value('SELECT id FROM contests')}/moderation"
    response = site.client.post(
        queue, data={"csrf_token": site.csrf("/"), "entry_ids": [str(ids[0])], "action": "approve"}
    )
    assert response.status_code == 403
    assert site.value("SELECT status FROM entries") == "pending"


def test_a_rejected_entry_is_not_approved_again_past_the_entry_limit(
    site: Site, contest_slug: str
) -> None:
    ids = entries_by(site, contest_slug, "ann@uni.edu", 3)
    queue = organizer(site)
    token = site.csrf(queue)
    site.client.post(
        queue,
        data={
            "csrf_token": token,
            "entry_ids": [str(ids[0])],
            "action": "reject",
            "reason": "Blurred.",
        },
    )
    site.client.cookies.clear()
    site.sign_in("ann@uni.edu")  # the rejected photo no longer counts: a new one fits
    assert submit(site, contest_slug, photo_bytes(99), title="A fourth view").status_code == 303
    site.client.cookies.clear()
    site.sign_in("org@uni.edu")
    token = site.csrf(queue)
    both = [str(ids[1]), str(ids[0])]
    again = site.client.post(
        queue, data={"csrf_token": token, "entry_ids": both, "action": "approve"}
    )
    assert again.status_code == 400
    assert "cannot be approved again" in again.text and "already has 3 entries" in again.text
    statuses = [r["status"] for r in site.rows("SELECT status FROM entries ORDER BY id")]
    assert statuses == ["rejected", "pending", "pending", "pending"]  # nothing changed
