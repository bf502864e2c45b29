"""The winners page's link preview: a wide collage, drawn once per version and kept."""

from __future__ import annotations

import io

import anyio
import pytest
from PIL import Image

from contest.core.cache import BytesCache
from contest.core.storage import LocalStorage
from contest.media import decoding
from contest.media.collage import MAX_PHOTOS
from contest.media.share_card import CARD_SIZE, MAX_CARD_BYTES
from contest.media.winners_card import card_version, make_winners_card, winners_card
from tests.media.test_share_card import noise, photo

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("count", range(1, MAX_PHOTOS + 2))
def test_the_card_is_1200_by_630_for_any_number_of_winners(count: int) -> None:
    photos = [(photo(900 + 100 * i, 1200), f"Award {i} · Title {i}") for i in range(count)]
    out = make_winners_card(photos, contest_title="Day & Night at the Library")
    image = Image.open(io.BytesIO(out))
    assert image.size == CARD_SIZE and image.format == "JPEG"
    assert "exif" not in image.info


def test_the_card_stays_small_enough_for_whatsapp() -> None:
    photos = [(noise(1600, 1200, seed=i), "Champion · Noise") for i in range(MAX_PHOTOS)]
    assert len(make_winners_card(photos, contest_title="Noise " * 30)) <= MAX_CARD_BYTES


def test_the_card_needs_a_photo() -> None:
    with pytest.raises(ValueError, match="at least one"):
        make_winners_card([], contest_title="Empty")


def _winner(
    entry_id: int, key: str, *, award: str = "Champion", title: str = "Dawn"
) -> dict[str, object]:
    return {"award": award, "entry_id": entry_id, "display_key": key, "title": title}


def test_the_version_changes_with_what_is_drawn_only() -> None:
    first = [_winner(1, "a.jpg"), _winner(2, "b.jpg", award="People's Choice")]
    version = card_version("Night", first)
    assert card_version("Night", [dict(w, likes=99) for w in first]) == version
    assert card_version("Night", [_winner(3, "c.jpg"), first[1]]) != version
    assert card_version("Night", [_winner(1, "a.jpg", title="Dusk"), first[1]]) != version
    assert card_version("Day", first) != version
    assert card_version("Night", first[::-1]) != version


async def test_the_card_is_drawn_once_per_version_and_kept(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = [storage.put(photo(800, 600)), storage.put(photo(600, 800))]
    winners = [_winner(1, keys[0]), _winner(2, keys[1], award="People's Choice")]
    cache, limiter = BytesCache(), anyio.CapacityLimiter(1)
    drawn: list[int] = []
    real_run = decoding.run

    async def counting(*args: object, **kwargs: object) -> bytes:
        drawn.append(1)
        return await real_run(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decoding, "run", counting)
    card = await winners_card(
        storage, cache, winners, contest_id=1, contest_title="Night", limiter=limiter
    )
    assert Image.open(io.BytesIO(card)).size == CARD_SIZE
    again = await winners_card(
        storage, cache, winners, contest_id=1, contest_title="Night", limiter=limiter
    )
    assert again == card and len(drawn) == 1
    await winners_card(
        storage, cache, winners[:1], contest_id=1, contest_title="Night", limiter=limiter
    )
    assert len(drawn) == 2


async def test_a_card_that_cannot_be_drawn_falls_back_to_the_first_photo_and_is_not_kept(
    storage: LocalStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = photo(800, 600)
    winners = [_winner(1, storage.put(first))]

    async def crashed(*args: object, **kwargs: object) -> bytes:
        raise decoding.DecodingFailed("the worker was killed by SIGKILL")

    monkeypatch.setattr(decoding, "run", crashed)
    cache = BytesCache()
    card = await winners_card(
        storage, cache, winners, contest_id=1, contest_title="N", limiter=anyio.CapacityLimiter(1)
    )
    assert card == first
    assert len(cache._files) == 0
