"""Campaign lists saved by Excel on Chinese Windows: read once the organizer confirms how."""

import pytest

from contest.campaigns import drafts
from contest.campaigns import lists as campaign_lists
from contest.campaigns.lists import decode_list
from contest.core.csv_files import EncodingToConfirm
from contest.core.db import Database
from tests.factories import START, add_contest


def test_a_chinese_list_not_in_utf8_is_read_once_its_encoding_is_confirmed() -> None:
    gb = "name,email\n李明,li@uni.edu\n".encode("gb18030")
    assert decode_list(gb) == "name,email\n李明,li@uni.edu\n"
    with pytest.raises(EncodingToConfirm) as unsure:
        campaign_lists.read_list(gb)
    assert [r.encoding for r in unsure.value.readings] == ["gb18030", "cp950", "cp1252"]
    assert [r.name for r in campaign_lists.read_list(gb, encoding="gb18030").recipients] == ["李明"]
    big5 = "email,name\nchan@uni.hk,陳大文\n".encode("cp950")
    assert campaign_lists.list_readings(big5)[0].encoding == "cp950"
    assert campaign_lists.read_list(big5, encoding="cp950").recipients[0].name == "陳大文"


@pytest.mark.anyio
async def test_a_confirmed_gb18030_list_is_stored_as_chinese(db: Database) -> None:
    contest = await add_contest(db, now=START)
    gb = "name,email\n王芳,wang@uni.edu\n".encode("gb18030")
    with pytest.raises(EncodingToConfirm):
        await drafts.prepare_list(db, gb)
    listing = await drafts.prepare_list(db, gb, encoding="gb18030")
    campaign_id = await drafts.create_campaign(
        db,
        contest_id=contest.id,
        kind="invite",
        subject="Hi {name}",
        body="See {link}",
        listing=listing,
        author_id=None,
        now=START,
    )
    rows = await db.fetch_all(
        "SELECT name, email FROM campaign_recipients WHERE campaign_id = ?", (campaign_id,)
    )
    assert [(row["name"], row["email"]) for row in rows] == [("王芳", "wang@uni.edu")]
