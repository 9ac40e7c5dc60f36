"""Test-time flipping: does averaging a test image's answer with its mirror image's raise test accuracy?

    python -m benchmarks.test_time_flip                                        # the shipped model, prints a table
    python -m benchmarks.test_time_flip --json model/weights/test_time_flip.json  # what the Improving it tab shows

For the model and, if present, the Fashion-MNIST-only model beside it: test accuracy on the 10,000
Fashion-MNIST test images as they are, and with each image's probabilities averaged with those of its
horizontal mirror (training already flips images, so the model knows mirrored garments). Deterministic.
Twice the work per answer, which is why the app does not do it unless it pays.
"""

from __future__ import annotations

import numpy as np

from benchmarks import on_test_set
from model.evaluate import flip_accuracy
from model.inference import LoadedModel


def measure(model: LoadedModel, x_test: np.ndarray, y_test: np.ndarray) -> dict[str, dict]:
    """The shipped model, and the Fashion-MNIST-only one if the folder keeps it."""
    results = {"shipped model": flip_accuracy(model, x_test, y_test)}
    if model.fashion_mnist_only is not None:
        results["Fashion-MNIST-only model"] = flip_accuracy(model.fashion_mnist_only, x_test, y_test)
    return results


def cells(r: dict) -> list[str]:
    change = 100 * (r["flip_test_accuracy"] - r["test_accuracy"])
    return [f"{r['test_accuracy']:.2%}", f"{r['flip_test_accuracy']:.2%}", f"{change:+.2f} points"]


def main(argv: list[str] | None = None) -> dict:
    header = ["model", "test accuracy", "with test-time flip", "change"]
    return on_test_set.run(__doc__, argv, measure, header, cells)


if __name__ == "__main__":
    main()
