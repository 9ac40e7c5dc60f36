"""The Filters & feature maps tab: the first layer's filters, any conv layer's maps, and the shift test."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np

from concepts import features
from model.data import CLASS_NAMES
from model.inference import LoadedModel
from tabs.common import (
    Dropdown,
    Slider,
    ablation_words,
    choice,
    concept_input,
    concept_tab,
    enlarge,
    input_pixels,
    rerun_on,
)

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """A convolutional layer slides small learned filters (here 3x3) over the image; each filter
lights up where its pattern (an edge, a stripe, a corner) appears, giving one feature map per
filter. Deeper layers combine those maps into larger patterns such as collars, soles or
handles. Because the same filter is applied everywhere, a pattern is recognised wherever it
sits, which a dense network, with one weight per pixel, has to learn separately for every
position."""


def show_feature_maps(image_path: str | None, layer: str, model: LoadedModel):
    """The current input's activations in one conv layer (after batch norm and ReLU)."""
    names = features.conv_activation_layers(model.keras_model)
    choice(layer, names, "Layer")
    maps = model.layer_outputs(input_pixels(image_path), (layer,))[0][0]  # (H, W, C)
    strongest = int(maps.max(axis=(0, 1)).argmax())
    fig = features.feature_grid(maps, f"{layer}: {maps.shape[-1]} maps of {maps.shape[0]}×{maps.shape[1]}")
    return fig, (
        f"**{layer}** gives {maps.shape[-1]} feature maps of {maps.shape[0]}×{maps.shape[1]} for this image; "
        f"{(maps.max(axis=(0, 1)) > 0).sum()} of them fire somewhere, the strongest is #{strongest} "
        f"(peak {maps[..., strongest].max():.2f})."
    )


def show_kernels(model: LoadedModel):
    return features.kernel_grid(np.asarray(model.keras_model.get_layer(FIRST_CONV).kernel))


MAX_SHIFT = 6  # pixels either way: the slider's range, the check and the curve's x-axis
SHIFTS = list(range(-MAX_SHIFT, MAX_SHIFT + 1))
FIRST_CONV = "block1_conv1"  # whose 3x3 kernels the tab draws


NO_DENSE = "This model folder has no dense network to compare with: `python train.py --ablation mlp` adds one."


def compare_shift(image_path: str | None, shift: float, model: LoadedModel):
    """Slide the input sideways: the CNN's and the dense network's confidence at every shift."""
    if not -MAX_SHIFT <= shift <= MAX_SHIFT:
        raise gr.Error(f"Shift must be between -{MAX_SHIFT} and {MAX_SHIFT} pixels.")
    pixels = input_pixels(image_path)
    if model.dense_model is None:  # a folder without the ablation: say so where the comparison would be
        return enlarge(features.shift_image(pixels, int(round(shift)))), None, NO_DENSE
    batch = np.stack([features.shift_image(pixels, dx) for dx in SHIFTS])  # (13, 28, 28)
    cnn = model.probabilities(batch)
    dense = np.asarray(model.dense_model(batch[..., None].astype(np.float32), training=False))
    target = int(cnn[SHIFTS.index(0)].argmax())
    i = SHIFTS.index(int(round(shift)))
    fig = features.shift_curves(SHIFTS, cnn[:, target], dense[:, target], int(round(shift)), CLASS_NAMES[target])
    note = (
        f"Shifted {int(round(shift)):+d} px: the CNN gives **{CLASS_NAMES[target]}** {cnn[i, target]:.0%}, "
        f"the dense network {dense[i, target]:.0%}. Across ±{MAX_SHIFT} px the CNN stays between "
        f"{cnn[:, target].min():.0%} and {cnn[:, target].max():.0%}, the dense network between "
        f"{dense[:, target].min():.0%} and {dense[:, target].max():.0%}."
    )
    return enlarge(batch[i]), fig, note


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with concept_tab("Filters & feature maps", EXPLANATION) as tab:
        with gr.Row():
            with gr.Column(scale=1):
                filters_input = concept_input("Input image", examples, tab, shared)
                layers = features.conv_activation_layers(model.keras_model)
                layer_choice = Dropdown(layers, value=layers[0], label="Conv layer")
            with gr.Column(scale=3):
                kernels_plot = gr.Plot(show_label=False, label="First-layer filters")
                maps_note = gr.Markdown()
                maps_plot = gr.Plot(show_label=False, label="Feature maps")
        gr.Markdown("### CNN vs dense network: slide the image sideways")
        gr.Markdown(ablation_words(model, "mlp", "a dense network with no convolutions"))
        with gr.Row():
            shift_slider = Slider(-MAX_SHIFT, MAX_SHIFT, value=0, step=1, label="Shift (pixels)")
            shifted_image = gr.Image(label="Shifted input", height=200, interactive=False)
            shift_plot = gr.Plot(show_label=False, label="Confidence as the image moves")
        shift_note = gr.Markdown()
        tab.select(partial(show_kernels, model=model), None, kernels_plot, api_visibility="private")
        maps, shift = partial(show_feature_maps, model=model), partial(compare_shift, model=model)
        rerun_on(tab, maps, [filters_input, layer_choice], [maps_plot, maps_note], "feature_maps")
        rerun_on(tab, shift, [filters_input, shift_slider], [shifted_image, shift_plot, shift_note], "shift")
