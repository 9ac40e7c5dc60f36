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
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TypeVar

import gradio as gr
import numpy as np
from gradio.components.image_editor import EditorData, EditorDataBlobs
from gradio.data_classes import FileData, ImageData
from PIL import Image
from pydantic import BaseModel, ValidationError

from concepts.curves import training_curves
from concepts.saliency import Explainer
from model.inference import LoadedModel
from model.preprocess import ImageProblem, Preprocessed, open_image, preprocess

VIEW_SIDE = 224  # the 28x28 input, shown 8x with hard pixel edges
OUTPUT_DIR = Path(tempfile.gettempdir()) / "fashion-cnn-lab"  # enlarged images we hand to Gradio
KEEP_FILES = 2_000  # OUTPUT_DIR holds at most about this many images (~2 KB each): the oldest go first
MIN_AGE_SECONDS = 600  # ... but never one younger than this: Gradio may still be copying it
_written = 0  # images written since the last pruning


def enlarge(image: np.ndarray, side: int = VIEW_SIDE) -> str:
    """A small image scaled up with hard pixel edges (longest side ``side``), as a PNG file named by its content."""
    return image_file(enlarge_pixels(image, side))


def enlarge_pixels(image: np.ndarray, side: int = VIEW_SIDE) -> Image.Image:
    """A small image scaled up with hard pixel edges, its longest side ``side``."""
    img = Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8))
    scale = side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))  # a 20000x1 strip stays 1 px high
    return img.resize(size, Image.Resampling.NEAREST)


def image_file(img: Image.Image | np.ndarray, keep: bool = False) -> str:
    """An image as a PNG file named by its content, for an output component.

    Returning a file rather than an array matters under load: Gradio rewrites the cache file
    of an array output in place, so when two learners get the same image at once (the same
    example, say) one download can read a half-written file. Our file is written under a
    temporary name and renamed into place, and Gradio copies files atomically.
    ``keep``: an image drawn once and handed out for the app's lifetime, never pruned.
    """
    if isinstance(img, np.ndarray):
        img = Image.fromarray(img)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return _write(buf.getvalue(), OUTPUT_DIR / "kept" if keep else OUTPUT_DIR, prune=not keep)


def figure_file(fig) -> str:
    """A matplotlib figure as a kept PNG file (for figures drawn once per model), the figure closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return _write(buf.getvalue(), OUTPUT_DIR / "kept", prune=False)


def _write(png: bytes, folder: Path, prune: bool) -> str:
    """PNG bytes as a file in ``folder`` named by their content, written atomically (see ``image_file``)."""
    path = folder / f"{hashlib.sha256(png).hexdigest()[:32]}.png"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f"{path.stem}.{threading.get_ident()}.tmp")
        staging.write_bytes(png)
        os.replace(staging, path)
        if prune:
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


CONVERTED_CACHE = 64  # uploads whose conversion is kept: Classify, then the concept tabs, reuse one GrabCut run
MODEL_INPUTS_KEPT = 4096  # digests (32 bytes each) of the 28x28 inputs Classify shared most recently
_model_inputs: OrderedDict[bytes, None] = OrderedDict()
_model_inputs_lock = threading.Lock()


def _digest(pixels: np.ndarray) -> bytes:
    return hashlib.sha256(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes()).digest()


def remember_input(pixels: np.ndarray) -> np.ndarray:
    """Mark a 28x28 input that Classify made, so a concept tab handed it back uses it as it is (returns it).

    The concept tabs get Classify's input as the picture in their image box, a 28x28 PNG. Converting that
    again could change it (a garment that fills the frame has no dark border to recognise it by), and the
    tabs would show other probabilities than Classify did for the same photo.
    """
    digest = _digest(pixels)
    with _model_inputs_lock:
        _model_inputs[digest] = None
        _model_inputs.move_to_end(digest)
        while len(_model_inputs) > MODEL_INPUTS_KEPT:
            _model_inputs.popitem(last=False)
    return pixels


def _known_input(img: Image.Image) -> Preprocessed | None:
    """A 28x28 grey image that is one of Classify's inputs, as its own conversion; else None."""
    if img.size != (28, 28) or img.mode != "L":
        return None
    pixels = np.array(img)
    with _model_inputs_lock:
        known = _digest(pixels) in _model_inputs
    return Preprocessed(pixels, [(pixels, "Classify's 28×28 input: used as is")]) if known else None


