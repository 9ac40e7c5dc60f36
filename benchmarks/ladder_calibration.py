"""Calibration of the improvement ladder's kept rungs: is the shipped model's under-confidence label smoothing?

    python benchmarks/ladder_calibration.py                                          # prints a table
    python benchmarks/ladder_calibration.py --json model/weights/ladder_calibration.json  # what the Confusion tab quotes

For each rung whose weights are kept in the model folder (ablations/NAME/), and for the shipped model: mean
top-class confidence, accuracy and expected calibration error (model/evaluate.py, 15 bins) on the 10,000
Fashion-MNIST test images. `vgg-aug` and `baseline` are the same network, data and budget; `baseline` adds
label smoothing *and* the AdamW warm-up/cosine schedule, so their difference is not label smoothing alone.
Deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model.data import load_fashion_mnist  # noqa: E402
from model.evaluate import calibration  # noqa: E402
from model.inference import LADDER, load_folder  # noqa: E402


def summary(probs: np.ndarray, y: np.ndarray) -> dict:
    """Mean confidence, accuracy and ECE of one model's test-set probabilities."""
    return {
        "confidence": float(probs.max(1).mean()),
        "accuracy": float((probs.argmax(1) == y).mean()),
        "ece": calibration(probs, y)["ece"],
        "images": len(y),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "model" / "weights")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    _, (x_test, y_test) = load_fashion_mnist()
    x = x_test[..., None].astype(np.float32)
    model = load_folder(args.model, str(args.model))
    results = {}
    for name in LADDER:
        rung = model.ablation_model(name)
        if rung is not None:
            results[name] = summary(rung.predict(x, batch_size=1000, verbose=0), y_test)
    results["shipped model"] = summary(model.keras_model.predict(x, batch_size=1000, verbose=0), y_test)
    print("| run | mean confidence | accuracy | confidence - accuracy | ECE |\n|---|---|---|---|---|")
    for name, r in results.items():
        gap = 100 * (r["confidence"] - r["accuracy"])
        print(f"| {name} | {r['confidence']:.2%} | {r['accuracy']:.2%} | {gap:+.2f} points | {r['ece']:.2%} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
