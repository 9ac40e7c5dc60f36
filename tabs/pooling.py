"""The Pooling tab: max vs average pooling on the input or a feature map, one window worked through."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np
import pandas as pd

from concepts import pooling
from model.inference import LoadedModel
from tabs.charts import RED, colored, outline, side_by_side, upscale
from tabs.checks import choice, number
from tabs.files import image_file
from tabs.inputs import input_pixels
from tabs.runs import ablation_words
from tabs.wiring import beside_the_input, first_example, pick_examples, rerun_on, shown_when

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
LEAD = """Max pooling keeps the largest value in each window; average pooling keeps their mean. On a feature
map, where a value says how strongly one filter's pattern matched there, max asks "did it match strongly anywhere in
this window?" and average "how much did it match here overall?", which dilutes one strong match with its weaker
neighbours. The picture shows both side by side; the "Pooling" choice above moves the thick red frame
and fills the table with that pooling's numbers. "block1_relu1" names the maps our network's first convolution layer
makes (after batch norm and ReLU): the maps its first pooling layer pools."""
DETAIL = """Pooling has no weights to learn; it makes the maps smaller, so the layers after it cost
less and each of their values covers more of the image. With max pooling, if a window's largest value moves but stays
inside that window, and nothing larger moves in, that window's max does not change. With a stride above 1 that is all
the invariance there is: shifting the input by a number of pixels that is not a multiple of the stride can change the
pooled values, not just their positions (R. Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019).
With stride 1, or a shift by a multiple of the stride, the pooled map just moves, apart from its edges. This tab does
not shift the input. Windows are not padded: values after the last whole window (the last row and column with size 3 and stride
2 or 3, the last two with size 2 and stride 3) and, with a stride larger than the size, those between windows reach no
pooled value."""

AVGPOOL_RUNS = """Does the choice matter for our network? Its architecture was trained twice more from scratch, the
same way both times except that one run pooled by the maximum, as ours does, and the other by the average; both runs
were scored on Fashion-MNIST's test images (`ablations.json`):"""

POOL_MODES = [(mode.capitalize(), mode) for mode in pooling.MODES]  # (shown, value): "max", "average"
POOL_SIZES = (2, 3)
POOL_STRIDES = (1, 2, 3)
FEATURE_LAYER = "block1_relu1"  # the first conv layer's maps after batch norm and ReLU: what the next layer sees
FEATURE_MAPS = 32  # block1_conv1's filters (model/cnn.py); the handler checks against the real layer
POOL_SOURCES = ("the 28×28 input", f"a feature map of {FEATURE_LAYER}")
DECIMALS = 4  # the table's and the note's rounding
NEAR = 2  # on a phone the table shows the outputs within 2 rows and columns of the worked one: 5x5 fit 390 px


PANEL_SIDE = 224  # each of the three maps is drawn about this many pixels wide, whatever its size
POOL_PICTURE = (
    "Above, left to right: the map being pooled (the input or the chosen feature map), its max pooling, its average "
    "pooling. One colour scale for all three: dark purple is the map's lowest value, yellow its highest. A thin red "
    "outline marks the worked window on the left and the value it gives in each pooled map; a thick red frame marks "
    "the pooling chosen above."
)


def pooling_image(x, results: dict, chosen: str, cell: tuple[int, int], size: int, stride: int) -> np.ndarray:
    """The input and each pooled map side by side, on one colour scale (pooling never leaves the input's range),
    the worked window outlined in each and the chosen pooling framed."""
    low, high = float(x.min()), float(x.max())
    row, col = cell
    factor = PANEL_SIDE // x.shape[0]
    panels = [
        outline(
            upscale(colored(x, "viridis", low, high), factor),
            row * stride * factor,
            col * stride * factor,
            size * factor,
            size * factor,
        )
    ]
    for mode, result in results.items():
        f = PANEL_SIDE // result.shape[0]
        panel = outline(upscale(colored(result, "viridis", low, high), f), row * f, col * f, f, f)
        frame = 6 if mode == chosen else 0
        framed = np.full((panel.shape[0] + 2 * frame, panel.shape[1] + 2 * frame, 3), RED if frame else 255, np.uint8)
        framed[frame : frame + panel.shape[0], frame : frame + panel.shape[1]] = panel
        panels.append(framed)
    return side_by_side(panels, gap=12)


