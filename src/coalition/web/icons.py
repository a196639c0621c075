"""Draw Coalition's icons with Pillow: the favicon (ICO, 16/32/48 px), the app icons of the
web app manifest (192 and 512 px, plain and maskable) and the Apple touch icon (180 px).

The mark: three overlapping circles (three independents working together) in the page's
accent colours on the navigation's dark blue. ``icon.svg`` in static/icons is the same mark as
a vector. Run ``python -m coalition.web.icons`` after changing the mark; the PNG and ICO files
are committed, so nothing is drawn at run time.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).parent / "static" / "icons"
BACKGROUND = (19, 34, 56, 255)  # #132238, the navigation bar
CIRCLES = (
    ((0.38, 0.40), (240, 165, 0, 255)),  # #f0a500
    ((0.62, 0.40), (86, 180, 233, 255)),  # #56b4e9
    ((0.50, 0.62), (0, 158, 115, 255)),  # #009e73
)


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    """The mark at ``size`` px; a maskable icon keeps it inside the central 80 % safe zone."""
    scale = 4  # drawn large, then reduced: smooth edges without an anti-aliasing option
    big = size * scale
    image = Image.new("RGBA", (big, big), BACKGROUND if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if not maskable:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BACKGROUND)
    shrink = 0.8 if maskable else 1.0
    radius = big * 0.2 * shrink
    for (cx, cy), colour in CIRCLES:
        x = big / 2 + (cx - 0.5) * big * shrink
        y = big / 2 + (cy - 0.5) * big * shrink
        layer = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        ImageDraw.Draw(layer).ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        alpha = layer.getchannel("A").point(lambda a: a * 0.85)
        layer.putalpha(alpha)
        image = Image.alpha_composite(image, layer)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(48).save(ICONS / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    for size in (192, 512):
        draw(size).save(ICONS / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(ICONS / f"maskable-{size}.png", optimize=True)
    draw(180, maskable=True).save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
