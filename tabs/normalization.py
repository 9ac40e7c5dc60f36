"""The Normalization tab: the input's pixels at three scales, and the model fed the wrong one."""

from __future__ import annotations

from functools import partial

import gradio as gr

from concepts import normalization
from model.data import CLASS_NAMES
from model.inference import LoadedModel
from tabs.common import ablation_words, concept_input, concept_tab, input_pixels, rerun_on, run_histories, show_curves

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """Raw pixels run from 0 to 255. Scaling them to 0-1 and then standardizing (subtract the
training set's mean, divide by its standard deviation) centres the inputs on zero with unit
spread, so the first layer's weights start in a sensible range and gradient descent takes
even steps in every direction. Our model does this inside itself (a Rescaling layer), so it
must be fed raw 0-255 pixels: scaling them again beforehand is a classic bug."""
# after the measured comparison of the same network with and without normalization
WHY_SO_CLOSE = """Why so close? Our first convolution is followed by batch normalization, which rescales whatever it
receives during training. What always matters is feeding a trained model the scale it was trained on:
see the table above."""


def run_normalization(image_path: str | None, model: LoadedModel):
    """Histograms of the input raw, scaled and standardized, and what the model says when fed the wrong scale."""
    pixels = input_pixels(image_path)
    rows = []
    for name, x in (("raw 0–255 (what it expects)", pixels), ("already scaled to 0–1 (a classic bug)", pixels / 255)):
        probs = model.probabilities(x)[0]
        rows.append([name, f"{x.min():.3g}–{x.max():.3g}", CLASS_NAMES[int(probs.argmax())], f"{probs.max():.1%}"])
    return normalization.histograms(pixels), rows


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with concept_tab("Normalization", EXPLANATION) as tab:
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
            ablation_words(model, "no-normalization", "the same network fed raw 0–255 pixels") + " " + WHY_SO_CLOSE
        )
        if {"baseline", "no-normalization"} <= run_histories(model).keys():
            norm_curves = gr.Plot(show_label=False, label="Training curves")
            evidence = partial(show_curves, ["baseline", "no-normalization"], model=model)
            tab.select(evidence, None, norm_curves, api_visibility="private")
        run = partial(run_normalization, model=model)
        rerun_on(tab, run, [normalize_input], [histogram_plot, scaling_table], "normalize")