def run_pooling(image_path, mode: str, size: int, stride: int, source: str, channel: float, model: LoadedModel):
    """Max and average pooling of the input (or one first-layer feature map), side by side, one window worked."""
    choice(mode, pooling.MODES, "mode")
    choice(size, POOL_SIZES, "size")
    choice(stride, POOL_STRIDES, "stride")
    choice(source, POOL_SOURCES, "source")
    number(channel, 0, FEATURE_MAPS - 1, "channel")
    pixels = input_pixels(image_path)
    if source == POOL_SOURCES[0]:
        x = pixels.astype(np.float64)
    else:
        maps = model.layer_outputs(pixels, (FEATURE_LAYER,))[0][0]
        number(channel, 0, maps.shape[-1] - 1, "channel")  # the real layer's maps, should FEATURE_MAPS be stale
        x = maps[..., int(channel)].astype(np.float64)
    size, stride = int(size), int(stride)
    results = {m: pooling.pool2d(x, m, size, stride) for m in pooling.MODES}
    row, col = pooling.busiest_window(x, size, stride)
    picture = pooling_image(x, results, mode, (row, col), size, stride)
    window = x[row * stride : row * stride + size, col * stride : col * stride + size]
    cells = " | ".join(" ".join(_value(v) for v in r) for r in window)
    note = (
        worked_words(x, size, stride, (row, col))
        + f" It gives the output at row {row}, column {col}. Its values, row by row: {cells}. "
        f"**Max = {_value(window.max())}**, **mean = {_value(window.mean())}**. " + size_words(x.shape[0], size, stride)
    )
    pooled = np.round(results[mode], DECIMALS)
    columns = [str(c) for c in range(pooled.shape[1])]  # numbered from 0, as the note's (row, column) is
    return image_file(picture), note, pd.DataFrame(pooled, columns=columns), numbers_near(pooled, (row, col))


def _value(v: float) -> str:
    """A value as the table shows it (rounded to DECIMALS places), so the note and the table agree (review 148 #6):
    every digit kept, 149.3333 and not the 149.333 that :g's six significant digits give (review 152 #1)."""
    return np.format_float_positional(np.round(float(v), DECIMALS), trim="-")


def worked_words(x: np.ndarray, size: int, stride: int, cell: tuple[int, int]) -> str:
    """Which window the note works through, why, and where it lies in the map being pooled (review 148 #7), with
    how many windows share its spread: busiest_window takes the first of them (review 152 #2)."""
    if x.max() == x.min():  # a uniform map: nothing differs, and the colour scale has one colour (review 152 #10)
        return (
            "Every value in this map is the same, so all three panels are one colour and every window gives that "
            "value; the worked window is the first, at the top left."
        )
    spreads = pooling.spreads(x, size, stride)
    top, left = cell[0] * stride, cell[1] * stride
    where = (
        f"It covers rows {top}–{top + size - 1} and columns {left}–{left + size - 1} of the map being pooled (counted "
        "from 0, as the table's column headers are)."
    )
    if spreads.max() == 0:  # the map's differing values lie where no window reaches (review 153 #2)
        return f"No window's values differ here: the map's other values lie where no window reaches. {where}"
    ties = int((spreads == spreads.max()).sum())
    window = x[top : top + size, left : left + size]
    spread = _value(np.round(window.max(), DECIMALS) - np.round(window.min(), DECIMALS))  # as the values are shown
    which = (
        f"the {size}×{size} window (stride {stride}) whose values differ most"
        if ties == 1
        else f"the first, reading row by row from the top left, of {ties} windows ({size}×{size}, stride {stride}) "
        "whose values differ most"
    )
    return f"The worked window is {which}: largest minus smallest, {spread}. {where}"


def size_words(side: int, size: int, stride: int) -> str:
    """How many windows fit across a side, worked out, and how many values fall in no window (review 148 #5)."""
    steps, rest = divmod(side - size, stride)
    fit = steps + 1
    shown = f"{(side - size) / stride:.2f}".rstrip("0")  # 8.67 for 26 / 3, said with "≈"; 12.5 for 25 / 2, with "="
    exact = (side - size) * 100 % stride == 0  # two decimals say it whole
    division = f"({side} − {size}) ÷ {stride} " + (
        f"{'=' if exact else '≈'} {shown}, rounded down to {steps}," if rest else f"= {steps},"
    )
    reached = pooling.covered(side, size, stride)
    left_out = side * side - reached * reached
    return f"The map shrinks from {side}×{side} to {fit}×{fit}: windows along each side = {division} + 1 = {fit}." + (
        f" {left_out:,} of its {side * side:,} values ({left_out / (side * side):.0%}) fall in no window."
        if left_out
        else ""
    )


