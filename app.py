"""Fashion CNN Lab: see how a convolutional network reads clothes.

python app.py                         # http://127.0.0.1:7860
python app.py --model runs/my-model   # any folder written by train.py
python app.py --model hf://ns/name@v1 # a Hub model repo, pinned (or set MODEL_REPO)
python app.py --share                 # ask Gradio for a public link
"""

from __future__ import annotations

import argparse
import logging
from functools import partial

import gradio as gr
import numpy as np

import handlers as h
from concepts import confusion, features, normalization, pooling, softmax
from model.data import CLASS_NAMES
from model.hub import MODEL_REPO_ENV, load_model
from model.inference import LoadedModel

MAX_FILE_SIZE = "20mb"  # phone photos are 2-12 MB
# 28x28 inputs shown big, with crisp pixels
CSS = ".pixelated img { image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain; }"


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
    """gr.Slider whose API callers get a gr.Error, not Gradio's generic one, for a value that is not a number."""

    is_template = True

    def preprocess(self, payload):
        if not isinstance(payload, int | float) or isinstance(payload, bool):
            raise gr.Error(f"{self.label} must be a number from {self.minimum} to {self.maximum}, not {payload!r:.40}.")
        return super().preprocess(payload)


class CheckboxGroup(gr.CheckboxGroup):
    """gr.CheckboxGroup whose API callers get a gr.Error for a value that is not a list of its choices."""

    is_template = True

    def preprocess(self, payload):
        if not isinstance(payload, list):
            choices = ", ".join(str(value) for _, value in self.choices)
            raise gr.Error(f"{self.label} must be a list of names from: {choices}; got {payload!r:.40}.")
        return super().preprocess(payload)


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
    tab.select(h.take_shared, [shared, seen], [image, seen], api_visibility="private")
    return image


def classify_tab(model: LoadedModel, examples: list[str]) -> tuple:
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
                        label="Draw a garment: pick the brush ✏️ on the left first",  # no tool is active at start
                        type="numpy",
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
                        label="Same photo, Fashion-MNIST-only model",
                        visible=model.fashion_mnist_only is not None,
                    )
                seen_output = gr.Image(
                    label="What the model saw (28×28, enlarged)", height=240, interactive=False, elem_id="seen-input"
                )
                steps_output = gr.Gallery(
                    label="How the photo became the input", columns=5, height=170, interactive=False
                )
        table = h.real_photo_table(model)
        if table:
            with gr.Accordion("Real photos vs Fashion-MNIST: what training on photos changed", open=False):
                gr.Markdown(table, elem_id="real-photo-table")
        outputs = [label_output, seen_output, steps_output, verdict_output, before_output]
        # Up to 4 requests at once: decoding and uploads overlap the model call, and the model is only
        # ever called for inference (no training, no state), which TensorFlow runs safely in parallel.
        photo_event = photo_input.change(
            partial(h.classify_photo, model=model), photo_input, outputs, api_name="classify", concurrency_limit=4
        )
        sketch_event = sketch_button.click(
            partial(h.classify_sketch, model=model), sketch_input, outputs, api_name="classify_sketch"
        )
    return photo_input, photo_event, sketch_input, sketch_event