@lru_cache(maxsize=CONVERTED_CACHE)
def _converted(path: str, mtime_ns: int, size: int) -> Preprocessed:
    img = open_image(path)
    return _known_input(img) or preprocess(img)


def convert_upload(path: str) -> Preprocessed:
    """The conversion of an uploaded file, done once per file (read-only result: do not modify it).

    A file holding one of Classify's 28x28 inputs (``remember_input``) is that input, unconverted.
    """
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
    """On opening a concept tab: show the last classified image there, once (a later own upload stays).

    The 28x28 input goes out as our own PNG file: an array would be saved by Gradio as a lossy WebP, and the
    tab would compute on other pixels than Classify did.
    """
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return image_file(shared[1]), shared[0]


def refuse(name: str, accepts: str, value) -> gr.Error:
    """The error for a value of the wrong kind: whose it is, what it accepts, and the start of what came."""
    return gr.Error(f"{name} must be {accepts}; got {value!r:.40}.", title="Invalid value")


def listed(values) -> str:
    return ", ".join(map(repr, values))  # quoted as Python writes them: 'max' is text, 2 a number


def take_shared_photo(shared: Shared, seen: int | None) -> tuple:
    """Like ``take_shared``, but the photo itself when there is one (its conversion is cached: not run twice),
    for a tab that draws on the photo; a drawing still comes as its 28x28 input."""
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return shared[2] or image_file(shared[1]), shared[0]


def choice(value, allowed, what: str):
    """``value`` if it is one of ``allowed``, else the error that lists them."""
    # True == 1 in Python: a JSON true is not stride 1
    if isinstance(value, bool) or value not in allowed:
        raise refuse(what, f"one of {listed(allowed)}", value)
    return value


TOO_CLOSE = 0.5  # points of test accuracy: two runs of one recipe differ by up to a few tenths (README's seed study)


