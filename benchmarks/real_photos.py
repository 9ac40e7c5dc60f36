"""How often real phone photos of clothes are answered right: the shipped model, the Fashion-MNIST-only model, the naive demo.

    python benchmarks/real_photos.py DIR                # every photo in DIR/<folder>/ (~2 min per 1,000 on 2 cores)
    python benchmarks/real_photos.py ../shared/real-photos/train --split dev   # the README's numbers
    python benchmarks/real_photos.py DIR --json real.json

DIR has the layout of clothing-dataset-small (git clone https://github.com/alexeygrigorev/clothing-dataset-small,
any of its train/, validation/, test/): a folder per class. Answers are judged by that dataset's mapping
(``model.real_photos.ACCEPTED``): top-1 (the most likely class is an accepted one), right and sure (that,
and the app does not say "Not sure"), and for hats, shorts and skirts, which have no Fashion-MNIST class,
how often the answer is "Not sure". All three systems are judged by the app's own "Not sure" rule
(``model.inference.UNSURE_BELOW``), the naive demo too, though a naive demo has no such rule. The shipped model and the
Fashion-MNIST-only model see the app's conversion (``model.preprocess``); the naive demo sees grayscale ->
invert -> stretch to 28x28. ``--split dev`` keeps only the photos train.py held out (``model.real_photos``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.naive_app import naive_pixels  # noqa: E402
from model.inference import DEFAULT_FOLDER, UNSURE_BELOW, load_folder  # noqa: E402
from model.preprocess import load_and_preprocess  # noqa: E402
from model.real_photos import ACCEPTED, list_photos, score, split  # noqa: E402

THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)  # the "Not sure" trade-off, printed to choose UNSURE_BELOW


def naive_input(path: Path) -> np.ndarray:
    """What gr.Image hands the naive demo: the decoded, upright RGB photo."""
    with Image.open(path) as img:
        return naive_pixels(ImageOps.exif_transpose(img).convert("RGB"))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="a folder per class, as in clothing-dataset-small")
    parser.add_argument("--split", choices=("all", "dev", "train"), default="all", help="default: %(default)s")
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER, help="shipped model folder")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    photos = list_photos(args.folder)
    if args.split != "all":
        photos = dict(zip(("train", "dev"), split(photos), strict=True))[args.split]
    shipped = load_folder(args.model)
    fm_folder = args.model / "fashion-mnist-only"
    fm_only = load_folder(fm_folder) if (fm_folder / "config.json").is_file() else None

    start = time.perf_counter()
    ours = np.stack([load_and_preprocess(p.path).pixels for p in photos])
    convert_ms = (time.perf_counter() - start) * 1000 / len(photos)
    naive = np.stack([naive_input(p.path) for p in photos])

    systems = {"shipped model": shipped.probabilities(ours)}
    if fm_only is not None:
        systems["Fashion-MNIST-only model"] = fm_only.probabilities(ours)
        systems["naive demo (Fashion-MNIST-only model)"] = fm_only.probabilities(naive)
    else:
        systems["naive demo"] = shipped.probabilities(naive)
    results = {name: score(probs, photos, UNSURE_BELOW) for name, probs in systems.items()}
    sweep = {t: score(systems["shipped model"], photos, t) for t in THRESHOLDS}

    print(f"{len(photos)} photos in {args.folder} ({args.split}); conversion {convert_ms:.0f} ms per photo\n")
    names = list(results)
    print("| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    rows = [("top-1 (garments of the ten)", "top1"), ("right and not 'Not sure'", "right_and_sure")]
    rows.append(("hats, shorts, skirts: 'Not sure'", "unsure_outside"))
    for label, key in rows:
        print(f"| {label} | " + " | ".join(_pct(results[n][key]) for n in names) + " |")
    for folder in ACCEPTED:
        if folder in results[names[0]]["per_folder"]:
            what = "'Not sure'" if not ACCEPTED[folder] else "top-1"
            n = results[names[0]]["per_folder"][folder]["photos"]
            cells = " | ".join(_pct(results[m]["per_folder"][folder]["rate"]) for m in names)
            print(f"| {folder} ({n}), {what} | {cells} |")
    print("\nShipped model, by the 'Not sure' threshold (top probability under it):")
    print("| threshold | right and sure | hats, shorts, skirts 'Not sure' |\n|---|---|---|")
    for t, r in sweep.items():
        mark = " (app)" if t == UNSURE_BELOW else ""
        print(f"| {t}{mark} | {_pct(r['right_and_sure'])} | {_pct(r['unsure_outside'])} |")

    report = {
        "folder": str(args.folder),
        "split": args.split,
        "photos": len(photos),
        "convert_ms_per_photo": round(convert_ms, 1),
        "results": results,
        "threshold_sweep": {str(t): r for t, r in sweep.items()},
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


if __name__ == "__main__":
    main()
