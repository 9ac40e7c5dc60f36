"""Garments drawn the way a learner draws them on the Classify tab's Sketchpad.

Five front views as polygons on the 400x400 transparent canvas, in black, filled or as an outline
of a given stroke, encoded as the browser sends the canvas. ``benchmarks/drawings.py`` counts how
many the sketch handler reads right; the tests check that an outline is filled in and read.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

CANVAS = (400, 400)  # the Sketchpad's canvas_size in tabs/classify.py

# (x, y) corners on the 400x400 canvas, garment front views
GARMENTS = {
    "Dress": [(170, 60), (230, 60), (240, 140), (300, 340), (100, 340), (160, 140)],
    "T-shirt/top": [
        (140, 60),
        (260, 60),
        (340, 130),
        (300, 170),
        (270, 150),
        (270, 340),
        (130, 340),
        (130, 150),
        (100, 170),
        (60, 130),
    ],
    "Trouser": [(130, 50), (270, 50), (290, 350), (220, 350), (200, 150), (180, 350), (110, 350)],
    "Pullover": [
        (140, 60),
        (260, 60),
        (340, 300),
        (300, 310),
        (270, 170),
        (270, 340),
        (130, 340),
        (130, 170),
        (100, 310),
        (60, 300),
    ],
    "Bag": [(80, 140), (320, 140), (320, 340), (80, 340)],
}


def drawing(points: list[tuple[int, int]], stroke: int) -> dict:
    """The polygon ``points`` in black on a transparent canvas: filled when ``stroke`` is 0, else its outline."""
    image = Image.new("RGBA", CANVAS, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if stroke:
        draw.line([*points, points[0]], fill=(0, 0, 0, 255), width=stroke, joint="curve")
    else:
        draw.polygon(points, fill=(0, 0, 0, 255))
    png = io.BytesIO()
    image.save(png, format="PNG")
    return {"composite": png.getvalue()}  # as the browser sends the canvas
