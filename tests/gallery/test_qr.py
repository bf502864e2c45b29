"""The QR code drawing: a standalone SVG of exactly the link given, nothing else in it."""

import re
import xml.etree.ElementTree as ET

import segno

from contest.gallery import views
from contest.gallery.qr import QR_TITLE, qr_svg

LINK = "https://photos.library.example/entries/12?src=wechat"


def _modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules a segno SVG path draws, as (column, row) pairs."""
    (path,) = re.findall(r'stroke="#000"[^>]*d="([^"]+)"', svg)
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    tokens = re.findall(r"[Mmh]|-?[\d.]+", path)
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in ("M", "m"):
            dx, dy = float(tokens[i + 1]), float(tokens[i + 2])
            x, y = (dx, dy) if op == "M" else (x + dx, y + dy)
            i += 3
        else:
            run = float(tokens[i + 1])
            dark.update((int(x) + k, int(y)) for k in range(int(run)))
            x += run
            i += 2
    return dark


def test_the_svg_draws_exactly_the_modules_of_the_link() -> None:
    svg = qr_svg(LINK).decode()
    code = segno.make(LINK, error="m")
    border = 4
    expected = {
        (column + border, row + border)
        for row, line in enumerate(code.matrix)
        for column, bit in enumerate(line)
        if bit
    }
    assert _modules(svg) == expected
    width = code.symbol_size(border=border)[0]
    assert f'viewBox="0 0 {width} {width}"' in svg


def test_the_svg_stands_alone_titled_without_script_or_fixed_size() -> None:
    svg = qr_svg(LINK).decode()
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "width" not in root.attrib and "height" not in root.attrib
    assert root.findtext("{http://www.w3.org/2000/svg}title") == QR_TITLE
    assert "script" not in svg and "href" not in svg and not svg.startswith("<?xml")


def test_a_wechat_link_is_the_page_tagged_as_shared_on_wechat() -> None:
    tagged = views.tagged_link("https://x.example/entries/3", views.WECHAT)
    assert tagged == "https://x.example/entries/3?src=wechat"
    assert views.WECHAT in views.SOURCES and views.SOURCE_LABELS[views.WECHAT] == "WeChat"
