"""The public's like and voting-link answers in the reader's language, and the voting link
mailed in the language of the page that asked for it."""
# ruff: noqa: RUF001 -- Chinese pages use full-width punctuation

from __future__ import annotations

from typing import Any

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry, photo_bytes

HONG_KONG = "zh-HK,zh;q=0.9,en;q=0.8"
MAINLAND = "zh-CN,zh;q=0.9"


def voting_contest(site: Site, **settings: Any) -> tuple[str, int, int]:
    """A contest whose voting is open with one approved photo by Ann: slug, entry, Ann's id."""
    now = site.clock()

    async def create() -> tuple[str, int, int]:
        contest = await add_contest(site.db, Phase.JUDGING_AND_VOTING, now=now, **settings)
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", name="Ann Lee")
        org = await add_account(
            site.db, site.passwords, email="org@uni.edu", name="Olga", role="organizer"
        )
        entry = await add_entry(
            site.db, site.storage, contest, ann, photo=photo_bytes(1), moderator=org, now=now
        )
        return contest.slug, entry, ann.id

    return site.run(create)


def test_a_voting_link_is_mailed_in_the_language_of_the_page(site: Site) -> None:
    slug, _, _ = voting_contest(site, voting_mode="email")
    site.client.headers["Accept-Language"] = HONG_KONG
    form = f"/contests/{slug}/vote-by-email"

    refused = site.post(form, {"email": "me@mailinator.com"})
    site.post(form, {"email": "fan@gmail.com"})

    assert refused.status_code == 400
    assert "請使用你日常使用的電郵地址；臨時電郵地址不能投票。" in refused.text
    [mail] = site.rows("SELECT subject, body, locale FROM outbox WHERE subject LIKE '你的%'")
    assert mail["locale"] == "zh_Hant"
    assert mail["subject"] == "你的 Light at the Library 投票連結"
    assert "連結只可使用一次，有效期為 24 小時" in mail["body"]


def test_liking_ones_own_photo_is_refused_in_simplified_chinese(site: Site) -> None:
    _, entry, ann_id = voting_contest(site)
    site.sign_in("ann@uni.edu")
    site.client.headers["Accept-Language"] = MAINLAND

    refused = site.post(
        f"/entries/{entry}/like",
        {"action": "like"},
        form_page=f"/entries/{entry}",
        headers={"Accept": "application/json"},
    )

    assert ann_id
    assert refused.status_code == 403
    assert refused.json()["error"] == "你不能为自己的照片点赞。"
