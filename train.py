"""Train the Fashion CNN Lab model and write the model folder the app loads.

    python train.py                      # the shipped model: writes model/weights/
    python train.py --quick --out /tmp/m # a one-minute smoke run on a subset
    python train.py --epochs 5 --seed 1 --out runs/seed1
    python train.py --real-photos ../clothing-dataset-small/train   # the shipped model (~35 min, 2 cores)
    python train.py --real-photos DIR --init model/weights/fashion-mnist-only --out /tmp/m  # phase 2 only
    python train.py --push-to-hub NAMESPACE/NAME         # train, then upload the folder to the Hub

With --real-photos, training has two phases: the Fashion-MNIST model as above (kept in
OUT/fashion-mnist-only/), then a short fine-tune on Fashion-MNIST plus real phone photos,
converted by the app's own conversion (model/preprocess.py), which is the model the app serves.

The folder holds the Keras layout (config.json, metadata.json, model.weights.h5),
metrics.json (test accuracy, confusion matrix, per-class metrics, history, ...) and a
model card README.md with its figures. It is exactly what gets pushed to the Hugging Face Hub
(`python -m model.publish push FOLDER NAMESPACE/NAME` pushes an existing folder without retraining).
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
from PIL import Image

from concepts.confusion import heatmap
from concepts.curves import training_curves
from model import playground
from model.augment import augmenter, vary_photos
from model.card import CONFUSION_PNG, CURVES_PNG, write_card
from model.cnn import build_cnn, build_mlp, build_notebook
from model.data import CLASS_NAMES, VALIDATION_SIZE, load_fashion_mnist, validation_split
from model.evaluate import calibration, select_samples, summarize
from model.inference import FASHION_MNIST_ONLY, LADDER
from model.ood import FEATURES_LAYER
from model.ood import fit as fit_ood
from model.outliers import FAMILIES, generate
from model.publish import PublishError, push_model, require_token
from model.real_photos import (
    ACCEPTED,
    OUTLIERS_PER_FAMILY,
    SOURCE,
    TAUGHT_SLEEVES,
    convert,
    convert_varied,
    group_folds,
    list_photos,
    read_senders,
    shoe_kinds_taught,
    targets,
)
from model.recipe import (  # shared with the tabs
    ABLATION_EPOCHS,
    ABLATIONS,
    LABEL_SMOOTHING,
    PEAK_LR,
    PLAIN_LR,
    WEIGHT_DECAY,
)

# -- hyperparameters (defaults of the flags below) -----------------------------------
EPOCHS = 27
BATCH_SIZE = 128
SEED = 42
# the learning rates, weight decay, label smoothing and the ablation runs: model/recipe.py (the tabs quote them)
CORRECT_SAMPLES_PER_CLASS = 24  # shipped beside every misclassified test image, for the drill-down
QUICK = {"train": 4_000, "validation": 500, "test": 2_000, "epochs": 2, "outliers": 40}
SAVED_ABLATIONS = {"mlp", *LADDER}  # variants whose weights are kept: the app runs them on the learner's input
OUT = Path("model/weights")
# phase 2 (--real-photos): fine-tune on Fashion-MNIST + real photos + generated outliers. Epochs, copies and targets:
# chosen by grouped CV (--folds, then benchmarks.real_photos --recipes; docs/real-photos.md)
REAL_EPOCHS = 5
REAL_PEAK_LR = 1e-3  # a third of PEAK_LR: the network is already trained, only the data changes
REAL_COPIES = 5  # each real photo appears this many times per epoch, each copy varied (~15k beside 55k)
REAL_VARIATION = "pixels"  # --real-variation: how the copies vary (model.augment.vary_photos or vary_photo)
REAL_SEEDS = 3  # fine-tunes, one seed each, of which the best on Fashion-MNIST's validation split is kept
REAL_TARGETS = "committed"  # --real-targets: what a photo several classes answer rightly is taught (real_targets)
OOD_FIT_IMAGES = 20_000  # Fashion-MNIST training images whose features fit the class means (model.ood)
CV_GENERATED = 300  # fresh generated outliers of each family measured by each fold
CV_REFERENCE_FM = 5_000  # Fashion-MNIST training images whose features each fold keeps, to compare OOD scores
# -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The flags, their defaults and help: what `python train.py --help` prints."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, help=f"default: {EPOCHS}, or {ABLATION_EPOCHS} with --ablation")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT, help="model folder to write (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with the four Fashion-MNIST IDX .gz files")
    parser.add_argument("--quick", action="store_true", help="2 epochs on a 4k-image subset: a smoke run")
    parser.add_argument(
        "--push-to-hub", metavar="NAMESPACE/NAME", help="after training, upload the folder to this Hub model repo"
    )
    parser.add_argument(
        "--ablation",
        choices=sorted(ABLATIONS),
        help=f"train a variant instead, {ABLATION_EPOCHS} epochs unless --epochs; record it in OUT/ablations.json",
    )
    parser.add_argument(
        "--real-photos",
        type=Path,
        metavar="DIR",
        help="then fine-tune on these photos too (folders named as in clothing-dataset-small's train/)",
    )
    parser.add_argument(
        "--init", type=Path, metavar="FOLDER", help="with --real-photos: start from this trained model folder"
    )
    parser.add_argument("--real-epochs", type=int, default=REAL_EPOCHS)
    parser.add_argument("--real-copies", type=int, default=REAL_COPIES)
    parser.add_argument(
        "--real-seeds",
        type=int,
        default=REAL_SEEDS,
        help="fine-tune this many times from the same start, one seed each; keep the best on the validation split "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--outliers", type=int, default=OUTLIERS_PER_FAMILY, help="generated outliers per family (default: %(default)s)"
    )
    parser.add_argument(
        "--real-targets",
        choices=("any-of", "committed", "spread", "sleeves", "kinds"),
        default=REAL_TARGETS,
        help="folders several classes answer rightly (shoes, longsleeve): ask for their total probability, "
        "for the probability of the most likely of them, or spread the target evenly over them; 'sleeves': as "
        "'committed', but a long-sleeved top is taught Pullover or Shirt, not T-shirt/top; 'kinds': as 'committed', "
        "but a shoe photo model/shoe_kinds.csv labels sneaker, sandal or boot is taught that class "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--real-variation",
        choices=("pixels", "photos"),
        default=REAL_VARIATION,
        help="how the varied copies of each photo are made: rotate, scale and relight the 28x28 conversion, or "
        "reframe, slant and relight the photo and convert it again, cut-out included (default: %(default)s)",
    )
    parser.add_argument(
        "--no-outlier-exposure",
        action="store_true",
        help="leave out hats, shorts and skirts instead of teaching a uniform answer on them",
    )
    parser.add_argument(
        "--folds",
        type=int,
        metavar="K",
        help="with --real-photos and --init: grouped K-fold cross-validation by photographer (senders.csv) "
        "instead of training the final model; writes OUT/real_photos_cv.npz",
    )
    parser.add_argument(
        "--playground-grid",
        action="store_true",
        help="train the Playground's grid instead: every combination of its knobs on the notebook's CNN "
        "(model/playground.py), written to OUT/playground.json; resumes where an interrupted grid stopped",
    )
    parser.add_argument("--private", action="store_true", help="create the Hub repo as private")
    parser.add_argument("--commit-message", help="commit message for --push-to-hub")
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse and check the flags together (some only make sense with others)."""
    parser = build_parser()
    args = parser.parse_args(argv)  # unknown flags are an error
    if args.epochs is None:
        args.epochs = ABLATION_EPOCHS if args.ablation else EPOCHS
    if args.ablation and args.push_to_hub:
        parser.error("--ablation records a variant in an existing folder; push that folder instead")
    if args.quick:
        args.outliers = min(args.outliers, QUICK["outliers"])
        args.real_seeds = min(args.real_seeds, 2)  # still a choice between two, to exercise it
    if args.epochs < 1 or args.batch_size < 1:
        parser.error("--epochs and --batch-size must be positive")
    if args.init and not args.real_photos:
        parser.error("--init only starts the real-photo fine-tune: give --real-photos too")
    if args.folds is not None and not (args.real_photos and args.init and args.folds >= 2):
        parser.error("--folds K needs --real-photos DIR, --init FOLDER (the phase-1 model) and K >= 2")
    if args.real_photos and args.ablation:
        parser.error("--ablation runs train on Fashion-MNIST only")
    if args.playground_grid and (args.real_photos or args.ablation or args.push_to_hub):
        parser.error(
            "--playground-grid adds the grid to an existing folder: no --real-photos, --ablation or --push-to-hub"
        )
    if args.real_photos:
        list_photos(args.real_photos)  # a wrong folder fails now, not after the first phase
    if args.push_to_hub:
        try:
            require_token()  # fail now, not after half an hour of training
        except PublishError as problem:
            parser.error(str(problem))
    return args


