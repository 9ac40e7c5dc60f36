"""Normalization: put every input on the scale the network was trained on.

The input raw, scaled and standardized with the training set's mean and std (tested against the
model's own normalization layer).
What the page says about it is in ``tabs/normalization.py``: this docstring is for developers.
"""

from __future__ import annotations

import numpy as np

from model.data import PIXEL_MEAN, PIXEL_STD


def scalings(pixels: np.ndarray) -> dict[str, np.ndarray]:
    """The same image raw (0-255), scaled (0-1) and standardized ((x/255 - mean) / std)."""
    raw = np.asarray(pixels, dtype=np.float64)
    scaled = raw / 255
    return {"raw (0–255)": raw, "scaled (0–1)": scaled, "standardized": (scaled - PIXEL_MEAN) / PIXEL_STD}
