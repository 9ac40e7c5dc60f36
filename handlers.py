"""What each event of the app does: typed handlers, defined outside the Blocks context.

Each takes plain values (a file path, a class name, a number) and the loaded model, and returns
plain values for Gradio's components; anything the learner must fix is a ``gr.Error`` that says
what to do. ``app.py`` lays out the tabs and wires these to events.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from concepts import confusion, features, normalization, pooling, softmax
from concepts.curves import training_curves
from model.data import CLASS_NAMES
from model.inference import LoadedModel, is_unsure, top_classes
from model.preprocess import ImageProblem, Preprocessed, load_and_preprocess, preprocess_drawing

VIEW_SIDE = 224  # the 28x28 input, shown 8x with hard pixel edges
OUTPUT_DIR = Path(tempfile.gettempdir()) / "fashion-cnn-lab"  # enlarged images we hand to Gradio
ClassifyResult = tuple[dict[str, float] | None, str | None, list, str, dict[str, float] | None]


def _enlarge(image: np.ndarray, side: int = VIEW_SIDE) -> str:
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
    steps = [(_enlarge(img, 112), caption) for img, caption in prep.steps]
    label = top_classes(probs) if prep.has_object else None  # no object: name no class
    before = model.fashion_mnist_only
    before_label = top_classes(before.probabilities(prep.pixels)[0]) if before and prep.has_object else None
    return label, _enlarge(prep.pixels), steps, _verdict(probs, prep), before_label


def classify_photo(photo_path: str | None, model: LoadedModel) -> ClassifyResult:
    """An uploaded photo (file path) -> top-3 classes, the 28x28 input, its steps, a verdict."""
    if not photo_path:
        return None, None, [], "Upload a photo, take one with the webcam, or pick an example below.", None
    try:
        return _answer(load_and_preprocess(photo_path), model)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem


def _drawing(composite) -> Preprocessed:
    return preprocess_drawing(Image.fromarray(np.asarray(composite, dtype=np.uint8)))


def classify_sketch(sketch: dict | None, model: LoadedModel) -> ClassifyResult:
    """A Sketchpad drawing ({"background", "layers", "composite"}) -> same as classify_photo."""
    composite = (sketch or {}).get("composite")
    if composite is None or np.asarray(composite)[..., -1].max() == 0:
        raise gr.Error(
            "The canvas is empty. Draw a garment (an outline or a filled shape), then press Classify drawing."
        )
    label, seen, steps, verdict, before = _answer(_drawing(composite), model)
    return label, seen, steps, f"Your drawing: {verdict}", before


CONFUSION_MODES = ("Counts", "Row % (recall)")


def show_confusion(mode: str, model: LoadedModel):
    """The test-set confusion matrix as counts or row percentages."""
    _choice(mode, CONFUSION_MODES, "Show")
    return confusion.heatmap(np.array(model.metrics["confusion_matrix"]), percent=mode != "Counts")


def show_reliability(model: LoadedModel):
    return confusion.reliability_diagram(model.metrics["calibration"])


def open_cell(true_name: str, predicted_name: str, model: LoadedModel) -> tuple[list, str]:
    """The shipped test images of one confusion-matrix cell, most confident first, with captions."""
    if true_name not in CLASS_NAMES or predicted_name not in CLASS_NAMES:
        raise gr.Error(f"Pick a true and a predicted class from: {', '.join(CLASS_NAMES)}.")
    t, p = CLASS_NAMES.index(true_name), CLASS_NAMES.index(predicted_name)
    samples = model.test_samples
    if samples is None:
        raise gr.Error("This model folder has no test_samples.npz: retrain it with train.py to browse its mistakes.")
    total = int(np.array(model.metrics["confusion_matrix"])[t, p])
    hits = confusion.cell_samples(samples, t, p)
    gallery = [
        (
            _enlarge(samples["images"][i], 112),
            f"{samples['probs'][i, p]:.0%} · #{samples['index'][i]}",  # short: the note above names the cell
        )
        for i in hits
    ]
    if total == 0:
        note = f"**No test image of {true_name} was read as {predicted_name}.** Pick another cell: the counts table shows where the mistakes are."
    elif t == p:
        note = f"**{true_name} read correctly: {total} test images.** Showing a random {len(hits)} of them, most confident first."
    else:
        note = (
            f"**{true_name} read as {predicted_name}: {total} test images**, all shown, most confident mistake first."
        )
    return gallery, note


def pick_cell(evt: gr.SelectData) -> tuple[str, str]:
    """A click in the counts table -> (true class, predicted class) for the dropdowns."""
    row, col = evt.index
    return CLASS_NAMES[row], CLASS_NAMES[max(col - 1, 0)]  # column 0 holds the row names


# -- concept tabs: each works on a 28x28 input the learner chose (or the Classify tab sent) --


def _pixels(image_path: str | None) -> np.ndarray:
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


def share_photo(photo_path: str | None) -> Shared:
    """Remember the photo just classified; each concept tab picks it up when the learner opens it."""
    return (time.monotonic_ns(), _pixels(photo_path)) if photo_path else gr.skip()


def share_sketch(sketch: dict) -> Shared:
    """Remember the drawing just classified, like share_photo."""
    return time.monotonic_ns(), _drawing(sketch["composite"]).pixels


def take_shared(shared: Shared, seen: int | None) -> tuple:
    """On opening a concept tab: show the last classified image there, once (a later own upload stays)."""
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return shared[1], shared[0]


def _choice(value, allowed, what: str):
    if value not in allowed:
        raise gr.Error(f"{what} must be one of {', '.join(map(str, allowed))}, not {value!r}.")
    return value


def show_feature_maps(image_path: str | None, layer: str, model: LoadedModel):
    """The current input's activations in one conv layer (after batch norm and ReLU)."""
    names = features.conv_activation_layers(model.keras_model)
    _choice(layer, names, "Layer")
    maps = model.layer_outputs(_pixels(image_path), (layer,))[0][0]  # (H, W, C)
    strongest = int(maps.max(axis=(0, 1)).argmax())
    fig = features.feature_grid(maps, f"{layer}: {maps.shape[-1]} maps of {maps.shape[0]}×{maps.shape[1]}")
    return fig, (
        f"**{layer}** gives {maps.shape[-1]} feature maps of {maps.shape[0]}×{maps.shape[1]} for this image; "
        f"{(maps.max(axis=(0, 1)) > 0).sum()} of them fire somewhere, the strongest is #{strongest} "
        f"(peak {maps[..., strongest].max():.2f})."
    )


