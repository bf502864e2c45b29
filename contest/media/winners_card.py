"""The winners page's link preview: a 1200x630 collage of the winners, kept in memory.

``make_winners_card`` is pure (photos' bytes in, JPEG bytes out), drawn like the album's
square collage but wide, one row of up to three photos. ``winners_card`` reads the photos,
draws the card in a decoding worker and keeps it under its version, which changes whenever
what is drawn on it changes (so a new winner gets a new address and previews never go stale).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import anyio
import anyio.to_thread

from contest.core.cache import BytesCache
from contest.core.storage import Storage
from contest.media import decoding
from contest.media.collage import KICKER, KICKER_WORDS, MAX_PHOTOS, draw_collage
from contest.media.decoding import DecodingFailed
from contest.media.share_card import CARD_SIZE, MAX_CARD_BYTES, QUALITIES, encode_jpeg

log = logging.getLogger("contest")

#: Photos per row for each number of winners: wide rows suit a wide card.
CARD_LAYOUTS = {1: (1,), 2: (2,), 3: (3,), 4: (2, 2), 5: (3, 2), 6: (3, 3)}
CARD_HEADER_SIZES = (44, 38, 32)

Winner = Mapping[str, Any]


def make_winners_card(
    photos: list[tuple[bytes, str]], *, contest_title: str, kicker: str = KICKER
) -> bytes:
    """A 1200x630 progressive JPEG of up to six winners' photos with their award labels, under
    the kicker ("WINNERS") and the contest's title on one line; no metadata, small enough for
    WhatsApp."""
    canvas = draw_collage(
        photos,
        contest_title=contest_title,
        kicker=kicker,
        size=CARD_SIZE,
        layouts=CARD_LAYOUTS,
        header_sizes=CARD_HEADER_SIZES,
        header_lines=1,
    )
    return encode_jpeg(canvas, QUALITIES, MAX_CARD_BYTES)


def winners_card_for(
    photos: list[tuple[bytes, str]], contest_title: str, kicker: str = KICKER
) -> bytes:
    """``make_winners_card`` with positional arguments, for a decoding worker to run."""
    return make_winners_card(photos, contest_title=contest_title, kicker=kicker)


def _drawn(winners: Sequence[Winner]) -> list[Winner]:
    return list(winners[:MAX_PHOTOS])


def card_version(contest_title: str, winners: Sequence[Winner]) -> str:
    """A short digest of everything drawn on the card: the kicker and the contest's title (in
    the current locale) and each winner's award, photo and title."""
    drawn = [str(KICKER_WORDS), contest_title] + [
        f"{w['award']}|{w['entry_id']}|{w['display_key']}|{w['title']}" for w in _drawn(winners)
    ]
    return hashlib.sha256("\n".join(drawn).encode()).hexdigest()[:12]


def label_of(winner: Winner) -> str:
    """The words on a winner's cell: the award and the photo's title."""
    return f"{winner['award']} · {winner['title']}"


async def winners_card(
    storage: Storage,
    cache: BytesCache,
    winners: Sequence[Winner],
    *,
    contest_id: int,
    contest_title: str,
    limiter: anyio.CapacityLimiter,
) -> bytes:
    """The card's JPEG: the one kept for this version, or one drawn now and kept. Should
    drawing fail, the first winner's display image stands in (and is not kept)."""
    if not winners:
        raise ValueError("a winners card needs at least one winner")
    key = f"winners-card:{contest_id}:{card_version(contest_title, winners)}"
    kept = cache.get(key)
    if kept is not None:
        return kept
    photos = [
        (await anyio.to_thread.run_sync(storage.read, w["display_key"]), label_of(w))
        for w in _drawn(winners)
    ]
    try:
        kicker = str(KICKER_WORDS)  # in the reader's language, as the labels are
        card = await decoding.run(winners_card_for, photos, contest_title, kicker, limiter=limiter)
    except DecodingFailed as failed:
        log.warning("the winners card of contest %s could not be drawn: %s", contest_id, failed)
        return photos[0][0]
    cache.put(key, card)
    return card
