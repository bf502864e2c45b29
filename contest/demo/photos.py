"""Generated, photo-like pictures of a library by day and by night, for the demo contest."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1600, 1200)


def _sky(
    draw: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> None:
    for y in range(SIZE[1]):
        share = y / SIZE[1]
        colour = tuple(int(top[i] * (1 - share) + bottom[i] * share) for i in range(3))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)


def _building(draw: ImageDraw.ImageDraw, rng: random.Random, *, night: bool) -> None:
    height = SIZE[1]
    left, right = rng.randint(150, 400), rng.randint(1200, 1450)
    roof = rng.randint(380, 520)
    wall = (52, 48, 60) if night else (196, 170, 140)
    draw.rectangle([left, roof, right, height], fill=wall)
    draw.polygon(
        [(left - 40, roof), ((left + right) // 2, roof - 160), (right + 40, roof)],
        fill=(40, 36, 46) if night else (150, 80, 60),
    )
    for column in range(left + 40, right - 60, 110):
        for row in range(roof + 60, height - 150, 150):
            lit = rng.random() < (0.7 if night else 0.1)
            glass = (
                (255, 214, 120) if night and lit else (120, 160, 190) if not night else (30, 30, 44)
            )
            draw.rectangle([column, row, column + 60, row + 95], fill=glass)
    door = (left + right) // 2
    draw.rectangle(
        [door - 70, height - 220, door + 70, height],
        fill=(90, 60, 40) if not night else (255, 200, 110),
    )


def _lights(draw: ImageDraw.ImageDraw, rng: random.Random, *, night: bool) -> None:
    width, _ = SIZE
    if night:
        for _ in range(120):
            x, y = rng.randint(0, width), rng.randint(0, 330)
            draw.point((x, y), fill=(255, 255, 240))
        draw.ellipse([1280, 80, 1380, 180], fill=(250, 248, 225))
    else:
        draw.ellipse([120, 70, 260, 210], fill=(255, 236, 150))
        for _ in range(4):
            x, y = rng.randint(300, 1400), rng.randint(60, 260)
            draw.ellipse([x, y, x + 220, y + 70], fill=(250, 250, 252))


def library_scene(seed: int, *, night: bool) -> bytes:
    """A JPEG of a library facade by day or night; the same seed gives the same picture."""
    rng = random.Random(seed)  # noqa: S311 - pictures, not secrets
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    if night:
        _sky(draw, (8, 12, 40), (48, 40, 90))
    else:
        _sky(draw, (90, 160, 230), (200, 225, 245))
    _lights(draw, rng, night=night)
    _building(draw, rng, night=night)
    grass = (20, 40, 30) if night else (90, 150, 80)
    draw.rectangle([0, SIZE[1] - 60, SIZE[0], SIZE[1]], fill=grass)
    noise = Image.effect_noise(SIZE, 18).convert("RGB")
    image = Image.blend(image, noise, 0.06).filter(ImageFilter.GaussianBlur(1.2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