def build_variant(variant) -> keras.Model:
    """The network an ablation trains: build_cnn with VARIANT's arguments, or the builder VARIANT names."""
    if variant == "mlp":
        return build_mlp()
    if variant in ("notebook", "notebook-bn", "notebook-raw"):
        return build_notebook(batch_norm=variant == "notebook-bn", normalize=variant != "notebook-raw")
    return build_cnn(**variant)


def make_dataset(x, y, batch_size: int, seed: int, augment: bool):
    # labels become one-hot targets (Keras's label smoothing needs them); 2-D targets are used as they are
    targets = keras.utils.to_categorical(y, 10) if y.ndim == 1 else y
    ds = tf.data.Dataset.from_tensor_slices((x.astype("float32"), targets))
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


def save_test_samples(folder: Path, x_test: np.ndarray, y_test: np.ndarray, probs: np.ndarray, seed: int) -> None:
    """Every misclassified test image and a sample of correct ones, with the model's probabilities.

    The confusion-matrix tab reads this, so a Space needs no dataset at run time.
    """
    keep = select_samples(probs, y_test, CORRECT_SAMPLES_PER_CLASS, seed)
    np.savez_compressed(
        folder / "test_samples.npz",
        index=keep,  # position in the 10,000-image test set
        images=x_test[keep, ..., 0],  # (M, 28, 28) uint8
        labels=y_test[keep].astype(np.int64),
        probs=probs[keep].astype(np.float32),  # (M, 10)
    )


