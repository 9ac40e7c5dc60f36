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
from pathlib import Path

import gradio as gr
import numpy as np

from model.hub import MODEL_REPO_ENV, load_model
from model.inference import LoadedModel
from tabs import (
    classify,
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
ROOT = Path(__file__).resolve().parent
# the app's styles on its own class names; apart, the few rules on Gradio's internal ones (gradio_gaps.py)
CSS_PATHS = [ROOT / "tabs" / "style.css", ROOT / "gradio_gaps.css"]


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
        css_paths=CSS_PATHS,
        prevent_thread_lock=True,  # returns once serving: then the warm-up starts, and this thread blocks
    )
    threading.Thread(target=warm_up, args=(model, WARM_UP_DELAY), name="warm-up", daemon=True).start()
    demo.block_thread()


if __name__ == "__main__":
    main()
