"""Fashion CNN Lab: see how a convolutional network reads clothes.

python app.py                         # http://127.0.0.1:7860
python app.py --model runs/my-model   # a folder written by train.py (its full network)
python app.py --model hf://ns/name@v1 # a Hub model repo, pinned (or set MODEL_REPO)
python app.py --host 0.0.0.0          # a class on phones: prints the address they open (serve.py)
python app.py --share                 # ask Gradio for a public link (needs internet)

This file only assembles the page: each tab (layout, events, handlers) is a module of ``tabs/``.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import gradio as gr

import serve  # first of the app's modules: it loads TensorFlow quietly, before the tabs import it
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
    playground,
    pooling,
    softmax,
)

MAX_FILE_SIZE = "20mb"  # phone photos are 2-12 MB
WARM_UP_DELAY = 2.0  # seconds the start-up thread waits once the app serves: the first answer comes first
DELETE_CACHE = (900, 1800)  # every 15 min, Gradio deletes the uploads and outputs it cached over 30 min ago
# every tab, in page order: a module with build(model, examples, shared) and warm_up(model)
TABS = (classify, filters, pooling, normalization, softmax, explain, overfitting, confusion, improve, playground)
ROOT = Path(__file__).resolve().parent
# the app's styles on its own class names; apart, the few rules on Gradio's internal ones (gradio_gaps.py)
CSS_PATHS = [ROOT / "tabs" / "style.css", ROOT / "gradio_gaps.css"]


def build_demo(model: LoadedModel, notice: str | None = None, camera: bool = True) -> gr.Blocks:
    """The page; without ``camera`` (served where browsers refuse it), photos are uploaded only."""
    examples = sorted(str(p) for p in (model.folder / "examples").glob("*.png"))
    with gr.Blocks(title="Fashion CNN Lab", delete_cache=DELETE_CACHE) as demo:
        header.build(model, notice)
        shared = gr.State(None)  # the last image classified: the concept tabs' input
        # every tab name on screen, none hidden in a menu; on a phone the header's tab picker stands in for the bar
        with gr.Tabs(overflow_behavior="wrap", elem_id=header.TABS_ID):
            classify.build(model, examples, shared, camera=camera)
            for tab in TABS[1:]:
                tab.build(model, examples, shared)
    serve.log_refusals(demo)  # a learner's bad input: one line in the log, not a traceback
    return demo


def warm_up(model: LoadedModel, delay: float = 0.0) -> None:
    """Run each tab's ``warm_up`` but the first's (Classify's, run before serving: the first answer needs it):
    figures that depend only on the model, and each tab's first, slowest computation, so no learner waits for them.

    Run in a background thread once the app serves, after DELAY seconds: the first requests (most likely a
    photo to classify) get the cores first. Meanwhile a request for a figure not drawn yet draws it, or waits
    for this thread under the tabs' build lock; an error here ends the thread with its traceback in the log,
    not the app.
    """
    time.sleep(delay)
    for tab in TABS[1:]:
        tab.warm_up(model)


def main() -> None:
    serve.quiet_console()
    parser = argparse.ArgumentParser(description="Serve Fashion CNN Lab.")
    parser.add_argument(
        "--model",
        help=f"a folder written by train.py or hf://NAMESPACE/NAME[@REVISION], either holding train.py's full network "
        f"(default: ${MODEL_REPO_ENV}, else the embedded model/weights)",
    )
    args = serve.parse_args(parser)  # adds --host, --port, --ssl-certfile/--ssl-keyfile and --share
    model, notice = load_model(args.model)  # falls back to model/weights, with a notice, if it must
    demo = build_demo(model, notice, camera=serve.camera_works(args.host, https=bool(args.ssl_certfile)))
    TABS[0].warm_up(model)  # Classify's models traced before serving
    _, local_url, share_url = demo.launch(
        **serve.launch_options(args),
        max_file_size=MAX_FILE_SIZE,
        ssr_mode=False,
        theme=gr.themes.Soft(),
        css_paths=CSS_PATHS,
        prevent_thread_lock=True,  # returns once serving: then the warm-up starts, and this thread blocks
    )
    serve.announce(args, local_url, share_url, model.source)
    threading.Thread(target=warm_up, args=(model, WARM_UP_DELAY), name="warm-up", daemon=True).start()
    demo.block_thread()


if __name__ == "__main__":
    main()
