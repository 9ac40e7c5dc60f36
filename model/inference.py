"""Load a model folder once and answer single-image predictions quickly."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.data import CLASS_NAMES

DEFAULT_FOLDER = Path(__file__).parent / "weights"
log = logging.getLogger(__name__)


@dataclass
class LoadedModel:
    """A Keras model, the metrics train.py wrote beside it, and where it came from."""

    keras_model: object
    metrics: dict
    folder: Path
    source: str  # shown to the learner: "local folder model/weights", "hf://ns/name@rev", ...

    def probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """(28, 28) or (N, 28, 28) uint8 -> (N, 10) probabilities.

        Calls the model directly rather than ``model.predict``: for one image that skips
        predict's per-call dataset and callback set-up (milliseconds instead of tens).
        Inference-only calls share no mutable state, so concurrent requests may share it.
        """
        x = np.asarray(pixels, dtype=np.float32).reshape(-1, 28, 28, 1)
        return np.asarray(self.keras_model(x, training=False), dtype=np.float64)

    @property
    def test_accuracy(self) -> float | None:
        return self.metrics.get("test_accuracy")


def load_folder(folder: str | Path, source: str | None = None) -> LoadedModel:
    """Load a model folder written by train.py (Keras layout + metrics.json)."""
    import keras

    folder = Path(folder)
    keras_model = keras.saving.load_model(folder, safe_mode=True, compile=False)
    metrics_path = folder / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    log.info("loaded model from %s", folder)
    if source is None:
        source = (
            "the embedded model (model/weights)" if folder.resolve() == DEFAULT_FOLDER else f"local folder {folder}"
        )
    return LoadedModel(keras_model, metrics, folder, source)


def top_classes(probs: np.ndarray, k: int = 3) -> dict[str, float]:
    """The k most likely classes as {name: probability} (Python floats, as gr.Label needs)."""
    order = np.argsort(probs)[::-1][:k]
    return {CLASS_NAMES[i]: float(probs[i]) for i in order}
