"""Train the Fashion CNN Lab model and write the model folder the app loads.

    python train.py                      # the shipped model: writes model/weights/
    python train.py --quick --out /tmp/m # a one-minute smoke run on a subset
    python train.py --epochs 5 --seed 1 --out runs/seed1

The folder holds the Keras layout (config.json, metadata.json, model.weights.h5),
metrics.json (test accuracy, confusion matrix, per-class metrics, history, ...) and a
model card README.md. It is exactly what gets pushed to the Hugging Face Hub.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers
from PIL import Image

from model.card import write_card
from model.cnn import build_cnn
from model.data import CLASS_NAMES, load_fashion_mnist
from model.evaluate import summarize

# -- hyperparameters (defaults of the flags below) -----------------------------------
EPOCHS = 15
BATCH_SIZE = 128
SEED = 42
PEAK_LR = 3e-3  # AdamW peak, reached after a one-epoch linear warm-up, then cosine to 0
WEIGHT_DECAY = 5e-4
LABEL_SMOOTHING = 0.1  # soft targets: less over-confident, usually +0.2-0.4 points here
VALIDATION_SIZE = 5_000  # held out of the 60k training images to choose settings; test is final only
SHIFT_PIXELS = 2  # product photos are centred: small shifts only
ERASE_PROBABILITY = 0.5  # random erasing (Zhong et al. 2017): one gray box per image
QUICK = {"train": 4_000, "validation": 500, "test": 2_000, "epochs": 2}
OUT = Path("model/weights")
# -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT, help="model folder to write (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with the four Fashion-MNIST IDX .gz files")
    parser.add_argument("--quick", action="store_true", help="2 epochs on a 4k-image subset: a smoke run")
    args = parser.parse_args(argv)  # unknown flags are an error
    if args.epochs < 1 or args.batch_size < 1:
        parser.error("--epochs and --batch-size must be positive")
    return args


def augmenter(seed: int):
    """Training-only augmentation that suits aligned product images."""
    shift = SHIFT_PIXELS / 28
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal", seed=seed),
            layers.RandomTranslation(shift, shift, fill_mode="constant", fill_value=0.0, seed=seed + 1),
            layers.RandomErasing(factor=ERASE_PROBABILITY, scale=(0.02, 0.2), value_range=(0, 255), seed=seed + 2),
        ],
        name="augment",
    )


def make_dataset(x, y, batch_size: int, seed: int, augment: bool):
    # one-hot targets: Keras's label smoothing needs them
    ds = tf.data.Dataset.from_tensor_slices((x.astype("float32"), tf.one_hot(y, 10)))
    if augment:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if augment:
        aug = augmenter(seed)
        ds = ds.map(lambda a, b: (aug(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's wall time in seconds."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def save_examples(folder: Path, x_test: np.ndarray, y_test: np.ndarray) -> None:
    """The first test image of each class, as PNGs the app offers as examples."""
    (folder / "examples").mkdir(exist_ok=True)
    for label, name in enumerate(CLASS_NAMES):
        hits = np.flatnonzero(y_test == label)
        if len(hits):
            slug = name.lower().replace("/", "-").replace(" ", "-")
            Image.fromarray(x_test[hits[0], ..., 0]).save(folder / "examples" / f"{label}_{slug}.png")


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(args.data_dir)
    x_train, x_test = x_train[..., None], x_test[..., None]  # (N, 28, 28, 1) uint8
    order = np.random.default_rng(args.seed).permutation(len(x_train))
    n_val = min(VALIDATION_SIZE, len(x_train) // 10)
    val_idx, train_idx = order[:n_val], order[n_val:]
    epochs = args.epochs
    if args.quick:
        train_idx, val_idx = train_idx[: QUICK["train"]], val_idx[: QUICK["validation"]]
        x_test, y_test = x_test[: QUICK["test"]], y_test[: QUICK["test"]]
        epochs = min(epochs, QUICK["epochs"])
    train_ds = make_dataset(x_train[train_idx], y_train[train_idx], args.batch_size, args.seed, augment=True)
    val_ds = make_dataset(x_train[val_idx], y_train[val_idx], 512, args.seed, augment=False)

    model = build_cnn()
    model.summary()
    steps = epochs * int(np.ceil(len(train_idx) / args.batch_size))
    warmup = min(steps // epochs, steps // 2)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - warmup, warmup_target=PEAK_LR, warmup_steps=warmup
    )
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=WEIGHT_DECAY),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=LABEL_SMOOTHING),
        metrics=["accuracy"],
    )

    timer = EpochTimer()
    start = time.perf_counter()
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, callbacks=[timer], shuffle=False, verbose=1)
    train_seconds = time.perf_counter() - start

    probs = model.predict(x_test, batch_size=1000, verbose=0)
    metrics = summarize(probs, y_test)
    metrics.update(
        history={k: [float(v) for v in vals] for k, vals in history.history.items()},
        params=int(model.count_params()),
        train_seconds=round(train_seconds, 1),
        epoch_seconds=[round(t, 1) for t in timer.seconds],
        epochs=epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        quick=args.quick,
        train_size=len(train_idx),
        validation_size=len(val_idx),
        test_size=len(y_test),
        hardware=f"{os.cpu_count()} CPU cores ({platform.machine()})",
        versions={
            "keras": keras.__version__,
            "tensorflow": tf.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    )
    print(
        f"test accuracy {metrics['test_accuracy']:.4f}, loss {metrics['test_loss']:.4f}, "
        f"{train_seconds:.0f} s of training"
    )

    args.out.mkdir(parents=True, exist_ok=True)
    inference_model = build_cnn()  # same graph, no optimizer state: a 3x smaller folder
    inference_model.set_weights(model.get_weights())
    inference_model.save(args.out, zipped=False)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    write_card(args.out, metrics)
    save_examples(args.out, x_test, y_test)
    print(f"wrote {args.out}/")
    return metrics


if __name__ == "__main__":
    main()
