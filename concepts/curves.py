"""Training curves: how accuracy and loss moved, epoch by epoch, on training and validation data.

While both curves improve together the model is still learning patterns that generalise. When
the training curve keeps improving but the validation curve stalls or turns back, the model
has started memorising its training images: that gap is overfitting.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402


def training_curves(
    histories: dict[str, dict[str, list[float]]], loss_label: str = "loss (with label smoothing)"
) -> plt.Figure:
    """Accuracy above loss per epoch, solid for training and dashed for validation, one colour per run.

    ``histories`` maps a run's name to Keras's ``history.history`` (accuracy, val_accuracy, loss, val_loss);
    ``loss_label`` says which loss the runs minimised (this app's recipe smooths its targets).
    Stacked and 460 px wide, with 11-pt text: a phone shows it about 326 px wide, and the text stays above 10 px.
    """
    legend_height = 0.22 * len(histories) + 0.1  # inches: one line per run, below the plots
    height = 6.4 + legend_height
    fig, (acc_ax, loss_ax) = plt.subplots(2, 1, figsize=(4.6, height), dpi=100, sharex=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]  # 10 colours, more than the runs we show
    for color, (name, history) in zip(colors, histories.items(), strict=False):
        epochs = range(1, len(history["accuracy"]) + 1)
        for ax, key in ((acc_ax, "accuracy"), (loss_ax, "loss")):
            ax.plot(epochs, history[key], "-", color=color, label=name if ax is acc_ax else None)
            if f"val_{key}" in history:
                ax.plot(epochs, history[f"val_{key}"], "--", color=color)
    acc_ax.set_ylabel("accuracy", fontsize=11)
    loss_ax.set_ylabel(loss_label, fontsize=11)
    loss_ax.set_xlabel("epoch", fontsize=11)
    for ax in (acc_ax, loss_ax):
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=11)
    acc_ax.set_title("Training (solid) vs validation (dashed)", fontsize=11)
    fig.legend(loc="lower center", ncol=1, fontsize=11, frameon=False)
    fig.tight_layout(rect=(0, legend_height / height, 1, 1))
    return fig
