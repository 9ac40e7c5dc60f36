"""Softmax: turn the network's raw scores (logits) into probabilities that sum to 1.

A numerically stable softmax with a temperature (tested against Keras), the naive formula that
overflows, and every intermediate step.
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


def exact_softmax(logits: np.ndarray, digits: int = 340) -> list:
    """The softmax of LOGITS (each float taken as the exact number it stores) to DIGITS significant digits, as
    Decimals: a reference that float64 cannot be where a probability sits a hair under 1/2 or 1 (float64 rounds
    0.5 - 1e-39 to 0.5). 340 digits pin a probability near 1 down to below float64's smallest number (5e-324), so
    every error a float can hold is measured (review 75c #2: 100 digits printed 0 for 2.5e-121)."""
    from decimal import Decimal, localcontext

    with localcontext() as context:
        context.prec = digits
        values = [Decimal(float(v)) for v in np.asarray(logits, np.float64)]
        top = max(values)
        exps = [(v - top).exp() for v in values]
        total = sum(exps)
        return [e / total for e in exps]


def errors_from(probabilities, exact: list) -> np.ndarray:
    """How far each of PROBABILITIES (floats, or Decimals from ``exact_softmax``) lies from EXACT, as floats."""
    from decimal import Decimal, localcontext

    with localcontext() as context:
        context.prec = 400  # EXACT's 340 digits, and a float's 17 beside them, without rounding the difference
        return np.array(
            [
                float(abs(Decimal(p if isinstance(p, Decimal) else float(p)) - e))
                for p, e in zip(probabilities, exact, strict=True)
            ]
        )


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