def ablation_words(model: LoadedModel, variant: str, what: str) -> str:
    """One measured comparison from ablations.json, or how to produce it."""
    runs = model.ablations
    if variant not in runs or "baseline" not in runs:
        return f"*No ablation runs in this model folder: `python train.py --ablation baseline` and `--ablation {variant}` add them.*"
    ours, other = runs["baseline"], runs[variant]
    gap = 100 * (ours["test_accuracy"] - other["test_accuracy"])
    verdict = (
        f" {abs(gap):.2f} points apart: too close to call from one run each (see how much the seed alone moves it in the README)."
        if abs(gap) < TOO_CLOSE
        else f" Ours is {gap:+.1f} points."
    )
    shipped = (model.fashion_mnist_only or model).metrics.get("epochs")
    longer = f" (the shipped model trained {shipped})" if shipped and shipped != ours["epochs"] else ""
    params = (
        f"the same {ours['params']:,} parameters"
        if other["params"] == ours["params"]
        else f"{other['params']:,} parameters vs {ours['params']:,}"
    )
    return (
        f"**Evidence.** Same data, same {ours['epochs']}-epoch budget{longer}: our CNN reaches "
        f"**{ours['test_accuracy']:.2%}** test accuracy in {ours['epochs']} epochs; {what}: "
        f"**{other['test_accuracy']:.2%}** ({params})." + verdict
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


def show_curves(runs: list[str], model: LoadedModel, names: dict[str, str] | None = None, **figure) -> str:
    """Training vs validation curves of the chosen runs, as a PNG file drawn once per choice of runs.

    ``names`` relabels runs in the legend; ``figure`` goes to ``training_curves`` (e.g. its ``loss_label``).
    """
    histories = run_histories(model)
    chosen = [r for r in histories if r in (runs or [])]  # in the listed order: a run keeps its colour
    if not chosen:
        raise gr.Error(f"Pick at least one run: {', '.join(histories)}.")
    names = names or {}
    draw = partial(training_curves, {names.get(r, r): histories[r] for r in chosen}, **figure)
    return built_for(model, f"curves of {chosen}, {names}, {figure}", lambda: figure_file(draw()))


def name_parameters(demo: gr.Blocks) -> None:
    """Tell each input component the name API callers know it by: its handler's parameter, as view_api shows it.

    Run once the events are wired. A component that two public endpoints name differently keeps its label.
    """
    names: dict[int, tuple[gr.components.Component, set[str]]] = {}
    for fn in demo.fns.values():
        if fn.api_visibility == "public":
            for component, name in zip(fn.inputs, fn.input_parameter_names, strict=False):
                names.setdefault(id(component), (component, set()))[1].add(name)
    for component, found in names.values():
        if len(found) == 1 and None not in found:
            component.api_parameter = found.pop()


def parameter_name(component) -> str:
    """How messages name a component: "Parameter 'size'" for API callers, else its label."""
    name = getattr(component, "api_parameter", None)
    return f"Parameter {name!r}" if name else str(component.label or "This value")


IMAGE_ACCEPTS = "None or an image file sent with gradio_client.handle_file(path)"


def validated(component, model: type[BaseModel], payload, accepts: str):
    """A file component's payload as Gradio's pydantic model, or the error that says what it accepts.

    Gradio validates a payload against the component's ``data_model`` before ``preprocess`` runs, and a
    ValidationError reaches API callers as its generic error. So our file components set no data_model and
    validate here, the same way (an uploaded file must carry Gradio's meta tag: without it Gradio has not
    checked that the path was uploaded, and a raw HTTP call could name any file on the server).
    """
    try:
        return model.model_validate(payload, context={"validate_meta": True})
    except ValidationError as err:
        raise refuse(parameter_name(component), accepts, payload) from err


def gradio_schema(model: type[BaseModel]) -> dict:
    """``model``'s JSON schema as gr.Component.api_info gives it: view_api shows callers the usual types."""
    schema = model.model_json_schema()
    schema["additional_description"] = schema.pop("description", None)
    return schema


class PhotoUpload(gr.Image):
    """gr.Image that hands the handler the uploaded file untouched.

    gr.Image opens every upload with PIL before the handler runs, so a damaged file or a
    decompression bomb fails there with Gradio's generic error. Our preprocessing decodes
    (at reduced size) and reports bad files itself, with a message that says what to do.
    """

    is_template = True  # the browser renders it with gr.Image's own front end
    data_model = None  # checked in preprocess instead (see validated)

    def api_info(self) -> dict:
        return gradio_schema(ImageData)

    def preprocess(self, payload) -> str | None:
        return None if payload is None else validated(self, FileData, payload, IMAGE_ACCEPTS).path


SKETCH_ACCEPTS = (
    "None or a dict like {'background': None, 'layers': [], 'composite': image}, "
    "each image None or a file sent with gradio_client.handle_file(path)"
)


class DrawingPad(gr.ImageEditor):
    """gr.ImageEditor, set up as a sketchpad, that hands the handler the canvas files undecoded.

    gr.Sketchpad opens them with PIL before the handler runs: EXIF orientation ignored, a 16-bit grey image
    clipped to white, a damaged or huge file Gradio's generic error. Like PhotoUpload, it passes the files on
    (a path from an API caller, the PNG bytes the browser sends) for our decoder, which reports bad files itself.
    """

    is_template = True  # the browser renders it with gr.ImageEditor's own front end
    data_model = None  # checked in preprocess instead (see validated)

    def api_info(self) -> dict:
        return gradio_schema(EditorData)

    def preprocess(self, payload) -> dict | None:
        if payload is None:
            return None
        if isinstance(payload, dict) and not payload.keys() & EditorData.model_fields.keys():
            raise refuse(parameter_name(self), SKETCH_ACCEPTS, payload)  # pydantic would take it for an empty canvas
        sketch = validated(self, EditorData, payload, SKETCH_ACCEPTS)
        if sketch.id is None:  # an API call: uploaded files
            background, composite = (f and f.path for f in (sketch.background, sketch.composite))
            layers = [f.path for f in sketch.layers]
        else:  # the browser sent the canvas beforehand, as PNG blobs (ImageEditor.accept_blobs)
            blobs = self.blob_storage.pop(sketch.id, None) or EditorDataBlobs(
                background=None, layers=[], composite=None
            )
            background, composite = blobs.background, blobs.composite
            layers = [layer for layer in blobs.layers if layer is not None]
        return {"background": background, "layers": layers, "composite": composite}


class Slider(gr.Slider):
    """gr.Slider whose API callers get a message naming the parameter and its range for a value outside it."""

    is_template = True

    def preprocess(self, payload):
        number = isinstance(payload, int | float) and not isinstance(payload, bool)
        if not (number and self.minimum <= payload <= self.maximum):
            raise refuse(parameter_name(self), f"a number from {self.minimum} to {self.maximum}", payload)
        return super().preprocess(payload)


def _choices(component) -> list:
    return [value for _, value in component.choices]


class Radio(gr.Radio):
    """gr.Radio whose API callers get a message naming the parameter and its choices (Gradio's names neither)."""

    is_template = True

    def preprocess(self, payload):
        return super().preprocess(choice(payload, _choices(self), parameter_name(self)))


class Dropdown(gr.Dropdown):
    """gr.Dropdown (one value) whose API callers get a message naming the parameter and its choices.

    None goes on to the handler, which tells a learner who cleared the box what to pick.
    """

    is_template = True

    def preprocess(self, payload):
        if payload is not None:
            choice(payload, _choices(self), parameter_name(self))
        return super().preprocess(payload)


class Number(gr.Number):
    """gr.Number whose API callers get a gr.Error naming it for a value that is not a number (empty is allowed)."""

    is_template = True

    def preprocess(self, payload):
        if payload is not None and (not isinstance(payload, int | float) or isinstance(payload, bool)):
            raise refuse(parameter_name(self), "a number (or None)", payload)
        return super().preprocess(payload)


class CheckboxGroup(gr.CheckboxGroup):
    """gr.CheckboxGroup whose API callers get a message naming the parameter for a value that is not a list of its choices."""

    is_template = True

    def preprocess(self, payload):
        allowed = _choices(self)
        if not isinstance(payload, list) or any(isinstance(v, bool) or v not in allowed for v in payload):
            raise refuse(parameter_name(self), f"a list of names from: {listed(allowed)}", payload)
        return super().preprocess(payload)


class Checkbox(gr.Checkbox):
    """gr.Checkbox whose API callers get a message naming the parameter for a value that is not True or False."""

    is_template = True

    def preprocess(self, payload):
        if not isinstance(payload, bool):
            raise refuse(parameter_name(self), "True or False", payload)
        return super().preprocess(payload)


class Textbox(gr.Textbox):
    """gr.Textbox whose API callers get a message for a value that is not text (Gradio would turn it into some)."""

    is_template = True

    def preprocess(self, payload):
        if payload is not None and not isinstance(payload, str):
            raise refuse(parameter_name(self), "a string of text", payload)
        return super().preprocess(payload)


CONCEPT_CONCURRENCY = 2  # requests of one concept computation served at once


@dataclass
class ConceptInput:
    """A concept tab's input image, its examples, and how opening the tab brings in the last image classified."""

    image: PhotoUpload
    tab: gr.Tab
    shared: gr.State  # the last image classified (``Shared``)
    seen: gr.State  # the version of it this tab has already brought in
    take: Callable  # take_shared or take_shared_photo
    opened: object = None  # the event that brings it in and runs the tab's first computation (see ``rerun_on``)
    examples: gr.Examples | None = None  # added by ``pick_examples``, below the tab's results


def _opening(source: ConceptInput, fn, outputs: list) -> Callable:
    """FN run on opening the tab, on the last image classified if the tab has not had it yet, else on its own.

    One request does both, so the learner waits one round trip, not two (about 0.2-0.4 s each here).
    """

    def run(shared: Shared, seen: int | None, image: str | None, *controls):
        taken, version = source.take(shared, seen)
        result = fn(taken if isinstance(taken, str) else image, *controls)
        return (taken, version, *(result if len(outputs) > 1 else (result,)))

    return run


def rerun_on(source: ConceptInput, fn, controls: list, outputs: list, api_name: str) -> list:
    """A concept tab's computation, run once for each thing the learner does.

    It runs when the tab opens (the tab's first computation in the same request that brings in the
    last image classified, any other right after it), when the learner uploads, pastes or clears an
    image or picks an example, and when a control changes (a slider once released). It does not
    listen to the image's ``change``: that also fires when the app itself puts an image there, which
    ran it twice on opening a tab. An input that arrives while it runs runs it again once it ends
    (Gradio's default would drop it and leave the old result). Returns the events, so a caller can
    chain on each.
    """
    inputs = [source.image, *controls]
    triggers = [source.image.input] + [c.release if isinstance(c, gr.Slider) else c.input for c in controls]
    # one queue per computation, two at a time (two cores: TensorFlow and numpy release the GIL)
    shared = {"concurrency_id": api_name, "concurrency_limit": CONCEPT_CONCURRENCY, "trigger_mode": "always_last"}
    if source.opened is None:
        opening = source.tab.select(
            _opening(source, fn, outputs),
            [source.shared, source.seen, *inputs],
            [source.image, source.seen, *outputs],
            api_visibility="private",
            **shared,
        )
        source.opened = opening
    else:
        opening = source.opened.then(fn, inputs, outputs, api_visibility="private", **shared)
    return [gr.on(triggers, fn, inputs, outputs, api_name=api_name, **shared), opening] + (
        [source.examples.load_input_event.then(fn, inputs, outputs, api_visibility="private", **shared)]
        if source.examples
        else []
    )


def first_example(model: LoadedModel) -> str | None:
    """The test image a concept tab opens with (the last of the model folder's examples), or None."""
    examples = sorted((model.folder / "examples").glob("*.png"))
    return str(examples[-1]) if examples else None


def concept_input(label: str, examples: list[str], tab: gr.Tab, shared: gr.State, photo: bool = False) -> ConceptInput:
    """A tab's input image; opening the tab brings in the last image classified (with ``photo``, the photo itself
    rather than its 28x28 input). ``pick_examples`` adds the test images to pick from.

    Nothing is computed for a tab until the learner opens it or changes its input.
    """
    image = PhotoUpload(
        value=examples[-1] if examples else None,
        type="filepath",
        image_mode=None,
        sources=["upload", "clipboard"],
        label=label,
        height=180,
        elem_classes=["pixelated"],
    )
    return ConceptInput(image, tab, shared, gr.State(None), take_shared_photo if photo else take_shared)


def pick_examples(source: ConceptInput, examples: list[str]) -> None:
    """The test images to pick from, for a tab's input: placed after its results (call before ``rerun_on``)."""
    source.examples = gr.Examples(
        examples=[[p] for p in examples], inputs=source.image, label="Or pick a test image", examples_per_page=10
    )
