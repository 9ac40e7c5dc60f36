"""Test-set evaluation: predictions -> confusion matrix, per-class metrics, loss."""

from __future__ import annotations

import keras
import numpy as np

from model.data import CLASS_NAMES


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = 10) -> np.ndarray:
    """Counts with rows = true class and columns = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def per_class_metrics(matrix: np.ndarray) -> list[dict]:
    """Precision, recall and F1 for each class from a confusion matrix (rows = true)."""
    tp = np.diag(matrix).astype(float)
    predicted = matrix.sum(axis=0)
    actual = matrix.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return [
        {
            "class": CLASS_NAMES[i],
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(actual[i]),
        }
        for i in range(len(tp))
    ]


def summarize(probs: np.ndarray, y_true: np.ndarray) -> dict:
    """Accuracy, mean cross-entropy, confusion matrix and per-class metrics of predictions."""
    y_pred = probs.argmax(axis=1)
    matrix = confusion_matrix(y_true, y_pred, probs.shape[1])
    return {
        "test_accuracy": float((y_pred == y_true).mean()),
        "test_loss": float(keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y_true, probs))),
        "confusion_matrix": matrix.tolist(),
        "per_class": per_class_metrics(matrix),
    }


def calibration(probs: np.ndarray, y_true: np.ndarray, bins: int = 15) -> dict:
    """Reliability diagram data and expected calibration error (Guo et al. 2017).

    Predictions are grouped by their top probability into equal-width bins; a calibrated
    model's accuracy in each bin equals its mean confidence there. ECE is the
    sample-weighted mean gap between the two.
    """
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_true
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        in_bin = index == b
        count = int(in_bin.sum())
        if count:
            conf, acc = float(confidence[in_bin].mean()), float(correct[in_bin].mean())
            ece += count / len(y_true) * abs(acc - conf)
            rows.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "count": count,
                    "confidence": conf,
                    "accuracy": acc,
                }
            )
    return {"bins": rows, "ece": float(ece)}


def flip_accuracy(model, x: np.ndarray, y: np.ndarray) -> dict:
    """Test accuracy without and with the mirror image's probabilities averaged in, and which weights were measured
    (the sha256 of the folder's model.weights.h5: the Improving it tab shows the result only for those weights)."""
    plain = model.keras_model.predict(x[..., None].astype(np.float32), batch_size=1000, verbose=0)
    mirrored = model.keras_model.predict(x[:, :, ::-1, None].astype(np.float32), batch_size=1000, verbose=0)
    return {
        "test_accuracy": float((plain.argmax(1) == y).mean()),
        "flip_test_accuracy": float(((plain + mirrored).argmax(1) == y).mean()),
        "images": len(y),
        "weights_sha256": model.weights_sha256,
    }


def select_samples(probs: np.ndarray, y_true: np.ndarray, correct_per_class: int, seed: int) -> np.ndarray:
    """Test-set indices to ship: every misclassified image, plus a random sample of correct ones per class."""
    y_pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(y_pred != y_true)
    rng = np.random.default_rng(seed)
    right = [
        rng.choice(hits, size=min(correct_per_class, len(hits)), replace=False)
        for c in range(probs.shape[1])
        if len(hits := np.flatnonzero((y_pred == c) & (y_true == c)))
    ]
    return np.sort(np.concatenate([wrong, *right])).astype(np.int64)
