"""The red round seal drawn from an organ's name, for organs whose seal image has not been
uploaded: a red ring, the name along the upper arc, a five-pointed star in the middle
(the form of a party or government organ's seal), on a transparent ground."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

RED = (230, 0, 18, 255)
SIZE = 600  # pixels for a 42 mm seal: about 360 dpi


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from zhongshu.layout.fonts import configured_faces

    faces = configured_faces()
    for key in ("heiti", "songti", "fangsong"):
        face = faces.get(key)
        if face is None:
            continue
        try:
            return ImageFont.truetype(face.file, size, index=face.index)
        except OSError:
            continue
    return ImageFont.load_default(size)


def draw_seal(name: str, *, size: int = SIZE) -> bytes:
    """A PNG of the seal of ``name``."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    ring = size * 0.035
    draw.ellipse((ring / 2, ring / 2, size - ring / 2, size - ring / 2), outline=RED, width=round(ring))
    _star(draw, c, c, size * 0.17)
    chars = [ch for ch in name if not ch.isspace()]
    if chars:
        n = len(chars)
        # the name spans up to 250 degrees of the upper arc, characters upright to the centre
        span = min(250.0, 24.0 * n + 30)
        glyph = int(min(size * 0.15, (2 * math.pi * size * 0.34) * (span / 360) / n * 0.95))
        font = _font(glyph)
        radius = c - ring - glyph * 0.62
        for i, ch in enumerate(chars):
            angle = -span / 2 + span * (i + 0.5) / n  # degrees clockwise from the top
            cell = Image.new("RGBA", (glyph * 2, glyph * 2), (0, 0, 0, 0))
            d = ImageDraw.Draw(cell)
            d.text((glyph, glyph), ch, font=font, fill=RED, anchor="mm")
            # squeeze horizontally as seals do, then turn to face the centre
            cell = cell.resize((int(glyph * 1.7), glyph * 2), Image.Resampling.LANCZOS)
            cell = cell.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True)
            rad = math.radians(angle)
            x = c + radius * math.sin(rad) - cell.width / 2
            y = c - radius * math.cos(rad) - cell.height / 2
            img.alpha_composite(cell, (int(x), int(y)))
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.382
        angle = math.radians(-90 + k * 36)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=RED)


def check_png(data: bytes) -> tuple[int, int]:
    """Width and height of an uploaded seal image; ValueError with a Chinese message when
    it is no PNG or not about square."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format != "PNG":
                raise ValueError("印模图像须为 PNG 格式（透明底色）")
            w, h = im.size
    except (OSError, Image.DecompressionBombError) as exc:
        raise ValueError("无法读取印模图像，请上传 PNG 文件") from exc
    if w < 100 or h < 100:
        raise ValueError("印模图像太小，宽和高至少 100 像素")
    if w > 4000 or h > 4000:
        raise ValueError("印模图像太大，宽和高至多 4000 像素")
    if not 0.8 <= w / h <= 1.25:
        raise ValueError("印模图像应接近正方形（圆形或方形印章）")
    return w, h
