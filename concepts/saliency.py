"""Where did the model look? Saliency maps for one image and one class, and two tests of whether to trust them.

- Grad-CAM (Selvaraju et al. 2017, arXiv:1610.02391): weight each feature map of the last conv
  layer by the mean gradient of the class's logit with respect to it, sum, keep the positive part.
  Coarse (7x7 here, one cell every 4 input pixels), upsampled bilinearly to the input. Cells no later layer
  reads (the last pooling drops the 7th row and column) are set to 0: the score cannot depend on them.
- Input gradients and SmoothGrad (Simonyan et al. 2013; Smilkov et al. 2017, arXiv:1706.03825):
  |d logit / d pixel|, averaged over noisy copies of the input to remove the speckle.
- Occlusion (Zeiler & Fergus 2014, arXiv:1311.2901): cover a square with a gray patch, see how much
  the class's probability drops; each pixel gets the mean drop of the patches that cover it.
- Model randomization (Adebayo et al. 2018, arXiv:1810.03292): re-draw the weights layer by layer
  from the top; a map that barely changes cannot be explaining what the model learned.
- Deletion (Petsiuk et al. 2018, arXiv:1806.07421): remove the pixels a map ranks highest first;
  the faster the class probability falls, the more the map found what the model relies on.

Developer notes: what the page says about it is in ``tabs/explain.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import cv2
import keras
import matplotlib
import numpy as np
import tensorflow as tf  # GradientTape: Keras 3 has no backend-neutral gradient API

from model.cnn import LOGITS_LAYER
from model.data import PIXEL_MEAN

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402

GRAD_CAM, SMOOTHGRAD, OCCLUSION = METHODS = ("Grad-CAM", "SmoothGrad", "Occlusion")
RANDOM_ORDER, BRIGHTEST_ORDER = BASELINES = ("random pixels", "brightest pixels first")  # deletion orders, no model
OCCLUSION_PATCH = 4  # default side of the gray patch, pixels: a seventh of the image's side
SMOOTHGRAD_SAMPLES = 32  # noisy copies averaged (Smilkov et al.: little changes past ~50)
SMOOTHGRAD_NOISE = 0.15  # noise std as a share of the 0-255 range: the paper's 10-20% sweet spot
OCCLUSION_STRIDE = 2  # the gray patch moves this many pixels at a time
OCCLUSION_FILL = PIXEL_MEAN * 255  # the training set's mean pixel: after the model's standardization, exactly 0
DELETION_STEPS = 28  # a deletion curve removes 784 / 28 = 28 pixels a step
REMOVED = 0.0  # a deleted pixel becomes background (Fashion-MNIST's background is black)
REACH_PROBES = 16  # random images whose gradients show which cells of Grad-CAM's layer reach the logits
BATCH = 1024  # images per model call (SmoothGrad over many images would otherwise be one huge batch)
HEAT = matplotlib.colormaps["turbo"]  # blue (little) -> red (most)

T = TypeVar("T")


def last_conv_layer(keras_model) -> str:
    """Grad-CAM's layer: the last Conv2D (``block3_conv2``, 7x7x128), its output before batch norm and ReLU.

    Not the ReLU after it: on the rectified maps Grad-CAM is 0 everywhere for 58.6% of 500 test images, on this
    layer's (both signs) for 2.0% (printed by ``python -m benchmarks.deletion --empty-grad-cam`` on the weights
    with sha256 bd41084d...; not kept in the model folder; docs/where-it-looked.md). Likely because this network
    ends in Flatten + Dense: after global average pooling and one dense layer, the weighted maps would add up to
    the class's logit less its bias, so they could not all be empty where that is above 0; here nothing ties them.
    """
    return [layer.name for layer in keras_model.layers if isinstance(layer, keras.layers.Conv2D)][-1]


def weighted_layers(keras_model) -> list[str]:
    """The layers with a kernel (conv and dense), output first: the order the randomization test scrambles them."""
    return [layer.name for layer in reversed(keras_model.layers) if getattr(layer, "kernel", None) is not None]


class Explainer:
    """One Keras classifier's gradients, compiled once (``tf.function``): 5-10x faster than eager per call."""

    def __init__(self, keras_model, layer: str | None = None, logits: str = LOGITS_LAYER):
        self.model = keras_model
        self.layer = layer or last_conv_layer(keras_model)
        self.input_shape = tuple(keras_model.input.shape[1:])  # (28, 28, 1)
        net = keras.Model(
            keras_model.input, [keras_model.get_layer(self.layer).output, keras_model.get_layer(logits).output]
        )
        images = tf.TensorSpec((None, *self.input_shape), tf.float32)

        @tf.function(input_signature=[images, tf.TensorSpec((None,), tf.int32)])
        def gradients(x, classes):
            with tf.GradientTape() as tape:
                tape.watch(x)
                maps, logits = net(x, training=False)  # (N, h, w, K), (N, classes)
                score = tf.gather(logits, classes, batch_dims=1)  # (N,): each image's own class; images don't mix
            d_maps, d_x = tape.gradient(score, [maps, x])
            return maps, d_maps, d_x

        @tf.function(input_signature=[images])
        def probabilities(x):
            return keras_model(x, training=False)

        self._gradients, self._probabilities = gradients, probabilities
        self._reach = None  # computed on first use (reach)

    def _batch(self, pixels: np.ndarray) -> np.ndarray:
        return np.asarray(pixels, dtype=np.float32).reshape(-1, *self.input_shape)

    def probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """(N, H, W) pixels -> (N, classes) probabilities."""
        x = self._batch(pixels)
        return np.concatenate([self._probabilities(x[i : i + BATCH]).numpy() for i in range(0, len(x), BATCH)])

    def _run(self, pixels: np.ndarray, classes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = self._batch(pixels)
        c = np.broadcast_to(np.asarray(classes, dtype=np.int32), (len(x),))
        parts = [self._gradients(x[i : i + BATCH], c[i : i + BATCH]) for i in range(0, len(x), BATCH)]
        return tuple(np.concatenate([part[k].numpy() for part in parts]) for k in range(3))

    def grad_cam(self, pixels: np.ndarray, classes) -> np.ndarray:
        """(N, H, W) pixels, a class per image -> (N, h, w) Grad-CAM maps at the conv layer's resolution.

        Cells no later layer reads (``reach``) are 0: a 2x2 pool with "valid" padding reads rows and columns 0-5
        of a 7x7 map, so the class score cannot depend on the 7th; plain Grad-CAM would still colour them."""
        maps, d_maps, _ = self._run(pixels, classes)
        weights = d_maps.mean(axis=(1, 2), keepdims=True)  # (N, 1, 1, K): alpha_k, the mean gradient of map k
        heat = np.maximum((weights * maps).sum(axis=-1), 0.0)  # ReLU: only what raises the class's score
        return heat * self.reach()

    def reach(self) -> np.ndarray:
        """(h, w) bool: the layer's cells whose value reaches the logits. A cell a later pooling drops gets a
        gradient of exactly 0 from every class on every input; probed once on random images, all classes."""
        if self._reach is None:
            rng = np.random.default_rng(0)
            probe = rng.uniform(0, 255, (REACH_PROBES, *self.input_shape)).astype(np.float32)
            seen = None
            for c in range(self.model.output.shape[-1]):
                _, d_maps, _ = self._run(probe, c)
                hit = (d_maps != 0).any(axis=(0, 3))
                seen = hit if seen is None else seen | hit
            self._reach = seen
        return self._reach

    def input_gradients(
        self,
        pixels: np.ndarray,
        classes,
        samples: int = SMOOTHGRAD_SAMPLES,
        noise: float = SMOOTHGRAD_NOISE,
        seed: int = 0,
    ) -> np.ndarray:
        """(N, H, W) -> (N, H, W) |mean gradient of the class's logit| over ``samples`` copies with Gaussian noise.

        ``samples=1, noise=0`` gives the plain gradient (Simonyan et al.).
        """
        x = np.asarray(pixels, dtype=np.float32).reshape(-1, *self.input_shape[:2])  # (N, H, W)
        rng = np.random.default_rng(seed)
        noisy = x[:, None] + rng.normal(0.0, noise * 255, size=(len(x), samples, *x.shape[1:])).astype(np.float32)
        classes = np.repeat(np.broadcast_to(np.asarray(classes), (len(x),)), samples)
        _, _, d_x = self._run(noisy.reshape(-1, *x.shape[1:]), classes)
        return np.abs(d_x.reshape(len(x), samples, *x.shape[1:]).mean(axis=1))

    def occlusion(
        self,
        pixels: np.ndarray,
        class_index: int,
        patch: int,
        stride: int = OCCLUSION_STRIDE,
        fill: float = OCCLUSION_FILL,
    ) -> np.ndarray:
        """(H, W) -> (H, W): how much the class's probability drops, on average, when a gray patch covers each pixel.

        Negative where covering a pixel raises the probability. The patch visits every ``stride``-th
        position and the last one, so every pixel is covered at least once.
        """
        image = np.asarray(pixels, dtype=np.float32)
        boxes = patch_positions(image.shape, patch, stride)
        covered = np.repeat(image[None], len(boxes), axis=0)
        for k, (top, left) in enumerate(boxes):
            covered[k, top : top + patch, left : left + patch] = fill
        probs = self.probabilities(np.concatenate([image[None], covered]))[:, class_index]
        drops = probs[0] - probs[1:]
        total, count = np.zeros(image.shape), np.zeros(image.shape)
        for drop, (top, left) in zip(drops, boxes, strict=True):
            total[top : top + patch, left : left + patch] += drop
            count[top : top + patch, left : left + patch] += 1
        return total / count


def saliency_map(explainer: Explainer, pixels: np.ndarray, class_index: int, method: str, patch: int) -> np.ndarray:
    """One of ``METHODS`` for one (H, W) image and class, at the input's resolution: (H, W)."""
    if method == GRAD_CAM:
        return upsample(explainer.grad_cam(pixels, class_index)[0], np.shape(pixels))
    if method == SMOOTHGRAD:
        return explainer.input_gradients(pixels, class_index)[0]
    if method == OCCLUSION:
        return explainer.occlusion(pixels, class_index, patch)
    raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")


def every_map(explainer: Explainer, pixels: np.ndarray, class_index: int, patch: int) -> dict[str, np.ndarray]:
    """All of ``METHODS`` for one image and class: {method: (H, W) map}."""
    return {method: saliency_map(explainer, pixels, class_index, method, patch) for method in METHODS}


def patch_positions(shape: tuple[int, int], patch: int, stride: int) -> list[tuple[int, int]]:
    """(top, left) of every patch: each ``stride`` pixels from 0, plus the last position flush with the edge."""
    rows, cols = (sorted({*range(0, side - patch + 1, stride), side - patch}) for side in shape)
    return [(top, left) for top in rows for left in cols]


def upsample(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(N, h, w) or (h, w) coarse maps -> the input's (H, W), bilinear as in the Grad-CAM paper."""
    if maps.ndim == 3:
        return np.stack([upsample(m, size) for m in maps])
    return cv2.resize(maps.astype(np.float32), size[::-1], interpolation=cv2.INTER_LINEAR)


class RandomizedCascade:
    """A copy of a model whose kernels are re-drawn one layer at a time from the top (Adebayo et al.'s cascade).

    Each conv and dense kernel is replaced by a draw from Keras's default initializer for those layers
    (Glorot uniform, what training started from; biases to 0), with a fixed seed; batch-norm layers have no
    kernel, so their learned scale and shift and their statistics stay trained. One copy is re-weighted stage
    by stage under a lock, so its compiled gradients are traced once.
    """

    def __init__(self, keras_model, seed: int = 0):
        self.layers = weighted_layers(keras_model)
        self.copy = keras.models.clone_model(keras_model)
        self.trained = keras_model.get_weights()
        self.copy.set_weights(self.trained)
        self.explainer = Explainer(self.copy, last_conv_layer(keras_model))
        self.kernels = {
            name: keras.initializers.GlorotUniform(seed=seed + i)(self.copy.get_layer(name).kernel.shape)
            for i, name in enumerate(self.layers)
        }
        self._lock = threading.Lock()

    def run(self, explain: Callable[[Explainer], T]) -> list[tuple[str, T]]:
        """``explain`` on the trained weights, then after each layer (top first) is randomized: [(layer, result)]."""
        names = ["trained", *self.layers]
        return [(names[depth], self.randomized(explain, depth)) for depth in range(len(names))]

    def randomized(self, explain: Callable[[Explainer], T], depth: int) -> T:
        """``explain`` with the top ``depth`` layers randomized (0: the trained model; ``len(layers)``: all)."""
        with self._lock:
            self.copy.set_weights(self.trained)
            for name in self.layers[:depth]:
                self._randomize(name)
            try:
                return explain(self.explainer)
            finally:
                self.copy.set_weights(self.trained)

    def _randomize(self, name: str) -> None:
        layer = self.copy.get_layer(name)
        layer.kernel.assign(self.kernels[name])
        if layer.bias is not None:
            layer.bias.assign(np.zeros(layer.bias.shape, dtype=np.float32))


def compared_region(explainer: Explainer, method: str, shape: tuple[int, int]) -> np.ndarray | None:
    """The pixels two maps of METHOD are compared on: for Grad-CAM, those upsampled from read cells only (the strip
    from cells the last pooling drops is 0 in every map, and would count as agreement); None (all) otherwise."""
    if method != GRAD_CAM:
        return None
    return upsample(explainer.reach().astype(np.float32), shape) >= 1 - 1e-6


def rank_correlation(a: np.ndarray, b: np.ndarray, region: np.ndarray | None = None) -> float:
    """Spearman's rank correlation of two maps (ties get their mean rank), on REGION's pixels if given; NaN if
    either map is constant there."""
    if region is not None:
        a, b = np.asarray(a)[region], np.asarray(b)[region]
    ra, rb = _ranks(np.ravel(a)), _ranks(np.ravel(b))
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _ranks(values: np.ndarray) -> np.ndarray:
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])  # rank of each distinct value's first copy
    return (first + (counts - 1) / 2)[inverse]  # ties: the mean of the ranks they span


