"""Calibration of the improvement ladder's kept rungs: is the shipped model's under-confidence label smoothing?

    python -m benchmarks.ladder_calibration                                          # prints a table
    python -m benchmarks.ladder_calibration --json model/weights/ladder_calibration.json  # what the Confusion tab quotes

For each rung whose weights are kept in the model folder (ablations/NAME/), and for the shipped model: mean
top-class confidence, accuracy and expected calibration error (model/evaluate.py, 15 bins) on the 10,000
Fashion-MNIST test images. `vgg-aug` and `baseline` are the same network, data and budget; `baseline` adds
label smoothing *and* the AdamW warm-up/cosine schedule, so their difference is not label smoothing alone.
Deterministic.
"""

from __future__ import annotations

import numpy as np

from benchmarks import on_test_set
from model.evaluate import calibration
from model.inference import LADDER, LoadedModel


def summary(probs: np.ndarray, y: np.ndarray) -> dict:
    """Mean confidence, accuracy and ECE of one model's test-set probabilities."""
    return {
        "confidence": float(probs.max(1).mean()),
        "accuracy": float((probs.argmax(1) == y).mean()),
        "ece": calibration(probs, y)["ece"],
        "images": len(y),
    }


def measure(model: LoadedModel, x_test: np.ndarray, y_test: np.ndarray) -> dict[str, dict]:
    """Each kept rung's summary, then the shipped model's."""
    x = x_test[..., None].astype(np.float32)
    results = {}
    for name in LADDER:
        rung = model.ablation_model(name)
        if rung is not None:
            results[name] = summary(rung.predict(x, batch_size=1000, verbose=0), y_test)
    results["shipped model"] = summary(model.keras_model.predict(x, batch_size=1000, verbose=0), y_test)
    return results


def cells(r: dict) -> list[str]:
    gap = 100 * (r["confidence"] - r["accuracy"])
    return [f"{r['confidence']:.2%}", f"{r['accuracy']:.2%}", f"{gap:+.2f} points", f"{r['ece']:.2%}"]


def main(argv: list[str] | None = None) -> dict:
    header = ["run", "mean confidence", "accuracy", "confidence - accuracy", "ECE"]
    return on_test_set.run(__doc__, argv, measure, header, cells)


if __name__ == "__main__":
    main()