def show_kernels(model: LoadedModel):
    return features.kernel_grid(np.asarray(model.keras_model.get_layer("block1_conv1").kernel))


SHIFTS = list(range(-6, 7))
NO_DENSE = "This model folder has no dense network to compare with: `python train.py --ablation mlp` adds one."


def compare_shift(image_path: str | None, shift: float, model: LoadedModel):
    """Slide the input sideways: the CNN's and the dense network's confidence at every shift."""
    if not -6 <= shift <= 6:
        raise gr.Error("Shift must be between -6 and 6 pixels.")
    pixels = _pixels(image_path)
    if model.dense_model is None:  # a folder without the ablation: say so where the comparison would be
        return _enlarge(features.shift_image(pixels, int(round(shift)))), None, NO_DENSE
    batch = np.stack([features.shift_image(pixels, dx) for dx in SHIFTS])  # (13, 28, 28)
    cnn = model.probabilities(batch)
    dense = np.asarray(model.dense_model(batch[..., None].astype(np.float32), training=False))
    target = int(cnn[SHIFTS.index(0)].argmax())
    i = SHIFTS.index(int(round(shift)))
    fig = features.shift_curves(SHIFTS, cnn[:, target], dense[:, target], int(round(shift)), CLASS_NAMES[target])
    note = (
        f"Shifted {int(round(shift)):+d} px: the CNN gives **{CLASS_NAMES[target]}** {cnn[i, target]:.0%}, "
        f"the dense network {dense[i, target]:.0%}. Across ±6 px the CNN stays between "
        f"{cnn[:, target].min():.0%} and {cnn[:, target].max():.0%}, the dense network between "
        f"{dense[:, target].min():.0%} and {dense[:, target].max():.0%}."
    )
    return _enlarge(batch[i]), fig, note