def save_for_inference(trained: keras.Model, fresh: keras.Model, folder: Path) -> None:
    """Save the trained weights in a freshly built graph: no optimizer state, a 3x smaller folder."""
    folder.mkdir(parents=True, exist_ok=True)
    fresh.set_weights(trained.get_weights())
    fresh.save(folder, zipped=False)


def write_figures(folder: Path, metrics: dict) -> None:
    """The confusion matrix and training curves as PNGs the model card shows (and the Hub renders)."""
    import matplotlib.pyplot as plt

    for name, fig in (
        (CONFUSION_PNG, heatmap(metrics["confusion_matrix"], percent=False)),
        (CURVES_PNG, training_curves({"this model": metrics["history"]})),
    ):
        fig.savefig(folder / name)
        plt.close(fig)


def record_ablation(folder: Path, name: str, description: str, metrics: dict) -> None:
    """Add (or replace) one variant's results in FOLDER/ablations.json, keeping the others."""
    path = folder / "ablations.json"
    runs = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    keys = ("test_accuracy", "test_loss", "per_class", "history", "params", "epochs", "train_seconds", "seed", "quick")
    runs[name] = {"description": description, **{k: metrics[k] for k in keys}}
    path.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    print(f"recorded ablation {name!r} in {path}")


def any_of_loss(y_true, y_pred):
    """Cross-entropy on targets (N, 10), or, where the 11th column is 1, -log of the targets' total probability.

    The second is a partial-label loss: a photo in ``shoes`` is right as Sandal, Sneaker or Ankle boot,
    so training asks only that their sum be high. Nothing asks the model to commit to one of them, and on the
    folds it often split them (right shoes with no class above 50%): ``committed_loss`` asks for one, and is shipped.
    """
    target, any_of = y_true[:, :10], y_true[:, 10]
    cross_entropy = keras.losses.categorical_crossentropy(target, y_pred)
    total = -keras.ops.log(keras.ops.clip(keras.ops.sum(target * y_pred, axis=-1), 1e-7, 1.0))
    return keras.ops.where(any_of > 0.5, total, cross_entropy)


def committed_loss(y_true, y_pred):
    """Like ``any_of_loss``, but where the 11th column is 1, -log of the *largest* accepted class's probability.

    ``any_of_loss`` is content with Sandal 40%, Sneaker 35%, Ankle boot 20%: right, but under a 50% "Not
    sure" line. This one asks the model to commit to the accepted class it already finds most likely (the
    "minimum loss" rule of partial-label learning), so a right answer is also a sure one more often.
    """
    target, any_of = y_true[:, :10], y_true[:, 10]
    cross_entropy = keras.losses.categorical_crossentropy(target, y_pred)
    best = -keras.ops.log(keras.ops.clip(keras.ops.max(target * y_pred, axis=-1), 1e-7, 1.0))
    return keras.ops.where(any_of > 0.5, best, cross_entropy)


