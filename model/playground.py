"""The Playground's runs: the study notebook's CNN with six knobs, trained from scratch on a fixed sample.

Each knob answers one of the notebook's questions (``KNOBS``). ``python train.py --playground-grid`` trains
every combination once (2**6 = 64 runs) and the default one with more seeds, and writes ``GRID_FILE`` into
the model folder: per run, the per-epoch training and validation loss and accuracy, the test accuracy,
each class's recall and the seconds it took. The app shows those at once; "Train it now" trains one
combination live with ``train_run`` and streams the same numbers epoch by epoch.

The images are a fixed sample of train.py's own split kept in the model folder (``SUBSET_FILE``): the
first 10,000 training images (the 1,000-image runs use the first 1,000 of them) and 2,000 validation
images, so a Space trains live without the dataset.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

SUBSET_FILE = "playground_subset.npz"
GRID_FILE = "playground.json"

# knob -> (its values, the first being the default: the study notebook's own choice)
KNOBS: dict[str, tuple] = {
    "pool": ("max", "average"),
    "normalize": (True, False),
    "batch_norm": (False, True),
    "dropout": (0.0, 0.5),
    "augment": (False, True),
    "images": (10_000, 1_000),
}
DEFAULT = {knob: values[0] for knob, values in KNOBS.items()}
VALIDATION = 2_000
EPOCHS = 10
BATCH_SIZE = 64
LEARNING_RATE = 1e-3  # Adam, constant: the notebook's recipe
SEEDS = (0, 1, 2)  # the default configuration is trained with each: run-to-run noise
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


def every_config() -> list[dict]:
    """All combinations of the knobs' values, the default first."""
    return [dict(zip(KNOBS, values, strict=True)) for values in itertools.product(*KNOBS.values())]


def config_key(config: dict) -> str:
    """One run's name in the grid file, e.g. "pool=max normalize=1 batch_norm=0 dropout=0 augment=0 images=10000"."""
    check_config(config)
    return " ".join(f"{k}={_short(config[k])}" for k in KNOBS)


def _short(value) -> str:
    return str(int(value)) if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)


def check_config(config: dict) -> None:
    """ValueError unless CONFIG sets every knob to one of its values, and nothing else."""
    if set(config) != set(KNOBS):
        raise ValueError(f"a configuration sets exactly these knobs: {', '.join(KNOBS)}")
    for knob, values in KNOBS.items():
        if config[knob] not in values:
            raise ValueError(f"{knob} must be one of {', '.join(map(str, values))}, not {config[knob]!r}")


def build(config: dict, seed: int):
    """The notebook's CNN with CONFIG's pooling, normalization, batch norm and dropout; augmentation in front
    (flips, 2-pixel shifts, random erasing: the shipped model's), active only in training."""
    import keras

    from model.augment import augmenter
    from model.cnn import INPUT_SHAPE, build_notebook

    keras.utils.set_random_seed(seed)
    net = build_notebook(
        batch_norm=config["batch_norm"], normalize=config["normalize"], pool=config["pool"], dropout=config["dropout"]
    )
    if config["augment"]:
        inputs = keras.Input(shape=INPUT_SHAPE, name="pixels")
        net = keras.Model(inputs, net(augmenter(seed)(inputs)), name=net.name + "_augmented")
    net.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return net


def write_subset(folder: Path, x_train, y_train, train_idx, val_idx) -> None:
    """The first 10,000 of train.py's training indices and the first 2,000 validation ones, as uint8 images."""
    train, val = train_idx[: max(KNOBS["images"])], val_idx[:VALIDATION]
    np.savez_compressed(
        Path(folder) / SUBSET_FILE,
        train_images=x_train[train].reshape(-1, 28, 28).astype(np.uint8),
        train_labels=y_train[train].astype(np.int64),
        val_images=x_train[val].reshape(-1, 28, 28).astype(np.uint8),
        val_labels=y_train[val].astype(np.int64),
    )


def load_subset(folder: Path) -> dict[str, np.ndarray] | None:
    path = Path(folder) / SUBSET_FILE
    if not path.is_file():
        return None
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def train_run(
    config: dict, subset: dict[str, np.ndarray], seed: int, epochs: int = EPOCHS, pause: float = 0.0
) -> Iterator[tuple[dict, object]]:
    """Train CONFIG from scratch; after each epoch yield (its history so far, the network).

    The history has HISTORY_KEYS as Keras records them: training loss and accuracy averaged over the
    epoch's batches (with dropout and augmentation on), validation ones measured after the epoch; and
    "seconds", each epoch's wall time. PAUSE: seconds to rest after each batch, leaving the cores to others
    (a live run beside a class); it changes no number but the seconds.
    """
    import keras

    check_config(config)
    n = config["images"]
    x = subset["train_images"][:n, ..., None]  # uint8: the model casts, and the data copies stay 4x smaller
    y = subset["train_labels"][:n]
    val = (subset["val_images"][..., None], subset["val_labels"])
    net = build(config, seed)
    rest = (
        [keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs=None: time.sleep(pause))] if pause else []
    )
    history = {key: [] for key in (*HISTORY_KEYS, "seconds")}
    for _ in range(epochs):
        start = time.perf_counter()
        logs = net.fit(x, y, batch_size=BATCH_SIZE, epochs=1, validation_data=val, verbose=0, callbacks=rest).history
        for key in HISTORY_KEYS:
            history[key].append(round(float(logs[key][-1]), 5))
        history["seconds"].append(round(time.perf_counter() - start, 2))
        yield history, net


