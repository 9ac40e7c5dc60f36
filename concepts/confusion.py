"""The confusion matrix: where the model fails, down to the images.

Confusion-matrix arithmetic and figures for the Confusion matrix tab: row and column percentages, the most
confused pairs, one cell's images, the heatmap and the reliability diagram.
What the page says about it is in ``tabs/confusion.py``: this docstring is for developers.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from model.data import CLASS_NAMES  # noqa: E402


def row_normalized(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its total: per-class recall on the diagonal, in percent."""
    matrix = np.asarray(matrix, dtype=float)
    totals = matrix.sum(axis=1, keepdims=True)
    return 100 * np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def column_normalized(matrix: np.ndarray) -> np.ndarray:
    """Each column divided by its total: per-class precision on the diagonal, in percent."""
    return row_normalized(np.asarray(matrix).T).T


def most_confused(matrix: np.ndarray, top: int = 5) -> list[tuple[str, str, int]]:
    """The largest off-diagonal cells as (true class, predicted class, count), biggest first."""
    m = np.array(matrix)
    np.fill_diagonal(m, 0)
    order = np.argsort(m, axis=None)[::-1][:top]
    pairs = [np.unravel_index(i, m.shape) for i in order]
    return [(CLASS_NAMES[t], CLASS_NAMES[p], int(m[t, p])) for t, p in pairs if m[t, p] > 0]


def cell_samples(samples: dict, true_class: int, predicted_class: int) -> list[int]:
    """Positions (in the shipped samples) of the images in one cell, most confident first."""
    probs, labels = samples["probs"], samples["labels"]
    hits = np.flatnonzero((labels == true_class) & (probs.argmax(axis=1) == predicted_class))
    return hits[np.argsort(-probs[hits, predicted_class], kind="stable")].tolist()


def percent_labels(counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A percent view's cell labels: whole percents; "<1" for a share under half a percent; ">99" for one that would
    round up to 100 without being all; blank where the count is 0."""
    labels = np.char.mod("%d", np.floor(values + 0.5).astype(int)).astype(object)  # half up: 0.5% is "1", not "0"
    labels[(values < 0.5) & (counts > 0)] = "<1"
    labels[(values >= 99.5) & (values < 100)] = ">99"
    labels[counts == 0] = ""
    return labels


def heatmap(matrix: np.ndarray, percent: bool, by: str = "row") -> plt.Figure:
    """A seaborn heatmap of the matrix, counts or percentages of each row (``by="row"``: recall on the diagonal)
    or of each column (``by="column"``: precision on the diagonal), class names on both axes."""
    import seaborn as sns  # imported on first use: the app starts faster

    if by not in ("row", "column"):
        raise ValueError(f'by must be "row" or "column", not {by!r}')
    normalized = row_normalized if by == "row" else column_normalized
    values = normalized(matrix) if percent else np.asarray(matrix)
    # Small and square, numbers in every cell, no colour bar: the page scales the 460-px figure to its column,
    # so on a 390-px phone screen (about 326 px for the figure) 11-pt (15-px) text stays above 10 px.
    fig, ax = plt.subplots(figsize=(4.6, 4.6), dpi=100)
    sns.heatmap(
        values,
        # whole percents: "99.2" at 11 pt is wider than its cell (review 149 #2); the table beside gives one decimal
        annot=percent_labels(np.asarray(matrix), values) if percent else True,
        fmt="" if percent else "d",
        cmap="Blues",
        cbar=False,
        square=True,
        xticklabels=CLASS_NAMES,
        yticklabels=CLASS_NAMES,
        annot_kws={"size": 11},
        ax=ax,
        vmax=100 if percent else None,
    )
    ax.set_xlabel("predicted class", fontsize=11)
    ax.set_ylabel("true class", fontsize=11)
    title = "Row % (recall on the diagonal)" if by == "row" else "Column % (precision on the diagonal)"
    ax.set_title(title if percent else "Counts of test images", fontsize=11)
    ax.tick_params(axis="both", labelsize=11, length=0)  # a tick's dash read as a minus before "0"
    ax.tick_params(axis="x", rotation=45)
    plt.setp(ax.get_xticklabels(), ha="right")
    fig.tight_layout()
    return fig


def reliability_diagram(calibration: dict) -> plt.Figure:
    """Accuracy against confidence per bin: a calibrated model sits on the diagonal."""
    bins = calibration["bins"]
    fig, ax = plt.subplots(figsize=(4.6, 4.2), dpi=100)  # 11-pt text: above 10 px when a phone shows it 340 px wide
    centers = [(b["low"] + b["high"]) / 2 for b in bins]
    width = bins[0]["high"] - bins[0]["low"] if bins else 0.1
    ax.bar(centers, [b["accuracy"] for b in bins], width=width * 0.9, color="#4c72b0", label="accuracy in bin")
    ax.plot([0, 1], [0, 1], "--", color="gray", label="perfect calibration")
    ax.plot(centers, [b["confidence"] for b in bins], "o", color="#dd8452", label="mean confidence in bin")
    ax.set_xlabel("confidence (top probability)", fontsize=11)
    ax.set_ylabel("accuracy", fontsize=11)
    ax.tick_params(labelsize=11)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"Reliability diagram, ECE = {calibration['ece']:.2%}", fontsize=11)
    ax.legend(loc="upper left", fontsize=11)
    fig.tight_layout()
    return fig


def per_class_rows(metrics: dict) -> list[list]:
    """Per-class precision, recall and F1 as table rows (percent, one decimal)."""
    return [
        [c["class"], round(100 * c["precision"], 1), round(100 * c["recall"], 1), round(100 * c["f1"], 1), c["support"]]
        for c in metrics["per_class"]
    ]
