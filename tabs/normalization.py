"""The Normalization tab: the input's pixels at three scales, and the model fed the wrong one."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np

from concepts import normalization
from model.data import CLASS_NAMES
from model.inference import LoadedModel
from tabs.charts import histogram_svg
from tabs.common import (
    ablation_words,
    built_for,
    concept_input,
    first_example,
    input_pixels,
    pick_examples,
    rerun_on,
    run_histories,
    show_curves,
)

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """Raw pixels run from 0 to 255. Scaling them to 0–1 and then standardizing (subtract the training
set's mean pixel value, divide by its standard deviation) puts the inputs, and so the first layer's
activations, on a scale of about ±1 rather than hundreds: the scale that standard weight
initializations and learning rates assume. One global mean and standard deviation move and stretch
the whole histogram (below); they do not make the pixels alike. Our model does this inside itself (a
Rescaling layer), so it must be fed raw 0–255 pixels: scaling them again beforehand is a classic bug."""
# after the measured comparison of the same network with and without normalization
WHY_SO_CLOSE = """Why so close? Our first convolution has no bias and is followed by batch normalization. In
training, batch norm subtracts each channel's batch mean and divides by its batch standard deviation,
so multiplying every input by a constant changes nothing after it, and adding one almost nothing (only
the zero padding at the image's edge tells them apart): with or without the Rescaling layer, this
network can learn the same function. At inference batch norm uses the statistics frozen at the end of
training instead, which is why the trained model fed 0–1 pixels (above) breaks. What normalization
buys a network without batch norm is not measured here: that pair of runs has not been trained."""


def histograms_html(pixels) -> str:
    """One histogram per scaling, side by side (stacked on a phone): the shape never changes, only the axis."""
    figures = "".join(
        histogram_svg(values, f"{name}: mean {values.mean():.2f}, std {values.std():.2f}")
        for name, values in normalization.scalings(pixels).items()
    )
    return f"<div class='histograms'>{figures}</div>"


def run_normalization(image_path: str | None, model: LoadedModel):
    """Histograms of the input raw, scaled and standardized, and what the model says when fed the wrong scale."""
    pixels = input_pixels(image_path)
    fed = {"0–255 (expected)": pixels, "0–1 (the bug)": pixels / 255}
    probs = model.probabilities(np.stack(list(fed.values())))
    rows = [
        [name, f"{x.min():.3g}–{x.max():.3g}", CLASS_NAMES[int(p.argmax())], f"{p.max():.1%}"]
        for (name, x), p in zip(fed.items(), probs, strict=True)
    ]
    blank, bug, right = CLASS_NAMES[int(_black_image_answer(model).argmax())], rows[1][2], rows[0][2]
    note = (
        "Fed 0–1 values, the model sees an almost black image: every pixel at most 1 of 255 grey levels. "
        f"For an all-black image it answers **{blank}**"
    )
    if bug == blank:
        note += f", and it answers {bug} here too: most likely the scale speaking, not this image."
        if bug == right:
            note += " Here that happens to be the answer at the right scale as well."
    else:
        note += f"; for this image it answers {bug}."
    return histograms_html(pixels), rows, note


def _black_image_answer(model: LoadedModel) -> np.ndarray:
    """The model's probabilities for an all-black 28x28 image, computed once per model."""
    return built_for(model, "black image", lambda: model.probabilities(np.zeros((28, 28), np.uint8))[0])


EVIDENCE_RUNS = ["baseline", "no-normalization"]


def warm_up(model: LoadedModel) -> None:
    """Draw the evidence curves, and run the tab once on a test image, ahead of time."""
    if set(EVIDENCE_RUNS) <= run_histories(model).keys():
        show_curves(EVIDENCE_RUNS, model)
    _black_image_answer(model)
    example = first_example(model)
    if example:
        run_normalization(example, model)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Normalization") as tab:
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                source = concept_input("Input image", examples, tab, shared)
            with gr.Column(scale=3, min_width=300):
                scaling_table = gr.Dataframe(
                    headers=["fed to the model", "range", "prediction", "probability"],
                    label="What the model predicts for each scaling",
                    interactive=False,
                    pinned_columns=1,
                    elem_id="scaling-table",
                )
                scaling_note = gr.Markdown(elem_id="scaling-note")
                histograms = gr.HTML(label="The same pixels, three scales", elem_id="histograms")
                gr.Markdown(EXPLANATION)
        pick_examples(source, examples)
        gr.Markdown(
            ablation_words(model, "no-normalization", "the same network fed raw 0–255 pixels") + " " + WHY_SO_CLOSE
        )
        if set(EVIDENCE_RUNS) <= run_histories(model).keys():
            norm_curves = gr.Image(
                show_label=False, label="Training curves", interactive=False, buttons=[], elem_id="norm-curves"
            )
            evidence = partial(show_curves, EVIDENCE_RUNS, model=model)
            tab.select(evidence, None, norm_curves, api_visibility="private")
        run = partial(run_normalization, model=model)
        rerun_on(source, run, [], [histograms, scaling_table, scaling_note], "normalize")
