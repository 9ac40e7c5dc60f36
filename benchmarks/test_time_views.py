"""Turned views at test time, measured on a ``train.py --folds`` run's saved fold models, without retraining.

    python train.py --real-photos DIR --init model/weights/fashion-mnist-only --folds 3 --out /tmp/cvc
    python -m benchmarks.test_time_views DIR --cv /tmp/cvc/real_photos_cv.npz --json /tmp/cvc/views.json

Each fold's model (``fold{k}.keras`` beside the folds file) answers its held-out photos three ways: one pass,
mirror averaged (what Classify does for an input it does not cut out), and averaged over 6 views: as converted, turned
``PHOTO_ROTATION`` degrees each way, and the mirror image of each (``model.augment.turned_views``). Only a
photo the conversion cut out of its background gets the turned views (``Preprocessed.cut_out``); a product
shot on a plain backdrop keeps the mirror pair. The "unlike" percentiles stay those of the input as it is (one
pass, kept in the folds file). The generated pictures, stand-ins for photos of things that
are not clothes, are all turned. Each way gets one pair of "Not sure" thresholds, chosen by the rule of
``benchmarks.real_photos`` (``choose``) on the mean of the same folds it is scored on. The fold models'
Fashion-MNIST test accuracy is measured mirror averaged and over the 6 views (its images were never turned in
training). Writes the folds file again beside it, named ``*.views.npz``, with the 6-view answers added as
``row_probs_views`` and ``generated_probs_views``.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.real_photos import at_chosen, fold_scores, load_cv, print_chosen, summary
from model.augment import PHOTO_ROTATION, turned_views
from model.data import load_fashion_mnist
from model.preprocess import load_and_preprocess
from model.real_photos import list_photos


def cut_out(photos: list) -> np.ndarray:
    """Whether the app's conversion cuts each photo out of its background, (N,) bool."""
    with ThreadPoolExecutor() as pool:
        return np.array(list(pool.map(lambda p: load_and_preprocess(p.path).cut_out, photos)))


def view_probs(model, pixels: np.ndarray, turn: np.ndarray) -> np.ndarray:
    """(N, 10): the 6 views' average where TURN, the mirror pair's elsewhere."""
    views = turned_views(pixels)  # (6, N, 28, 28): as is, +turn, -turn, then their mirror images
    probs = np.stack([model.predict(v[..., None], batch_size=1000, verbose=0) for v in views])
    return np.where(turn[:, None], probs.mean(0), (probs[0] + probs[3]) / 2)


def add_views(path: Path, photos: list) -> Path:
    """The folds file with ``row_probs_views`` and ``generated_probs_views``, written beside it."""
    import keras

    with np.load(path, allow_pickle=False) as data:
        cv = {k: data[k] for k in data.files}
    if [f"{p.folder}/{p.path.name}" for p in photos] != list(cv["photo"]):
        raise SystemExit(f"{path} was trained on other photos, or in another order, than the folder given")
    turn = cut_out(photos)
    for part in ("row", "generated"):
        cv[f"{part}_probs_views"] = np.zeros_like(cv[f"{part}_probs"])
    for k in np.unique(cv["row_fold"]):
        model = keras.saving.load_model(path.parent / f"fold{k}.keras", compile=False)
        mine = cv["row_fold"] == k
        index = cv["row_index"][mine]
        cv["row_probs_views"][mine] = view_probs(model, cv["photo_pixels"][index], turn[index])
        mine = cv["generated_fold"] == k
        cv["generated_probs_views"][mine] = view_probs(model, cv["generated_pixels"][mine], np.ones(mine.sum(), bool))
    out = path.with_suffix(".views.npz")
    np.savez_compressed(out, **cv)
    print(f"{int(turn.sum())} of {len(photos)} photos cut out (turned views); wrote {out}")
    return out


def fashion_mnist(path: Path, folds: int) -> list[dict]:
    """Each fold model's Fashion-MNIST test accuracy, mirror averaged and over the 6 views."""
    import keras

    _, (x_test, y_test) = load_fashion_mnist(None)
    views = turned_views(x_test)
    out = []
    for k in range(folds):
        model = keras.saving.load_model(path.parent / f"fold{k}.keras", compile=False)
        probs = np.stack([model.predict(v[..., None], batch_size=1000, verbose=0) for v in views])
        mirror, six = (probs[0] + probs[3]) / 2, probs.mean(0)
        out.append(
            {
                "fold": int(k),
                "mirror_averaged": float((mirror.argmax(1) == y_test).mean()),
                "six_views": float((six.argmax(1) == y_test).mean()),
            }
        )
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the photos the folds file was trained on")
    parser.add_argument("--cv", type=Path, required=True, help="real_photos_cv.npz, fold{k}.keras beside it")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    views_path = add_views(args.cv, list_photos(args.folder))
    ways = {}
    for name, cv in (
        ("one pass", load_cv(args.cv, flip=False, views=False)),
        ("mirror averaged", load_cv(args.cv, flip=True, views=False)),
        ("6 views", load_cv(views_path, views=True)),
    ):
        way = at_chosen(cv)
        scores = summary(fold_scores(cv, way["unsure_below"], way["unlike_above"]))
        ways[name] = {**way, "per_folder": {f: v["mean"] for f, v in scores["per_folder"].items()}}
    print_chosen(
        f"Turned views ({PHOTO_ROTATION} degrees) on {args.cv}, each way at the thresholds its folds chose:", ways
    )
    for f in ways["one pass"]["per_folder"]:
        print(f"| {f} | " + " | ".join(f"{w['per_folder'][f]:.1%}" for w in ways.values()) + " |")
    fm = fashion_mnist(args.cv, len(ways["one pass"]["top1"]["folds"]))
    for f in fm:
        print(
            f"fold {f['fold']} Fashion-MNIST test: mirror averaged {f['mirror_averaged']:.2%}, 6 views {f['six_views']:.2%}"
        )
    report = {"cv": str(args.cv), "turn_degrees": PHOTO_ROTATION, "ways": ways, "fashion_mnist_test": fm}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
