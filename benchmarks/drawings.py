"""How the Classify tab reads drawings: filled shapes, outlines, outlines left open, garments touching the edge.

    python -m benchmarks.drawings     # about a minute; prints a Markdown table (docs/conversion.md keeps it)

Five garments (model/drawings.py) drawn as polygons on the Sketchpad's 400x400 transparent canvas, in black:
filled, and as outlines with 6-, 10- (the app's brush), 20- and 40-pixel strokes; outlines left open by a
20-, 30- or 40-pixel gap in the top edge (a T-shirt's neck, a trouser's waistband) or the bottom one (the
hem); and garments scaled up until they touch the canvas's edge or moved against its left edge. Each goes
through the app's own sketch handler (`tabs.classify.classify_sketch`) as shipped; without the transparent
margin (`MARGIN` 0); without closing gaps (`CLOSE_UP_TO` 0); without either, as the app read drawings before
both; and with nothing filled in. The closing's largest radius (`model.drawings.CLOSE_UP_TO`: 1 scored
117/155, 2 and 3 138/155) was chosen on these drawings alone, so the shipped column is optimistic.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from unittest import mock

from model.drawings import GARMENTS, against_left_edge, drawing, touching_edge
from model.inference import load_folder
from tabs import classify as handlers

ROOT = Path(__file__).resolve().parents[1]

OUTLINES = {"6": 6, "10": 10, "20": 20, "40": 40}  # stroke widths, px on the 400x400 canvas
GAPS = (20, 30, 40)  # px left open; the garments are 200-300 px tall
GAP_STROKES = (6, 10, 20)
EDGE_STROKES = (0, 6, 10, 20)  # 0: filled


def drawing_sets() -> dict[str, list[tuple[str, dict]]]:
    """Each set's name -> its (garment, sketch) pairs."""
    sets = {"filled": [(name, drawing(points, 0)) for name, points in GARMENTS.items()]}
    for label, stroke in OUTLINES.items():
        sets[f"outline {label} px"] = [(name, drawing(points, stroke)) for name, points in GARMENTS.items()]
    for where in ("top", "bottom"):
        for gap in GAPS:
            sets[f"outline open {gap} px at the {where} (6, 10, 20 px strokes)"] = [
                (name, drawing(points, stroke, gap, where))
                for name, points in GARMENTS.items()
                for stroke in GAP_STROKES
            ]
    for label, move in (("scaled to touch the edge", touching_edge), ("against the left edge", against_left_edge)):
        sets[f"{label} (filled, 6, 10, 20 px outlines)"] = [
            (name, drawing(move(points), stroke)) for name, points in GARMENTS.items() for stroke in EDGE_STROKES
        ]
    return sets


def top_class(sketch: dict, model) -> str:
    label, *_ = handlers.classify_sketch(sketch, model)
    return next(iter(label))


VARIANTS = {
    "shipped": nullcontext,
    "no margin": lambda: _patched(MARGIN=0),
    "no gap closing": lambda: _patched(CLOSE_UP_TO=0),
    "before: neither": lambda: _patched(CLOSE_UP_TO=0, MARGIN=0),
    "nothing filled in": lambda: _patched(fill_outline=mock.Mock(return_value=None), MARGIN=0),
}


def _patched(**values):
    return mock.patch.multiple("model.drawings", **values)


def main() -> None:
    model = load_folder(ROOT / "model" / "weights")
    sets = drawing_sets()
    totals = dict.fromkeys(VARIANTS, 0)
    print("| drawings | " + " | ".join(f"right, {v}" for v in VARIANTS) + " |")
    print("|---" * (len(VARIANTS) + 1) + "|")
    for name, sketches in sets.items():
        cells = []
        for variant, context in VARIANTS.items():
            with context():
                right = sum(top_class(sketch, model) == garment for garment, sketch in sketches)
            totals[variant] += right
            cells.append(f"{right}/{len(sketches)}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    n = sum(len(s) for s in sets.values())
    print("| **all** | " + " | ".join(f"**{totals[v]}/{n}**" for v in VARIANTS) + " |")


if __name__ == "__main__":
    main()