def target_accuracy(y_true, y_pred):
    """Accuracy against the target's largest weight (Fashion-MNIST rows: the label)."""
    return keras.ops.cast(keras.ops.argmax(y_true[:, :10], -1) == keras.ops.argmax(y_pred, -1), "float32")


def compile_model(model: keras.Model, steps: int, epochs: int, peak_lr: float, loss) -> None:
    """AdamW, a one-epoch linear warm-up to PEAK, then cosine decay to 0."""
    warmup = min(steps // epochs, steps // 2)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=steps - warmup, warmup_target=peak_lr, warmup_steps=warmup
    )
    metrics = ["accuracy"] if isinstance(loss, keras.losses.Loss) else [target_accuracy]
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=WEIGHT_DECAY),
        loss=loss,
        metrics=metrics,
    )


def real_targets(photos: list, x_outliers: np.ndarray, spread: bool, taught: dict | None = None) -> np.ndarray:
    """(N, 11) targets for real photos then generated outliers: ten weights and the "any of these" flag."""
    weights, any_of = targets(photos, spread=spread, taught=taught)
    uniform = np.full((len(x_outliers), 11), 0.1, np.float32)  # outlier exposure: spread evenly over the ten
    uniform[:, 10] = 0.0
    return np.concatenate([np.column_stack([weights, any_of]), uniform])


def fine_tune(
    model: keras.Model,
    args,
    fm: tuple,
    x_real: np.ndarray,
    photos: list,
    x_outliers: np.ndarray,
    seed: int,
    x_varied: np.ndarray | None = None,
):
    """Phase 2: Fashion-MNIST plus real photos (varied copies) and outliers; returns (history, seconds).

    FM is (x_train, y_train, x_val, y_val) of Fashion-MNIST, x (N, 28, 28, 1); X_REAL are the photos
    converted by the app's own conversion, (M, 28, 28); X_OUTLIERS (K, 28, 28) are taught a uniform answer.
    X_VARIED (copies - 1, M, 28, 28): the photos varied and converted again (``convert_varied``); without it
    the copies vary the 28x28 conversions (``vary_photos``).
    """
    x_fm, y_fm, x_val, y_val = fm
    # label smoothing as CategoricalCrossentropy(label_smoothing=...) does it in phase 1 (any_of_loss has none)
    fm_targets = keras.utils.to_categorical(y_fm, 10).astype(np.float32) * (1 - LABEL_SMOOTHING) + LABEL_SMOOTHING / 10
    taught = {"sleeves": TAUGHT_SLEEVES, "kinds": shoe_kinds_taught() if args.real_targets == "kinds" else None}
    extra = real_targets(photos, x_outliers, spread=args.real_targets == "spread", taught=taught.get(args.real_targets))
    real_part, outlier_part = extra[: len(photos)], extra[len(photos) :]
    y_all = np.concatenate(
        [np.column_stack([fm_targets, np.zeros(len(y_fm), np.float32)]), np.tile(real_part, (args.real_copies, 1))]
        + [outlier_part]
    )
    copies = vary_photos(x_real, args.real_copies, seed) if x_varied is None else np.concatenate([x_real, *x_varied])
    x_all = np.concatenate([x_fm[..., 0], copies, x_outliers])[..., None]
    val_targets = np.column_stack([keras.utils.to_categorical(y_val, 10), np.zeros(len(y_val))]).astype(np.float32)
    train_ds = make_dataset(x_all, y_all, args.batch_size, seed + 1, augment=True)
    val_ds = make_dataset(x_val, val_targets, 512, seed, augment=False)
    steps = args.real_epochs * int(np.ceil(len(x_all) / args.batch_size))
    loss = committed_loss if args.real_targets in ("committed", "sleeves", "kinds") else any_of_loss
    compile_model(model, steps, args.real_epochs, REAL_PEAK_LR, loss)
    timer = EpochTimer()
    history = model.fit(train_ds, validation_data=val_ds, epochs=args.real_epochs, callbacks=[timer], verbose=2)
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}, sum(timer.seconds)


