"""Guessing how a file that is not UTF-8 was written: each legacy encoding Excel saves "CSV" in
(GB18030 on Simplified Chinese Windows, Big5 on Traditional, Windows-1252 on Western), kept
when it decodes without error and ranked by how much its text reads like names and words."""

from __future__ import annotations

from dataclasses import dataclass

from contest.i18n import N_

#: The candidates, in the order a tie is broken, with the words an organizer reads.
LEGACY: dict[str, str] = {
    "gb18030": N_("Chinese (Simplified, GB18030)"),
    "cp950": N_("Chinese (Traditional, Big5)"),
    "cp1252": N_("Western European (Windows-1252)"),
}
LABELS: dict[str, str] = {"utf-8": "UTF-8", "utf-16": "UTF-16", **LEGACY}
#: Ideographs: the unified block, extension A and the compatibility block (else the planes 2-3).
_IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
#: CJK punctuation and full-width forms: usual in Chinese text, telling nothing either way.
_NEUTRAL = ((0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2010, 0x203A), (0xA0, 0xBF), (0x20AC, 0x20AC))
SAMPLE_CELLS = 4
SCORED_CHARS = 5_000
SAMPLE_CHARS = 60


@dataclass(frozen=True)
class Reading:
    """A file's text as one encoding reads it."""

    encoding: str
    text: str

    @property
    def label(self) -> str:
        """The encoding in an organizer's words."""
        return LABELS.get(self.encoding, self.encoding)

    @property
    def legacy(self) -> bool:
        """Whether the encoding was guessed (not UTF-8 or UTF-16), so the organizer confirms."""
        return self.encoding in LEGACY

    @property
    def sample(self) -> str:
        """The first few cells with letters beyond ASCII, to tell the readings apart."""
        found: list[str] = []
        for line in self.text.splitlines():
            for cell in line.replace(";", ",").replace("\t", ",").split(","):
                cell = cell.strip().strip('"')
                if cell and not cell.isascii() and cell not in found:
                    found.append(cell[:20])
            if len(found) >= SAMPLE_CELLS:
                break
        return " · ".join(found[:SAMPLE_CELLS])[:SAMPLE_CHARS]


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _ideograph_score(char: str, encoding: str) -> float:
    """1 for a character of the encoding's common level, 0.5 for its second level, else -1."""
    if encoding == "gb18030":
        try:
            lead = char.encode("gb2312")[0]
        except UnicodeEncodeError:
            return -1.0
        return 1.0 if 0xB0 <= lead <= 0xD7 else 0.5
    if encoding == "cp950":
        try:
            code = int.from_bytes(char.encode("cp950"), "big")
        except UnicodeEncodeError:
            return -1.0
        return 1.0 if 0xA440 <= code <= 0xC67E else 0.5 if 0xC940 <= code <= 0xF9D5 else -1.0
    return -1.0


def _char_score(text: str, at: int, encoding: str) -> float:
    """How likely the non-ASCII character at ``at`` is, read in ``encoding``."""
    char, code = text[at], ord(text[at])
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    inside_word = (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
    if _within(code, _IDEOGRAPHS):
        # Chinese written flush against Latin letters is what misread accents look like.
        return -1.0 if inside_word else _ideograph_score(char, encoding)
    if _within(code, _NEUTRAL):
        return 0.0
    if char.isalpha() and code < 0x250:
        # An accented letter within a Latin word ("Renée"); a run of them is mojibake ("ÀîÃ").
        return 1.0 if inside_word else -1.0
    return -1.0


def score(reading: Reading) -> float:
    """The mean likelihood of the reading's first characters beyond ASCII (1 reads well, -1
    badly); ``SCORED_CHARS`` of them tell enough and keep a large file quick."""
    text, scores = reading.text, []
    for at, char in enumerate(text):
        if ord(char) > 127:
            scores.append(_char_score(text, at, reading.encoding))
            if len(scores) >= SCORED_CHARS:
                break
    return sum(scores) / len(scores) if scores else 0.0


def legacy_readings(data: bytes) -> list[Reading]:
    """Every legacy encoding that decodes the bytes without error, the likeliest first."""
    found = []
    for encoding in LEGACY:
        try:
            found.append(Reading(encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    order = list(LEGACY)
    return sorted(found, key=lambda r: (-score(r), order.index(r.encoding)))
