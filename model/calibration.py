"""Temperature scaling (Guo et al. 2017): the model's logits on the test set and the validation split, kept in
the model folder, and the one temperature that minimises the validation split's negative log-likelihood.

    python -m model.calibration model/weights                 # Fashion-MNIST found as train.py finds it
    python -m model.calibration model/weights --data-dir DIR  # or from DIR's four IDX files

Writes two files into the folder: ``calibration.npz`` (test_logits, test_labels, val_logits, val_labels; logits
as float32, as the model computes them, so the accuracy and ECE they give are metrics.json's) and
``calibration.json`` (the fitted temperature, the validation NLL and the test set's ECE at T = 1 and at it, and the
sha256 of the weights measured). The Softmax tab applies the learner's temperature to these test logits: the Space
has no dataset at run time. The validation split is train.py's own (its seed and size from the folder's
metrics.json), so the temperature is never fitted on the test set, and the fine-tune on real photos validated on
the same split.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from model.data import VALIDATION_SIZE, load_fashion_mnist, validation_split
from model.evaluate import calibration

NPZ, JSON = "calibration.npz", "calibration.json"
COMMAND = "python -m model.calibration"  # how the app tells a learner to make the two files
SEARCH = (0.05, 20.0)  # temperatures searched (log scale): far wider than any fit seen here (the slider: 0.1-10)
BATCH = 1000  # images per forward pass: 10,000 at once would hold ~1 GB of first-layer activations


def softmax_nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Mean negative log-likelihood of the true labels under softmax(logits / temperature), in nats."""
    z = np.asarray(logits, np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)  # log-sum-exp without overflow
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(labels)), labels].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, search: tuple[float, float] = SEARCH) -> float:
    """The temperature minimising ``softmax_nll`` on (logits, labels): a golden-section search over log T.

    The NLL of one temperature parameter is convex in 1/T (a log-sum-exp minus a linear term), so it has one
    minimum and the search finds it, to about 1e-6 in log T.
    """
    ratio = (np.sqrt(5) - 1) / 2
    low, high = np.log(search[0]), np.log(search[1])
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = (softmax_nll(logits, labels, np.exp(x)) for x in (a, b))
    while high - low > 1e-6:
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = softmax_nll(logits, labels, np.exp(a))
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = softmax_nll(logits, labels, np.exp(b))
    return float(np.exp((low + high) / 2))


def probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = np.asarray(logits, np.float64) / temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def summary(val: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray]) -> dict:
    """The fitted temperature and what it does, from (logits, labels) of the validation split and the test set."""
    fitted = fit_temperature(*val)
    return {
        "temperature": fitted,
        "validation_nll": {"1": softmax_nll(*val, 1.0), "fitted": softmax_nll(*val, fitted)},
        "test_nll": {"1": softmax_nll(*test, 1.0), "fitted": softmax_nll(*test, fitted)},
        "test_ece": {
            t: calibration(probabilities(test[0], T), test[1])["ece"] for t, T in (("1", 1.0), ("fitted", fitted))
        },
        "validation_images": len(val[1]),
        "test_images": len(test[1]),
    }


def read(folder: Path) -> dict | None:
    """The folder's calibration.json (the fitted temperature and what it measured), or None."""
    path = Path(folder) / JSON
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def read_logits(folder: Path) -> dict[str, np.ndarray] | None:
    """The folder's calibration.npz: test_logits, test_labels, val_logits, val_labels (float32 and int64), or None."""
    path = Path(folder) / NPZ
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key].astype(np.float32 if "logits" in key else np.int64) for key in data.files}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Keep a model folder's logits and fit its softmax temperature.")
    parser.add_argument("folder", type=Path, help="a model folder written by train.py (e.g. model/weights)")
    parser.add_argument(
        "--data-dir", type=Path, help="Fashion-MNIST's four IDX files (default: as train.py finds them)"
    )
    args = parser.parse_args(argv)

    from model.inference import load_folder  # loads TensorFlow: not needed to import the functions above

    model = load_folder(args.folder)
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(args.data_dir)
    seed = model.metrics["seed"]
    val_idx, _ = validation_split(len(x_train), seed, model.metrics.get("validation_size", VALIDATION_SIZE))

    def logits(x: np.ndarray) -> np.ndarray:
        return np.concatenate([model.logits(x[i : i + BATCH]) for i in range(0, len(x), BATCH)])

    kept = {
        "test_logits": logits(x_test).astype(np.float32),
        "test_labels": y_test.astype(np.uint8),
        "val_logits": logits(x_train[val_idx]).astype(np.float32),
        "val_labels": y_train[val_idx].astype(np.uint8),
    }
    np.savez_compressed(args.folder / NPZ, **kept)
    # fitted on what the folder keeps, so the app computes exactly what this file says
    result = summary(
        (kept["val_logits"], kept["val_labels"].astype(np.int64)),
        (kept["test_logits"], kept["test_labels"].astype(np.int64)),
    )
    result |= {
        "seed": seed,
        "weights_sha256": model.weights_sha256,
        "command": f"python -m model.calibration {args.folder}",
    }
    (args.folder / JSON).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
