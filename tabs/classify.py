"""The Classify tab: a photo or a drawing in, the top classes, the 28x28 input and each step that made it.

Beside the answer, the same input through the Fashion-MNIST-only model, and the measured table of what
training on real photos changed.
"""

from __future__ import annotations

import time
from functools import partial

import gradio as gr
import numpy as np

from model.data import CLASS_NAMES
from model.inference import LoadedModel, is_unsure, top_classes
from model.preprocess import ImageProblem, Preprocessed, open_image, preprocess_drawing
from tabs.common import DrawingPad, PhotoUpload, Shared, convert_upload, enlarge, input_pixels, remember_input

ClassifyResult = tuple[dict[str, float] | None, str | None, list, str, dict[str, float] | None]


def _verdict(probs: np.ndarray, prep: Preprocessed) -> str:
    best = int(probs.argmax())
    if not prep.has_object:
        return "**Not sure: no clear object found.** The image is nearly uniform or looks like noise, so any class would be a guess. Try a photo of one garment."
    if is_unsure(probs):
        return (
            f"**Not sure.** The best guess, {CLASS_NAMES[best]}, gets only {probs[best]:.0%}. It may be a garment "
            "outside the ten classes (a hat, shorts, a skirt), or a view the model has not learned. Try one garment, "
            "laid flat, seen from the front."
        )
    return f"**{CLASS_NAMES[best]}** ({probs[best]:.1%})."


def _answer(prep: Preprocessed, model: LoadedModel) -> ClassifyResult:
    probs = model.probabilities(prep.pixels)[0]
    steps = [(enlarge(img, 112), caption) for img, caption in prep.steps]
    label = top_classes(probs) if prep.has_object else None  # no object: name no class
    before = model.fashion_mnist_only
    before_label = top_classes(before.probabilities(prep.pixels)[0]) if before and prep.has_object else None
    return label, enlarge(prep.pixels), steps, _verdict(probs, prep), before_label


def classify_photo(photo_path: str | None, model: LoadedModel) -> ClassifyResult:
    """An uploaded photo (file path) -> top-3 classes, the 28x28 input, its steps, a verdict."""
    if not photo_path:
        return None, None, [], "Upload a photo, take one with the webcam, or pick an example below.", None
    try:
        return _answer(convert_upload(photo_path), model)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem


EMPTY_CANVAS = "The canvas is empty. Draw a garment (an outline or a filled shape), then press Classify drawing."


def _drawing(sketch: dict | None) -> Preprocessed:
    """A drawing's composite image (else its background: an API caller may send only that) -> the model input.

    Each image is a file path or PNG bytes (DrawingPad), decoded like an uploaded photo.
    """
    sketch = sketch or {}
    image = sketch.get("composite") if sketch.get("composite") is not None else sketch.get("background")
    if image is None:
        raise gr.Error(EMPTY_CANVAS)
    try:
        img = open_image(image)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem
    if "A" in img.getbands() and img.getchannel("A").getextrema()[1] == 0:  # not one stroke on the transparent canvas
        raise gr.Error(EMPTY_CANVAS)
    return preprocess_drawing(img)


def classify_sketch(sketch: dict | None, model: LoadedModel) -> ClassifyResult:
    """A drawing ({"background", "layers", "composite"}, each image a file path or PNG bytes) -> same as classify_photo."""
    label, seen, steps, verdict, before = _answer(_drawing(sketch), model)
    return label, seen, steps, f"Your drawing: {verdict}", before


def share_photo(photo_path: str | None) -> Shared:
    """Remember the photo just classified; each concept tab picks it up when the learner opens it."""
    return (time.monotonic_ns(), remember_input(input_pixels(photo_path)), photo_path) if photo_path else gr.skip()


def share_sketch(sketch: dict) -> Shared:
    """Remember the drawing just classified, like share_photo (no photo: its 28x28 input stands for it)."""
    return time.monotonic_ns(), remember_input(_drawing(sketch).pixels), None


REAL_PHOTO_SYSTEMS = (  # benchmarks/real_photos.py's names -> (what the learner reads, which model's test accuracy)
    ("naive demo (Fashion-MNIST-only model)", "Naive demo", "before"),
    ("Fashion-MNIST-only model", "Cut-out, Fashion-MNIST only", "before"),
    ("shipped model", "Cut-out, fine-tuned (this app)", "shipped"),
)