def numbers_near(pooled: np.ndarray, cell: tuple[int, int]) -> pd.DataFrame:
    """The outputs within NEAR rows and columns of the worked one, numbered: what a phone shows of the table
    (the whole map, 9 to 27 columns, cannot be read at 390 px without scrolling sideways)."""
    row, col = cell
    top, left = max(row - NEAR, 0), max(col - NEAR, 0)
    part = pooled[top : row + NEAR + 1, left : col + NEAR + 1]
    frame = pd.DataFrame(part, columns=[str(c) for c in range(left, left + part.shape[1])])
    frame.insert(0, "row", [str(r) for r in range(top, top + part.shape[0])])
    return frame


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """What a gr.State holds, handed to a component that shows it (Gradio copies values only through a handler)."""
    return frame


def shrink_words(model: LoadedModel) -> str:
    """How much our network's poolings shrink what its dense layer reads, from the model's own layer shapes."""
    keras_model = model.keras_model
    pools = [layer for layer in keras_model.layers if "pool" in layer.name]
    if not pools:
        return ""
    side, height, width, channels = keras_model.input.shape[1], *keras_model.get_layer("flatten").input.shape[1:]
    pooled, unpooled = height * width * channels, side * side * channels
    dense = [layer for layer in keras_model.layers if type(layer).__name__ == "Dense"]
    # the weights multiplied are the first dense layer's, the one reading the maps (review 52c #2)
    reader = "dense layer" if len(dense) == 1 else f"first dense layer ({dense[0].units} units)"
    # what the network itself does, read off its layers (review 148 #1): said where every pooling is alike and square
    shapes = {(type(p).__name__, *p.get_config()["pool_size"], *p.get_config()["strides"]) for p in pools}
    name, size, size_x, stride, stride_x = next(iter(shapes))
    kind = {"MaxPooling2D": "max", "AveragePooling2D": "average"}.get(name)
    uses = (
        f"Our network uses {kind} pooling, {size}×{size} with stride {stride}, {len(pools)} times. "
        if kind and len(shapes) == 1 and (size, stride) == (size_x, stride_x)
        else ""
    )
    first, maps = pools[0], pools[0].output.shape
    exact = (  # the tab pools FEATURE_LAYER's maps: where the first pooling reads them, the table is its output
        f"With {kind.capitalize()}, size {size}, stride {stride} and a feature map of {FEATURE_LAYER}, the table is "
        f"exactly one of the {maps[-1]} maps its first pooling layer ({first.name}) passes on: that layer pools each of "
        f"{FEATURE_LAYER}'s maps on its own and passes on all {maps[-1]}, each {maps[1]}×{maps[2]}. "
        if uses and first.input is keras_model.get_layer(FEATURE_LAYER).output
        else ""
    )
    return (
        uses
        + exact
        + (f"The {len(pools)} poolings take" if uses else f"In our network {len(pools)} poolings take")
        + f" the {side}×{side} input down to {height}×{width} maps: the "
        f"{reader} reads {height}×{width}×{channels} = {pooled:,} numbers with {pooled:,} × {dense[0].units} = "
        f"{pooled * dense[0].units:,} weights ({pooled * dense[0].units / keras_model.count_params():.0%} of the "
        f"network's {keras_model.count_params():,} parameters), where without pooling it would read "
        f"{side}×{side}×{channels} = {unpooled:,} and need {unpooled / pooled:.0f} times as many weights "
        f"({unpooled * dense[0].units:,}, about {unpooled * dense[0].units / keras_model.count_params():.0f} times the "
        "whole network)." + _not_pooled(keras_model, pools)
    )


