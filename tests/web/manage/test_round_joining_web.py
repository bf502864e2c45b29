"""An organizer adds a juror to a running round from its page, after seeing which undecided
photos they would take over and from whom."""

from __future__ import annotations

from contest.contests import store as contest_store
from tests.conftest import Site
from tests.factories import add_account
from tests.web.manage.test_rounds_web import build, open_round


def test_a_judge_of_the_panel_joins_after_the_organizer_sees_the_share(site: Site) -> None:
    b = build(site, photos=6, jurors=2)
    round_ = open_round(site, b, quorum=1)

    async def newcomer() -> int:
        person = await add_account(
            site.db, site.passwords, email="new@uni.edu", name="Nia Newcomer", role="judge"
        )
        await contest_store.assign_judge(site.db, contest_id=b.contest.id, user_id=person.id)
        return person.id

    new_id = site.run(newcomer)
    page = site.client.get(f"/manage/rounds/{round_.id}")
    assert "A juror joins" in page.text and f'<option value="{new_id}">Nia Newcomer' in page.text

    path = f"/manage/rounds/{round_.id}/join"
    preview = site.client.get(f"{path}?juror={new_id}")
    assert preview.status_code == 200
    assert "Nia Newcomer would take over 2 undecided photos" in preview.text
    assert site.value("SELECT count(*) FROM round_tasks WHERE juror_id = ?", (new_id,)) == 0

    done = site.post(path, {"juror": str(new_id)}, form_page=f"{path}?juror={new_id}")
    assert done.status_code == 200
    assert "Done: the juror joined the round and took over 2 undecided photos." in done.text
    assert site.value("SELECT count(*) FROM round_tasks WHERE juror_id = ?", (new_id,)) == 2
    assert (
        site.value(
            "SELECT active FROM round_jurors WHERE round_id = ? AND juror_id = ?",
            (round_.id, new_id),
        )
        == 1
    )
    again = site.client.get(f"{path}?juror={new_id}")
    assert again.status_code == 409 and "That juror already works in this round." in again.text
    stranger = site.client.get(f"{path}?juror=99999")
    assert stranger.status_code == 404
