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
from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from concepts.curves import training_curves
from model.inference import LoadedModel
from model.preprocess import ImageProblem, load_and_preprocess

VIEW_SIDE = 224  # the 28x28 input, shown 8x with hard pixel edges

OUTPUT_DIR = Path(tempfile.gettempdir()) / "fashion-cnn-lab"  # enlarged images we hand to Gradio

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
    return str(path)

def input_pixels(image_path: str | None) -> np.ndarray:
    """The concept tabs' input image (a file) -> the 28x28 uint8 model input, via the one preprocessing path."""
    if not image_path:
        raise gr.Error(
            "Add an image first: upload one, pick a test image below, or classify a photo in the Classify tab."
        )
    try:
        return load_and_preprocess(image_path).pixels
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem

Shared = tuple[int, np.ndarray] | None  # (version, 28x28 pixels) of the last image classified

def take_shared(shared: Shared, seen: int | None) -> tuple:
    """On opening a concept tab: show the last classified image there, once (a later own upload stays)."""
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return shared[1], shared[0]

def choice(value, allowed, what: str):
    if value not in allowed:
        raise gr.Error(f"{what} must be one of {', '.join(map(str, allowed))}, not {value!r}.")
    return value

def explanation(module) -> str:
    """A concept module's docstring (after its first line) as the tab's explanation."""
    return " ".join(module.__doc__.split("\n\n", 1)[1].split())

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
    data_model = None  # checked in preprocess instead (see validated)

    def api_info(self) -> dict:
        return gradio_schema(ImageData)

    def preprocess(self, payload) -> str | None:
        return None if payload is None else validated(self, FileData, payload, IMAGE_ACCEPTS).path
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

class Slider(gr.Slider):
    """gr.Slider whose API callers get a message naming the parameter and its range for a value outside it."""

    is_template = True

    def preprocess(self, payload):
        number = isinstance(payload, int | float) and not isinstance(payload, bool)
        if not (number and self.minimum <= payload <= self.maximum):
            raise refuse(parameter_name(self), f"a number from {self.minimum} to {self.maximum}", payload)
        return super().preprocess(payload)
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

class CheckboxGroup(gr.CheckboxGroup):
    """gr.CheckboxGroup whose API callers get a message naming the parameter for a value that is not a list of its choices."""

    is_template = True

    def preprocess(self, payload):
        allowed = _choices(self)
        if not isinstance(payload, list) or any(isinstance(v, bool) or v not in allowed for v in payload):
            raise refuse(parameter_name(self), f"a list of names from: {listed(allowed)}", payload)
        return super().preprocess(payload)
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

def concept_input(label: str, examples: list[str], tab: gr.Tab, shared: gr.State) -> PhotoUpload:
    """A tab's input image, with the test images to pick from; opening the tab brings in the last image classified.

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
    tab.select(take_shared, [shared, seen], [image, seen], api_visibility="private")
    return image

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
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

    
class Radio(gr.Radio):
    """gr.Radio whose API callers get a message naming the parameter and its choices (Gradio's names neither)."""

    is_template = True

    def preprocess(self, payload):
        return super().preprocess(choice(payload, _choices(self), parameter_name(self)))
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

    
class Dropdown(gr.Dropdown):
    """gr.Dropdown (one value) whose API callers get a message naming the parameter and its choices.

    None goes on to the handler, which tells a learner who cleared the box what to pick.
    """

    is_template = True

    def preprocess(self, payload):
        if payload is not None:
            choice(payload, _choices(self), parameter_name(self))
        return super().preprocess(payload)
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

    
class Textbox(gr.Textbox):
    """gr.Textbox whose API callers get a message for a value that is not text (Gradio would turn it into some)."""

    is_template = True

    def preprocess(self, payload):
        if payload is not None and not isinstance(payload, str):
            raise refuse(parameter_name(self), "a string of text", payload)
        return super().preprocess(payload)
    from typing import Callable, Literal, Sequence, Any, TYPE_CHECKING
    from gradio.blocks import Block
    if TYPE_CHECKING:
        from gradio.components import Timer
        from gradio.components.base import Component

    