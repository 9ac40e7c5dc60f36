"""What every tab shares: the input components, the image the Classify tab sends on, small helpers.

The concept tabs take the last image classified (``take_shared``) or their own upload; their
handlers turn it into the 28x28 model input with ``input_pixels``, the app's one conversion path.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
import time
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import TypeVar

import gradio as gr
import numpy as np
from PIL import Image

from concepts.curves import training_curves
from concepts.saliency import Explainer
from model.inference import LoadedModel
from model.preprocess import ImageProblem, Preprocessed, load_and_preprocess

VIEW_SIDE = 224  # the 28x28 input, shown 8x with hard pixel edges
OUTPUT_DIR = Path(tempfile.gettempdir()) / "fashion-cnn-lab"  # enlarged images we hand to Gradio
KEEP_FILES = 2_000  # OUTPUT_DIR holds at most about this many images (~2 KB each): the oldest go first
MIN_AGE_SECONDS = 600  # ... but never one younger than this: Gradio may still be copying it
_written = 0  # images written since the last pruning


def enlarge(image: np.ndarray, side: int = VIEW_SIDE) -> str:
    """A small image scaled up with hard pixel edges, as a PNG file named by its content.

    Returning a file rather than an array matters under load: Gradio rewrites the cache file
    of an array output in place, so when two learners get the same image at once (the same
    example, say) one download can read a half-written file. Our file is written under a
    temporary name and renamed into place, and Gradio copies files atomically.
    """
    img = Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8))
    scale = side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))  # a 20000x1 strip stays 1 px high
    img = img.resize(size, Image.Resampling.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    path = OUTPUT_DIR / f"{hashlib.sha256(buf.getvalue()).hexdigest()[:32]}.png"
    if not path.exists():
        OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f"{path.stem}.{threading.get_ident()}.tmp")
        staging.write_bytes(buf.getvalue())
        os.replace(staging, path)
        _prune()
    return str(path)


def _prune() -> None:
    """Keep OUTPUT_DIR bounded: every KEEP_FILES // 10 writes, delete the oldest files past KEEP_FILES."""
    global _written
    _written += 1
    if _written < KEEP_FILES // 10:
        return
    _written = 0
    files = sorted(OUTPUT_DIR.glob("*.png"), key=lambda p: p.stat().st_mtime)
    cutoff = time.time() - MIN_AGE_SECONDS
    for old in files[: max(0, len(files) - KEEP_FILES)]:
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


T = TypeVar("T")
_built: dict[tuple[int, str], tuple[LoadedModel, object]] = {}  # (id of the model, what) -> (the model, it)
_build_lock = threading.Lock()


def built_for(model: LoadedModel, what: str, build: Callable[[], T]) -> T:
    """``build()`` once per loaded model (compiled gradients, say): on first use, never at start-up."""
    with _build_lock:  # two first requests at once build it once
        entry = _built.get((id(model), what))
        if entry is None or entry[0] is not model:  # the model is kept in the entry, so its id is not reused
            entry = _built[id(model), what] = (model, build())
        return entry[1]


def explainer(model: LoadedModel) -> Explainer:
    """The model's saliency maps (Grad-CAM, gradients, occlusion), compiled the first time a tab asks."""
    return built_for(model, "explainer", partial(Explainer, model.keras_model))


CONVERTED_CACHE = 64  # uploads whose conversion is kept: Classify, then the concept tabs, reuse one GrabCut run


@lru_cache(maxsize=CONVERTED_CACHE)
def _converted(path: str, mtime_ns: int, size: int) -> Preprocessed:
    return load_and_preprocess(path)


def convert_upload(path: str) -> Preprocessed:
    """``load_and_preprocess`` of an uploaded file, done once per file (read-only result: do not modify it)."""
    stat = os.stat(path)
    return _converted(str(path), stat.st_mtime_ns, stat.st_size)


