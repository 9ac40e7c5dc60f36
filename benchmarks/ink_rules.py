"""Which "negative" step to keep: each rule for a pixel's ink, on real dev photos and on rendered product shots.

    python benchmarks/ink_rules.py ../shared/real-photos/train        # the README's table (~6 min on 2 cores)
    python benchmarks/ink_rules.py DIR --model model/weights          # the same with the shipped model

After the cut-out, the conversion turns the garment's grey levels into Fashion-MNIST's "ink" (bright
garment, black background). Each rule below replaces ``model.preprocess._ink`` in turn; the cut-out
itself is computed once per image and reused, so only the rule differs. Scored with the
Fashion-MNIST-only model by default (the conversion is chosen before fine-tuning on photos): top-1 and
right-and-sure on the dev split of DIR (``model.real_photos``), and accuracy on the six renderings of
``benchmarks/photo_robustness.py`` (300 test items each), beside the raw 28x28 accuracy of those items.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.photo_robustness import RENDERINGS, render  # noqa: E402
from model import preprocess  # noqa: E402
from model.data import load_fashion_mnist  # noqa: E402
from model.inference import DEFAULT_FOLDER, UNSURE_BELOW, load_folder  # noqa: E402
from model.real_photos import convert, list_photos, score, split  # noqa: E402


def _background_and_garment(gray: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    outside = gray[~mask] if not mask.all() else np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(np.median(outside)), float(np.median(gray[mask]))


def negated(gray, mask):
    return 255.0 - gray


def from_background(gray, mask):
    background, garment = _background_and_garment(gray, mask)
    return np.clip(gray - background, 0, None) if garment > background else np.clip(background - gray, 0, None)


def negated_unless_dark_background(gray, mask):
    background, garment = _background_and_garment(gray, mask)
    return np.clip(gray - background, 0, None) if garment > background and background < 60 else 255.0 - gray


RULES = {
    "255 − grey (the previous conversion)": negated,
    "255 − grey; a light garment on a dark background: grey − background": negated_unless_dark_background,
    "|grey − background| in the garment's direction": from_background,
    "shipped: background − grey for a darker garment, else as the second row": preprocess._ink,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path, help="photos in clothing-dataset-small's layout; its dev split is used")
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER / "fashion-mnist-only")
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args(argv)

    model = load_folder(args.model)
    _, dev = split(list_photos(args.dir))
    _, (x_test, y_test) = load_fashion_mnist()
    rng = np.random.default_rng(0)
    picks = rng.choice(len(x_test), size=args.items, replace=False)
    files = {kind: [render(x_test[i], kind, rng) for i in picks] for kind in RENDERINGS}
    raw = float((model.probabilities(x_test[picks]).argmax(1) == y_test[picks]).mean())

    cut_outs, find_garment = {}, preprocess.find_garment  # one GrabCut per image, whatever the rule

    def find_once(rgb: np.ndarray) -> np.ndarray:
        key = hashlib.sha256(rgb.tobytes() + str(rgb.shape).encode()).digest()
        if key not in cut_outs:
            cut_outs[key] = find_garment(rgb)
        return cut_outs[key]

    preprocess.find_garment = find_once
    print(f"model {model.source}; {len(dev)} dev photos; {args.items} test items per rendering (raw 28×28: {raw:.1%})\n")
    print("| ink rule | dev top class right | dev right and sure | all renderings | dark background |")
    print("|---|---|---|---|---|")
    for name, rule in RULES.items():
        preprocess._ink = rule
        dev_score = score(model.probabilities(convert(dev)), dev, UNSURE_BELOW)
        rendered = {
            kind: float((model.probabilities(np.stack([preprocess.load_and_preprocess(f).pixels for f in fs])).argmax(1) == y_test[picks]).mean())
            for kind, fs in files.items()
        }
        print(
            f"| {name} | {dev_score['top1']:.1%} | {dev_score['right_and_sure']:.1%} | "
            f"{np.mean(list(rendered.values())):.1%} | {rendered['dark background JPEG']:.1%} |"
        )


if __name__ == "__main__":
    main()