def varied_copies(args, photos: list) -> np.ndarray | None:
    """With ``--real-variation photos``: each photo varied and converted again, (copies - 1, N, 28, 28); else None."""
    if args.real_variation != "photos":
        return None
    start = time.perf_counter()
    varied = convert_varied(photos, args.real_copies, args.seed)
    print(f"converted {varied.shape[0]} varied copies of {len(photos)} photos in {time.perf_counter() - start:.0f} s")
    return varied


def make_outliers(photos: list, fm: tuple, n: int, seed: int, families=FAMILIES) -> np.ndarray:
    """N generated outliers of each of FAMILIES (model.outliers), (K, 28, 28) uint8."""
    paths = [p.path for p in photos]
    return np.concatenate([generate(f, n, seed + i, paths, fm[0][..., 0], fm[1]) for i, f in enumerate(families)])


def reader(model: keras.Model):
    """A function of (N, 28, 28) pixels -> (probabilities, penultimate features, logits), one pass, built once.

    The logits are kept for other "unlike" scores (the energy score, Liu et al. 2020, is -logsumexp of them).
    """
    outputs = [model.output, model.get_layer(FEATURES_LAYER).output, model.get_layer("logits").output]
    read = keras.Model(model.input, outputs)
    return lambda x: read.predict(np.asarray(x, np.float32).reshape(-1, 28, 28, 1), batch_size=1000, verbose=0)


def fit_feature_distance(read, x_fm: np.ndarray, y_fm: np.ndarray, x_real, photos: list):
    """model.ood fitted on the features of Fashion-MNIST images (by label) and the real photos of the ten.

    A photo whose folder several classes answer (shoes, long sleeves) counts as the accepted class the
    model likes best. The reference distances are the real training photos' own. Returns the score and
    what it was fitted on: (features, labels, which rows are real photos).
    """
    inside = [i for i, p in enumerate(photos) if p.accepted]
    _, fm_features, _ = read(x_fm[:OOD_FIT_IMAGES])
    real_probs, real_features, _ = read(x_real[inside])
    real_labels = np.array(
        [
            photos[i].accepted[int(np.argmax(row[list(photos[i].accepted)]))]
            for i, row in zip(inside, real_probs, strict=True)
        ]
    )
    features = np.concatenate([fm_features, real_features])
    labels = np.concatenate([y_fm[:OOD_FIT_IMAGES], real_labels])
    real = np.r_[np.zeros(len(fm_features), bool), np.ones(len(real_features), bool)]
    return fit_ood(features, labels, real_features), (features, labels, real)


def fine_tune_on_photos(model: keras.Model, args, fm: tuple) -> tuple[dict, object]:
    """Phase 2 on every photo in --real-photos (measured by --folds: docs/real-photos.md); returns (record, ood)."""
    photos = list_photos(args.real_photos)
    if args.no_outlier_exposure:
        photos = [p for p in photos if p.accepted]
    start = time.perf_counter()
    x_real = convert(photos)
    x_varied = varied_copies(args, photos)
    convert_seconds = time.perf_counter() - start
    print(f"converted {len(x_real)} real photos in {convert_seconds:.0f} s")
    start = time.perf_counter()
    x_outliers = (
        make_outliers(photos, fm, args.outliers, args.seed)
        if not args.no_outlier_exposure
        else np.zeros((0, 28, 28), np.uint8)
    )
    outlier_seconds = time.perf_counter() - start
    print(f"generated {len(x_outliers)} outliers in {outlier_seconds:.0f} s")
    # REAL_SEEDS fine-tunes from the same start, each with its own seed (copies, order, augmentation); the one with
    # the highest Fashion-MNIST validation accuracy is kept: chosen on validation, never on the test set
    start_weights, seconds, runs, best = model.get_weights(), 0.0, [], None
    for r in range(args.real_seeds):
        model.set_weights(start_weights)
        history, run_seconds = fine_tune(model, args, fm, x_real, photos, x_outliers, args.seed + 1000 * r, x_varied)
        seconds += run_seconds
        runs.append(
            {
                "seed": args.seed + 1000 * r,
                "val_target_accuracy": history["val_target_accuracy"][-1],
                "seconds": round(run_seconds, 1),
            }
        )
        if best is None or runs[-1]["val_target_accuracy"] > best[0]:
            best = (runs[-1]["val_target_accuracy"], model.get_weights(), history, runs[-1]["seed"])
        print(f"fine-tune seed {runs[-1]['seed']}: validation accuracy {runs[-1]['val_target_accuracy']:.4f}")
    model.set_weights(best[1])
    history = best[2]
    start = time.perf_counter()
    ood, _ = fit_feature_distance(reader(model), fm[0], fm[1], x_real, photos)
    ood_seconds = time.perf_counter() - start
    record = {
        "source": SOURCE,
        "folder": args.real_photos.resolve().name,
        "train_photos": len(photos),
        "per_folder": {f: sum(p.folder == f for p in photos) for f in ACCEPTED},
        "copies": args.real_copies,
        "variation": args.real_variation,
        "targets": args.real_targets,
        "outlier_exposure": not args.no_outlier_exposure,
        "generated_outliers": {f: args.outliers for f in FAMILIES} if len(x_outliers) else {},
        "epochs": args.real_epochs,
        "peak_lr": REAL_PEAK_LR,
        "convert_seconds": round(convert_seconds, 1),
        "outlier_seconds": round(outlier_seconds, 1),
        "train_seconds": round(seconds, 1),
        "ood_seconds": round(ood_seconds, 1),
        "seeds": runs,  # every fine-tune's seed and final validation accuracy
        "kept_seed": best[3],
        "history": history,
    }
    return record, ood