def deletion_order(saliency: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pixel indices, most salient first; ties in random order (so flat maps get no top-left bias)."""
    flat = np.ravel(saliency)
    shuffled = rng.permutation(flat.size)
    return shuffled[np.argsort(-flat[shuffled], kind="stable")]


def deletion_curve(
    probabilities: Callable[[np.ndarray], np.ndarray],
    pixels: np.ndarray,
    class_index: int,
    order: np.ndarray,
    steps: int = DELETION_STEPS,
) -> np.ndarray:
    """The class's probability as the pixels are removed in ``order``, ``size / steps`` at a time: (steps + 1,)."""
    per_step = int(np.ceil(pixels.size / steps))
    batch = np.repeat(np.asarray(pixels, dtype=np.float32)[None], steps + 1, axis=0).reshape(steps + 1, -1)
    for k in range(1, steps + 1):
        batch[k, order[: k * per_step]] = REMOVED
    return probabilities(batch.reshape(steps + 1, *pixels.shape))[:, class_index]


def area_under(curve: np.ndarray) -> float:
    """The area under a deletion curve drawn over 0..1 of the pixels removed (trapezoids)."""
    return float((curve[1:] + curve[:-1]).mean() / 2)


def normalized(heat: np.ndarray) -> np.ndarray:
    """A map scaled to 0..1 by its own maximum (negative values count as 0); all zeros stays all zeros."""
    positive = np.maximum(np.asarray(heat, dtype=np.float64), 0.0)
    peak = positive.max()
    return positive / peak if peak > 0 else positive


def overlay(base: np.ndarray, heat: np.ndarray, strength: float = 0.7) -> np.ndarray:
    """A 0..1 heatmap over a (H, W) gray or (H, W, 3) image: colour where it is hot, the image where it is not."""
    rgb = np.repeat(base[..., None], 3, axis=2) if base.ndim == 2 else base
    alpha = strength * np.clip(heat, 0.0, 1.0)[..., None]
    return (1 - alpha) * rgb.astype(np.float64) + alpha * 255 * HEAT(heat)[..., :3]


def onto_photo(
    heat: np.ndarray, box: tuple[float, float, float, float], placed: tuple[int, int, int, int], shape: tuple[int, int]
) -> np.ndarray:
    """A heatmap over the 28x28 input -> the same heat over a photo of ``shape``, through the conversion's crop.

    The part of the 28x28 that the crop ``box`` was resized into (``placed``: left, top, width, height)
    is stretched back over the box; outside the box the model saw nothing of the photo, so the heat is 0.
    """
    height, width = shape
    left, top, w, h = placed
    x0, y0 = round(box[0] * width), round(box[1] * height)
    x1, y1 = max(x0 + 1, round(box[2] * width)), max(y0 + 1, round(box[3] * height))
    out = np.zeros(shape)
    region = np.asarray(heat[top : top + h, left : left + w], dtype=np.float32)
    out[y0:y1, x0:x1] = cv2.resize(region, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    return out


def cascade_figure(rows: dict[str, list[tuple[str, np.ndarray, float]]], base: np.ndarray) -> plt.Figure:
    """Methods down, randomization stages across: each map over the input, titled with its rank correlation."""
    names = list(rows)
    stages = len(rows[names[0]])
    fig, axes = plt.subplots(len(names), stages, figsize=(1.25 * stages + 0.9, 1.45 * len(names) + 0.5), squeeze=False)
    for r, method in enumerate(names):
        for c, (stage, heat, rho) in enumerate(rows[method]):
            ax = axes[r, c]
            ax.imshow(np.clip(overlay(base, normalized(heat)), 0, 255).astype(np.uint8), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(stage.replace("_", " "), fontsize=7)
            ax.set_xlabel("trained" if c == 0 else ("ρ n/a" if np.isnan(rho) else f"ρ {rho:.2f}"), fontsize=7)
        axes[r, 0].set_ylabel(method, fontsize=8)
    fig.tight_layout()
    return fig


def deletion_figure(curves: dict[str, list[float]], images: int) -> plt.Figure:
    """Mean deletion curves: the predicted class's probability as ever more pixels are removed, one line per order."""
    fig, ax = plt.subplots(figsize=(4.6, 3.8), dpi=100)  # 10-11-pt text: above 10 px on a phone
    for name, curve in curves.items():
        style = "--" if name not in METHODS else "-"
        ax.plot(np.linspace(0, 100, len(curve)), curve, style, label=name)
    ax.set_xlabel("pixels removed (%)", fontsize=11)
    ax.set_ylabel("probability of the predicted class", fontsize=11)
    ax.tick_params(labelsize=11)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Deletion curves, mean of {images} test images", fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=11)
    fig.tight_layout()
    return fig
