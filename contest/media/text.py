"""Words on cards in any mix of scripts: each character is drawn with the first font that has it.

A line is split into runs of characters that share a font (in ``BOLD_FONTS`` / ``REGULAR_FONTS``
order: Latin, Greek and Cyrillic from DejaVu, Chinese, Japanese and Korean from Noto Sans CJK),
measured and drawn run by run on one baseline. Characters no installed font has (emoji, usually)
are dropped rather than drawn as empty boxes. Which characters a font file has is checked once
per file and character and kept. Pure functions, shared by share cards and winners collages.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

#: Font files by name (Pillow searches the system's font folders), first choice first; a
#: ``#n`` suffix picks the n-th face of a collection, a ``#SC`` suffix the face whose family
#: ends so (Debian's fonts-noto-cjk ``NotoSansCJK-*.ttc`` holds Noto Sans CJK JP, KR, SC, TC
#: and HK). Pillow's own font is the last resort.
BOLD_FONTS = (
    "DejaVuSans-Bold.ttf",
    "NotoSans-Bold.ttf",
    "LiberationSans-Bold.ttf",
    "NotoSansCJK-Bold.ttc#SC",
    "NotoSansCJKsc-Bold.otf",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
)
REGULAR_FONTS = (
    "DejaVuSans.ttf",
    "NotoSans-Regular.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSansCJK-Regular.ttc#SC",
    "NotoSansCJKsc-Regular.otf",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
)
#: Chinese in Simplified or Traditional characters: which regional face of Noto Sans CJK draws
#: it (the glyphs of one character differ by region; Hong Kong's for Traditional, as the site
#: writes Hong Kong usage).
CJK_FACES = {"Hans": "#SC", "Hant": "#HK"}
#: Faces a font collection is searched for a face by its name.
MAX_FACES = 32
ELLIPSIS = "…"
#: The size glyphs are checked at (whether a font has a character does not depend on size).
CHECK_SIZE = 24
#: Characters no font draws: controls, surrogates, private use, unassigned.
NO_GLYPH = ("Cc", "Cs", "Co", "Cn")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Run = tuple[str, Font]


def chinese_script(text: str) -> str:
    """``Hant`` if the text has characters only Traditional Chinese writes (讀, 圖: in Big5 but
    not in GB2312, the Simplified standard), else ``Hans``."""
    for char in text:
        if ord(char) < 0x2E80:
            continue
        try:
            char.encode("big5")
        except UnicodeEncodeError:
            continue
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return "Hant"
    return "Hans"


def _face_named(file: str, region: str) -> int | None:
    """The index of a collection's face whose family name ends with the region (``SC``)."""
    for index in range(MAX_FACES):
        try:
            family = ImageFont.truetype(file, CHECK_SIZE, index=index).getname()[0] or ""
        except OSError:
            return None
        if family.endswith(f" {region}") and "Mono" not in family:
            return index
    return None


@functools.cache
def _font_source(name: str) -> tuple[str, int] | None:
    """The installed file and face of a font name such as ``NotoSansCJK-Bold.ttc#2`` or
    ``NotoSansCJK-Bold.ttc#HK``."""
    file, _, face = name.partition("#")
    try:
        index = int(face or 0) if face.isdigit() or not face else _face_named(file, face)
        if index is None:
            return None
        font = ImageFont.truetype(file, CHECK_SIZE, index=index)
    except OSError:
        return None
    return str(font.path), index


