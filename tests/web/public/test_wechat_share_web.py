"""Sharing on WeChat: the entry page's QR code of its link, tagged so arrivals count as WeChat."""

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import segno

from contest.contests.phases import Phase
from tests.conftest import Site
from tests.factories import add_account, add_contest, add_entry

SVG = "{http://www.w3.org/2000/svg}"
PHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) MicroMessenger/8"}


def _dark_path(svg: str) -> str:
    """The path of a segno SVG that draws the dark modules."""
    paths = re.findall(r'<path[^>]*stroke="#000"[^>]*d="([^"]+)"', svg)
    assert len(paths) == 1, svg
    return str(paths[0])


def _photos(site: Site, **settings: Any) -> dict[str, int]:
    """A contest in its voting phase with an approved, a pending and a rejected photo."""
    now = site.clock()

    async def create() -> dict[str, int]:
        contest = await add_contest(site.db, Phase.JUDGING_AND_VOTING, now=now, **settings)
        ann = await add_account(site.db, site.passwords, email="ann@uni.edu", now=now)
        moderator = await add_account(
            site.db, site.passwords, email="mod@uni.edu", role="organizer", now=now
        )
        made = {}
        for status in ("approved", "pending", "rejected"):
            made[status] = await add_entry(
                site.db,
                site.storage,
                contest,
                ann,
                title=f"Stacks at dusk {status}",
                status=status,
                moderator=moderator,
                now=now,
            )
        return made

    return site.run(create)


@pytest.fixture
def photos(site: Site) -> dict[str, int]:
    return _photos(site)


def test_the_qr_code_is_an_svg_of_the_entrys_link_tagged_for_wechat(
    site: Site, photos: dict[str, int]
) -> None:
    entry = photos["approved"]
    response = site.client.get(f"/entries/{entry}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    root = ET.fromstring(response.text)  # noqa: S314 (our own SVG)
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}a", f"{SVG}image")]
    assert not [name for e in root.iter() for name in e.attrib if name.startswith("on")]
    expected = segno.make(f"{site.config.base_url}/entries/{entry}?src=wechat", error="m")
    assert _dark_path(response.text) == _dark_path(expected.svg_inline())
    other = segno.make(f"{site.config.base_url}/entries/{entry}", error="m")
    assert _dark_path(response.text) != _dark_path(other.svg_inline())


def test_hidden_photos_have_no_qr_code(site: Site, photos: dict[str, int]) -> None:
    assert site.client.get(f"/entries/{photos['pending']}/qr.svg").status_code == 404
    assert site.client.get(f"/entries/{photos['rejected']}/qr.svg").status_code == 404
    assert site.client.get("/entries/99999/qr.svg").status_code == 404


def test_a_draft_contests_qr_code_is_for_organizers_only_and_kept_privately(site: Site) -> None:
    entry = _photos(site, is_published=False)["approved"]
    assert site.client.get(f"/entries/{entry}/qr.svg").status_code == 404
    site.sign_in_as("organizer", "olive@uni.edu")
    response = site.client.get(f"/entries/{entry}/qr.svg")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("private")


def test_the_entry_page_offers_wechat_beside_weibo_without_script(
    site: Site, photos: dict[str, int]
) -> None:
    entry = photos["approved"]
    html = site.client.get(f"/entries/{entry}").text
    wechat = re.search(r'<details class="wechat">.*?</details>', html, re.S)
    assert wechat is not None
    block = wechat.group(0)
    assert '<summary class="button small secondary">WeChat</summary>' in block
    assert re.search(rf'<img class="wechat-qr" src="[^"]*/entries/{entry}/qr\.svg"', block)
    assert 'alt="QR code of the link to this photo"' in block
    assert "Scan with WeChat to share" in block
    assert html.index(f"/entries/{entry}/share/weibo") < html.index('class="wechat"')
    assert html.index('class="wechat"') < html.index(f"/entries/{entry}/share/line")
    assert "<script" not in block


def test_visits_through_the_qr_code_count_as_arrivals_from_wechat(
    site: Site, photos: dict[str, int]
) -> None:
    entry = photos["approved"]
    assert site.client.get(f"/entries/{entry}?src=wechat", headers=PHONE).status_code == 200
    assert site.rows("SELECT channel FROM entry_arrivals") == [{"channel": "wechat"}]
    assert site.rows("SELECT source FROM entry_views") == [{"source": "wechat"}]
    site.client.cookies.clear()
    site.sign_in_as("organizer", "olive@uni.edu")
    contest = site.value("SELECT contest_id FROM entries WHERE id = ?", (entry,))
    html = site.client.get(f"/manage/contests/{contest}/likes").text
    assert "<tr><td>WeChat</td><td>0</td><td>1</td></tr>" in html