def cross_validate(args, fm: tuple, test: tuple) -> Path:
    """Grouped K-fold on the real photos (photographers never on both sides), from the --init model each time.

    Fold k trains on the other folds' photos, leaving out one of hats, shorts, skirts and one generated
    family (in turn), and predicts: its own photos (grouped CV), the left-out garment wherever it is and
    fresh samples of every family (leave-one-out for "Not sure"). Writes OUT/real_photos_cv.npz for
    ``python -m benchmarks.real_photos``; the settings of the final model are chosen from it.
    """
    photos = list_photos(args.real_photos)
    senders = read_senders(args.real_photos)
    folds = group_folds(photos, senders, args.folds)
    x_real = convert(photos)
    x_varied = varied_copies(args, photos)
    args.out.mkdir(parents=True, exist_ok=True)
    x_fm, y_fm = fm[0], fm[1]
    outside = [f for f in ACCEPTED if not ACCEPTED[f]]
    rows = {k: [] for k in ("probs", "percentile", "fold", "index", "kind", "features", "logits", "probs_flipped")}
    generated = {
        k: []
        for k in ("probs", "percentile", "fold", "family", "held_out", "features", "logits", "probs_flipped", "pixels")
    }
    reference = {k: [] for k in ("features", "labels", "fold")}  # each fold's training features, a sample
    fold_records = []
    for k in range(args.folds):
        left_type, left_family = outside[k % len(outside)], FAMILIES[k % len(FAMILIES)]
        train_rows = [i for i, p in enumerate(photos) if folds[i] != k and p.folder != left_type]
        train_photos = [photos[i] for i in train_rows]
        families = [f for f in FAMILIES if f != left_family]
        x_out = make_outliers(train_photos, fm, args.outliers, args.seed + 100 * k, families)
        model = keras.saving.load_model(args.init, safe_mode=True, compile=False)
        history, seconds = fine_tune(
            model,
            args,
            fm,
            x_real[train_rows],
            train_photos,
            x_out,
            args.seed + k,
            None if x_varied is None else x_varied[:, train_rows],
        )
        read = reader(model)
        ood, (features, labels, real) = fit_feature_distance(read, x_fm, y_fm, x_real[train_rows], train_photos)
        keep = real | (np.cumsum(~real) <= CV_REFERENCE_FM)  # every real photo, the first Fashion-MNIST images
        reference["features"].append(features[keep].astype(np.float16))
        reference["labels"].append(labels[keep])
        reference["fold"].append(np.full(int(keep.sum()), k))
        reference.setdefault("real", []).append(real[keep])
        measured = [i for i, p in enumerate(photos) if folds[i] == k or p.folder == left_type]
        probs, features, logits = read(x_real[measured])
        rows["probs"].append(probs)
        rows["percentile"].append(ood.percentile(ood.distances(features)))
        rows["features"].append(features.astype(np.float16))  # to compare other scores afterwards
        rows["logits"].append(logits)
        rows["probs_flipped"].append(read(x_real[measured][:, :, ::-1])[0])
        rows["fold"].append(np.full(len(measured), k))
        rows["index"].append(np.array(measured))
        rows["kind"].append(
            np.array(["held-out photographer" if folds[i] == k else "left-out garment" for i in measured])
        )
        for j, family in enumerate(FAMILIES):
            x_gen = generate(
                family,
                min(CV_GENERATED, 3 * args.outliers),
                10_000 + 100 * k + j,
                [p.path for p in photos],
                x_fm[..., 0],
                y_fm,
            )
            probs, features, logits = read(x_gen)
            generated["probs"].append(probs)
            generated["percentile"].append(ood.percentile(ood.distances(features)))
            generated["features"].append(features.astype(np.float16))
            generated["logits"].append(logits)
            generated["probs_flipped"].append(read(x_gen[:, :, ::-1])[0])
            generated["pixels"].append(x_gen)
            generated["fold"].append(np.full(len(x_gen), k))
            generated["family"].append(np.full(len(x_gen), family))
            generated["held_out"].append(np.full(len(x_gen), family == left_family))
        test_probs = model.predict(test[0], batch_size=1000, verbose=0)
        model.save(args.out / f"fold{k}.keras")  # to measure test-time variants afterwards without retraining
        fold_records.append(
            {
                "fold": k,
                "train_photos": len(train_rows),
                "held_out_photos": int((folds == k).sum()),
                "left_out_garment": left_type,
                "left_out_family": left_family,
                "fashion_mnist_test_accuracy": float((test_probs.argmax(1) == test[1]).mean()),
                "train_seconds": round(seconds, 1),
                "history": history,
            }
        )
        print(json.dumps({key: v for key, v in fold_records[-1].items() if key != "history"}))
    path = args.out / "real_photos_cv.npz"
    np.savez_compressed(
        path,
        photo=np.array([f"{p.folder}/{p.path.name}" for p in photos]),
        folder=np.array([p.folder for p in photos]),
        sender=np.array([senders.get(f"{p.folder}/{p.path.name}", "") for p in photos]),
        photo_fold=folds,
        photo_pixels=x_real,
        **{f"row_{key}": np.concatenate(v) for key, v in rows.items()},
        **{f"generated_{key}": np.concatenate(v) for key, v in generated.items()},
        **{f"reference_{key}": np.concatenate(v) for key, v in reference.items()},
        folds=np.array(
            json.dumps(
                {
                    "folds": fold_records,
                    "copies": args.real_copies,
                    "epochs": args.real_epochs,
                    "variation": args.real_variation,
                    "targets": args.real_targets,
                    "outliers": args.outliers,
                    "seed": args.seed,  # fold k fine-tuned with seed + k (benchmarks.fold_seeds reads both)
                    "batch_size": args.batch_size,
                    "init": str(args.init.resolve()),  # the phase-1 model every fold started from
                }
            )
        ),
    )
    print(f"wrote {path}")
    return path


