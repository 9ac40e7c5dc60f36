"""Test-time flipping: does averaging a test image's answer with its mirror image's raise test accuracy?

    python benchmarks/test_time_flip.py                                        # the shipped model, prints a table
    python benchmarks/test_time_flip.py --json model/weights/test_time_flip.json  # what the Improving it tab shows

For the model and, if present, the Fashion-MNIST-only model beside it: test accuracy on the 10,000
Fashion-MNIST test images as they are, and with each image's probabilities averaged with those of its
horizontal mirror (training already flips images, so the model knows mirrored garments). Deterministic.
Twice the work per answer, which is why the app does not do it unless it pays.
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
from model.inference import load_folder  # noqa: E402


def flip_accuracy(model, x: np.ndarray, y: np.ndarray) -> dict:
    """Test accuracy without and with the mirror image's probabilities averaged in."""
    plain = model.keras_model.predict(x[..., None].astype(np.float32), batch_size=1000, verbose=0)
    mirrored = model.keras_model.predict(x[:, :, ::-1, None].astype(np.float32), batch_size=1000, verbose=0)
    return {
        "test_accuracy": float((plain.argmax(1) == y).mean()),
        "flip_test_accuracy": float(((plain + mirrored).argmax(1) == y).mean()),
        "images": len(y),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "model" / "weights")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    _, (x_test, y_test) = load_fashion_mnist()
    model = load_folder(args.model, str(args.model))
    results = {"shipped model": flip_accuracy(model, x_test, y_test)}
    if model.fashion_mnist_only is not None:
        results["Fashion-MNIST-only model"] = flip_accuracy(model.fashion_mnist_only, x_test, y_test)
    print("| model | test accuracy | with test-time flip | change |\n|---|---|---|---|")
    for name, r in results.items():
        change = 100 * (r["flip_test_accuracy"] - r["test_accuracy"])
        print(f"| {name} | {r['test_accuracy']:.2%} | {r['flip_test_accuracy']:.2%} | {change:+.2f} points |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