def input_conversion(image_path: str | None) -> Preprocessed:
    """The concept tabs' input image (a file) -> its conversion (28x28 input, steps, crop), or a gr.Error."""
    if not image_path:
        raise gr.Error(
            "Add an image first: upload one, pick a test image below, or classify a photo in the Classify tab."
        )
    try:
        return convert_upload(image_path)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem


def input_pixels(image_path: str | None) -> np.ndarray:
    """The concept tabs' input image (a file) -> the 28x28 uint8 model input, via the one preprocessing path."""
    return input_conversion(image_path).pixels


# (version, 28x28 pixels, the photo's file or None for a drawing) of the last image classified
Shared = tuple[int, np.ndarray, str | None] | None


def take_shared(shared: Shared, seen: int | None) -> tuple:
    """On opening a concept tab: show the last classified image there, once (a later own upload stays)."""
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return shared[1], shared[0]


def take_shared_photo(shared: Shared, seen: int | None) -> tuple:
    """Like ``take_shared``, but the photo itself when there is one (its conversion is cached: not run twice),
    for a tab that draws on the photo; a drawing still comes as its 28x28 input."""
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return shared[2] or shared[1], shared[0]


def choice(value, allowed, what: str):
    if value not in allowed:
        raise gr.Error(f"{what} must be one of {', '.join(map(str, allowed))}, not {value!r}.")
    return value


def ablation_words(model: LoadedModel, variant: str, what: str) -> str:
    """One measured comparison from ablations.json, or how to produce it."""
    runs = model.ablations
    if variant not in runs or "baseline" not in runs:
        return f"*No ablation runs in this model folder: `python train.py --ablation baseline` and `--ablation {variant}` add them.*"
    ours, other = runs["baseline"], runs[variant]
    gap = 100 * (ours["test_accuracy"] - other["test_accuracy"])
    verdict = (
        f" {abs(gap):.2f} points apart: too close to call from one run each (see how much the seed alone moves it in the README)."
        if abs(gap) < 0.5
        else f" Ours is {gap:+.1f} points."
    )
    return (
        f"**Evidence.** Same data, same {ours['epochs']}-epoch budget: our CNN reaches **{ours['test_accuracy']:.2%}** test "
        f"accuracy; {what}: **{other['test_accuracy']:.2%}** ({other['params']:,} parameters vs {ours['params']:,})."
        + verdict
    )


def intro(model: LoadedModel) -> str:
    """The page's first sentence: what this model was trained on, from its metrics.json."""
    n = model.metrics.get("train_size")
    trained = f"trained on {n:,} Fashion-MNIST images" if n else "trained on Fashion-MNIST"
    real = model.metrics.get("real_photos")
    if real:
        trained += f", then fine-tuned with {real['train_photos']:,} real phone photos of clothes"
    return f"How a small convolutional network, {trained}, reads clothes."


def model_status(model: LoadedModel) -> str:
    acc, n = model.test_accuracy, model.metrics.get("test_size", 10_000)
    accuracy = (
        f"{acc:.2%} on {n:,} Fashion-MNIST test images"
        if acc is not None
        else "test accuracy unknown (no metrics.json)"
    )
    return f"Model: {model.source} — {accuracy}."


def _fashion_mnist_run(model: LoadedModel) -> tuple[str, dict]:
    """The run whose curves the tabs show: the shipped model's, or, if it was then fine-tuned on real photos,
    the Fashion-MNIST-only model it started from (the curves and the test accuracy of one and the same model)."""
    if model.fashion_mnist_only is not None:
        return "shipped model before real photos", model.fashion_mnist_only.metrics
    return "shipped model", model.metrics


def run_histories(model: LoadedModel) -> dict[str, dict]:
    name, metrics = _fashion_mnist_run(model)
    runs = {f"{name} ({metrics.get('epochs', '?')} epochs)": metrics.get("history", {})}
    runs.update({name: run["history"] for name, run in model.ablations.items()})
    return {name: h for name, h in runs.items() if h}