def _not_pooled(keras_model, pools: list) -> str:
    """Where one of our network's own poolings leaves the last rows and columns of its maps out of every window
    (valid padding on an odd side: 7x7 to 3x3), said with how many values (review 148 #11); "" where none does."""
    unpadded = all(layer.get_config().get("padding") == "valid" for layer in pools)
    short = []
    for layer in pools:
        config, side, out = layer.get_config(), layer.input.shape[1], layer.output.shape[1]
        covered = pooling.covered(side, config["pool_size"][0], config["strides"][0])
        if config.get("padding") == "valid" and covered < side:
            short.append((layer, side, out, covered))
    if not (unpadded and len(short) == 1):  # said for the shipped shape: all unpadded, one leaves values out
        return ""
    layer, side, out, covered = short[0]
    # the last convolution before it, 3x3, stride 1 and padded: what it computed a dropped value from feeds the kept
    # neighbour too (review 151 #2: the information goes nowhere, it was never only in the dropped values)
    layers = keras_model.layers
    conv = next((c for c in reversed(layers[: layers.index(layer)]) if type(c).__name__ == "Conv2D"), None)
    config = conv.get_config() if conv is not None else {}
    if side - covered != 1 or (
        tuple(config.get("kernel_size", ())),
        config.get("padding"),
        tuple(config.get("strides", ())),
    ) != ((3, 3), "same", (1, 1)):
        return ""
    return (
        f" All {len(pools)} of our network's poolings are unpadded, and once that leaves values out: {layer.name} takes "
        f"{side}×{side} maps to {out}×{out}, so their last row and column ({side * side - covered * covered} of "
        f"{side * side} values) reach no pooled value. No part of the image is lost with them: what {conv.name} (3×3, "
        f"padded to keep {side}×{side}) computed them from also feeds the kept row and column next to them; only those "
        "values themselves are dropped."
    )


def warm_up(model: LoadedModel) -> None:
    """Trace the feature-map read-out on a test image ahead of time (its first call compiles it)."""
    example = first_example(model)
    if example:
        for source in POOL_SOURCES:
            run_pooling(example, pooling.MODES[0], 2, 2, source, 0, model)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Pooling") as tab:
        with beside_the_input(tab, examples, shared) as source:
            # the controls sit right above the picture they change (on a phone too)
            with gr.Row(elem_id="pool-controls"):
                pool_mode = gr.Radio(POOL_MODES, value=pooling.MODES[0], label="Pooling", min_width=120)
                pool_size = gr.Radio(list(POOL_SIZES), value=2, label="Pool size", min_width=100)
                pool_stride = gr.Radio(list(POOL_STRIDES), value=2, label="Stride", min_width=120)
            with gr.Row():
                pool_source = gr.Radio(list(POOL_SOURCES), value=POOL_SOURCES[0], label="Pool")
                pool_channel = gr.Slider(
                    0, FEATURE_MAPS - 1, value=0, step=1, label=f"Feature map number ({FEATURE_LAYER})"
                )
            pool_picture = gr.Image(
                show_label=False, label="Pooling", interactive=False, elem_id="pool-picture", buttons=[]
            )
            gr.Markdown(POOL_PICTURE, elem_classes=["caption"])
            pool_note = gr.Markdown(elem_id="pool-note")
            pool_numbers = gr.Dataframe(
                label="The chosen pooling's output, in numbers", interactive=False, elem_id="pool-numbers"
            )
            near = gr.State(None)  # run_pooling's numbers_near: a State, so the /pool API's outputs stay three
            pool_near = gr.Dataframe(  # shown on a phone instead of pool_numbers (tabs/style.css)
                label="The chosen pooling's output around the worked window, in numbers",
                interactive=False,
                pinned_columns=1,
                wrap=True,
                column_widths=["15%"] + ["17%"] * (2 * NEAR + 1),
                elem_id="pool-near",
            )
            gr.Markdown(LEAD)
            with gr.Accordion("How we know", open=False):
                gr.Markdown(DETAIL)
                gr.Markdown(shrink_words(model), elem_id="pool-shrink")
                if {"baseline", "avgpool"} <= set(model.ablations):  # what the line below is evidence of (148 #9)
                    gr.Markdown(AVGPOOL_RUNS)
                gr.Markdown(ablation_words(model, "avgpool", "the same network with average pooling"))
        pick_examples(source, examples)
        controls = [pool_mode, pool_size, pool_stride, pool_source, pool_channel]
        shown_when(pool_source, POOL_SOURCES[1], pool_channel)  # the map number: only when pooling a map
        outputs = [pool_picture, pool_note, pool_numbers, near]
        for event in rerun_on(source, partial(run_pooling, model=model), controls, outputs, "pool"):
            event.then(_shown, near, pool_near, api_visibility="private", queue=False)
