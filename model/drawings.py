"""Drawings: how a learner's drawing becomes the model input, and garments drawn the way learners draw them.

A drawing goes the photo's way (``model.preprocess``) with two additions. A transparent margin round the
canvas first, so strokes that touch its edge still leave the plain frame the trim needs. Then an outline is
filled in, as the solid garments Fashion-MNIST shows, after its small gaps are closed: learners draw outlines
quickly, and an outline left open at the neck fills nothing and reads as a bag.

Five front views as polygons on the 400x400 transparent canvas, in black, filled or as an outline of a given
stroke (closed or left open), encoded as the browser sends the canvas: ``benchmarks/drawings.py`` counts how
many the sketch handler reads right, and chose ``CLOSE_UP_TO`` on them.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageOps

from model.preprocess import Preprocessed, preprocess

INK = 64  # a 28x28 pixel this bright (0-255) is part of a stroke
OUTSIDE = 128  # the flood fill's mark: neither a stroke (255) nor untouched background (0)
HOLLOW_BELOW = 0.5  # strokes covering under half the area they enclose: an outline, not a silhouette
CLOSE_UP_TO = 2  # the largest closing tried, in 28x28 pixels: gaps up to about twice this are closed
MARGIN = 0.1  # transparent border added on each side, as a share of the canvas: more than the trim's 6% frame
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


def _outside(ink: np.ndarray) -> np.ndarray:
    """The pixels reachable from the border without crossing ``ink`` (4-connected)."""
    # a black frame round the image joins every border pixel into one region, so one seed in the frame reaches
    # them all. (expand returns a new, writable image; Image.fromarray's is read-only and floodfill would write nothing)
    flood = ImageOps.expand(Image.fromarray(ink.astype(np.uint8) * 255), border=1, fill=0)
    ImageDraw.floodfill(flood, (0, 0), OUTSIDE)
    return (np.asarray(flood) == OUTSIDE)[1:-1, 1:-1]


def outside(ink: np.ndarray, radius: int = 0) -> np.ndarray:
    """The pixels reachable from the border without crossing ``ink`` or a gap in it narrower than ~2 * ``radius``.

    A morphological closing, done on the background: the strokes are thickened by a disk of ``radius`` so
    that ends closer than its diameter meet, the background is flooded from the border, and the flood is
    grown back by the same disk, so it reaches the strokes again everywhere but through the gaps. (A closing
    of thin strokes themselves bridges nothing: the disk slips into a gap from the side.)
    """
    if radius == 0:
        return _outside(ink)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    pad = radius + 1  # the flood reaches round strokes that run along the image's edge
    walls = cv2.dilate(np.pad(ink.astype(np.uint8), pad), disk).astype(bool)
    grown = cv2.dilate(_outside(walls).astype(np.uint8), disk).astype(bool)
    return grown[pad:-pad, pad:-pad]


def _largest_region(mask: np.ndarray) -> np.ndarray:
    """The largest 4-connected region of ``mask`` (empty if there is none)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=4)
    if count <= 1:
        return np.zeros_like(mask)
    return labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))


def fill_outline(pixels: np.ndarray, close_up_to: int | None = None) -> tuple[np.ndarray, int] | None:
    """An outline drawing filled in and the radius that closed its gaps (0: none), or None if it is no outline.

    Learners draw outlines; the training images are filled shapes, and the model reads an outlined dress as
    a bag (docs/conversion.md). Dark pixels that cannot be reached from the border without crossing a stroke
    are inside the garment: they take the strokes' brightness. An outline left open is closed by the
    smallest radius (1 to ``close_up_to``, default ``CLOSE_UP_TO``) that makes it hold an inside; a closed
    outline is filled as it is. A drawing that is mostly solid (a bag with a handle loop, say), or open wider
    than that, is left alone.
    """
    ink = pixels >= INK
    if not ink.any():
        return None
    for radius in range(0, (CLOSE_UP_TO if close_up_to is None else close_up_to) + 1):
        inside = ~outside(ink, radius) & ~ink
        if radius:  # what the closed gap encloses; not the narrow bays it sealed off too (between sleeve and body)
            inside = _largest_region(inside) | (~_outside(ink) & ~ink)
        if inside.any() and ink.sum() / (ink.sum() + inside.sum()) < HOLLOW_BELOW:
            filled = pixels.copy()
            filled[inside] = np.uint8(np.median(pixels[ink]))
            return filled, radius
    return None


def preprocess_drawing(img: Image.Image) -> Preprocessed:
    """A Sketchpad drawing: a margin round a transparent canvas, the photo recipe, then an outline filled in."""
    if "A" in img.getbands() and img.getchannel("A").getextrema()[0] < 255:  # a canvas: its empty parts are clear
        border = round(MARGIN * max(img.size))
        img = ImageOps.expand(img.convert("RGBA"), border=border, fill=(0, 0, 0, 0))
    prep = preprocess(img)
    filled = fill_outline(prep.pixels)
    if filled is not None:
        pixels, radius = filled
        prep.steps.append((pixels, "gap closed, filled in" if radius else "filled in"))
        prep.pixels = pixels
    return prep


def touching_edge(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The garment scaled up about its centre until it touches the canvas's edge (sleeves or hems on the border)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    scale = min((CANVAS[0] - 1) / (max(xs) - min(xs)), (CANVAS[1] - 1) / (max(ys) - min(ys)))
    return [
        (round((x - cx) * scale + (CANVAS[0] - 1) / 2), round((y - cy) * scale + (CANVAS[1] - 1) / 2))
        for x, y in points
    ]


def against_left_edge(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The garment moved left until it touches the canvas's left edge."""
    left = min(x for x, _ in points)
    return [(x - left, y) for x, y in points]


def _gap_edge(points: list[tuple[int, int]], where: str) -> int:
    """The index of the edge (points[i] to points[i + 1]) that is highest ("top") or lowest ("bottom") on the canvas."""
    middles = [(a[1] + b[1]) / 2 for a, b in zip(points, [*points[1:], points[0]], strict=True)]
    return middles.index(min(middles) if where == "top" else max(middles))


def drawing(points: list[tuple[int, int]], stroke: int, gap: int = 0, where: str = "top") -> dict:
    """The polygon ``points`` in black on a transparent canvas: filled when ``stroke`` is 0, else its outline.

    An outline may be left open by ``gap`` pixels in the middle of its top or bottom edge (``where``): a
    T-shirt's neck or hem, a trouser's waistband, as a learner's quick outline often is.
    """
    image = Image.new("RGBA", CANVAS, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not stroke:
        draw.polygon(points, fill=(0, 0, 0, 255))
    elif not gap:
        draw.line([*points, points[0]], fill=(0, 0, 0, 255), width=stroke, joint="curve")
    else:  # start just after the gap, go round, and stop just before it
        i = _gap_edge(points, where)
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % len(points)]
        half = gap / 2 / ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        start = (x0 + (x1 - x0) * (0.5 + half), y0 + (y1 - y0) * (0.5 + half))
        end = (x0 + (x1 - x0) * (0.5 - half), y0 + (y1 - y0) * (0.5 - half))
        draw.line([start, *points[i + 1 :], *points[: i + 1], end], fill=(0, 0, 0, 255), width=stroke, joint="curve")
    png = io.BytesIO()
    image.save(png, format="PNG")
    return {"composite": png.getvalue()}  # as the browser sends the canvas
