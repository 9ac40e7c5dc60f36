"""Seed spread of a ``train.py --folds`` run: each fold fine-tuned again with other seeds, and their weights averaged.

    python train.py --real-photos DIR --init model/weights/fashion-mnist-only --folds 3 --out /tmp/cvc
    python -m benchmarks.fold_seeds DIR --cv /tmp/cvc/real_photos_cv.npz --seeds 2      # roughly 30 min on 2 cores (estimated)
    python -m benchmarks.test_time_views DIR --cv /tmp/cvc/seed1/real_photos_cv.npz     # then each run's numbers

Fold k of the run was fine-tuned with seed SEED + k. Here it is fine-tuned again with SEED + k + 1000 r for r = 1 ..
SEEDS (with ``--real-variation pixels`` the seed moves the copies' variation, the order and the training
augmentation; dropout follows Keras's global random state; the photos, the left-out garment and family and the
generated outliers stay the fold's), into ``seed{r}/fold{k}.keras`` beside the folds file; a fold model already
there is kept, not trained again (nor checked). SEED, the batch size and the phase-1 model (``--init``) are those
the folds file records (for runs before they were recorded: the flags, else train.py's seed and batch size and
model/weights/fashion-mnist-only; it prints which, and records where the seed came from as ``base_seed_from``); a
flag that disagrees with the file is an error, and so is a folds file this script wrote. A recorded phase-1 model
that is not on this machine is needed only to train a seed's fold model: then ``--init`` replaces it (the written
record keeps the first as ``init_recorded``); the recipe's copies, epochs,
variation, targets and outliers are the file's too, everything else (learning rate, augmentation, the "unlike"
score's sizes) today's. Each seed's fold models, and the average of all
seeds' weights fold by fold (a "model soup", Wortsman et al. 2022: one network, not an ensemble), are then
measured as ``train.py --folds`` measures its own, into ``seed{r}/real_photos_cv.npz`` and
``soup/real_photos_cv.npz``. The "unlike" score is refitted on each model's own features.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

import train
from model.data import VALIDATION_SIZE, load_fashion_mnist, validation_split
from model.outliers import FAMILIES
from model.real_photos import ACCEPTED, list_photos


def measure(model, k: int, cv: dict, fm: tuple, photos: list, train_rows: list[int]) -> None:
    """Fold K's rows of the folds file CV (its held-out photos, the left-out garment, the generated pictures and
    its reference features), answered by MODEL instead, as ``train.cross_validate`` answers them."""
    read = train.reader(model)
    x_real = cv["photo_pixels"]
    ood, (features, labels, real) = train.fit_feature_distance(
        read, fm[0], fm[1], x_real[train_rows], [photos[i] for i in train_rows]
    )
    keep = real | (np.cumsum(~real) <= train.CV_REFERENCE_FM)
    ref = cv["reference_fold"] == k
    cv["reference_features"][ref] = features[keep].astype(np.float16)
    cv["reference_labels"][ref] = labels[keep]
    for part in ("row", "generated"):
        mine = cv[f"{part}_fold"] == k
        x = x_real[cv["row_index"][mine]] if part == "row" else cv["generated_pixels"][mine]
        probs, feats, logits = read(x)
        cv[f"{part}_probs"][mine] = probs
        cv[f"{part}_features"][mine] = feats.astype(np.float16)
        cv[f"{part}_logits"][mine] = logits
        cv[f"{part}_probs_flipped"][mine] = read(x[:, :, ::-1])[0]
        cv[f"{part}_percentile"][mine] = ood.percentile(ood.distances(feats))


def main(argv: list[str] | None = None) -> list[Path]:
    import keras

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="the photos the folds file was trained on")
    parser.add_argument("--cv", type=Path, required=True, help="real_photos_cv.npz, fold{k}.keras beside it")
    parser.add_argument("--seeds", type=int, default=2, help="more seeds per fold (default: %(default)s)")
    parser.add_argument("--init", type=Path, help="the phase-1 model, if the folds file does not record it")
    parser.add_argument("--data-dir", type=Path, help="folder with the four Fashion-MNIST IDX .gz files")
    parser.add_argument("--seed", type=int, help="the run's seed, if its folds file does not record it")
    parser.add_argument("--batch-size", type=int, help="the run's batch size, if its folds file does not record it")
    args = parser.parse_args(argv)
    with np.load(args.cv, allow_pickle=False) as data:
        base = {k: data[k] for k in data.files}
    record = json.loads(str(base["folds"]))
    own = "base_seed" in record or any("seed" in f or "weight_average_of_seeds" in f for f in record["folds"])
    if own:
        raise SystemExit(f"{args.cv} was written by fold_seeds itself: give it the first run's folds file")
    if re.fullmatch(r"seed\d+|soup", args.cv.resolve().parent.name):  # older output of this script carried no mark
        raise SystemExit(f"{args.cv} is in a folder fold_seeds writes to: give it the first run's folds file")
    recorded = Path(record["init"]) if "init" in record else None
    to_train = [
        (r, k)
        for r in range(1, args.seeds + 1)
        for k in range(len(record["folds"]))
        if not (args.cv.parent / f"seed{r}" / f"fold{k}.keras").exists()
    ]
    replaced = None  # the recorded phase-1 model, where --init stands in for it
    if recorded is not None and not recorded.exists():
        if args.init is None and to_train:
            raise SystemExit(f"the phase-1 model {recorded} that {args.cv} records is not here: give --init")
        if args.init is not None:
            print(f"the recorded phase-1 model {recorded} is not here: --init {args.init} used instead")
            replaced, recorded = str(recorded), None
        else:
            print(f"the recorded phase-1 model {recorded} is not here; every seed's fold model is, so none is trained")
    if recorded is not None and args.init is not None and recorded.resolve() != args.init.resolve():
        raise SystemExit(f"--init {args.init} disagrees with the {record['init']} {args.cv} records")
    init = (recorded or args.init or Path("model/weights/fashion-mnist-only")).resolve()
    source = "the folds file" if recorded else "the flag" if args.init else "this script's default"
    print(f"init {init}, from {source}")
    targs = train.parse_args(["--real-photos", str(args.folder), "--init", str(init), "--folds", "2"])
    targs.data_dir = args.data_dir
    # the run's recipe fields and seed, where the folds file records them
    targs.real_copies, targs.real_epochs, targs.real_targets = record["copies"], record["epochs"], record["targets"]
    for key, flag in (("seed", args.seed), ("batch_size", args.batch_size)):
        if key in record and flag is not None and flag != record[key]:
            raise SystemExit(f"--{key.replace('_', '-')} {flag} disagrees with the {record[key]} {args.cv} records")
        value = record.get(key, flag if flag is not None else getattr(targs, key))
        source = "the folds file" if key in record else ("the flag" if flag is not None else "train.py's default")
        print(f"{key} {value}, from {source}")
        setattr(targs, key, value)
        if key == "seed":
            seed_source = source
    targs.outliers, targs.real_variation = record["outliers"], record["variation"]
    photos = list_photos(args.folder)
    if [f"{p.folder}/{p.path.name}" for p in photos] != list(base["photo"]):
        raise SystemExit(f"{args.cv} was trained on other photos, or in another order, than the folder given")
    keras.utils.set_random_seed(targs.seed)
    (x_train, y_train), (x_test, y_test) = load_fashion_mnist(targs.data_dir)
    x_train = x_train[..., None]
    val_idx, train_idx = validation_split(len(x_train), targs.seed, VALIDATION_SIZE)
    fm = (x_train[train_idx], y_train[train_idx], x_train[val_idx], y_train[val_idx])
    outside = [f for f in ACCEPTED if not ACCEPTED[f]]
    folds = base["photo_fold"]
    x_varied = train.varied_copies(targs, photos)  # None unless the run varied the photos themselves
    runs = {
        name: {k: v.copy() for k, v in base.items()}
        for name in [*(f"seed{r}" for r in range(1, args.seeds + 1)), "soup"]
    }
    records = {name: json.loads(str(base["folds"])) for name in runs}
    for k in range(len(record["folds"])):
        left_type, left_family = outside[k % len(outside)], FAMILIES[k % len(FAMILIES)]
        train_rows = [i for i, p in enumerate(photos) if folds[i] != k and p.folder != left_type]
        models = [keras.saving.load_model(args.cv.parent / f"fold{k}.keras", compile=False)]
        for r in range(1, args.seeds + 1):
            path = args.cv.parent / f"seed{r}" / f"fold{k}.keras"
            if not path.exists():
                path.parent.mkdir(exist_ok=True)
                model = keras.saving.load_model(targs.init, safe_mode=True, compile=False)
                families = [f for f in FAMILIES if f != left_family]
                x_out = train.make_outliers(
                    [photos[i] for i in train_rows], fm, targs.outliers, targs.seed + 100 * k, families
                )
                x_real = base["photo_pixels"][train_rows]
                seed = targs.seed + k + 1000 * r
                varied = None if x_varied is None else x_varied[:, train_rows]
                train.fine_tune(model, targs, fm, x_real, [photos[i] for i in train_rows], x_out, seed, varied)
                model.save(path)
            models.append(keras.saving.load_model(path, compile=False))
        soup = keras.models.clone_model(models[0])
        soup.set_weights([np.mean(w, axis=0) for w in zip(*[m.get_weights() for m in models], strict=True)])
        for name, model in [*((f"seed{r}", models[r]) for r in range(1, args.seeds + 1)), ("soup", soup)]:
            measure(model, k, runs[name], fm, photos, train_rows)
            accuracy = float((model.predict(x_test[..., None], batch_size=1000, verbose=0).argmax(1) == y_test).mean())
            fold = records[name]["folds"][k]
            for key in ("history", "train_seconds"):  # the first run's fine-tune, not this model's
                fold.pop(key, None)
            fold["fashion_mnist_test_accuracy"] = accuracy
            if name == "soup":
                fold["weight_average_of_seeds"] = [targs.seed + k + 1000 * r for r in range(args.seeds + 1)]
            else:
                fold["seed"] = targs.seed + k + 1000 * int(name.removeprefix("seed"))
            if name == "soup":
                (args.cv.parent / "soup").mkdir(exist_ok=True)
                model.save(args.cv.parent / "soup" / f"fold{k}.keras")
            print(f"fold {k}, {name}: Fashion-MNIST test {accuracy:.2%}", flush=True)
    written = []
    for name, cv in runs.items():
        records[name]["base_seed"] = records[name].pop("seed", targs.seed)  # each fold's own seed is in its record
        records[name]["base_seed_from"] = seed_source  # a file from before seeds were recorded: the flag or default
        records[name]["init"] = str(init)
        if replaced:
            records[name]["init_recorded"] = replaced  # what the first run recorded, not on this machine
        cv["folds"] = np.array(json.dumps(records[name]))
        out = args.cv.parent / name / "real_photos_cv.npz"
        np.savez_compressed(out, **cv)
        written.append(out)
        print(f"wrote {out}")
    return written


if __name__ == "__main__":
    main()
