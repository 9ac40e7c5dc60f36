"""The Overfitting tab: training vs validation curves of the shipped model and the ablation runs."""

from __future__ import annotations

from functools import partial
from itertools import combinations

import gradio as gr

from model.inference import LoadedModel
from tabs.common import CheckboxGroup, _fashion_mnist_run, run_histories, show_curves

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
EXPLANATION = """A model *overfits* when it keeps getting better on its training images but not on images it has
never seen: the training curve (solid) pulls away from the validation curve (dashed). Dropout and
data augmentation fight it by making the training task harder to memorise. Below, the same network
trained on the same budget with and without them, next to the shipped model."""

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


def likely_choices(model: LoadedModel) -> list[list[str]]:
    """The choices of runs a learner most likely plots: the default, the default with one run ticked or
    unticked, each run alone and every pair."""
    names, default = list(run_histories(model)), default_runs(model)
    toggled = [[n for n in names if (n in default) != (n == name)] for name in names]
    return [default, *toggled, *([a] for a in names), *([a, b] for a, b in combinations(names, 2))]


def warm_up(model: LoadedModel) -> None:
    """Draw the curves of the likely choices ahead of time (about a third of a second each, once per model)."""
    for runs in likely_choices(model):
        if runs:
            show_curves(runs, model)


def build(model: LoadedModel) -> None:
    histories = run_histories(model)
    with gr.Tab("Overfitting") as tab:
        gr.Markdown(EXPLANATION)
        gr.Dataframe(
            overfitting_rows(model),
            headers=["run", "epochs", "final train acc %", "final validation acc %", "gap (points)", "test acc %"],
            label="Final epoch, measured",
            elem_id="overfitting-table",
            interactive=False,
            pinned_columns=1,
        )
        runs = CheckboxGroup(list(histories), value=default_runs(model), label="Runs to plot")
        curves_plot = gr.Image(show_label=False, label="Curves", interactive=False, buttons=[], elem_id="curves-plot")
        gr.on(
            [tab.select, runs.change],
            partial(show_curves, model=model),
            runs,
            curves_plot,
            api_name="overfitting",
            concurrency_limit=2,  # a figure not drawn yet takes a third of a second of one core
            trigger_mode="always_last",
        )
