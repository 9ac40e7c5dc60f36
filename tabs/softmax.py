"""The Softmax tab: the model's real logits, a temperature, every step; and logits the learner types."""

from __future__ import annotations

from functools import partial

import gradio as gr

from concepts import softmax
from model.data import CLASS_NAMES
from model.inference import LoadedModel, top_classes
from tabs.common import Slider, Textbox, concept_input, explanation, input_pixels

TEMPERATURES = (0.1, 10.0)  # the slider's range and the handlers' check


def _check_temperature(temperature: float) -> None:
    if not TEMPERATURES[0] <= temperature <= TEMPERATURES[1]:
        raise gr.Error(f"Temperature must be between {TEMPERATURES[0]} and {TEMPERATURES[1]}.")


def run_softmax(image_path: str | None, temperature: float, model: LoadedModel):
    """The model's real logits for the input, and softmax at a temperature, step by step."""
    _check_temperature(temperature)
    logits = model.logits(input_pixels(image_path))[0]
    steps = softmax.worked_steps(logits, temperature)
    fig = softmax.bars(CLASS_NAMES, logits, steps["probability"], temperature)
    return fig, _steps_table(CLASS_NAMES, steps), top_classes(steps["probability"])


def _steps_table(names, steps: dict) -> list[list]:
    return [[name, *(round(float(v[i]), 4) for v in steps.values())] for i, name in enumerate(names)] + [
        ["sum", "", "", "", round(float(steps["exp"].sum()), 4), round(float(steps["probability"].sum()), 4)]
    ]


def run_typed_logits(text: str, temperature: float):
    """Logits the learner typed -> the softmax, every step shown."""
    _check_temperature(temperature)
    try:
        logits = softmax.parse_logits(text or "")
    except ValueError as problem:
        raise gr.Error(str(problem)) from problem
    names = [f"z{i + 1}" for i in range(len(logits))]
    steps = softmax.worked_steps(logits, temperature)
    probs = {n: float(p) for n, p in zip(names, steps["probability"], strict=True)}
    return _steps_table(names, steps), probs, softmax.overflow_note(logits / temperature)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Softmax") as tab:
        gr.Markdown(explanation(softmax))
        with gr.Row():
            with gr.Column(scale=1):
                softmax_input = concept_input("Input image", examples, tab, shared)
                temperature = Slider(*TEMPERATURES, value=1, step=0.1, label="Temperature T")
            with gr.Column(scale=3):
                softmax_plot = gr.Plot(show_label=False, label="Logits and probabilities")
                softmax_label = gr.Label(
                    num_top_classes=3, label="Probabilities at this temperature", elem_id="softmax-label"
                )
        headers = ["class", "logit", "÷ T", "− max", "exp", "probability"]
        softmax_table = gr.Dataframe(headers=headers, label="Step by step", interactive=False)
        gr.Markdown("### Your own logits")
        with gr.Row():
            logits_text = Textbox("1000, 999, 998", label="Logits, separated by commas")
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
            partial(run_softmax, model=model),
            [softmax_input, temperature],
            [softmax_plot, softmax_table, softmax_label],
            api_name="softmax",
            trigger_mode="always_last",  # an input arriving mid-run (the shared image) runs it again
        )
        gr.on(
            [logits_button.click, logits_text.submit, tab.select, temperature.release],
            run_typed_logits,
            [logits_text, temperature],
            [typed_table, typed_label, typed_note],
            api_name="softmax_logits",
        )
