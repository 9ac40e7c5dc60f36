"""The Softmax tab: the model's real logits, a temperature, every step; and logits the learner types."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np

from concepts import softmax
from model.data import CLASS_NAMES
from model.inference import LoadedModel, top_classes
from tabs.charts import bar_table
from tabs.checks import number
from tabs.checks import text as check_text
from tabs.inputs import input_pixels
from tabs.wiring import RAW, beside_the_input, first_example, pick_examples, rerun_on

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """Each logit is exponentiated, so every score becomes positive and bigger scores win by a lot,
then divided by the sum of all the exponentials. Dividing the logits by a temperature first
flattens (T > 1) or sharpens (T < 1) the result without changing which class wins.
Subtracting the largest logit before exponentiating gives the same probabilities and never
overflows: exp(1000) is infinite in floating point, exp(0) is 1."""
CALIBRATION_POINTER = """Does a 90% probability mean the model is right 90% of the time? The **Confusion matrix** tab's
reliability diagram measures that for this model's top class, on the test set."""

TEMPERATURES = (0.1, 10.0)  # the slider's range and the handlers' check


def _check_temperature(temperature: float) -> None:
    number(temperature, *TEMPERATURES, "temperature")


def run_softmax(image_path: str | None, temperature: float, model: LoadedModel):
    """The model's real logits for the input, and softmax at a temperature, step by step."""
    _check_temperature(temperature)
    logits = model.logits(input_pixels(image_path))[0]
    steps = softmax.worked_steps(logits, temperature)
    bars = bar_table(
        CLASS_NAMES,
        {"logit": logits, f"probability at T = {temperature:g}": steps["probability"]},
        {"logit": ".2f", f"probability at T = {temperature:g}": ".1%"},
        "softmax-bars",
    )
    return bars, _steps_table(CLASS_NAMES, steps), top_classes(steps["probability"])


def _steps_table(names, steps: dict) -> list[list]:
    return [[name, *(round(float(v[i]), 4) for v in steps.values())] for i, name in enumerate(names)] + [
        ["sum", "", "", "", round(float(steps["exp"].sum()), 4), round(float(steps["probability"].sum()), 4)]
    ]


def overflow_note(logits: np.ndarray) -> str:
    """What the naive float32 softmax gives for these logits, next to the stable one, in words."""
    naive, stable = softmax.naive_softmax(logits), softmax.softmax(logits)
    if np.all(np.isfinite(naive)):
        return (
            f"Without subtracting the max, float32 gives the same probabilities here (largest difference "
            f"{np.abs(naive - stable).max():.1e}). Try logits like 1000, 999, 998: exp(1000) overflows."
        )
    return (
        f"Without subtracting the max, float32 overflows: exp({np.max(logits):g}) = inf and the result is "
        f"{_listed(naive)}. Subtracting the max ({np.max(logits):g}) first gives {_listed(stable)}."
    )


def _listed(values: np.ndarray) -> str:
    """0.665, 0.245, 0.09 (not numpy's padded "[0.665 0.245 0.09 ]")."""
    return ", ".join(f"{v:.3g}" for v in values)


def run_typed_logits(text: str, temperature: float):
    """Logits the learner typed -> the softmax, every step shown."""
    text = check_text(text, "text")
    _check_temperature(temperature)
    try:
        logits = softmax.parse_logits(text)
    except ValueError as problem:
        raise gr.Error(str(problem)) from problem
    names = [f"z{i + 1}" for i in range(len(logits))]
    steps = softmax.worked_steps(logits, temperature)
    probs = {n: float(p) for n, p in zip(names, steps["probability"], strict=True)}
    return _steps_table(names, steps), probs, overflow_note(logits / temperature)


def warm_up(model: LoadedModel) -> None:
    """Trace the logits read-out on a test image ahead of time (its first call compiles it)."""
    example = first_example(model)
    if example:
        run_softmax(example, 1.0, model)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Softmax") as tab:
        with beside_the_input(tab, examples, shared) as source:
            temperature = gr.Slider(*TEMPERATURES, value=1, step=0.1, label="Temperature T")
            softmax_label = gr.Label(
                num_top_classes=3, label="Probabilities at this temperature", elem_id="softmax-label"
            )
            softmax_bars = gr.HTML(label="Logits and probabilities", elem_id="softmax-bars")
            gr.Markdown(EXPLANATION)
        pick_examples(source, examples)
        headers = ["class", "logit", "÷ T", "− max", "exp", "probability"]
        softmax_table = gr.Dataframe(
            headers=headers, label="Step by step", interactive=False, pinned_columns=1, elem_id="softmax-steps"
        )
        gr.Markdown("### Your own logits")
        with gr.Row():
            logits_text = gr.Textbox("1000, 999, 998", label="Logits, separated by commas")
            logits_button = gr.Button("Compute softmax", variant="primary")
        typed_note = gr.Markdown()
        with gr.Row():  # each at least 300 px wide: on a phone they stack
            typed_table = gr.Dataframe(
                headers=["z", *headers[1:]],
                label="Step by step",
                interactive=False,
                pinned_columns=1,
                min_width=300,
                scale=2,
                elem_id="typed-steps",
            )
            typed_label = gr.Label(label="Probabilities", min_width=300, elem_id="typed-label")
        gr.Markdown(CALIBRATION_POINTER)
        outputs = [softmax_bars, softmax_table, softmax_label]
        rerun_on(source, partial(run_softmax, model=model), [temperature], outputs, "softmax")
        gr.on(
            [logits_button.click, logits_text.submit, tab.select, temperature.release],
            run_typed_logits,
            [logits_text, temperature],
            [typed_table, typed_label, typed_note],
            api_name="softmax_logits",
            trigger_mode="always_last",
            **RAW,
        )
