"""Fashion CNN Lab: see how a convolutional network reads clothes.

python app.py                         # http://127.0.0.1:7860
python app.py --model runs/my-model   # any folder written by train.py
python app.py --model hf://ns/name@v1 # a Hub model repo, pinned (or set MODEL_REPO)
python app.py --share                 # ask Gradio for a public link

This file only assembles the page: each tab (layout, events, handlers) is a module of ``tabs/``.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time

import gradio as gr
import numpy as np

from model.hub import MODEL_REPO_ENV, load_model
from model.inference import LoadedModel
from tabs import (
    classify,
    components,
    confusion,
    explain,
    filters,
    header,
    improve,
    normalization,
    overfitting,
    pooling,
    softmax,
)

MAX_FILE_SIZE = "20mb"  # phone photos are 2-12 MB
WARM_UP_DELAY = 2.0  # seconds the start-up thread waits once the app serves: the first answer comes first
DELETE_CACHE = (900, 1800)  # every 15 min, Gradio deletes the uploads and outputs it cached over 30 min ago
# 28x28 inputs shown big, with crisp pixels
CSS = (
    ".pixelated img { image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain; }"
    # the real-photo and deletion tables: their columns must fit a 390-px phone, numbers unbroken
    " :is(#real-photo-table, #deletion-evidence) :is(th, td) { padding: 4px 6px !important; }"
    " :is(#real-photo-table, #deletion-evidence) td:not(:first-child) { white-space: nowrap; }"
    # the sanity check's 8 columns of maps stay legible on a phone: the figure scrolls sideways, not the page
    # ("safe": centred while it fits, else from its left edge, so the first columns stay reachable)
    " #sanity-plot .matplotlib { overflow-x: auto; align-items: safe center; } #sanity-plot img { min-width: 760px; }"
    # bar tables (softmax): class names, then a number above its bar in each column
    " .bar-table { width: 100%; border-collapse: collapse; font-size: 14px; }"
    " .bar-table th, .bar-table td { padding: 2px 6px; text-align: left; vertical-align: middle; }"
    " .bar-table td { width: 40%; } .bar-number { font-variant-numeric: tabular-nums; }"
    # the improvement ladder's waterfall: the change beside each value, small; narrow text columns
    " .waterfall .bar-change { font-size: 12px; color: #555; } .waterfall td.bar-number { width: auto; }"
    # histograms: three side by side, stacked when there is no room (a phone)
    " .histograms { display: flex; flex-wrap: wrap; gap: 12px; }"
    " .histogram { flex: 1 1 200px; margin: 0; font-size: 14px; }"
    " .histogram .axis { display: flex; justify-content: space-between; font-size: 13px; }"
    " .histogram .peak { font-size: 13px; color: #555; }"
    # the conversion steps: four in a row on any screen, each caption under its picture, not over it
    # (the confusion cell's images likewise, as many per row as fit at 72 px or more)
    " #steps .grid-container { grid-template-columns: repeat(4, minmax(0, 1fr)) !important; }"
    " #cell-gallery .grid-container { grid-template-columns: repeat(auto-fill, minmax(72px, 1fr)) !important; }"
    " :is(#steps, #cell-gallery) .grid-container { grid-template-rows: none !important; grid-auto-rows: auto !important; }"
    " :is(#steps, #cell-gallery) .thumbnail-item { aspect-ratio: auto; height: auto; overflow: visible; }"
    " :is(#steps, #cell-gallery) .thumbnail-item img { aspect-ratio: 1; width: 100%; }"
    " :is(#steps, #cell-gallery) .caption-label { position: static; max-width: 100%; opacity: 1; border: 0; background: none;"
    "   padding: 2px 0; text-align: center; white-space: normal; overflow: visible; font-size: 12px; }"
    # the worked convolution window: three small grids of numbers, wrapping on a phone
    " .worked-window .grids { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }"
    " .number-grid { margin: 0; font-size: 13px; } .number-grid figcaption { max-width: 12em; }"
    " .number-grid td { padding: 2px 5px; text-align: right; font-variant-numeric: tabular-nums; }"
    " .worked-window .operator { font-size: 20px; }"
    # the overfitting plot's colour key: two swatches (training, validation) per run
    " .colour-key { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 14px; }"
    " .colour-key .swatch { display: inline-block; width: 14px; height: 14px; margin-right: 2px; vertical-align: middle; }"
    # a picture's caption, right under it (Gradio's label badge would cover part of the picture)
    " .caption p { font-size: 14px; color: #555; margin-top: -6px; }"
)


def build_demo(model: LoadedModel, notice: str | None = None) -> gr.Blocks:
    examples = sorted(str(p) for p in (model.folder / "examples").glob("*.png"))
    with gr.Blocks(title="Fashion CNN Lab", delete_cache=DELETE_CACHE) as demo:
        header.build(model, notice)
        shared = gr.State(None)  # the last image classified: the concept tabs' input
        with gr.Tabs(overflow_behavior="wrap"):  # on a phone the tab names wrap onto more lines, none hidden in a menu
            classify.build(model, examples, shared)
            for tab in (filters, pooling, normalization, softmax, explain):
                tab.build(model, examples, shared)
            overfitting.build(model, examples, shared)
            confusion.build(model)
            improve.build(model, examples, shared)
    components.name_parameters(demo)  # for the messages API callers get about a bad value
    return demo


def trace_classify(model: LoadedModel) -> None:
    """Trace Classify's two models' compiled calls: the first answer needs them, so this runs before serving."""
    model.assess(np.zeros((28, 28), np.uint8))  # probabilities and features, in one call
    if model.fashion_mnist_only is not None:
        model.fashion_mnist_only.probabilities(np.zeros((28, 28), np.uint8))


def warm_up(model: LoadedModel, delay: float = 0.0) -> None:
    """Draw every figure that depends only on the model, and run each tab's first, slowest computation, so no
    learner waits for them (Grad-CAM's compiled gradients, the dense network's loading).

    Run in a background thread once the app serves, after DELAY seconds: the first requests (most likely a
    photo to classify) get the cores first. Meanwhile a request for a figure not drawn yet draws it, or waits
    for this thread under the tabs' build lock; an error here ends the thread with its traceback in the log,
    not the app.
    """
    time.sleep(delay)  # Classify's models were traced before serving (trace_classify)
    for tab in (explain, confusion, filters, pooling, normalization, softmax, improve):
        tab.warm_up(model)


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
    model, notice = load_model(args.model)  # falls back to model/weights, with a notice, if it must
    demo = build_demo(model, notice)
    trace_classify(model)
    demo.launch(
        share=args.share,
        max_file_size=MAX_FILE_SIZE,
        ssr_mode=False,
        theme=gr.themes.Soft(),
        css=CSS,
        prevent_thread_lock=True,  # returns once serving: then the warm-up starts, and this thread blocks
    )
    threading.Thread(target=warm_up, args=(model, WARM_UP_DELAY), name="warm-up", daemon=True).start()
    demo.block_thread()


if __name__ == "__main__":
    main()