def real_photo_table(model: LoadedModel) -> str:
    """What training on real photos bought, measured: Markdown for the Classify tab, or "" without the results."""
    results, before = model.real_photo_results, model.fashion_mnist_only
    if not results or before is None or before.test_accuracy is None or model.test_accuracy is None:
        return ""
    runs = results["results"]
    if any(name not in runs for name, _, _ in REAL_PHOTO_SYSTEMS):
        return ""
    accuracy = {"before": before.test_accuracy, "shipped": model.test_accuracy}
    rows = "\n".join(
        f"| {label} | {accuracy[which]:.1%} | {runs[name]['top1']:.1%} | {runs[name]['right_and_sure']:.1%} "
        f"| {runs[name]['unsure_outside']:.1%} |"
        for name, label, which in REAL_PHOTO_SYSTEMS
    )
    naive, fm_only, shipped = (runs[name] for name, _, _ in REAL_PHOTO_SYSTEMS)
    n, real = results["photos"], model.metrics.get("real_photos") or {}
    return f"""The same network, measured on {n} real phone photos of clothes it never trained on
(the dev split of [clothing-dataset-small](https://github.com/alexeygrigorev/clothing-dataset-small);
`python benchmarks/real_photos.py DIR --split dev`):

| | test set | photos right | right, sure | hats etc.: Not sure |
|---|---|---|---|---|
{rows}

*Test set*: Fashion-MNIST test accuracy. *Photos right*: the top class is right for a garment of the ten
classes. *Right, sure*: that, and not "Not sure". *Hats etc.*: hats, shorts and skirts (none of the ten)
answered "Not sure". The naive demo feeds the Fashion-MNIST-only model the photo in grayscale, inverted and
stretched to 28×28; the other two rows cut the garment out first.

**Domain shift.** Fashion-MNIST's images are product shots: one garment, front view, plain light background.
A phone photo of a shirt on a bed is a different *distribution* of inputs, so a model that scores
{before.test_accuracy:.1%} on its own test set names the right class for only {naive["top1"]:.1%} of these photos
when the photo is simply shrunk, and {fm_only["top1"]:.1%} once the garment is cut out and converted by the
dataset's own recipe. Fine-tuning the same network on {real.get("train_photos", 0):,} real photos (plus all of
Fashion-MNIST, so it does not forget) took it to {shipped["top1"]:.1%}, with Fashion-MNIST test accuracy
{model.test_accuracy:.1%}. The network stayed the same: what changed was the data it learned from. "Not sure" means no class reached {results["results"]["shipped model"]["unsure_below"]:.0%};
the rates above use that rule for all three rows."""


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    """The tab; whatever it classifies becomes ``shared``, the concept tabs' input."""
    with gr.Tab("Classify"):
        with gr.Row():
            with gr.Column():
                with gr.Tab("Photo"):
                    photo_input = PhotoUpload(
                        type="filepath",
                        image_mode=None,
                        sources=["upload", "webcam", "clipboard"],
                        label="A clothing photo",
                        height=280,
                    )
                with gr.Tab("Draw"):
                    sketch_input = DrawingPad(
                        label="Draw a garment: pick the brush ✏️ on the left first",  # no tool is active at start
                        sources=(),  # with transforms below, what gr.Sketchpad sets: a blank canvas to draw on
                        transforms=("crop",),
                        canvas_size=(400, 400),
                        brush=gr.Brush(default_size=10, default_color="#000000"),  # thin black: outlines get filled in
                        height=360,
                    )
                    sketch_button = gr.Button("Classify drawing", variant="primary")
            with gr.Column():
                verdict_output = gr.Markdown(elem_id="verdict")
                with gr.Row():
                    label_output = gr.Label(num_top_classes=3, label="Top 3 classes")
                    before_output = gr.Label(
                        num_top_classes=3,
                        label="Fashion-MNIST-only model",
                        visible=model.fashion_mnist_only is not None,
                    )
                seen_output = gr.Image(
                    label="What the model saw (28×28, enlarged)", height=240, interactive=False, elem_id="seen-input"
                )
                gr.Markdown("**How the photo became the input**", elem_classes=["caption"])
                steps_output = gr.Gallery(
                    label="How the photo became the input",
                    show_label=False,
                    columns=4,
                    height="auto",
                    interactive=False,
                    elem_id="steps",
                )
        # below the answer, not between the upload and it: on a phone the verdict shows without scrolling
        gr.Examples(examples=[[p] for p in examples], inputs=photo_input, label="Or pick a Fashion-MNIST test image")
        table = real_photo_table(model)
        if table:
            with gr.Accordion("Real photos vs Fashion-MNIST: what training on photos changed", open=False):
                gr.Markdown(table, elem_id="real-photo-table")
        outputs = [label_output, seen_output, steps_output, verdict_output, before_output]
        # Up to 4 requests at once: decoding and uploads overlap the model call, and the model is only
        # ever called for inference (no training, no state), which TensorFlow runs safely in parallel.
        photo_event = photo_input.change(
            partial(classify_photo, model=model), photo_input, outputs, api_name="classify", concurrency_limit=4
        )
        sketch_event = sketch_button.click(
            partial(classify_sketch, model=model), sketch_input, outputs, api_name="classify_sketch"
        )
    photo_event.success(share_photo, photo_input, shared, api_visibility="private")
    sketch_event.success(share_sketch, sketch_input, shared, api_visibility="private")