def show_curves(runs: list[str], model: LoadedModel):
    """Training vs validation curves of the chosen runs."""
    histories = run_histories(model)
    chosen = [r for r in runs or [] if r in histories]
    if not chosen:
        raise gr.Error(f"Pick at least one run: {', '.join(histories)}.")
    return training_curves({r: histories[r] for r in chosen})


class PhotoUpload(gr.Image):
    """gr.Image that hands the handler the uploaded file untouched.

    gr.Image opens every upload with PIL before the handler runs, so a damaged file or a
    decompression bomb fails there with Gradio's generic error. Our preprocessing decodes
    (at reduced size) and reports bad files itself, with a message that says what to do.
    """

    is_template = True  # the browser renders it with gr.Image's own front end

    def preprocess(self, payload):
        if payload is not None and getattr(payload, "path", None):
            return str(payload.path)
        return super().preprocess(payload)


class Slider(gr.Slider):
    """gr.Slider whose API callers get a gr.Error naming it, not Gradio's generic one or its nameless range
    message, for a value that is not a number in its range."""

    is_template = True

    def preprocess(self, payload):
        if (
            not isinstance(payload, int | float)
            or isinstance(payload, bool)
            or not self.minimum <= payload <= self.maximum
        ):
            raise gr.Error(f"{self.label} must be a number from {self.minimum} to {self.maximum}, not {payload!r:.40}.")
        return super().preprocess(payload)


def _one_of_choices(component: gr.Dropdown | gr.Radio, payload) -> None:
    """An API caller's value outside a choice component's choices: a gr.Error naming the control and listing
    them (Gradio's own message names neither)."""
    allowed = [value for _, value in component.choices]
    if payload not in allowed:
        raise gr.Error(f"{component.label} must be one of: {', '.join(map(str, allowed))}; got {payload!r:.40}.")


class Dropdown(gr.Dropdown):
    is_template = True  # the browser renders it as gr.Dropdown (Gradio takes the direct base class's name)

    def preprocess(self, payload):
        _one_of_choices(self, payload)
        return super().preprocess(payload)


class Radio(gr.Radio):
    is_template = True

    def preprocess(self, payload):
        _one_of_choices(self, payload)
        return super().preprocess(payload)


class Number(gr.Number):
    """gr.Number whose API callers get a gr.Error naming it for a value that is not a number (empty is allowed)."""

    is_template = True

    def preprocess(self, payload):
        if payload is not None and (not isinstance(payload, int | float) or isinstance(payload, bool)):
            raise gr.Error(f"{self.label} must be a number, not {payload!r:.40}.")
        return super().preprocess(payload)


class CheckboxGroup(gr.CheckboxGroup):
    """gr.CheckboxGroup whose API callers get a gr.Error for a value that is not a list of its choices."""

    is_template = True

    def preprocess(self, payload):
        if not isinstance(payload, list):
            choices = ", ".join(str(value) for _, value in self.choices)
            raise gr.Error(f"{self.label} must be a list of names from: {choices}; got {payload!r:.40}.")
        return super().preprocess(payload)


def concept_input(label: str, examples: list[str], tab: gr.Tab, shared: gr.State, photo: bool = False) -> PhotoUpload:
    """A tab's input image, with the test images to pick from; opening the tab brings in the last image classified
    (with ``photo``, the photo itself rather than its 28x28 input).

    Nothing is computed for a tab until the learner opens it or changes its input.
    """
    image = PhotoUpload(
        value=examples[-1] if examples else None,
        type="filepath",
        image_mode=None,
        sources=["upload", "clipboard"],
        label=label,
        height=200,
        elem_classes=["pixelated"],
    )
    gr.Examples(examples=[[p] for p in examples], inputs=image, label="Or pick a test image", examples_per_page=10)
    seen = gr.State(None)
    tab.select(take_shared_photo if photo else take_shared, [shared, seen], [image, seen], api_visibility="private")
    return image