def playground_grid(args, x_train, y_train, train_idx, val_idx, test: tuple) -> dict:
    """The Playground's images into OUT, then every run of its grid (model/playground.py), each with its own seed."""
    args.out.mkdir(parents=True, exist_ok=True)
    playground.write_subset(args.out, x_train, y_train, train_idx, val_idx)
    epochs = min(args.epochs, QUICK["epochs"]) if args.quick else playground.EPOCHS
    return playground.train_grid(args.out, playground.load_subset(args.out), test, epochs=epochs)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(args.data_dir)
    x_train, x_test = x_train[..., None], x_test[..., None]  # (N, 28, 28, 1) uint8
    val_idx, train_idx = validation_split(len(x_train), args.seed, VALIDATION_SIZE)
    epochs = args.epochs
    if args.quick:
        train_idx, val_idx = train_idx[: QUICK["train"]], val_idx[: QUICK["validation"]]
        x_test, y_test = x_test[: QUICK["test"]], y_test[: QUICK["test"]]
        epochs = min(epochs, QUICK["epochs"])
    if args.playground_grid:
        return playground_grid(args, x_train, y_train, train_idx, val_idx, (x_test[..., 0], y_test))
    description, variant, augment, recipe = ABLATIONS[args.ablation or "baseline"]
    train_ds = make_dataset(x_train[train_idx], y_train[train_idx], args.batch_size, args.seed, augment=augment)
    val_ds = make_dataset(x_train[val_idx], y_train[val_idx], 512, args.seed, augment=False)

    if args.init:  # phase 1 done before: start from that model, and count its training time too
        model = keras.saving.load_model(args.init, safe_mode=True, compile=False)
        fm_metrics = json.loads((args.init / "metrics.json").read_text(encoding="utf-8"))
        history, epochs = fm_metrics.get("history", {}), fm_metrics.get("epochs", 0)
        train_seconds = fm_metrics.get("train_seconds", 0.0)
        timer = EpochTimer()
    else:
        model = build_variant(variant)
        model.summary()
        if recipe == "plain":
            model.compile(
                optimizer=keras.optimizers.Adam(PLAIN_LR), loss="categorical_crossentropy", metrics=["accuracy"]
            )
        else:
            steps = epochs * int(np.ceil(len(train_idx) / args.batch_size))
            compile_model(
                model, steps, epochs, PEAK_LR, keras.losses.CategoricalCrossentropy(label_smoothing=LABEL_SMOOTHING)
            )
        timer = EpochTimer()
        callbacks = [timer]
        if args.ablation:  # the run's own log, kept beside the results it produced
            (args.out / "ablations").mkdir(parents=True, exist_ok=True)
            callbacks.append(keras.callbacks.CSVLogger(args.out / "ablations" / f"{args.ablation}.csv"))
        start = time.perf_counter()
        history = model.fit(
            train_ds, validation_data=val_ds, epochs=epochs, callbacks=callbacks, shuffle=False, verbose=1
        )
        train_seconds = time.perf_counter() - start
        history = {k: [float(v) for v in vals] for k, vals in history.history.items()}
        fm_metrics = None

    real = None
    if args.real_photos and args.folds:  # --folds needs --init: the phase-1 model is not written again
        fm = (x_train[train_idx], y_train[train_idx], x_train[val_idx], y_train[val_idx])
        cross_validate(args, fm, (x_test, y_test))
        return {}
    if args.real_photos:
        if fm_metrics is None:  # keep the Fashion-MNIST-only model beside the final one, to compare
            fm_probs = model.predict(x_test, batch_size=1000, verbose=0)
            fm_metrics = {
                **summarize(fm_probs, y_test),
                "epochs": epochs,
                "train_seconds": round(train_seconds, 1),
                "history": history,
            }
        fm_folder = args.out / FASHION_MNIST_ONLY
        if not (args.init and args.init.resolve() == fm_folder.resolve()):
            save_for_inference(model, build_cnn(), fm_folder)
            keep = ("test_accuracy", "test_loss", "confusion_matrix", "per_class", "epochs", "train_seconds", "history")
            (fm_folder / "metrics.json").write_text(
                json.dumps({k: fm_metrics[k] for k in keep if k in fm_metrics}, indent=1), encoding="utf-8"
            )
        fm = (x_train[train_idx], y_train[train_idx], x_train[val_idx], y_train[val_idx])
        real, ood = fine_tune_on_photos(model, args, fm)
        train_seconds += real["convert_seconds"] + real["outlier_seconds"] + real["train_seconds"] + real["ood_seconds"]
        real["init"] = str(args.init) if args.init else None  # phase 1 came from this folder

    probs = model.predict(x_test, batch_size=1000, verbose=0)
    metrics = summarize(probs, y_test)
    metrics["calibration"] = calibration(probs, y_test)
    metrics.update(
        history=history,
        real_photos=real,
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

    if args.ablation:
        record_ablation(args.out, args.ablation, description, metrics)
        if args.ablation in SAVED_ABLATIONS:  # the app runs it beside ours
            save_for_inference(model, build_variant(variant), args.out / "ablations" / args.ablation)
        return metrics

    save_for_inference(model, build_cnn(), args.out)
    if real:
        ood.save(args.out)  # the "unlike anything it trained on" score (model.ood)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    write_figures(args.out, metrics)
    write_card(args.out, metrics)
    save_test_samples(args.out, x_test, y_test, probs, args.seed)
    save_examples(args.out, x_test, y_test)
    playground.write_subset(args.out, x_train, y_train, train_idx, val_idx)  # the Playground's live runs train on these
    print(f"wrote {args.out}/")
    if args.push_to_hub:
        print(push_model(args.out, args.push_to_hub, private=args.private, message=args.commit_message))
    return metrics


if __name__ == "__main__":
    main()