def best_epoch(history: dict) -> int:
    """The epoch (from 1) with the lowest validation loss: after it, validation stopped improving."""
    return int(np.argmin(history["val_loss"])) + 1


def test_scores(net, x_test: np.ndarray, y_test: np.ndarray) -> dict:
    """Test accuracy and each class's recall (share of its test images answered right)."""
    probs = net.predict(x_test[..., None].astype(np.float32), batch_size=1000, verbose=0)
    right = probs.argmax(1) == y_test
    return {
        "test_accuracy": round(float(right.mean()), 5),
        "recall": [round(float(right[y_test == c].mean()), 4) for c in range(10)],
    }


def reestimate_batch_norm(net, x: np.ndarray) -> None:
    """Set every batch-norm layer's test-time averages to the statistics of the images X (one pass in training
    mode with momentum 0), instead of the running averages training left: what batch norm's knob costs or buys
    apart from their lag. Changes NET in place."""
    import keras

    layers = [layer for layer in net._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in layers]
    for layer in layers:
        layer.momentum = 0.0
    net(x[..., None].astype(np.float32), training=True)
    for layer, momentum in zip(layers, momenta, strict=True):
        layer.momentum = momentum


REESTIMATE_IMAGES = 1_000  # training images whose statistics replace batch norm's running averages
BN_MOMENTUM = 0.99  # Keras's default: each update moves a running average 1% toward the batch's statistics


