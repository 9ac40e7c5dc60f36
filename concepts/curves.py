"""Training curves: how accuracy and loss moved, epoch by epoch, on training and validation data.

While both curves improve together the model is still learning patterns that generalise. When
the training curve keeps improving but the validation curve stalls or turns back, the model
has started memorising its training images: that gap is overfitting.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402


def training_curves(histories: dict[str, dict[str, list[float]]]) -> plt.Figure:
    """Accuracy and loss per epoch, solid for training and dashed for validation, one colour per run.

    ``histories`` maps a run's name to Keras's ``history.history`` (accuracy, val_accuracy, loss, val_loss).
    """
    fig, (acc_ax, loss_ax) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=100)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]  # 10 colours, more than the runs we show
    for color, (name, history) in zip(colors, histories.items(), strict=False):
        epochs = range(1, len(history["accuracy"]) + 1)
        for ax, key in ((acc_ax, "accuracy"), (loss_ax, "loss")):
            ax.plot(epochs, history[key], "-", color=color, label=f"{name}: training")
            if f"val_{key}" in history:
                ax.plot(epochs, history[f"val_{key}"], "--", color=color, label=f"{name}: validation")
    acc_ax.set_ylabel("accuracy")
    loss_ax.set_ylabel("loss (with label smoothing)")
    for ax in (acc_ax, loss_ax):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    acc_ax.legend(fontsize=8)
    fig.suptitle("Training (solid) vs validation (dashed), per epoch", fontsize=10)
    fig.tight_layout()
    return fig
