"""A live overfitting run: the notebook's small CNN trained from scratch on 500 and on 5,000 training images.

The Overfitting tab runs it while the learner watches: both networks train epoch by epoch, and after
each epoch their accuracy on their own training images and on 1,000 validation images is measured
(with the weights of that moment, no dropout, no augmentation). With 500 images the network soon
knows its training images by heart while validation stalls: memorising, made visible.

The images are a fixed sample of train.py's own split, kept in the model folder (``SUBSET_FILE``), so a
Space needs no dataset. ``python -m model.live model/weights`` writes it for a folder; train.py writes
it for every model it trains.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import numpy as np

SUBSET_FILE = "overfitting_subset.npz"
SIZES = (500, 5_000)  # training images of the two runs
VALIDATION = 1_000
BATCH_SIZE = 32
ROUNDS = 10  # measurements of each run, one after each round of updates
STEPS_PER_ROUND = 47  # 10 x 47 updates of 32 images = 15,040 images shown: ~30 epochs of 500 images, ~3 of 5,000
LEARNING_RATE = 1e-3  # Adam, constant: the ladder's "plain" recipe, no augmentation, no dropout


def write_subset(folder: Path, x_train, y_train, train_idx, val_idx) -> None:
    """The first 5,000 of the training indices and the first 1,000 of the validation ones, as uint8 images."""
    train, val = train_idx[: max(SIZES)], val_idx[:VALIDATION]
    np.savez_compressed(
        Path(folder) / SUBSET_FILE,
        train_images=x_train[train].reshape(-1, 28, 28),
        train_labels=y_train[train].astype(np.int64),
        val_images=x_train[val].reshape(-1, 28, 28),
        val_labels=y_train[val].astype(np.int64),
    )


def load_subset(folder: Path) -> dict[str, np.ndarray] | None:
    path = Path(folder) / SUBSET_FILE
    if not path.is_file():
        return None
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def _accuracy(keras_model, x: np.ndarray, y: np.ndarray) -> float:
    probs = np.concatenate([np.asarray(keras_model(x[i : i + 1000], training=False)) for i in range(0, len(x), 1000)])
    return float((probs.argmax(1) == y).mean())


def _batches(n: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Indices of random batches of the first N images, epoch after epoch (each image once an epoch)."""
    while True:
        order = rng.permutation(n)
        for start in range(0, n - BATCH_SIZE + 1, BATCH_SIZE):
            yield order[start : start + BATCH_SIZE]


def live_run(
    subset: dict[str, np.ndarray], rounds: int = ROUNDS, sizes=SIZES, seed: int = 0
) -> Iterator[tuple[int, dict]]:
    """Train one fresh notebook CNN per size, the same number of updates each; after each round of
    ``STEPS_PER_ROUND`` updates yield (images shown so far, {size: (training accuracy, validation accuracy)}).

    The same budget for both: the 500-image run sees each of its images ten times as often.
    """
    import keras

    from model.cnn import build_notebook

    x = subset["train_images"][..., None].astype(np.float32)
    y = subset["train_labels"]
    x_val, y_val = subset["val_images"][..., None].astype(np.float32), subset["val_labels"]
    rng = np.random.default_rng(seed)
    nets, batches = {}, {}
    for n in (n for n in sizes if n <= len(x)):
        nets[n] = build_notebook()
        nets[n].compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy")
        batches[n] = _batches(n, rng)
    for done in range(1, rounds + 1):
        for n, net in nets.items():
            for _ in range(STEPS_PER_ROUND):
                chosen = next(batches[n])
                net.train_on_batch(x[chosen], y[chosen])
        # training accuracy on (at most) the first 1,000 of a run's own training images: quicker, and as telling
        yield (
            done * STEPS_PER_ROUND * BATCH_SIZE,
            {
                n: (_accuracy(net, x[: min(n, VALIDATION)], y[: min(n, VALIDATION)]), _accuracy(net, x_val, y_val))
                for n, net in nets.items()
            },
        )


def main(argv: list[str] | None = None) -> None:
    from model.data import VALIDATION_SIZE, load_fashion_mnist, validation_split

    parser = argparse.ArgumentParser(description="Write the live overfitting run's images into a model folder.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=42, help="train.py's --seed for that folder (default: 42)")
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args(argv)
    (x_train, y_train), _ = load_fashion_mnist(args.data_dir)
    val_idx, train_idx = validation_split(len(x_train), args.seed, VALIDATION_SIZE)
    write_subset(args.folder, x_train, y_train, train_idx, val_idx)
    print(f"wrote {args.folder / SUBSET_FILE}")


if __name__ == "__main__":
    main()
