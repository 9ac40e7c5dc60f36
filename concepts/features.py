"""Filters and feature maps: what the convolutional layers look for, and where they find it.

The helpers behind the Filters & feature maps tab: which layers to show, the shift test, and
the kernel and feature-map grids.
What the page says about it is in ``tabs/filters.py``: this docstring is for developers.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

MAX_MAPS = 32  # feature maps drawn per layer: enough to see the variety, small enough to read


def conv_activation_layers(keras_model) -> list[str]:
    """Names of the layers holding each conv layer's output after batch norm and ReLU, input first to output."""
    return [layer.name for layer in keras_model.layers if layer.name.startswith("block") and "_relu" in layer.name]


def shift_image(pixels: np.ndarray, dx: int, dy: int = 0) -> np.ndarray:
    """Move a 28x28 image dx pixels right and dy down; what leaves the frame is lost, the gap is black."""
    out = np.zeros_like(pixels)
    h, w = pixels.shape
    src = pixels[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
    out[max(0, dy) : max(0, dy) + src.shape[0], max(0, dx) : max(0, dx) + src.shape[1]] = src
    return out


def feature_grid(maps: np.ndarray, title: str, max_maps: int = MAX_MAPS) -> plt.Figure:
    """An (H, W, C) activation as a grid of C small images (the first ``max_maps``), brightest = strongest."""
    count = min(maps.shape[-1], max_maps)
    cols = 8
    rows = int(np.ceil(count / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.25 + 0.5), dpi=100, squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < count:
            ax.imshow(maps[..., k], cmap="magma", interpolation="nearest")
            ax.set_title(f"#{k}", fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def kernel_grid(kernels: np.ndarray) -> plt.Figure:
    """First-layer kernels (3, 3, 1, C) as C tiny images: red weights add, blue subtract."""
    k = kernels[:, :, 0, :]
    limit = float(np.abs(k).max()) or 1.0
    cols = 8
    rows = int(np.ceil(k.shape[-1] / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 0.9, rows * 1.0 + 0.4), dpi=100, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < k.shape[-1]:
            ax.imshow(k[..., i], cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
            ax.set_title(f"#{i}", fontsize=7)
    fig.suptitle(f"The {k.shape[-1]} learned 3×3 filters of the first conv layer", fontsize=10)
    fig.tight_layout()
    return fig


def shift_curves(shifts: list[int], cnn: np.ndarray, dense: np.ndarray, current: int, class_name: str) -> plt.Figure:
    """Each model's probability for one class as the image slides sideways."""
    fig, ax = plt.subplots(figsize=(6.5, 3.4), dpi=100)
    ax.plot(shifts, cnn, "o-", label="CNN (ours)")
    ax.plot(shifts, dense, "s--", label="dense network")
    ax.axvline(current, color="gray", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("shift (pixels, + = right)")
    ax.set_ylabel(f"P({class_name})")
    ax.set_title(f"Confidence in {class_name} as the image slides sideways", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
