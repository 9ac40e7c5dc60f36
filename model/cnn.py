"""The Fashion-MNIST CNN, as a Keras 3 functional model.

Input: raw 0-255 pixels, bright garment on black, shape (N, 28, 28, 1).
Output: 10 class probabilities in label order (see ``model.data.CLASS_NAMES``).
Normalization lives inside the model (a ``Rescaling`` layer), so nobody feeding it
can forget it; the logits before the softmax are the layer named ``logits``.
"""

from __future__ import annotations

import keras
from keras import layers

from model.data import PIXEL_MEAN, PIXEL_STD

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
LOGITS_LAYER = "logits"
PROBS_LAYER = "probabilities"


def _conv_block(x, filters: int, convs: int, name: str, pool: str, dropout: float):
    for i in range(convs):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{i + 1}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{i + 1}")(x)
        x = layers.ReLU(name=f"{name}_relu{i + 1}")(x)
    pooling = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D}[pool]
    x = pooling(2, name=f"{name}_{pool}pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name=f"{name}_dropout")(x)
    return x


def build_cnn(
    widths: tuple[int, ...] = (32, 64, 128),
    convs_per_block: tuple[int, ...] = (1, 2, 2),
    dense_units: int = 256,
    dropout: float = 0.0,
    dense_dropout: float = 0.2,
    pool: str = "max",
    normalize: bool = True,
) -> keras.Model:
    """A VGG-style CNN: blocks of 3x3 conv + batch norm + ReLU, each ending in a 2x2 pool ("max" or "average")."""
    if pool not in ("max", "average"):
        raise ValueError(f'pool must be "max" or "average", not {pool!r}')
    inputs = keras.Input(shape=INPUT_SHAPE, name="pixels")  # (N, 28, 28, 1), 0-255
    if normalize:
        # (x/255 - mean)/std in one affine layer: the net sees zero-mean, unit-variance pixels.
        x = layers.Rescaling(scale=1 / (255 * PIXEL_STD), offset=-PIXEL_MEAN / PIXEL_STD, name="normalize")(inputs)
    else:
        x = layers.Identity(name="no_normalization")(inputs)
    for b, (filters, convs) in enumerate(zip(widths, convs_per_block, strict=True)):  # 28 -> 14 -> 7 -> 3
        x = _conv_block(x, filters, convs, f"block{b + 1}", pool, dropout)
    x = layers.Flatten(name="flatten")(x)  # (N, 3*3*128)
    x = layers.Dense(dense_units, use_bias=False, name="dense")(x)
    x = layers.BatchNormalization(name="dense_bn")(x)
    x = layers.ReLU(name="dense_relu")(x)
    if dense_dropout:
        x = layers.Dropout(dense_dropout, name="dense_dropout")(x)
    logits = layers.Dense(NUM_CLASSES, name=LOGITS_LAYER)(x)  # (N, 10)
    probs = layers.Softmax(name=PROBS_LAYER)(logits)
    return keras.Model(inputs, probs, name="fashion_cnn")


def build_mlp(hidden: tuple[int, ...] = (512, 256), dropout: float = 0.25) -> keras.Model:
    """A dense network with no convolutions: the "CNN vs dense" comparison."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="pixels")
    x = layers.Rescaling(scale=1 / (255 * PIXEL_STD), offset=-PIXEL_MEAN / PIXEL_STD, name="normalize")(inputs)
    x = layers.Flatten(name="flatten")(x)
    for i, units in enumerate(hidden):
        x = layers.Dense(units, activation="relu", name=f"dense{i + 1}")(x)
        x = layers.Dropout(dropout, name=f"dropout{i + 1}")(x)
    logits = layers.Dense(NUM_CLASSES, name=LOGITS_LAYER)(x)
    probs = layers.Softmax(name=PROBS_LAYER)(logits)
    return keras.Model(inputs, probs, name="fashion_mlp")


def build_notebook(
    batch_norm: bool = False, normalize: bool = True, pool: str = "max", dropout: float = 0.0
) -> keras.Model:
    """The study notebook's CNN, the improvement ladder's first rung: conv 32 -> pool -> conv 64 -> pool -> dense 128.

    3x3 "valid" convolutions and 2x2 max pools (28 -> 26 -> 13 -> 11 -> 5), ReLU, standardized input as in
    every run here. BATCH_NORM puts a batch norm between each convolution or dense layer and its ReLU (the
    second rung), the layer then having no bias of its own (the batch norm's shift replaces it). NORMALIZE
    False feeds the first convolution raw 0-255 pixels (the Normalization tab's pair of runs without batch norm).
    POOL "average" pools by the mean instead of the maximum; DROPOUT drops that share of the dense layer's
    outputs in training (both are the Playground's knobs).
    """
    if pool not in ("max", "average"):
        raise ValueError(f'pool must be "max" or "average", not {pool!r}')
    pooling = {"max": layers.MaxPooling2D, "average": layers.AveragePooling2D}[pool]
    inputs = keras.Input(shape=INPUT_SHAPE, name="pixels")
    if normalize:
        x = layers.Rescaling(scale=1 / (255 * PIXEL_STD), offset=-PIXEL_MEAN / PIXEL_STD, name="normalize")(inputs)
    else:
        x = layers.Identity(name="no_normalization")(inputs)

    def unit(x, layer, name):
        x = layer(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.ReLU(name=f"{name}_relu")(x)

    x = unit(x, layers.Conv2D(32, 3, use_bias=not batch_norm, name="conv1"), "conv1")
    x = pooling(2, name="pool1")(x)
    x = unit(x, layers.Conv2D(64, 3, use_bias=not batch_norm, name="conv2"), "conv2")
    x = pooling(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)  # (N, 5*5*64)
    x = unit(x, layers.Dense(128, use_bias=not batch_norm, name="dense"), "dense")
    if dropout:
        x = layers.Dropout(dropout, name="dense_dropout")(x)
    logits = layers.Dense(NUM_CLASSES, name=LOGITS_LAYER)(x)
    probs = layers.Softmax(name=PROBS_LAYER)(logits)
    name = "notebook_cnn" + ("_bn" if batch_norm else "") + ("" if normalize else "_raw")
    name += ("" if pool == "max" else "_avgpool") + (f"_dropout{dropout:g}" if dropout else "")
    return keras.Model(inputs, probs, name=name)
