"""How well photo-like images are classified: our pipeline vs the naive demo vs the raw test image.

    python -m benchmarks.photo_robustness            # 600 test items x 6 renderings, ~1 minute
    python -m benchmarks.photo_robustness --items 200 --json robustness.json

Each test item is rendered as a photo-like image of our own making: the garment as a
coloured object (its Fashion-MNIST intensity as ink) on a light, coloured or dark background,
enlarged 4-20x, placed off-centre with random margins, saved as JPEG (quality 35-95) or as a
transparent PNG cut-out. The same items are classified three ways with the shipped model:
raw (the 28x28 test image itself), through `model.preprocess` (the app's only path), and
the naive grayscale -> invert -> stretch to 28x28.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks.naive_app import naive_pixels
from model.data import load_fashion_mnist
from model.inference import DEFAULT_FOLDER, load_folder
from model.preprocess import load_and_preprocess

RENDERINGS = (
    "white background JPEG",
    "light gray background JPEG",
    "coloured background JPEG",
    "dark background JPEG",
    "PNG cut-out",
    "small, far off-centre JPEG",
)


def render(item: np.ndarray, kind: str, rng: np.random.Generator) -> bytes:
    """One 28x28 test item -> the bytes of a photo-like file."""
    ink = item.astype(np.float64) / 255  # (28, 28), 1 = garment
    colour = rng.integers(0, 200, size=3)  # garment colour: not white (the paper excluded white items)
    if kind == "white background JPEG":
        background = np.array([255, 255, 255]) - rng.integers(0, 6)
    elif kind == "light gray background JPEG":
        background = np.full(3, rng.integers(200, 240))
    elif kind == "coloured background JPEG":
        background = rng.integers(190, 256, size=3)  # pastel
    elif kind == "dark background JPEG":
        background, colour = np.full(3, rng.integers(0, 40)), rng.integers(170, 256, size=3)
    else:
        background = np.array([255, 255, 255])
    scale = rng.integers(2, 5) if kind.startswith("small") else rng.integers(4, 21)
    rgb = background + (colour - background) * ink[..., None]  # (28, 28, 3)
    img = Image.fromarray(rgb.astype(np.uint8)).resize((28 * scale, 28 * scale), Image.Resampling.BICUBIC)
    side = 28 * scale
    far = kind.startswith("small")
    margins = rng.uniform(0.1, 1.5, size=4) if far else rng.uniform(0.0, 0.5, size=4)  # left, top, right, bottom
    w, h = int(side * (1 + margins[0] + margins[2])), int(side * (1 + margins[1] + margins[3]))
    canvas = Image.new("RGB", (w, h), tuple(int(v) for v in background))
    canvas.paste(img, (int(side * margins[0]), int(side * margins[1])))
    buf = io.BytesIO()
    if kind == "PNG cut-out":
        alpha = Image.fromarray((ink * 255).astype(np.uint8)).resize((side, side), Image.Resampling.BICUBIC)
        cut = Image.new("L", (w, h), 0)
        cut.paste(alpha, (int(side * margins[0]), int(side * margins[1])))
        solid = Image.new("RGB", (w, h), tuple(int(v) for v in colour))
        solid.putalpha(cut)
        solid.save(buf, "PNG")
    else:
        canvas.save(buf, "JPEG", quality=int(rng.integers(35, 96)))
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    model = load_folder(args.model)
    _, (x_test, y_test) = load_fashion_mnist()
    rng = np.random.default_rng(args.seed)
    picks = rng.choice(len(x_test), size=args.items, replace=False)
    raw_right = model.probabilities(x_test[picks]).argmax(1) == y_test[picks]

    results = {}
    for kind in RENDERINGS:
        files = [render(x_test[i], kind, rng) for i in picks]
        ours = np.stack([load_and_preprocess(f).pixels for f in files])
        naive = np.stack([naive_pixels(Image.open(io.BytesIO(f))) for f in files])
        results[kind] = {
            "ours": float((model.probabilities(ours).argmax(1) == y_test[picks]).mean()),
            "naive": float((model.probabilities(naive).argmax(1) == y_test[picks]).mean()),
        }
    results["all renderings"] = {k: float(np.mean([r[k] for r in results.values()])) for k in ("ours", "naive")}
    raw = float(raw_right.mean())

    print(f"{args.items} test items, model {model.source} (raw accuracy on these items: {raw:.1%})\n")
    print("| rendering | our pipeline | naive (gray, invert, stretch) | raw 28×28 |\n|---|---|---|---|")
    for kind, r in results.items():
        print(f"| {kind} | {r['ours']:.1%} | {r['naive']:.1%} | {raw:.1%} |")
    if args.json:
        args.json.write_text(json.dumps({"raw": raw, "items": args.items, "renderings": results}, indent=1))


if __name__ == "__main__":
    main()
