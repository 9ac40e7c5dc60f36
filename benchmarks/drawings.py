"""How the Classify tab reads drawings: filled shapes and outlines, with and without filling outlines in.

    python -m benchmarks.drawings     # a few seconds; prints a Markdown table

Five garments drawn as polygons on the Sketchpad's 400x400 transparent canvas, in black: filled,
and as outlines with 6-, 20- and 40-pixel strokes. Each goes through the app's own sketch handler
(`tabs.classify.classify_sketch`), once as shipped and once with `fill_outline` switched off.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

from model.drawings import GARMENTS, drawing
from model.inference import load_folder
from tabs import classify as handlers

ROOT = Path(__file__).resolve().parents[1]

STYLES = {"filled": 0, "outline 6 px": 6, "outline 20 px": 20, "outline 40 px": 40}


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