POOL_MODES = {"Max": "max", "Average": "average"}
POOL_SOURCES = ("the 28×28 input", "a feature map of block1_conv1")


def run_pooling(image_path, mode: str, size: int, stride: int, source: str, channel: float, model: LoadedModel):
    """Max and average pooling of the input (or one first-layer feature map), side by side, one window worked."""
    _choice(mode, list(POOL_MODES), "Mode")
    _choice(int(size), [2, 3], "Pool size")
    _choice(int(stride), [1, 2, 3], "Stride")
    _choice(source, POOL_SOURCES, "Source")
    pixels = _pixels(image_path)
    if source == POOL_SOURCES[0]:
        x = pixels.astype(np.float64)
    else:
        maps = model.layer_outputs(pixels, ("block1_relu1",))[0][0]
        if not 0 <= channel < maps.shape[-1]:
            raise gr.Error(f"Feature map number must be between 0 and {maps.shape[-1] - 1}.")
        x = maps[..., int(channel)].astype(np.float64)
    size, stride = int(size), int(stride)
    results = {m: pooling.pool2d(x, POOL_MODES[m], size, stride) for m in POOL_MODES}
    row, col = pooling.busiest_window(x, size, stride)
    fig = pooling.side_by_side(x, results, mode, (row, col), size, stride)
    window = x[row * stride : row * stride + size, col * stride : col * stride + size]
    cells = " | ".join(" ".join(f"{v:.4g}" for v in r) for r in window)
    note = (
        f"The {size}×{size} window at output cell ({row}, {col}), stride {stride}: values {cells}. "
        f"**Max = {window.max():.4g}**, **mean = {window.mean():.4g}**. "
        f"The map shrinks from {x.shape[0]}×{x.shape[1]} to {results[mode].shape[0]}×{results[mode].shape[1]}."
    )
    return fig, note, np.round(results[mode], 4).tolist()


def run_normalization(image_path: str | None, model: LoadedModel):
    """Histograms of the input raw, scaled and standardized, and what the model says when fed the wrong scale."""
    pixels = _pixels(image_path)
    rows = []
    for name, x in (("raw 0–255 (what it expects)", pixels), ("already scaled to 0–1 (a classic bug)", pixels / 255)):
        probs = model.probabilities(x)[0]
        rows.append(
            [name, f"{x.min():.3g}–{x.max():.3g}", CLASS_NAMES[int(probs.argmax())], round(float(probs.max()), 4)]
        )
    return normalization.histograms(pixels), rows


def run_softmax(image_path: str | None, temperature: float, model: LoadedModel):
    """The model's real logits for the input, and softmax at a temperature, step by step."""
    if not 0.05 <= temperature <= 20:
        raise gr.Error("Temperature must be between 0.05 and 20.")
    logits = model.logits(_pixels(image_path))[0]
    steps = softmax.worked_steps(logits, temperature)
    fig = softmax.bars(CLASS_NAMES, logits, steps["probability"], temperature)
    return fig, _steps_table(CLASS_NAMES, steps), top_classes(steps["probability"])


def _steps_table(names, steps: dict) -> list[list]:
    return [[name, *(round(float(v[i]), 4) for v in steps.values())] for i, name in enumerate(names)] + [
        ["sum", "", "", "", round(float(steps["exp"].sum()), 4), round(float(steps["probability"].sum()), 4)]
    ]


