"""Batch norm at test time: what the kept networks score measured alike, and once their running averages are re-estimated.

    python -m benchmarks.batch_norm                                    # prints a table
    python -m benchmarks.batch_norm --json model/weights/batch_norm.json  # what Filters, Overfitting and Improving it quote

For every network kept in the model folder's ablations/ and for fashion-mnist-only/ (the shipped model before real
photos), all forward passes, no training:
- whether it has batch norm;
- its accuracy on its own training images measured the way validation is: inference mode (batch norm's running
  averages, no dropout) on the clean training images of train.py's split (model.data.validation_split with the run's
  seed). Keras's fit-time training accuracy is not that: it averages over an epoch while the weights still change,
  on augmented images where the run augments, with dropout on and batch norm using each batch's own statistics;
- its validation and test accuracy as saved;
- for a batch-norm network, its validation and test accuracy after model.playground.reestimate_batch_norm (the
  Playground's own one-pass procedure) on the first REESTIMATE_IMAGES training images of that split, and again on the
  next REESTIMATE_IMAGES (how much the choice of images moves it).
Re-estimating replaces the running averages training left (which lag behind the final weights) with one set of
statistics computed on the final weights: what it changes is how much of a score the lag cost. Deterministic up to
float rounding.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from model.data import VALIDATION_SIZE, load_fashion_mnist, validation_split
from model.inference import DEFAULT_FOLDER, FASHION_MNIST_ONLY, read_json
from model.playground import REESTIMATE_IMAGES, reestimate_batch_norm

BATCH = 1_000  # images per forward pass


def accuracy(net, x: np.ndarray, y: np.ndarray) -> float:
    """Top-1 accuracy of NET in inference mode on uint8 images X (N, 28, 28)."""
    probs = net.predict(x[..., None].astype(np.float32), batch_size=BATCH, verbose=0)
    return float((probs.argmax(1) == y).mean())


def has_batch_norm(net) -> bool:
    import keras

    return any(isinstance(layer, keras.layers.BatchNormalization) for layer in net._flatten_layers())


def networks(folder: Path) -> dict[str, tuple[Path, dict]]:
    """Each kept network's folder and its run's record (seed, validation size): ablations/*, then fashion-mnist-only."""
    runs = read_json(folder / "ablations.json") or {}
    kept = sorted(config.parent for config in (folder / "ablations").glob("*/config.json"))
    found = {path.name: (path, {"seed": runs[path.name]["seed"], "validation_size": VALIDATION_SIZE}) for path in kept}
    before = folder / FASHION_MNIST_ONLY
    if (before / "config.json").is_file():
        metrics = read_json(before / "metrics.json") or {}
        found[FASHION_MNIST_ONLY] = (before, {k: metrics[k] for k in ("seed", "validation_size")})
    return found


def measure(path: Path, run: dict, data: tuple) -> dict:
    """One network's row (see the module docstring)."""
    import keras

    (x_train, y_train), (x_test, y_test) = data
    val_idx, train_idx = validation_split(len(x_train), run["seed"], run["validation_size"])
    net = keras.saving.load_model(path, safe_mode=True, compile=False)
    row = {
        "batch_norm": has_batch_norm(net),
        "seed": run["seed"],
        "train_accuracy": accuracy(net, x_train[train_idx], y_train[train_idx]),
        "validation_accuracy": accuracy(net, x_train[val_idx], y_train[val_idx]),
        "test_accuracy": accuracy(net, x_test, y_test),
        "weights_sha256": hashlib.sha256((path / "model.weights.h5").read_bytes()).hexdigest(),
    }
    if not row["batch_norm"]:
        return row
    saved = net.get_weights()
    for key, images in (
        ("reestimated", train_idx[:REESTIMATE_IMAGES]),
        ("reestimated_other_images", train_idx[REESTIMATE_IMAGES : 2 * REESTIMATE_IMAGES]),
    ):
        reestimate_batch_norm(net, x_train[images])
        row[key] = {
            "validation_accuracy": accuracy(net, x_train[val_idx], y_train[val_idx]),
            "test_accuracy": accuracy(net, x_test, y_test),
        }
        net.set_weights(saved)  # back to the running averages training left
    return row


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER, help="model folder (default: the shipped one)")
    parser.add_argument("--data-dir", help="Fashion-MNIST's four files (default: where train.py finds them)")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    data = load_fashion_mnist(args.data_dir)
    results = {
        "reestimate_images": REESTIMATE_IMAGES,
        "networks": {name: measure(path, run, data) for name, (path, run) in networks(args.model).items()},
    }
    print(
        "| network | batch norm | train (inference mode, clean) | validation | test | re-estimated: validation | test |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in results["networks"].items():
        again = r.get("reestimated")
        print(
            f"| {name} | {'yes' if r['batch_norm'] else 'no'} | {r['train_accuracy']:.2%} | "
            f"{r['validation_accuracy']:.2%} | {r['test_accuracy']:.2%} | "
            + (f"{again['validation_accuracy']:.2%} | {again['test_accuracy']:.2%} |" if again else "– | – |")
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
