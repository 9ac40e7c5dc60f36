"""Softmax: turn the network's raw scores (logits) into probabilities that sum to 1.

A numerically stable softmax with a temperature (tested against Keras), the naive formula that
overflows, every intermediate step, and the Softmax tab's bar charts.
What the page says about it is in ``tabs/softmax.py``: this docstring is for developers.
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The numerically stable softmax over the last axis, with a temperature."""
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)  # the subtract-the-max trick: same result, no overflow
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def naive_softmax(logits: np.ndarray, dtype=np.float32) -> np.ndarray:
    """exp(z) / sum(exp(z)) with no shift, in float32 like the model: overflows for logits above ~88."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(logits, dtype=dtype))
        return e / e.sum(axis=-1, keepdims=True)


def worked_steps(logits: np.ndarray, temperature: float = 1.0) -> dict[str, np.ndarray]:
    """Every intermediate of the stable softmax, for showing it step by step."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    shifted = scaled - scaled.max()
    exps = np.exp(shifted)
    return {
        "logit": np.asarray(logits, dtype=np.float64),
        "÷ T": scaled,
        "− max": shifted,
        "exp": exps,
        "probability": exps / exps.sum(),
    }


def parse_logits(text: str) -> np.ndarray:
    """'2, 1.0, -0.5' -> array; a clear ValueError for anything else."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    if not 2 <= len(parts) <= 20:
        raise ValueError("Type between 2 and 20 numbers separated by commas, for example: 2, 1, 0.1")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(
            f"Could not read {text!r} as numbers. Use digits, a minus sign and a dot, e.g. 2, -1.5, 0.3"
        ) from None
    if not np.all(np.isfinite(values)):
        raise ValueError("Logits must be finite numbers (no inf or nan).")
    if np.abs(values).max() > 1e6:
        raise ValueError("Keep each logit between -1,000,000 and 1,000,000.")
    return values


def bars(names: list[str], logits: np.ndarray, probs: np.ndarray, temperature: float):
    """Logits and the resulting probabilities as two bar charts, class names on the axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), dpi=100)
    colors = ["#dd8452" if i == int(np.argmax(probs)) else "#4c72b0" for i in range(len(names))]
    left.bar(names, logits, color=colors)
    left.axhline(0, color="gray", lw=0.8)
    left.set_title("logits (the model's raw scores)")
    right.bar(names, probs, color=colors)
    right.set_ylim(0, 1)
    right.set_title(f"softmax(logits / {temperature:g})")
    for ax in (left, right):
        ax.tick_params(axis="x", rotation=45)
        plt.setp(ax.get_xticklabels(), ha="right", fontsize=8)
    fig.tight_layout()
    return fig
