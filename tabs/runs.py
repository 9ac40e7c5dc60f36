"""The model folder's training runs, as the tabs show them: their curves, and one run measured against another."""

from __future__ import annotations

from functools import partial

import gradio as gr

from concepts.curves import training_curves
from model.inference import LoadedModel
from model.playground import DEFAULT, grid_run
from model.recipe import ABLATIONS
from tabs.files import figure_file
from tabs.memo import built_for

# points of test accuracy: two runs of one recipe differ by up to a few tenths (README's seed study, of the shipped
# recipe's long training); the 10-epoch ablation runs it is applied to were trained once each, with one seed, and
# likely vary more (the Playground's 10-epoch seeds spread wider): below it, "too close to call"; above it, a
# difference is only what one run each measured, never "helped"
TOO_CLOSE = 0.5

# train.py's make_dataset reshuffles the training images each epoch only when it augments them: every "without
# augmentation" run saw them in one fixed order, so its difference from the run with augmentation is not augmentation's alone
# a batch-norm run's training accuracy is Keras's, in training mode: not what the network does at test time
BATCH_STATISTICS = "with batch norm using each batch's own statistics, not the running averages its test score uses"
SHUFFLED_ONLY_WITH_AUGMENTATION = (
    "(Without augmentation, the training images were also not reshuffled each epoch, so that difference is not "
    "augmentation's alone; the dropout comparison is unaffected.)"
)


def ablation_words(model: LoadedModel, variant: str, what: str) -> str:
    """One measured comparison from ablations.json, or how to produce it."""
    runs = model.ablations
    if variant not in runs or "baseline" not in runs:
        return f"*No ablation runs in this model folder: `python train.py --ablation baseline` and `--ablation {variant}` add them.*"
    ours, other = runs["baseline"], runs[variant]
    gap = 100 * (ours["test_accuracy"] - other["test_accuracy"])
    verdict = (
        f" {abs(gap):.2f} points apart: too close to call from one run each (see how much the seed alone moves the "
        f"shipped recipe in the README; these {ours['epochs']}-epoch runs may vary more)."
        if abs(gap) < TOO_CLOSE
        else f" Ours is {gap:+.1f} points (one run each)."
    )
    shipped = (model.fashion_mnist_only or model).metrics.get("epochs")
    longer = (
        f" (the shipped model trained {shipped} epochs on Fashion-MNIST before its real-photo fine-tune)"
        if shipped and shipped != ours["epochs"]
        else ""
    )
    params = (
        f"the same {ours['params']:,} parameters"
        if other["params"] == ours["params"]
        else f"{other['params']:,} parameters vs {ours['params']:,}"
    )
    return (
        f"**Evidence.** Same data, same {ours['epochs']}-epoch budget{longer}: our CNN reaches "
        f"**{ours['test_accuracy']:.2%}** test accuracy in {ours['epochs']} epochs; {what}: "
        f"**{other['test_accuracy']:.2%}** ({params})." + verdict
    )


def fashion_mnist_run(model: LoadedModel) -> tuple[str, dict]:
    """The run whose curves the tabs show: the shipped model's, or, if it was then fine-tuned on real photos,
    the Fashion-MNIST-only model it started from (the curves and the test accuracy of one and the same model)."""
    if model.fashion_mnist_only is not None:
        return "shipped model before real photos", model.fashion_mnist_only.metrics
    return "shipped model", model.metrics


def run_histories(model: LoadedModel) -> dict[str, dict]:
    name, metrics = fashion_mnist_run(model)
    runs = {f"{name} ({metrics.get('epochs', '?')} epochs)": metrics.get("history", {})}
    runs.update({name: run["history"] for name, run in model.ablations.items()})
    return {name: h for name, h in runs.items() if h}


# under every training-curve figure: what its lines and dots are (concepts.curves draws them)
CURVES_CAPTION = (
    "Solid: training; dashed: validation. The dot marks each run's epoch of lowest validation loss. Before the last "
    "epoch, it is where validation loss stopped improving; at the last epoch, the loss was still falling when "
    "training stopped. (Validation accuracy may peak at another epoch.)"
)
SMOOTHED, PLAIN = "loss (with label smoothing)", "cross-entropy loss"


def loss_label(runs: list[str]) -> str:
    """The loss panel's label for these runs: this app's recipe smooths its targets, the plain one does not
    (model.recipe); a run not in ABLATIONS is the shipped model, trained by this app's recipe."""
    smoothed = {ABLATIONS[r][3] == "ours" if r in ABLATIONS else True for r in runs}
    if smoothed == {True}:
        return SMOOTHED
    if smoothed == {False}:
        return PLAIN
    return "loss (label-smoothed in this app's recipe only)"


def show_curves(runs: list[str], model: LoadedModel, names: dict[str, str] | None = None, **figure) -> str:
    """Training vs validation curves of the chosen runs, as a PNG file drawn once per choice of runs.

    ``names`` relabels runs in the legend; ``figure`` goes to ``training_curves``; its ``loss_label`` is chosen
    from the runs' recipes unless given.
    """
    histories = run_histories(model)
    chosen = [r for r in histories if r in (runs or [])]  # in the listed order: a run keeps its colour
    if not chosen:
        raise gr.Error(f"Pick at least one run: {', '.join(histories)}.")
    names = names or {}
    figure = {"loss_label": loss_label(chosen)} | figure
    draw = partial(training_curves, {names.get(r, r): histories[r] for r in chosen}, **figure)
    return built_for(model, f"curves of {chosen}, {names}, {figure}", lambda: figure_file(draw()))


def batch_norm_causes(grid: dict | None, overfitting: str = "Overfitting", why: str = "") -> str:
    """Why a batch-norm run may have scored lower: OVERFITTING (WHY), and its running averages lagging at test time,
    with what re-estimating them did in the Playground grid's default setting (one run each)."""
    because = f" ({why})" if why else ""
    try:
        bn, plain = (grid_run(grid or {}, {**DEFAULT, "batch_norm": on}) for on in (True, False))
        trained, reestimated = bn["test_accuracy"], bn["test_accuracy_reestimated"]
    except KeyError:  # no grid in this folder, or not those runs
        return (
            f"{overfitting} is one likely cause{because}; batch norm's running averages lagging at test time are "
            "another. One run each cannot tell them apart."
        )
    same_cnn = f"in the Playground the same CNN on {DEFAULT['images']:,} images with batch norm"
    if 100 * (reestimated - trained) <= -TOO_CLOSE:
        return (
            f"{overfitting} is one likely cause{because}; lagging running averages do not look like one: "
            f"{same_cnn}, re-estimating them made it worse, {trained:.2%} as trained and {reestimated:.2%} "
            "re-estimated (one run)."
        )
    if 100 * abs(reestimated - trained) < TOO_CLOSE:
        return (
            f"{overfitting} is one likely cause{because}; in a smaller Playground run ({same_cnn}), re-estimating "
            f"the running averages changed little: {trained:.2%} as trained, {reestimated:.2%} re-estimated (one run)."
        )
    return (
        f"{overfitting} is one likely cause{because}; another is batch norm's running averages lagging at test time: "
        f"{same_cnn} scores {trained:.2%} as trained and {reestimated:.2%} once they are re-estimated "
        f"({plain['test_accuracy']:.2%} without batch norm). One run each cannot tell them apart."
    )