def filters_tab(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Filters & feature maps") as tab:
        gr.Markdown(h.explanation(features))
        with gr.Row():
            with gr.Column(scale=1):
                filters_input = concept_input("Input image", examples, tab, shared)
                layers = features.conv_activation_layers(model.keras_model)
                layer_choice = gr.Dropdown(layers, value=layers[0], label="Conv layer")
            with gr.Column(scale=3):
                kernels_plot = gr.Plot(show_label=False, label="First-layer filters")
                maps_note = gr.Markdown()
                maps_plot = gr.Plot(show_label=False, label="Feature maps")
        gr.Markdown("### CNN vs dense network: slide the image sideways")
        gr.Markdown(h.ablation_words(model, "mlp", "a dense network with no convolutions"))
        with gr.Row():
            shift_slider = Slider(-6, 6, value=0, step=1, label="Shift (pixels)")
            shifted_image = gr.Image(label="Shifted input", height=200, interactive=False)
            shift_plot = gr.Plot(show_label=False, label="Confidence as the image moves")
        shift_note = gr.Markdown()
        tab.select(partial(h.show_kernels, model=model), None, kernels_plot, api_visibility="private")
        gr.on(
            [tab.select, layer_choice.change, filters_input.change],
            partial(h.show_feature_maps, model=model),
            [filters_input, layer_choice],
            [maps_plot, maps_note],
            api_name="feature_maps",
            trigger_mode="always_last",  # an input arriving mid-run (the shared image) runs it again
        )
        gr.on(
            [shift_slider.release, filters_input.change, tab.select],
            partial(h.compare_shift, model=model),
            [filters_input, shift_slider],
            [shifted_image, shift_plot, shift_note],
            api_name="shift",
            trigger_mode="always_last",  # an input arriving mid-run (the shared image) runs it again
        )


def pooling_tab(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Pooling") as tab:
        gr.Markdown(h.explanation(pooling))
        with gr.Row():
            with gr.Column(scale=1):
                pool_input = concept_input("Input image", examples, tab, shared)
                pool_mode = gr.Radio(list(h.POOL_MODES), value="Max", label="Pooling")
                pool_size = gr.Radio([2, 3], value=2, label="Pool size")
                pool_stride = gr.Radio([1, 2, 3], value=2, label="Stride")
                pool_source = gr.Radio(list(h.POOL_SOURCES), value=h.POOL_SOURCES[0], label="Pool")
                pool_channel = Slider(0, 31, value=0, step=1, label="Feature map number (block1_conv1)")
            with gr.Column(scale=3):
                pool_plot = gr.Plot(
                    show_label=False, label="Input, max pooling and average pooling on one colour scale"
                )
                pool_note = gr.Markdown(elem_id="pool-note")
                pool_numbers = gr.Dataframe(
                    label="The chosen pooling's output, in numbers", interactive=False, elem_id="pool-numbers"
                )
                gr.Markdown(h.ablation_words(model, "avgpool", "the same network with average pooling"))
        controls = [pool_input, pool_mode, pool_size, pool_stride, pool_source, pool_channel]
        gr.on(
            [tab.select, *(c.change for c in controls[:-1]), pool_channel.release],
            partial(h.run_pooling, model=model),
            controls,
            [pool_plot, pool_note, pool_numbers],
            api_name="pool",
            trigger_mode="always_last",  # an input arriving mid-run (the shared image) runs it again
        )


def normalization_tab(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Normalization") as tab:
        gr.Markdown(h.explanation(normalization))
        with gr.Row():
            with gr.Column(scale=1):
                normalize_input = concept_input("Input image", examples, tab, shared)
            with gr.Column(scale=3):
                histogram_plot = gr.Plot(show_label=False, label="The same pixels, three scales")
                scaling_table = gr.Dataframe(
                    headers=["fed to the model", "range", "prediction", "probability"],
                    label="What the model predicts for each scaling",
                    interactive=False,
                )
        gr.Markdown(
            h.ablation_words(model, "no-normalization", "the same network fed raw 0–255 pixels")
            + " Why so close? Our first convolution is followed by batch normalization, which rescales whatever it"
            " receives during training. What always matters is feeding a trained model the scale it was trained on:"
            " see the table above."
        )
        if {"baseline", "no-normalization"} <= h.run_histories(model).keys():
            norm_curves = gr.Plot(show_label=False, label="Training curves")
            evidence = partial(h.show_curves, ["baseline", "no-normalization"], model=model)
            tab.select(evidence, None, norm_curves, api_visibility="private")
        gr.on(
            [tab.select, normalize_input.change],
            partial(h.run_normalization, model=model),
            normalize_input,
            [histogram_plot, scaling_table],
            api_name="normalize",
            trigger_mode="always_last",  # an input arriving mid-run (the shared image) runs it again
        )


def softmax_tab(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Softmax") as tab:
        gr.Markdown(h.explanation(softmax))
        with gr.Row():
            with gr.Column(scale=1):
                softmax_input = concept_input("Input image", examples, tab, shared)
                temperature = Slider(0.1, 10, value=1, step=0.1, label="Temperature T")
            with gr.Column(scale=3):
                softmax_plot = gr.Plot(show_label=False, label="Logits and probabilities")
                softmax_label = gr.Label(
                    num_top_classes=3, label="Probabilities at this temperature", elem_id="softmax-label"
                )
        headers = ["class", "logit", "÷ T", "− max", "exp", "probability"]
        softmax_table = gr.Dataframe(headers=headers, label="Step by step", interactive=False)
        gr.Markdown("### Your own logits")
        with gr.Row():
            logits_text = gr.Textbox("1000, 999, 998", label="Logits, separated by commas")
            logits_button = gr.Button("Compute softmax", variant="primary")
        typed_note = gr.Markdown()
        with gr.Row():
            typed_table = gr.Dataframe(headers=["z", *headers[1:]], label="Step by step", interactive=False)
            typed_label = gr.Label(label="Probabilities")
        gr.Markdown(
            "Does a 90% probability mean the model is right 90% of the time? The **Confusion matrix** tab's "
            "reliability diagram measures exactly that for this model."
        )
        gr.on(
            [tab.select, softmax_input.change, temperature.release],
            partial(h.run_softmax, model=model),
            [softmax_input, temperature],
            [softmax_plot, softmax_table, softmax_label],
            api_name="softmax",
            trigger_mode="always_last",  # an input arriving mid-run (the shared image) runs it again
        )
        gr.on(
            [logits_button.click, logits_text.submit, tab.select],
            h.run_typed_logits,
            [logits_text, temperature],
            [typed_table, typed_label, typed_note],
            api_name="softmax_logits",
        )


def overfitting_tab(model: LoadedModel) -> None:
    histories = h.run_histories(model)
    with gr.Tab("Overfitting") as tab:
        gr.Markdown(
            "A model *overfits* when it keeps getting better on its training images but not on images it has "
            "never seen: the training curve (solid) pulls away from the validation curve (dashed). Dropout and "
            "data augmentation fight it by making the training task harder to memorise. Below, the same network "
            "trained on the same budget with and without them, next to the shipped model."
        )
        gr.Dataframe(
            h.overfitting_rows(model),
            headers=["run", "epochs", "final train acc %", "final validation acc %", "gap (points)", "test acc %"],
            label="Final epoch, measured",
            interactive=False,
        )
        regularization = [name for name in histories if name.startswith("shipped") or name in h.OVERFITTING_RUNS]
        runs = CheckboxGroup(list(histories), value=regularization, label="Runs to plot")
        curves_plot = gr.Plot(show_label=False, label="Curves")
        gr.on([tab.select, runs.change], partial(h.show_curves, model=model), runs, curves_plot, api_name="overfitting")


def confusion_tab(model: LoadedModel) -> None:
    with gr.Tab("Confusion matrix") as tab:
        gr.Markdown(confusion.__doc__.split("\n\n", 1)[1].replace("\n", " "))
        gr.Markdown(confusion.summary_markdown(model.metrics))
        with gr.Row():
            with gr.Column(scale=3):
                confusion_mode = gr.Radio(list(h.CONFUSION_MODES), value="Counts", label="Show")
                confusion_plot = gr.Plot(show_label=False, label="Confusion matrix")
            with gr.Column(scale=2):
                gr.Dataframe(
                    confusion.per_class_rows(model.metrics),
                    headers=["class", "precision %", "recall %", "F1 %", "images"],
                    label="Per class",
                    interactive=False,
                )
        gr.Markdown(
            "### Open a cell\nClick a count in the table, or pick a true and a predicted class, to see those test images and how sure the model was."
        )
        matrix = model.metrics["confusion_matrix"]
        cells_table = gr.Dataframe(
            [[name, *row] for name, row in zip(CLASS_NAMES, matrix, strict=True)],
            headers=["true ↓ / predicted →", *CLASS_NAMES],
            interactive=False,
            label="Counts (click a cell)",
        )
        with gr.Row():
            worst = confusion.most_confused(np.array(matrix), top=1)  # the most confused pair opens first
            first_true, first_predicted = worst[0][:2] if worst else (CLASS_NAMES[0], CLASS_NAMES[0])
            true_class = gr.Dropdown(list(CLASS_NAMES), value=first_true, label="True class")
            predicted_class = gr.Dropdown(list(CLASS_NAMES), value=first_predicted, label="Predicted class")
            open_button = gr.Button("Show these images", variant="primary")
        cell_note = gr.Markdown(elem_id="cell-note")
        cell_gallery = gr.Gallery(
            label="Test images in this cell",
            columns=8,
            height=360,
            interactive=False,
            elem_id="cell-gallery",
        )
        if "calibration" in model.metrics:
            gr.Markdown("### Calibration: does 90% confidence mean 90% right?")
            with gr.Row():
                reliability_plot = gr.Plot(show_label=False, label="Reliability diagram")
                gr.Markdown(confusion.calibration_words(model.metrics["calibration"]))
            tab.select(partial(h.show_reliability, model=model), None, reliability_plot, api_visibility="private")
        gr.on(
            [tab.select, confusion_mode.change],
            partial(h.show_confusion, model=model),
            confusion_mode,
            confusion_plot,
            api_name="confusion_matrix",
        )
        show_cell = partial(h.open_cell, model=model)
        open_button.click(
            show_cell, [true_class, predicted_class], [cell_gallery, cell_note], api_name="confusion_cell"
        )
        if (model.folder / "test_samples.npz").is_file():  # show that cell when the tab opens
            tab.select(show_cell, [true_class, predicted_class], [cell_gallery, cell_note], api_visibility="private")
        cells_table.select(h.pick_cell, None, [true_class, predicted_class]).then(
            show_cell, [true_class, predicted_class], [cell_gallery, cell_note]
        )


def build_demo(model: LoadedModel, notice: str | None = None) -> gr.Blocks:
    examples = sorted(str(p) for p in (model.folder / "examples").glob("*.png"))
    with gr.Blocks(title="Fashion CNN Lab") as demo:
        gr.Markdown(
            "# Fashion CNN Lab\nHow a small convolutional network, trained on the 70,000 images of Fashion-MNIST, reads clothes."
        )
        gr.Markdown(h.model_status(model), elem_id="model-status")
        if notice:
            gr.Markdown(f"⚠️ {notice}", elem_id="model-notice")
        photo_input, photo_event, sketch_input, sketch_event = classify_tab(model, examples)
        shared = gr.State(None)  # the last image classified, for the concept tabs
        photo_event.success(h.share_photo, photo_input, shared, api_visibility="private")
        sketch_event.success(h.share_sketch, sketch_input, shared, api_visibility="private")
        filters_tab(model, examples, shared)
        pooling_tab(model, examples, shared)
        normalization_tab(model, examples, shared)
        softmax_tab(model, examples, shared)
        overfitting_tab(model)
        confusion_tab(model)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve Fashion CNN Lab (host/port from GRADIO_SERVER_NAME/PORT).")
    parser.add_argument(
        "--model",
        help=f"a folder written by train.py or hf://NAMESPACE/NAME[@REVISION] (default: ${MODEL_REPO_ENV}, "
        "else the embedded model/weights)",
    )
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public share link")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    demo = build_demo(*load_model(args.model))  # falls back to model/weights, with a notice, if it must
    demo.launch(share=args.share, max_file_size=MAX_FILE_SIZE, ssr_mode=False, theme=gr.themes.Soft(), css=CSS)


if __name__ == "__main__":
    main()