def updates(config: dict, epochs: int = EPOCHS) -> int:
    """Weight updates in a run of CONFIG: batches per epoch times epochs."""
    return epochs * -(-config["images"] // BATCH_SIZE)


def train_grid(folder: Path, subset: dict, test: tuple, log=print, epochs: int = EPOCHS) -> dict:
    """Every configuration once (seed 0) and the default with every seed, into FOLDER/GRID_FILE.

    Resumes: runs already in the file are kept, so an interrupted grid goes on where it stopped.
    """
    path = Path(folder) / GRID_FILE
    grid = json.loads(path.read_text()) if path.is_file() else {}
    grid.update(knobs={k: list(v) for k, v in KNOBS.items()}, default=DEFAULT, epochs=epochs, batch_size=BATCH_SIZE)
    grid.update(validation_images=VALIDATION, learning_rate=LEARNING_RATE)
    runs = grid.setdefault("runs", {})
    jobs = [(config, SEEDS[0]) for config in every_config()] + [(DEFAULT, s) for s in SEEDS[1:]]
    for i, (config, seed) in enumerate(jobs, start=1):
        name = config_key(config) + ("" if seed == SEEDS[0] else f" seed={seed}")
        if name in runs:
            continue
        start = time.perf_counter()
        *_, (history, net) = train_run(config, subset, seed, epochs)  # the last epoch's
        runs[name] = {
            "config": config,
            "seed": seed,
            "history": history,
            "best_epoch": best_epoch(history),
            "seconds": round(time.perf_counter() - start, 1),
            **test_scores(net, *test),
        }
        if config["batch_norm"]:  # the same network with its batch-norm averages re-estimated
            reestimate_batch_norm(net, subset["train_images"][:REESTIMATE_IMAGES])
            runs[name]["test_accuracy_reestimated"] = test_scores(net, *test)["test_accuracy"]
        path.write_text(json.dumps(grid, indent=1))
        log(f"[{i}/{len(jobs)}] {name}: test {runs[name]['test_accuracy']:.2%} in {runs[name]['seconds']:.0f} s")
    return grid


# -- reading the grid: what each knob did -------------------------------------------------------------


def grid_run(grid: dict, config: dict) -> dict:
    """The grid's seed-0 run of CONFIG (KeyError if the grid lacks it)."""
    return grid["runs"][config_key(config)]


def flipped(config: dict, knob: str) -> dict:
    """CONFIG with KNOB set to its other value."""
    first, second = KNOBS[knob]
    return {**config, knob: second if config[knob] == first else first}


def knob_effects(grid: dict, config: dict, reestimated: bool = False) -> dict[str, float]:
    """For each knob, the test accuracy (points) of CONFIG with that knob flipped minus CONFIG's own
    (REESTIMATED: see ``score``)."""
    own = score(grid_run(grid, config), reestimated)
    return {knob: 100 * (score(grid_run(grid, flipped(config, knob)), reestimated) - own) for knob in KNOBS}


def _pairs(knob: str) -> list[tuple[dict, dict]]:
    """Every pair of configurations that differ in KNOB only: (with its first value, with its second)."""
    return [(c, flipped(c, knob)) for c in every_config() if c[knob] == KNOBS[knob][0]]


def score(run: dict, reestimated: bool = False) -> float:
    """A run's test accuracy; with REESTIMATED, a batch-norm run's after its averages were re-estimated."""
    return run.get("test_accuracy_reestimated", run["test_accuracy"]) if reestimated else run["test_accuracy"]


def average_effects(grid: dict, reestimated: bool = False) -> dict[str, float]:
    """Each knob's mean effect over the grid: test accuracy (points) with its second value minus its first,
    averaged over the 32 settings of the other knobs (REESTIMATED: see ``score``)."""
    return {
        knob: 100
        * float(
            np.mean(
                [score(grid_run(grid, b), reestimated) - score(grid_run(grid, a), reestimated) for a, b in _pairs(knob)]
            )
        )
        for knob in KNOBS
    }


def interaction(grid: dict, knob: str, other: str, reestimated: bool = False) -> tuple[float, float]:
    """KNOB's mean effect (points, as in ``average_effects``) with OTHER at its first value, and at its second."""
    effects: dict[object, list[float]] = {value: [] for value in KNOBS[other]}
    for a, b in _pairs(knob):
        effects[a[other]].append(score(grid_run(grid, b), reestimated) - score(grid_run(grid, a), reestimated))
    return tuple(100 * float(np.mean(effects[value])) for value in KNOBS[other])


def biggest_interaction(grid: dict, reestimated: bool = False) -> tuple[str, str, tuple[float, float]]:
    """The pair of knobs whose effects depend on each other most: (knob, other, KNOB's effect at each of
    OTHER's values), KNOB being the one of the pair whose effect changes more in absolute terms."""
    best = None
    for knob, other in itertools.permutations(KNOBS, 2):
        first, second = interaction(grid, knob, other, reestimated)
        if best is None or abs(second - first) > abs(best[2][1] - best[2][0]):
            best = (knob, other, (first, second))
    return best


def seed_spread(grid: dict) -> list[float]:
    """The default configuration's test accuracy (points) with each seed the grid trained it with."""
    runs = grid["runs"]
    key = config_key(DEFAULT)
    return [100 * runs[name]["test_accuracy"] for name in runs if name == key or name.startswith(key + " seed=")]


def noise_threshold(grid: dict) -> float:
    """The smallest gap between two single runs called more than seed noise (points): 2 x sqrt(2) standard
    deviations of the default configuration's seeds (about 95% of two runs of one setting differ by less), rounded
    up to hundredths of a point: the precision of the accuracy gaps it is set against (test and validation sets of
    10,000, 5,000 and 2,000 images), so that every comparison with it can be checked from the printed figures (an
    unrounded 1.3747 printed as 1.37 stood beside a 1.37-point gap called "less than" it: review 79b), and a gap
    in hundredths is under it exactly where it is under the unrounded threshold (rounded down to 1.37, a 1.37-point
    gap, inside the band, was past it: review 82b #2)."""
    return math.ceil(round(100 * float(2 * np.sqrt(2) * np.std(seed_spread(grid), ddof=1)), 6)) / 100


def summary(grid: dict) -> str:
    """The grid in Markdown: the seed spread, each knob's average effect, the biggest interaction, every run."""
    scores = seed_spread(grid)
    lines = [
        f"Default setting ({config_key(DEFAULT)}), seeds {', '.join(map(str, SEEDS))}: test "
        + ", ".join(f"{s:.2f}%" for s in scores)
        + f" (spread {max(scores) - min(scores):.2f} points)",
        "",
        "| knob | first → second value | mean effect on test accuracy, points (as trained) |",
        "|---|---|---|",
    ]
    lines += [f"| {k} | {KNOBS[k][0]} → {KNOBS[k][1]} | {v:+.2f} |" for k, v in average_effects(grid).items()]
    again = average_effects(grid, reestimated=True)
    lines += ["", "Batch-norm runs re-estimated: " + ", ".join(f"{k} {v:+.2f}" for k, v in again.items())]
    knob, other, (first, second) = biggest_interaction(grid)
    lines += [
        "",
        f"Biggest interaction (as trained): {knob}'s effect is {first:+.2f} points with {other}={KNOBS[other][0]} and "
        f"{second:+.2f} with {other}={KNOBS[other][1]}.",
        "",
        "| run | test % (as trained) | re-estimated % | best epoch | final train acc % | final val acc % | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for config in every_config():
        run = grid_run(grid, config)
        h = run["history"]
        lines.append(
            f"| {config_key(config)} | {100 * run['test_accuracy']:.2f} | "
            + (f"{100 * run['test_accuracy_reestimated']:.2f}" if "test_accuracy_reestimated" in run else "")
            + f" | {run['best_epoch']} | "
            f"{100 * h['accuracy'][-1]:.2f} | {100 * h['val_accuracy'][-1]:.2f} | {run['seconds']:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "model/weights")
    print(summary(json.loads((folder / GRID_FILE).read_text(encoding="utf-8"))))
