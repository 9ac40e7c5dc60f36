"""What a tab computes once per loaded model (compiled gradients, a figure), built on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from concepts.saliency import Explainer
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
