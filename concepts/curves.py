"""Training curves: how accuracy and loss moved, epoch by epoch, on training and validation data.

While both curves improve together the model is still learning patterns that generalise. When
the training curve keeps improving but the validation loss turns back up, the model may be starting to fit its
training images better and new ones worse (by loss: validation accuracy can still rise); in a batch-norm network
the rise can also be its running averages lagging behind the weights. ``overfitted`` is the one rule this app uses
to call a run overfitted: validation loss more than OVERFIT_RISE above its lowest at each of the last two epochs,
with validation accuracy no higher and training loss lower than at that lowest. Each run's epoch of lowest
validation loss is marked.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

# one dark, distinct colour per run: 12, as many as the model folder's runs (the shipped model and 11 ablations);
# past 12 they repeat
COLORS = (
    "#1f4e99", "#b35900", "#1d7a36", "#a3222a", "#5b3a99", "#6b4a2e",
    "#4d4d4d", "#8a7a00", "#00747a", "#a01a7d", "#4f7a00", "#0d2b52",
)  # fmt: skip
BEST_MARKER = {"marker": "o", "markersize": 8, "markeredgecolor": "black", "linestyle": "none"}
BEST_LABEL = "epoch of lowest validation loss"


def best_epoch(history: dict[str, list[float]]) -> int | None:
    """The epoch (from 1) of lowest validation loss, the first if tied; None without validation loss."""
    val = history.get("val_loss")
    return int(np.argmin(val)) + 1 if val else None


# validation loss this far above its lowest, or less, is not called overfitting, in the plotted loss's own units (plain
# cross-entropy in the Playground and the ladder's plain recipe, label-smoothed in this app's recipe). Set by hand from one run's bump (the
# Playground's default run rose 0.0303 above its lowest and fell back), not from a noise measurement: that setting's
# other seeds rose by a few hundredths after their lowest too, while their validation accuracy still rose
OVERFIT_RISE = 0.03


def rose_past(rise: float) -> bool:
    """Whether a validation-loss RISE is more than OVERFIT_RISE, compared at 9 decimals: a rise of exactly 0.03
    (losses stored to 5) is not "more than" it by float round-off, whether 0.50 -> 0.53 or 0.10 -> 0.13 (review
    75b #3). The rule and the words that print its rises both use it."""
    return round(rise, 9) > OVERFIT_RISE


def overfitted(history: dict[str, list[float]]) -> bool:
    """Whether a run clearly overfitted: its lowest validation loss at least 2 epochs before the last, each of the
    last two epochs' validation loss more than OVERFIT_RISE above that lowest, its validation accuracy at the last
    epoch not above its value at that epoch (when recorded), and its training loss at the last epoch below it."""
    return not_overfitted_because(history) is None


def not_overfitted_because(history: dict[str, list[float]]) -> str | None:
    """The first of ``overfitted``'s conditions a run fails, None if it fails none: "unrecorded" (no losses or under
    3 epochs), "lowest-late" (lowest validation loss at one of the last two epochs), "last" (the last epoch's within
    OVERFIT_RISE of the lowest), "next-to-last" (that epoch's within it), "accuracy" (validation accuracy ended
    higher than at the lowest), "training" (training loss not lower at the last epoch)."""
    val, train = history.get("val_loss"), history.get("loss")
    if not val or not train or len(val) < 3:
        return "unrecorded"
    best = best_epoch(history)
    if best > len(val) - 2:
        return "lowest-late"
    lowest = val[best - 1]
    if not rose_past(val[-1] - lowest):
        return "last"
    if not rose_past(val[-2] - lowest):
        return "next-to-last"
    accuracy = history.get("val_accuracy")
    if accuracy and accuracy[-1] > accuracy[best - 1]:
        return "accuracy"
    return None if train[-1] < train[best - 1] else "training"


def training_curves(
    histories: dict[str, dict[str, list[float]]], loss_label: str = "loss (with label smoothing)"
) -> plt.Figure:
    """Accuracy above loss per epoch, solid for training and dashed for validation, one colour per run, each run's
    epoch of lowest validation loss marked with a dot on both panels.

    ``histories`` maps a run's name to Keras's ``history.history`` (accuracy, val_accuracy, loss, val_loss);
    ``loss_label`` says which loss the runs minimised (this app's recipe smooths its targets).
    Stacked and 460 px wide, with 11-pt text: a phone shows it about 326 px wide, and the text stays above 10 px.
    """
    marked = any(best_epoch(h) for h in histories.values())
    legend_height = 0.22 * (len(histories) + marked) + 0.1  # inches: one line per run (and the dot), below the plots
    height = 6.4 + legend_height
    fig, (acc_ax, loss_ax) = plt.subplots(2, 1, figsize=(4.6, height), dpi=100, sharex=True)
    for k, (name, history) in enumerate(histories.items()):
        color = COLORS[k % len(COLORS)]
        epochs = range(1, len(history["accuracy"]) + 1)
        best = best_epoch(history)
        for ax, key in ((acc_ax, "accuracy"), (loss_ax, "loss")):
            ax.plot(epochs, history[key], "-", color=color, label=name if ax is acc_ax else None)
            if f"val_{key}" in history:
                ax.plot(epochs, history[f"val_{key}"], "--", color=color)
                if best:
                    ax.plot([best], [history[f"val_{key}"][best - 1]], color=color, **BEST_MARKER)
    acc_ax.set_ylabel("accuracy", fontsize=11)
    loss_ax.set_ylabel(loss_label, fontsize=11)
    loss_ax.set_xlabel("epoch", fontsize=11)
    for ax in (acc_ax, loss_ax):
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=11)
    acc_ax.set_title("Training (solid) vs validation (dashed)", fontsize=11)
    handles, labels = acc_ax.get_legend_handles_labels()
    if marked:  # what the dots are, as the key's last line
        handles, labels = [*handles, Line2D([], [], color="gray", **BEST_MARKER)], [*labels, BEST_LABEL]
    fig.legend(handles, labels, loc="lower center", ncol=1, fontsize=11, frameon=False)
    fig.tight_layout(rect=(0, legend_height / height, 1, 1))
    return fig
