"""Pooling: shrink a feature map by summarising each small window with one number.

A numpy reference for Keras's MaxPooling2D / AveragePooling2D (tested against them), and the window
worth working through.
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


def spreads(x: np.ndarray, size: int, stride: int) -> np.ndarray:
    """Each window's largest minus smallest value, one per output cell: (H', W')."""
    return np.ptp(windows(np.asarray(x, dtype=np.float64), size, stride), axis=(-2, -1))


def busiest_window(x: np.ndarray, size: int, stride: int) -> tuple[int, int]:
    """(row, col) of the output cell whose window varies most (the first in reading order where several tie): the
    most instructive one to work through."""
    spread = spreads(x, size, stride)
    row, col = np.unravel_index(int(np.argmax(spread)), spread.shape)
    return int(row), int(col)


def covered(side: int, size: int, stride: int) -> int:
    """How many rows (or columns) of a side some window reaches, with valid padding: those after the last whole
    window, and with a stride above the size those between windows, reach none."""
    fit = (side - size) // stride + 1
    return (fit - 1) * stride + size if stride <= size else fit * size
