"""The Pooling tab: max vs average pooling on the input or a feature map, one window worked through."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np

from concepts import pooling
from model.inference import LoadedModel
from tabs.common import Radio, Slider, ablation_words, choice, concept_input, concept_tab, input_pixels, rerun_on

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """Max pooling keeps the strongest response in each window: "is this pattern present somewhere
here?". Average pooling keeps the mean: "how much of it is here overall?", which blurs sharp
responses. Either way the next layer sees a smaller map, so it covers more of the image per
pixel and cares less about exactly where a pattern sits."""

POOL_MODES = [(mode.capitalize(), mode) for mode in pooling.MODES]  # (shown, value): "max", "average"
POOL_SIZES = (2, 3)
POOL_STRIDES = (1, 2, 3)
FEATURE_LAYER = "block1_relu1"  # the first conv layer's maps after batch norm and ReLU: what the next layer sees
FEATURE_MAPS = 32  # block1_conv1's filters (model/cnn.py); the handler checks against the real layer
POOL_SOURCES = ("the 28×28 input", f"a feature map of {FEATURE_LAYER}")


def run_pooling(image_path, mode: str, size: int, stride: int, source: str, channel: float, model: LoadedModel):
    """Max and average pooling of the input (or one first-layer feature map), side by side, one window worked."""
    choice(mode, pooling.MODES, "Mode")
    choice(size, POOL_SIZES, "Pool size")
    choice(stride, POOL_STRIDES, "Stride")
    choice(source, POOL_SOURCES, "Source")
    pixels = input_pixels(image_path)
    if source == POOL_SOURCES[0]:
        x = pixels.astype(np.float64)
    else:
        maps = model.layer_outputs(pixels, (FEATURE_LAYER,))[0][0]
        if not 0 <= channel < maps.shape[-1]:
            raise gr.Error(f"Feature map number must be between 0 and {maps.shape[-1] - 1}.")
        x = maps[..., int(channel)].astype(np.float64)
    size, stride = int(size), int(stride)
    results = {m: pooling.pool2d(x, m, size, stride) for m in pooling.MODES}
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


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with concept_tab("Pooling", EXPLANATION) as tab:
        with gr.Row():
            with gr.Column(scale=1):
                pool_input = concept_input("Input image", examples, tab, shared)
                pool_mode = Radio(POOL_MODES, value=pooling.MODES[0], label="Pooling")
                pool_size = Radio(list(POOL_SIZES), value=2, label="Pool size")
                pool_stride = Radio(list(POOL_STRIDES), value=2, label="Stride")
                pool_source = Radio(list(POOL_SOURCES), value=POOL_SOURCES[0], label="Pool")
                pool_channel = Slider(
                    0, FEATURE_MAPS - 1, value=0, step=1, label=f"Feature map number ({FEATURE_LAYER})"
                )
            with gr.Column(scale=3):
                pool_plot = gr.Plot(
                    show_label=False, label="Input, max pooling and average pooling on one colour scale"
                )
                pool_note = gr.Markdown(elem_id="pool-note")
                pool_numbers = gr.Dataframe(
                    label="The chosen pooling's output, in numbers", interactive=False, elem_id="pool-numbers"
                )
                gr.Markdown(ablation_words(model, "avgpool", "the same network with average pooling"))
        controls = [pool_input, pool_mode, pool_size, pool_stride, pool_source, pool_channel]
        rerun_on(tab, partial(run_pooling, model=model), controls, [pool_plot, pool_note, pool_numbers], "pool")
