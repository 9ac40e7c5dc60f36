"""Filters and feature maps: what the convolutional layers look for, and where they find it.

The helpers behind the Filters & feature maps tab: which layers to show and the shift test
(the tab draws the kernel and feature-map grids with ``tabs/charts.py``).
What the page says about it is in ``tabs/filters.py``: this docstring is for developers.
"""

from __future__ import annotations

import numpy as np

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


def conv_window(x: np.ndarray, kernel: np.ndarray, row: int, col: int) -> tuple[np.ndarray, np.ndarray, float]:
    """One output value of a 3x3 convolution with "same" padding, worked through.

    ``x`` is the (H, W) map the layer receives and ``kernel`` one filter's (3, 3) weights. The value at
    (row, col) is the sum of the 3x3 window of ``x`` centred there times the kernel, element by element
    (zeros stand in for the pixels beyond the edge). Returns the window, the products and their sum.
    """
    padded = np.pad(np.asarray(x, dtype=np.float64), 1)
    window = padded[row : row + 3, col : col + 3]
    products = window * np.asarray(kernel, dtype=np.float64)
    return window, products, float(products.sum())


def receptive_field(keras_model, layer: str) -> tuple[int, int]:
    """(side, step) of one output cell of LAYER in input pixels: the window of the input it can depend on, and how
    far apart neighbouring cells' windows start.

    Each k×k convolution or pooling widens the window by (k - 1) steps of the layer before it, and a stride s
    multiplies the step by s (Araujo et al. 2019, "Computing receptive fields of CNNs", Distill). The window can
    reach past the image's edge: there it reads the zero padding.
    """
    side, step = 1, 1
    for each in keras_model.layers:
        size = getattr(each, "kernel_size", None) or getattr(each, "pool_size", None)
        if size is not None:
            side += (size[0] - 1) * step
            step *= each.strides[0]
        if each.name == layer:
            return side, step
    raise ValueError(f"{keras_model.name} has no layer {layer!r}")


def cell_window(keras_model, layer: str, cell: int) -> tuple[int, int]:
    """The first and last input pixel (row, or column: the layers are square) that output cell CELL of LAYER can
    depend on, cut off at the image's edges: ``receptive_field``'s window, placed. A "same" convolution or pooling
    pads (k - 1) // 2 pixels before, more when strided (Keras's rule), so its windows start that many pixels early;
    "valid" ones pad nothing."""
    side, step, start = 1, 1, 0
    for each in keras_model.layers:
        size = getattr(each, "kernel_size", None) or getattr(each, "pool_size", None)
        if size is not None:
            k, stride = size[0], each.strides[0]
            if each.padding == "same":
                n = each.input.shape[1]
                start -= max((-(-n // stride) - 1) * stride + k - n, 0) // 2 * step
            side += (k - 1) * step
            step *= stride
        if each.name == layer:
            image = keras_model.inputs[0].shape[1]
            first = start + cell * step
            return max(first, 0), min(first + side - 1, image - 1)
    raise ValueError(f"{keras_model.name} has no layer {layer!r}")
