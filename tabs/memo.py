"""What a tab computes once per loaded model (compiled gradients, a figure), built on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import numpy as np

from concepts.saliency import Explainer
from model import calibration as scaling
from model.inference import LoadedModel

T = TypeVar("T")
_built: dict[tuple[int, str], tuple[LoadedModel, object]] = {}  # (id of the model, what) -> (the model, it)
_build_locks: dict[tuple[int, str], threading.Lock] = {}
_locks_lock = threading.Lock()


def built_for(model: LoadedModel, what: str, build: Callable[[], T]) -> T:
    """``build()`` once per loaded model and ``what`` (compiled gradients, a figure): on first use.

    Two first requests for the same thing build it once; different things build at the same time.
    """
    key = (id(model), what)
    entry = _built.get(key)
    if entry is not None and entry[0] is model:  # the model is kept in the entry, so its id is not reused
        return entry[1]
    with _locks_lock:
        lock = _build_locks.setdefault(key, threading.Lock())
    with lock:
        entry = _built.get(key)
        if entry is None or entry[0] is not model:
            entry = _built[key] = (model, build())
        return entry[1]


def explainer(model: LoadedModel) -> Explainer:
    """The model's saliency maps (Grad-CAM, gradients, occlusion), compiled the first time a tab asks."""
    return built_for(model, "explainer", partial(Explainer, model.keras_model))


def stored_logits(model: LoadedModel) -> dict[str, np.ndarray] | None:
    """The folder's test and validation logits (``python -m model.calibration``), if measured on these weights: what
    the Softmax tab's temperature diagram needs (the Confusion matrix tab says so only then)."""
    record = fitted_record(model)
    if record is None or record.get("weights_sha256") != model.weights_sha256:
        return None
    return built_for(model, "calibration logits", lambda: scaling.read_logits(model.folder))


def fitted_record(model: LoadedModel) -> dict | None:
    """calibration.json: the fitted temperature and the weights it was fitted for, read once per model."""
    return built_for(model, "calibration record", lambda: scaling.read(model.folder))
