"""How the Classify tab reads drawings: filled shapes and outlines, with and without filling outlines in.

    python benchmarks/drawings.py     # a few seconds; prints a Markdown table

Five garments drawn as polygons on the Sketchpad's 400x400 transparent canvas, in black: filled,
and as outlines with 6-, 20- and 40-pixel strokes. Each goes through the app's own sketch handler
(`tabs.classify.classify_sketch`), once as shipped and once with `fill_outline` switched off.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from unittest import mock

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.inference import load_folder  # noqa: E402
from tabs import classify as handlers  # noqa: E402  (after the path set-up above)

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
STYLES = {"filled": 0, "outline 6 px": 6, "outline 20 px": 20, "outline 40 px": 40}


def drawing(points: list[tuple[int, int]], stroke: int) -> dict:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if stroke:
        draw.line([*points, points[0]], fill=(0, 0, 0, 255), width=stroke, joint="curve")
    else:
        draw.polygon(points, fill=(0, 0, 0, 255))
    png = io.BytesIO()
    image.save(png, format="PNG")
    return {"composite": png.getvalue()}  # as the browser sends the canvas


def top_class(sketch: dict, model) -> str:
    label, *_ = handlers.classify_sketch(sketch, model)
    return next(iter(label))


def main() -> None:
    model = load_folder(ROOT / "model" / "weights")
    print("| drawing | right, outlines filled in (shipped) | right, not filled in |\n|---|---|---|")
    for style, stroke in STYLES.items():
        sketches = {name: drawing(points, stroke) for name, points in GARMENTS.items()}
        shipped = sum(top_class(s, model) == name for name, s in sketches.items())
        with mock.patch("model.preprocess.fill_outline", return_value=None):
            unfilled = sum(top_class(s, model) == name for name, s in sketches.items())
        print(f"| {style} | {shipped}/{len(GARMENTS)} | {unfilled}/{len(GARMENTS)} |")


if __name__ == "__main__":
    main()
