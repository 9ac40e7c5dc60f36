"""Normalization: put every input on the scale the network was trained on.

The input raw, scaled and standardized with the training set's mean and std (tested against the
model's own normalization layer), and the Normalization tab's histograms.
What the page says about it is in ``tabs/normalization.py``: this docstring is for developers.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from model.data import PIXEL_MEAN, PIXEL_STD  # noqa: E402


def scalings(pixels: np.ndarray) -> dict[str, np.ndarray]:
    """The same image raw (0-255), scaled (0-1) and standardized ((x/255 - mean) / std)."""
    raw = np.asarray(pixels, dtype=np.float64)
    scaled = raw / 255
    return {"raw (0–255)": raw, "scaled (0–1)": scaled, "standardized": (scaled - PIXEL_MEAN) / PIXEL_STD}


def histograms(pixels: np.ndarray) -> plt.Figure:
    """One histogram per scaling: the shape never changes, only the numbers on the axis."""
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2), dpi=100)
    for ax, (name, values) in zip(axes, scalings(pixels).items(), strict=True):
        ax.hist(values.ravel(), bins=32, color="#4c72b0")
        ax.set_title(f"{name}\nmean {values.mean():.2f}, std {values.std():.2f}", fontsize=10)
        ax.set_xlabel("pixel value")
    axes[0].set_ylabel("pixels")
    fig.tight_layout()
    return fig
