"""The naive Fashion-MNIST demo we compare against: the usual Space, serving our model.

gr.Image -> grayscale -> invert -> resize to 28x28 -> model.predict -> gr.Label, with the
Fashion-MNIST-only model (model/weights/fashion-mnist-only), as such demos have.
Used by benchmarks/speed.py and benchmarks/photo_robustness.py; not part of the app.

    python -m benchmarks.naive_app   # serves on GRADIO_SERVER_PORT (default 7860)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import gradio as gr
import keras
import numpy as np
from PIL import Image, ImageOps

from model.data import CLASS_NAMES

WEIGHTS = Path(__file__).resolve().parents[1] / "model" / "weights"
FOLDER = WEIGHTS / "fashion-mnist-only" if (WEIGHTS / "fashion-mnist-only" / "config.json").is_file() else WEIGHTS


@cache
def _model() -> keras.Model:
    return keras.saving.load_model(FOLDER)


def naive_pixels(image: Image.Image) -> np.ndarray:
    """What typical demos do: grayscale, invert, stretch to 28x28."""
    return np.asarray(ImageOps.invert(image.convert("L")).resize((28, 28)), dtype=np.float32)


def classify(image: Image.Image) -> dict[str, float]:
    probs = _model().predict(naive_pixels(image)[None, ..., None], verbose=0)[0]
    return {name: float(p) for name, p in zip(CLASS_NAMES, probs, strict=True)}


demo = gr.Interface(classify, gr.Image(type="pil"), gr.Label(num_top_classes=3), api_name="classify")

if __name__ == "__main__":
    _model()  # loaded at start, as a Space would
    demo.launch(ssr_mode=False)