@functools.lru_cache(maxsize=128)
def _font_file(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    """A face of a font file loaded at a size, kept (loading parses the whole file)."""
    return ImageFont.truetype(path, size, index=index)


def _draw_ink(font: Font, char: str) -> bytes:
    """The pixels a font draws for one character (to tell a real glyph from the empty box)."""
    left, top, right, bottom = (int(v) for v in font.getbbox(char))
    canvas = Image.new("L", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(canvas).text((-left, -top), char, font=font, fill=255)
    return f"{canvas.size}".encode() + canvas.tobytes()


@functools.lru_cache(maxsize=64)
def _blank(path: str, index: int) -> bytes:
    """What a face draws for a character it lacks (its empty box, or nothing)."""
    return _draw_ink(_font_file(path, index, CHECK_SIZE), "\uffff")


@functools.lru_cache(maxsize=65_536)
def _file_has(path: str, index: int, char: str) -> bool:
    """Whether a face of a font file has a glyph for the character, kept per file."""
    return _draw_ink(_font_file(path, index, CHECK_SIZE), char) != _blank(path, index)


def _has(font: Font, char: str) -> bool:
    """Whether the font draws the character as itself (not as its empty box)."""
    if unicodedata.category(char) in NO_GLYPH:
        return False
    path = getattr(font, "path", None)
    if isinstance(path, str):
        return _file_has(path, int(getattr(font, "index", 0)), char)
    return _draw_ink(font, char) != _draw_ink(font, "\uffff")


@dataclass(frozen=True)
class Fonts:
    """The installed fonts at one size, first choice first: a font for mixed-script text."""

    fonts: tuple[Font, ...]
    size: int
    #: Each character's font, found once (the glyph checks behind it are kept per font file).
    chosen: dict[str, Font | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ascent(self) -> int:
        """How far the first font's tallest letters rise above the baseline."""
        first = self.fonts[0]
        return first.getmetrics()[0] if isinstance(first, ImageFont.FreeTypeFont) else 0

    def font_of(self, char: str) -> Font | None:
        """The first font that has the character (the first font for spaces); None if none."""
        if char not in self.chosen:
            first = next((font for font in self.fonts if _has(font, char)), None)
            self.chosen[char] = self.fonts[0] if char.isspace() else first
        return self.chosen[char]

    def runs(self, text: str) -> list[Run]:
        """The text as runs of characters drawn with one font; spaces join the run before."""
        pieces: list[Run] = []
        for char in text:
            font = self.font_of(char)
            if font is None:
                continue
            if pieces and (pieces[-1][1] is font or char.isspace()):
                pieces[-1] = (pieces[-1][0] + char, pieces[-1][1])
            else:
                pieces.append((char, font))
        return pieces

    def getlength(self, text: str) -> float:
        """The width of the text drawn run by run, in pixels."""
        return sum(font.getlength(run) for run, font in self.runs(text))

    def lacks(self, text: str) -> set[str]:
        """The characters of the text that no font has."""
        return {char for char in set(text) if self.font_of(char) is None}


@functools.lru_cache(maxsize=64)
def _chain(names: tuple[str, ...], size: int) -> Fonts:
    """The fonts of those names that are installed, loaded at a size (Pillow's own if none)."""
    sources = dict.fromkeys(source for source in map(_font_source, names) if source)
    fonts: tuple[Font, ...] = tuple(_font_file(path, index, size) for path, index in sources)
    return Fonts(fonts or (ImageFont.load_default(size=size),), size)


def load_fonts(size: int, *, bold: bool = True, script: str = "Hans") -> Fonts:
    """Every installed card font at a size, bold or regular, first choice first, Chinese drawn
    with the face of its script (``Hans`` or ``Hant``, see ``chinese_script``)."""
    names = BOLD_FONTS if bold else REGULAR_FONTS
    face = CJK_FACES.get(script, CJK_FACES["Hans"])
    return _chain(tuple(name.replace(CJK_FACES["Hans"], face) for name in names), size)


def drawable(text: str, fonts: Fonts) -> str:
    """The text without the characters no font has (emoji, usually), spaces tidied."""
    text = unicodedata.normalize("NFC", text)
    lacking = fonts.lacks(text)
    return " ".join("".join(char for char in text if char not in lacking).split())


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    fonts: Fonts,
    fill: tuple[int, ...],
) -> None:
    """Draw one line run by run, every run on the first font's baseline."""
    x, top = xy
    baseline = top + fonts.ascent
    for run, font in fonts.runs(text):
        if isinstance(font, ImageFont.FreeTypeFont):
            draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
        else:
            draw.text((x, top), run, font=font, fill=fill)
        x += font.getlength(run)


def _wide(char: str) -> bool:
    """Whether a line may break next to this character (CJK has no spaces between words)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _fitting(text: str, fonts: Fonts, width: int) -> int:
    """How many leading characters of the text fit in the width."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fonts.getlength(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _break_at(text: str, limit: int) -> int:
    """The best place to break a line at or before ``limit``: a space, CJK, or mid-word."""
    for index in range(limit, 0, -1):
        if text[index] == " " or _wide(text[index]) or _wide(text[index - 1]):
            return index
    return max(limit, 1)


def ellipsize(text: str, fonts: Fonts, width: int) -> str:
    """The text, shortened with an ellipsis if it is wider than the width."""
    if fonts.getlength(text) <= width:
        return text
    mark = ELLIPSIS if drawable(ELLIPSIS, fonts) else "..."
    keep = _fitting(text, fonts, max(0, width - int(fonts.getlength(mark))))
    return text[:keep].rstrip() + mark


def wrap(text: str, fonts: Fonts, width: int, max_lines: int) -> tuple[list[str], bool]:
    """Greedy line breaking; returns the lines and whether the text was cut short."""
    lines: list[str] = []
    rest = text.strip()
    while rest and len(lines) < max_lines:
        limit = _fitting(rest, fonts, width)
        if limit >= len(rest):
            lines.append(rest)
            return lines, False
        cut = _break_at(rest, limit)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest and lines:
        lines[-1] = ellipsize(f"{lines[-1]} {rest}", fonts, width)
    return lines, bool(rest)


@dataclass(frozen=True)
class TextBlock:
    """A title laid out in lines with the fonts that draw it."""

    lines: list[str]
    font: Fonts
    line_height: int

    @property
    def height(self) -> int:
        """The block's height in pixels."""
        return self.line_height * len(self.lines)


def fit_title(
    text: str, width: int, sizes: Sequence[int], max_lines: int = 2, *, script: str = ""
) -> TextBlock:
    """The largest size at which the title fits in the lines; the smallest, cut short, if none
    (Chinese in the face of ``script``, by default the title's own)."""
    script = script or chinese_script(text)
    block = TextBlock([], load_fonts(sizes[-1], script=script), 0)
    for size in sizes:
        fonts = load_fonts(size, script=script)
        lines, cut = wrap(drawable(text, fonts), fonts, width, max_lines)
        block = TextBlock(lines, fonts, round(size * 1.22))
        if not cut:
            break
    return block


def draw_lines(draw: ImageDraw.ImageDraw, block: TextBlock, x: int, y: int) -> None:
    """Draw a text block in white with a soft shadow so it reads on any background."""
    for index, line in enumerate(block.lines):
        top = y + index * block.line_height
        draw_text(draw, (x + 2, top + 2), line, block.font, (0, 0, 0, 140))
        draw_text(draw, (x, top), line, block.font, (255, 255, 255))