def run_typed_logits(text: str, temperature: float):
    """Logits the learner typed -> the softmax, every step shown."""
    if not 0.05 <= temperature <= 20:
        raise gr.Error("Temperature must be between 0.05 and 20.")
    try:
        logits = softmax.parse_logits(text or "")
    except ValueError as problem:
        raise gr.Error(str(problem)) from problem
    names = [f"z{i + 1}" for i in range(len(logits))]
    steps = softmax.worked_steps(logits, temperature)
    probs = {n: float(p) for n, p in zip(names, steps["probability"], strict=True)}
    return _steps_table(names, steps), probs, softmax.overflow_note(logits / temperature)


def show_curves(runs: list[str], model: LoadedModel):
    """Training vs validation curves of the chosen runs."""
    histories = run_histories(model)
    chosen = [r for r in runs or [] if r in histories]
    if not chosen:
        raise gr.Error(f"Pick at least one run: {', '.join(histories)}.")
    return training_curves({r: histories[r] for r in chosen})


def run_histories(model: LoadedModel) -> dict[str, dict]:
    runs = {f"shipped model ({model.metrics.get('epochs', '?')} epochs)": model.metrics.get("history", {})}
    runs.update({name: run["history"] for name, run in model.ablations.items()})
    return {name: h for name, h in runs.items() if h}


def model_status(model: LoadedModel) -> str:
    acc, n = model.test_accuracy, model.metrics.get("test_size", 10_000)
    accuracy = (
        f"{acc:.2%} on {n:,} Fashion-MNIST test images"
        if acc is not None
        else "test accuracy unknown (no metrics.json)"
    )
    return f"Model: {model.source} — {accuracy}."


REAL_PHOTO_SYSTEMS = (  # benchmarks/real_photos.py's names -> (what the learner reads, which model's test accuracy)
    ("naive demo (Fashion-MNIST-only model)", "Naive demo: grayscale, invert, stretch to 28×28", "before"),
    ("Fashion-MNIST-only model", "Our conversion, Fashion-MNIST-only model", "before"),
    ("shipped model", "Our conversion, model fine-tuned on real photos (this app)", "shipped"),
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

| how the photo is read | Fashion-MNIST test accuracy | real photos: top class right | right, not "Not sure" | hats, shorts, skirts: "Not sure" |
|---|---|---|---|---|
{rows}

**Domain shift.** Fashion-MNIST's images are product shots: one garment, front view, plain light background.
A phone photo of a shirt on a bed is a different *distribution* of inputs, so a model that scores
{before.test_accuracy:.1%} on its own test set names the right class for only {naive["top1"]:.1%} of these photos
when the photo is simply shrunk, and {fm_only["top1"]:.1%} once the garment is cut out as the dataset's makers did.
Fine-tuning on {real.get("train_photos", "some")} real photos (plus all of Fashion-MNIST, so it does not forget)
took it to {shipped["top1"]:.1%}, with Fashion-MNIST test accuracy {model.test_accuracy:.1%}: the data, more than
the network, was what limited it. "Not sure" means no class reached {results["results"]["shipped model"]["unsure_below"]:.0%};
the rates above use that rule for all three rows."""


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


OVERFITTING_RUNS = ("baseline", "no-dropout", "no-augmentation")  # plotted when the tab opens


def overfitting_rows(model: LoadedModel) -> list[list]:
    runs = {"shipped model": {**model.metrics, "description": ""}, **model.ablations}
    rows = []
    for name, run in runs.items():
        h = run.get("history") or {}
        if "val_accuracy" not in h:
            continue
        train, val = 100 * h["accuracy"][-1], 100 * h["val_accuracy"][-1]
        rows.append(
            [
                name,
                len(h["accuracy"]),
                round(train, 2),
                round(val, 2),
                round(train - val, 2),
                round(100 * run["test_accuracy"], 2),
            ]
        )
    return rows
