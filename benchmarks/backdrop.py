"""Product shots vs phone photos: the conversion with and without its plain-backdrop path, on both kinds of image.

    python -m benchmarks.backdrop ../shared/real-photos/train             # the README's table (~8 min on 2 cores)
    python -m benchmarks.backdrop DIR --model model/weights

The conversion (``model.preprocess``) trims a photo whose frame is plain (grey levels spanning less than
``PLAIN_SPREAD``) as the paper did, with the ink measured from the backdrop's grey, and cuts every other
photo out with GrabCut and negates it. This script runs it three ways by setting ``PLAIN_SPREAD``: never
plain (GrabCut and negate for every image), the shipped threshold, and always plain (trim every image).
Each is scored on every photo of DIR (``model.real_photos``: top class right, right and sure, hats,
shorts and skirts "Not sure") with the Fashion-MNIST-only model, which trained on none of them (the shipped
model trained on all of them) and on the six renderings of ``benchmarks/photo_robustness.py`` (300 test
items each), beside the raw 28x28 accuracy of those items. GrabCut runs once per image, whatever the way.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

from benchmarks.photo_robustness import RENDERINGS, render
from model import preprocess
from model.data import load_fashion_mnist
from model.inference import DEFAULT_FOLDER, UNSURE_BELOW, load_folder
from model.real_photos import convert, list_photos, score

WAYS = {
    "GrabCut and negate, every image": 0,
    f"**shipped: trim when the frame is plain (spread < {preprocess.PLAIN_SPREAD}), else GrabCut**": preprocess.PLAIN_SPREAD,
    "trim every image, ink from the backdrop": 256,
}


def _plain(source: Path | bytes) -> bool:
    img = preprocess.reduced(preprocess.open_image(source))
    gray = preprocess._grayscale(preprocess._shrink(preprocess.to_rgb(img), preprocess.SEGMENT_SIDE))
    return preprocess._on_plain_backdrop(gray)[0] is not None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path, help="photos in clothing-dataset-small's layout")
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER / "fashion-mnist-only")
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args(argv)

    model = load_folder(args.model)
    dev = list_photos(args.dir)  # named "dev" in the table: the model never trained on them
    _, (x_test, y_test) = load_fashion_mnist()
    rng = np.random.default_rng(0)
    picks = rng.choice(len(x_test), size=args.items, replace=False)
    files = {kind: [render(x_test[i], kind, rng) for i in picks] for kind in RENDERINGS}
    raw = float((model.probabilities(x_test[picks]).argmax(1) == y_test[picks]).mean())

    cut_outs, find_garment = {}, preprocess.find_garment

    def find_once(rgb: np.ndarray) -> np.ndarray:
        key = hashlib.sha256(rgb.tobytes() + str(rgb.shape).encode()).digest()
        if key not in cut_outs:
            cut_outs[key] = find_garment(rgb)
        return cut_outs[key]

    preprocess.find_garment = find_once
    plain = [p for p in dev if _plain(p.path)]
    print(f"dev photos with a plain frame (the product-shot path): {len(plain)}: {', '.join(p.folder for p in plain)}")
    rendered = [f for fs in files.values() for f in fs]
    print(f"renderings with a plain frame: {sum(map(_plain, rendered))} of {len(rendered)}")
    print(
        f"model {model.source}; {len(dev)} dev photos; {args.items} test items per rendering (raw 28×28: {raw:.1%})\n"
    )
    print('| conversion | dev: top class right | dev: right and sure | dev: hats, shorts, skirts "Not sure" |', end="")
    print(" renderings, all six | dark background |\n|---|---|---|---|---|---|")
    for name, spread in WAYS.items():
        preprocess.PLAIN_SPREAD = spread
        dev_score = score(model.probabilities(convert(dev)), dev, UNSURE_BELOW)
        right = {
            kind: np.mean(
                model.probabilities(np.stack([preprocess.load_and_preprocess(f).pixels for f in fs])).argmax(1)
                == y_test[picks]
            )
            for kind, fs in files.items()
        }
        print(
            f"| {name} | {dev_score['top1']:.1%} | {dev_score['right_and_sure']:.1%} | {dev_score['unsure_outside']:.1%} | "
            f"{np.mean(list(right.values())):.1%} | {right['dark background JPEG']:.1%} |"
        )


if __name__ == "__main__":
    main()
