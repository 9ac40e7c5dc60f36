"""Fashion CNN Lab: see how a convolutional network reads clothes.

python app.py                         # http://127.0.0.1:7860
python app.py --model runs/my-model   # any folder written by train.py
python app.py --share                 # ask Gradio for a public link
"""

from __future__ import annotations

import argparse
import logging
from functools import partial

import gradio as gr
import numpy as np
from PIL import Image

from model.data import CLASS_NAMES
from model.inference import DEFAULT_FOLDER, LoadedModel, load_folder, top_classes
from model.preprocess import ImageProblem, Preprocessed, load_and_preprocess, preprocess

UNSURE_BELOW = 0.5  # top probability under this: say the model is unsure
MAX_FILE_SIZE = "20mb"  # phone photos are 2-12 MB
VIEW_SIDE = 224  # the 28x28 input, shown 8x with hard pixel edges
ClassifyResult = tuple[dict[str, float] | None, np.ndarray | None, list, str]


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


def _enlarge(image: np.ndarray, side: int = VIEW_SIDE) -> np.ndarray:
    img = Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8))
    scale = side / max(img.size)
    return np.asarray(img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.NEAREST))


def _verdict(probs: np.ndarray, prep: Preprocessed) -> str:
    best = int(probs.argmax())
    if not prep.has_object:
        return "**No clear object found.** The image is nearly uniform, so any class would be a guess. Try a photo of one garment on a plain background."
    if probs[best] < UNSURE_BELOW:
        return f"**Not sure.** The best guess, {CLASS_NAMES[best]}, gets only {probs[best]:.0%}. Try a front view of one garment on a plain background."
    return f"**{CLASS_NAMES[best]}** ({probs[best]:.1%})."


def _answer(prep: Preprocessed, model: LoadedModel) -> ClassifyResult:
    probs = model.probabilities(prep.pixels)[0]
    steps = [(_enlarge(img, 112), caption) for img, caption in prep.steps]
    return top_classes(probs), _enlarge(prep.pixels), steps, _verdict(probs, prep)


def classify_photo(photo_path: str | None, model: LoadedModel) -> ClassifyResult:
    """An uploaded photo (file path) -> top-3 classes, the 28x28 input, its steps, a verdict."""
    if not photo_path:
        return None, None, [], "Upload a photo, take one with the webcam, or pick an example below."
    try:
        return _answer(load_and_preprocess(photo_path), model)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem


def classify_sketch(sketch: dict | None, model: LoadedModel) -> ClassifyResult:
    """A Sketchpad drawing ({"background", "layers", "composite"}) -> same as classify_photo."""
    composite = (sketch or {}).get("composite")
    if composite is None or np.asarray(composite)[..., -1].max() == 0:
        raise gr.Error(
            "The canvas is empty. Draw a garment (an outline or a filled shape), then press Classify drawing."
        )
    return _answer(preprocess(Image.fromarray(np.asarray(composite, dtype=np.uint8))), model)


def model_status(model: LoadedModel) -> str:
    acc = model.test_accuracy
    accuracy = (
        f"{acc:.2%} on the 10,000 Fashion-MNIST test images"
        if acc is not None
        else "test accuracy unknown (no metrics.json)"
    )
    return f"Model: {model.source} — {accuracy}."


def build_demo(model: LoadedModel) -> gr.Blocks:
    examples = sorted(str(p) for p in (model.folder / "examples").glob("*.png"))
    with gr.Blocks(title="Fashion CNN Lab") as demo:
        gr.Markdown(
            "# Fashion CNN Lab\nHow a small convolutional network, trained on the 70,000 images of Fashion-MNIST, reads clothes."
        )
        gr.Markdown(model_status(model), elem_id="model-status")
        with gr.Tab("Classify"):
            with gr.Row():
                with gr.Column():
                    with gr.Tab("Photo"):
                        photo_input = PhotoUpload(
                            type="filepath",
                            image_mode=None,
                            sources=["upload", "webcam", "clipboard"],
                            label="A clothing photo",
                            height=320,
                        )
                        gr.Examples(examples=[[p] for p in examples], inputs=photo_input, label="Or pick a test image")
                    with gr.Tab("Draw"):
                        sketch_input = gr.Sketchpad(
                            label="Draw a garment", type="numpy", canvas_size=(400, 400), height=360
                        )
                        sketch_button = gr.Button("Classify drawing", variant="primary")
                with gr.Column():
                    verdict_output = gr.Markdown(elem_id="verdict")
                    label_output = gr.Label(num_top_classes=3, label="Top 3 classes")
                    seen_output = gr.Image(label="What the model saw (28×28, enlarged)", height=240, interactive=False)
                    steps_output = gr.Gallery(
                        label="How the photo became the input", columns=5, height=170, interactive=False
                    )
            outputs = [label_output, seen_output, steps_output, verdict_output]
            photo_input.change(partial(classify_photo, model=model), photo_input, outputs, api_name="classify")
            sketch_button.click(
                partial(classify_sketch, model=model), sketch_input, outputs, api_name="classify_sketch"
            )
    return demo


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Fashion CNN Lab (host/port from GRADIO_SERVER_NAME/PORT).")
    parser.add_argument(
        "--model", default=str(DEFAULT_FOLDER), help="a model folder written by train.py (default: %(default)s)"
    )
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public share link")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    demo = build_demo(load_folder(args.model))
    demo.launch(share=args.share, max_file_size=MAX_FILE_SIZE, ssr_mode=False, theme=gr.themes.Soft())


if __name__ == "__main__":
    main()
