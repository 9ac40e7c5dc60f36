"""Pooling: shrink a feature map by summarising each small window with one number.

A numpy reference for Keras's MaxPooling2D / AveragePooling2D (tested against them), the window
worth working through, and the Pooling tab's figure.
What the page says about it is in ``tabs/pooling.py``: this docstring is for developers.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

MODES = ("max", "average")


def windows(x: np.ndarray, size: int, stride: int) -> np.ndarray:
    """All pooling windows of an (H, W) or (H, W, C) map: (H', W', [C,] size, size), valid padding."""
    return sliding_window_view(np.asarray(x), (size, size), axis=(0, 1))[::stride, ::stride]


def pool2d(x: np.ndarray, mode: str = "max", size: int = 2, stride: int | None = None) -> np.ndarray:
    """Max or average pooling like Keras's MaxPooling2D / AveragePooling2D (padding="valid").

    ``stride`` defaults to ``size``, as in Keras: the windows tile the map without overlap.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    if size < 1 or (stride is not None and stride < 1):
        raise ValueError("pool size and stride must be at least 1")
    stride = stride or size
    if min(np.shape(x)[:2]) < size:
        raise ValueError(f"a {size}x{size} window does not fit in a {np.shape(x)[0]}x{np.shape(x)[1]} map")
    w = windows(np.asarray(x, dtype=np.float64), size, stride)
    return w.max(axis=(-2, -1)) if mode == "max" else w.mean(axis=(-2, -1))


def busiest_window(x: np.ndarray, size: int, stride: int) -> tuple[int, int]:
    """(row, col) of the output cell whose window varies most: the most instructive one to work through."""
    w = windows(np.asarray(x, dtype=np.float64), size, stride)
    spread = w.max(axis=(-2, -1)) - w.min(axis=(-2, -1))
    row, col = np.unravel_index(int(np.argmax(spread)), spread.shape)
    return int(row), int(col)


def side_by_side(
    x: np.ndarray, results: dict[str, np.ndarray], chosen: str, cell: tuple[int, int], size: int, stride: int
):
    """The input and each pooled map on one colour scale; the worked window outlined in all three."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    low, high = float(x.min()), float(x.max()) or 1.0  # pooling never leaves the input's range
    fig, axes = plt.subplots(1, 1 + len(results), figsize=(4 * (1 + len(results)), 4), dpi=100)
    row, col = cell
    panels = [("input", x, (col * stride, row * stride, size))]
    panels += [(name, result, (col, row, 1)) for name, result in results.items()]
    for ax, (name, values, (cx, cy, side)) in zip(axes, panels, strict=True):
        ax.imshow(values, cmap="viridis", vmin=low, vmax=high, interpolation="nearest")
        ax.add_patch(Rectangle((cx - 0.5, cy - 0.5), side, side, fill=False, edgecolor="red", linewidth=2))
        title = f"{name} pooling" if name != "input" else "input"
        weight = "bold" if name == chosen else "normal"
        ax.set_title(f"{title} ({values.shape[0]}×{values.shape[1]})", fontweight=weight)
        ax.set_xticks([])
        ax.set_yticks([])
        if name == chosen:
            for spine in ax.spines.values():
                spine.set_edgecolor("red")
                spine.set_linewidth(3)
    fig.tight_layout(rect=(0, 0, 1, 0.94))  # room above the titles
    return fig
