"""The Overfitting tab: training vs validation curves of the shipped model and the ablation runs."""

from __future__ import annotations

import html
from functools import partial

import gradio as gr
import pandas as pd

from model.inference import LoadedModel
from tabs.common import CheckboxGroup, _fashion_mnist_run, run_histories

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """A model *overfits* when it keeps getting better on its training images but not on images it has
never seen: the training curve (dark) pulls away from the validation curve (light). Dropout and
data augmentation are meant to prevent it, by making the training task harder to memorise. The table
shows what they did here, the same network trained on the same short budget with and without them:
without augmentation it memorises (a large train–validation gap), yet the runs without dropout or
without augmentation score no worse on the test set than the baseline. On a short budget,
regularisation does not pay off yet; the shipped model trains for more epochs (the table's second
column). For the regularised runs, train accuracy sits below validation accuracy because it is
measured on augmented images with dropout on, validation on clean images without it."""

OVERFITTING_RUNS = ("baseline", "no-dropout", "no-augmentation")  # plotted when the tab opens


def overfitting_rows(model: LoadedModel) -> list[list]:
    name, metrics = _fashion_mnist_run(model)
    runs = {name: metrics, **model.ablations}
    rows = []
    for name, run in runs.items():
        h = run.get("history") or {}
        if "val_accuracy" not in h:
            continue
        train, val = 100 * h["accuracy"][-1], 100 * h["val_accuracy"][-1]
        rows.append(
            [
                name,
                len(h["accuracy"]),
                round(train, 2),
                round(val, 2),
                round(train - val, 2),
                round(100 * run["test_accuracy"], 2),
            ]
        )
    return rows


def default_runs(model: LoadedModel) -> list[str]:
    """The runs plotted when the tab opens: the shipped model's, and the regularisation ablations."""
    return [name for name in run_histories(model) if name.startswith("shipped") or name in OVERFITTING_RUNS]


SPLITS = {"accuracy": "training", "val_accuracy": "validation"}  # history key -> how the legend names it


def accuracy_curves(runs: list[str], model: LoadedModel) -> pd.DataFrame:
    """The chosen runs' accuracy per epoch on training and validation images, for a line plot the browser draws."""
    histories = run_histories(model)
    chosen = [r for r in histories if r in (runs or [])]  # in the listed order: a run keeps its colour
    if not chosen:
        raise gr.Error(f"Pick at least one run: {', '.join(histories)}.")
    rows = [
        (epoch, value, f"{run}: {split}")
        for run in chosen
        for key, split in SPLITS.items()
        for epoch, value in enumerate(histories[run].get(key, []), start=1)
    ]
    return pd.DataFrame(rows, columns=["epoch", "accuracy", "run"])


def series_colors(model: LoadedModel) -> dict[str, str]:
    """Each run one hue: its training curve dark, its validation curve light."""
    pairs = [("#1f4e99", "#7fa7e6"), ("#b35900", "#f2a65a"), ("#1d7a36", "#7fcf93"), ("#a3222a", "#ee8a90")]
    pairs += [("#5b3a99", "#b59be6"), ("#6b4a2e", "#c49a76"), ("#4d4d4d", "#a6a6a6"), ("#8a7a00", "#e0d060")]
    colors = {}
    for (dark, light), run in zip(pairs * 4, run_histories(model), strict=False):
        colors[f"{run}: training"], colors[f"{run}: validation"] = dark, light
    return colors


def colour_key(model: LoadedModel) -> str:
    """Which hue is which run, as HTML under the plot (the plot's own legend is cut short on a phone)."""
    colors = series_colors(model)
    items = "".join(
        f"<li><span class='swatch' style='background:{colors[run + ': training']}'></span>"
        f"<span class='swatch' style='background:{colors[run + ': validation']}'></span>{html.escape(run)}</li>"
        for run in run_histories(model)
    )
    return f"<p>Dark: training images; light: validation images.</p><ul class='colour-key'>{items}</ul>"


def build(model: LoadedModel) -> None:
    histories = run_histories(model)
    with gr.Tab("Overfitting") as tab:  # the measured table first, the explanation after the plot (phones)
        gr.Dataframe(
            overfitting_rows(model),
            headers=["run", "epochs", "final train acc %", "final validation acc %", "gap (points)", "test acc %"],
            label="Final epoch, measured",
            elem_id="overfitting-table",
            interactive=False,
            pinned_columns=1,
        )
        runs = CheckboxGroup(list(histories), value=default_runs(model), label="Runs to plot")
        colors = series_colors(model)
        curves_plot = gr.LinePlot(
            x="epoch",
            y="accuracy",
            color="run",
            color_map=colors,
            colors_in_legend=list(colors),
            x_axis_format="d",
            y_title="accuracy",
            label="Accuracy per epoch",
            elem_id="curves-plot",
        )
        gr.HTML(colour_key(model), elem_id="colour-key")
        gr.Markdown(EXPLANATION)
        gr.on(
            [tab.select, runs.change],
            partial(accuracy_curves, model=model),
            runs,
            curves_plot,
            api_name="overfitting",
            trigger_mode="always_last",
        )
