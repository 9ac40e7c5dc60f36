"""Deletion test (Petsiuk et al. 2018, arXiv:1806.07421) of the "Where it looked" maps on Fashion-MNIST test images.

    python -m benchmarks.deletion                                     # 500 test images, prints a Markdown table
    python -m benchmarks.deletion --json model/weights/deletion.json  # the table the tab shows (~15 min on 2 cores)
    python -m benchmarks.deletion --model runs/my-model --images 1000 --json runs/my-model/deletion.json
    python -m benchmarks.deletion --empty-grad-cam  # how often Grad-CAM is 0 everywhere, per block3 layer
    python -m benchmarks.deletion --constant-maps --json model/weights/deletion.json  # add only the counts below (~1 min)
    python -m benchmarks.deletion --chance --json model/weights/deletion.json  # add only the chance level below

For each image (a fixed random sample of the 10,000 test images) and the class the model predicts for
it, each map of the tab (``concepts.saliency.saliency_map``, exactly as the tab computes it) orders the
784 pixels, most salient first; removing them 28 at a time (a removed pixel becomes 0, the background)
gives a deletion curve of the class's probability. Its area (0-1, lower = the probability fell sooner)
is compared with two orders that need no model: random pixels, and the brightest pixels first. For
each map it also records how much of its top 10% lies on the garment (pixels above 0), and its Spearman
rank correlation with the same map computed on the model with every layer's weights re-drawn (Adebayo
et al. 2018): near 1, the map barely depends on what the model learned. Deterministic: same model,
same seed, same numbers.

Where a map is constant it ranks no pixel above another, so its rank correlation is undefined (None in
the JSON). ``constant_maps`` says which map was constant on those images: the trained model's, the
re-drawn model's, or both (``results[map][key + "_constant"]``). ``garment_share`` is the share of the
images' pixels above 0: where a random order's top 10% lands, on average, to compare with each map's
``top_on_garment``. ``--constant-maps`` adds these two to an existing JSON without measuring again: it
recomputes only the maps of the images whose correlation is undefined (the same images, classes, seed
and re-drawn weights as the full run).

The chance level of the randomization check (``--chance``): a rank correlation of a trained map with a
re-drawn map can be far from 0 for reasons that have nothing to do with this image, e.g. coarse maps that
share a layout. So for the same images, classes, seed and re-drawn weights it correlates image k's trained
map with image k+o's re-drawn map (wrapping round; o in ``CHANCE_OFFSETS``, so 3 pairs per image), for
each map and stage, and adds ``results[map][key + "_chance"]`` (mean |rho|, the share of pairs with
|rho| >= ``CHANCE_RHO``, the 95th percentile of |rho|, the pairs counted) and the per-pair values
``per_image[key + "_chance"][map]`` (all images' pairs for the first offset, then the next). It
also recomputes the same-image correlations from the same maps and stops if they differ from the stored
ones. ``--chance-images N`` uses only the first N images (pairs within them): the JSON says so.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from concepts.deletion import RANDOMIZED, SEED, measure
from concepts.saliency import (
    BASELINES,
    DELETION_STEPS,
    METHODS,
    OCCLUSION_PATCH,
    RANDOM_ORDER,
    SMOOTHGRAD_NOISE,
    SMOOTHGRAD_SAMPLES,
    Explainer,
    RandomizedCascade,
    compared_region,
    rank_correlation,
    saliency_map,
)
from model.data import load_fashion_mnist
from model.inference import DEFAULT_FOLDER, load_folder

IMAGES = 500  # test images measured (the issue asks for at least 500)
CHANCE_RHO = 0.2  # the share of pairs with |rho| at least this (tabs/explain.py's KEPT_RHO) goes in the summary
CHANCE_OFFSETS = (1, 7, 50)  # image k's trained map against image k+o's re-drawn map, for each o


def summarize(rows: list[dict]) -> dict:
    """Means over the images (NaN correlations, from a constant map, left out and counted)."""
    results = {}
    random_auc = np.array([row["auc"][RANDOM_ORDER] for row in rows])
    for name in (*METHODS, *BASELINES):
        auc = np.array([row["auc"][name] for row in rows])
        entry = {
            "auc": round(float(auc.mean()), 4),
            "auc_se": round(float(auc.std(ddof=1) / np.sqrt(len(auc))), 4),
            "beats_random": round(float((auc < random_auc).mean()), 4),
            "curve": [round(float(v), 4) for v in np.mean([row["curve"][name] for row in rows], axis=0)],
        }
        if name in METHODS:
            entry["top_on_garment"] = round(float(np.mean([row["top_on_garment"][name] for row in rows])), 4)
            for key in RANDOMIZED:
                rho = np.array([row[key][name] for row in rows])
                entry[key] = round(float(np.nanmean(rho)), 4)
                entry[f"{key}_undefined"] = int(np.isnan(rho).sum())  # a constant map has no ranks
        results[name] = entry
    return results


def garment_share(images: np.ndarray) -> float:
    """The share of the images' pixels above 0 (on the garment): the expected share of a random order's top 10%."""
    return float((np.asarray(images).reshape(len(images), -1) > 0).mean())


def constant_maps(
    explainer: Explainer, cascade: RandomizedCascade, x_test: np.ndarray, per_image: dict, patch: int
) -> dict[str, dict[str, dict[str, int]]]:
    """Why each undefined rank correlation in ``per_image`` is undefined: {map: {key: {"trained_only": n,
    "redrawn_only": n, "both": n}}}, the trained map constant, the re-drawn model's map constant, or both.

    Only those images are computed again: where the correlation is defined, neither map was constant. The maps
    are the full run's: the same image, class, patch, and re-drawn weights (``cascade`` with the run's seed).
    """
    depths = dict(zip(RANDOMIZED, (1, len(cascade.layers)), strict=True))
    counts = {m: {key: {"trained_only": 0, "redrawn_only": 0, "both": 0} for key in RANDOMIZED} for m in METHODS}
    for k, (index, class_index) in enumerate(zip(per_image["index"], per_image["class"], strict=True)):
        pixels = x_test[index]
        for method in METHODS:
            keys = [key for key in RANDOMIZED if per_image[key][method][k] is None]
            if not keys:
                continue
            explain = partial(saliency_map, pixels=pixels, class_index=class_index, method=method, patch=patch)
            region = compared_region(explainer, method, np.shape(pixels))
            trained = _constant(explain(explainer), region)
            for key in keys:
                redrawn = _constant(cascade.randomized(explain, depths[key]), region)
                if not (trained or redrawn):
                    raise ValueError(f"test image #{index}, {method}, {key}: no constant map, yet no correlation")
                case = "both" if trained and redrawn else "trained_only" if trained else "redrawn_only"
                counts[method][key][case] += 1
                print(f"#{index} {method} {key}: {case}", file=sys.stderr)
    return counts


def _constant(heat: np.ndarray, region: np.ndarray | None = None) -> bool:
    """A map with one value everywhere (in REGION, where maps are compared): it ranks no pixel above another
    (``rank_correlation`` gives NaN)."""
    return bool(np.ptp(heat if region is None else np.asarray(heat)[region]) == 0)


def add_constant_maps(report: dict, counts: dict, share: float) -> dict:
    """``report`` with the counts of ``constant_maps`` and the images' garment share merged in."""
    for method, by_key in counts.items():
        for key, cases in by_key.items():
            assert sum(cases.values()) == report["results"][method][f"{key}_undefined"], (method, key)
            report["results"][method][f"{key}_constant"] = cases
    report["garment_share"] = round(share, 4)
    return report


def chance_level(
    explainer: Explainer, cascade: RandomizedCascade, x_test: np.ndarray, per_image: dict, patch: int, images: int
) -> tuple[dict, dict]:
    """The randomization check's chance level on the first ``images`` of ``per_image``: image k's trained map
    against image k+o's re-drawn map (wrapping round), o in ``CHANCE_OFFSETS`` (those that are not a multiple of
    ``images``: a pair is always two different images), per map and stage. Returns ({map: {key:
    summary}}, {key: {map: per-pair rho}}). The maps are the full run's (same image, class, patch, re-drawn
    weights), which the same-image correlations recomputed here check against the stored ones."""
    depths = dict(zip(RANDOMIZED, (1, len(cascade.layers)), strict=True))
    items = list(zip(per_image["index"][:images], per_image["class"][:images], strict=True))
    offsets = [o for o in CHANCE_OFFSETS if o % len(items)]
    summaries, pairs = {m: {} for m in METHODS}, {key: {} for key in RANDOMIZED}
    for method in METHODS:
        start = time.perf_counter()

        def explain(e, method=method):
            return [saliency_map(e, x_test[index], class_index, method, patch) for index, class_index in items]

        trained = explain(explainer)
        region = compared_region(explainer, method, np.shape(x_test[0]))
        for key in RANDOMIZED:
            redrawn = cascade.randomized(explain, depths[key])
            same = np.array([rank_correlation(t, r, region) for t, r in zip(trained, redrawn, strict=True)])
            stored = np.array([np.nan if v is None else v for v in per_image[key][method][:images]])
            # the maps must be the full run's, up to the round-off tests/test_explain.py's REMEASURED allows
            if not np.array_equal(np.isnan(same), np.isnan(stored)) or np.nanmax(np.abs(same - stored)) > 0.005:
                raise SystemExit(f"{method}, {key}: the recomputed maps are not the full run's: run the full benchmark")
            n = len(items)
            rho = np.array(
                [rank_correlation(trained[k], redrawn[(k + o) % n], region) for o in offsets for k in range(n)]
            )
            size = np.abs(rho[~np.isnan(rho)])
            summaries[method][key] = {
                "pairing": "image k's trained map with image k+o's re-drawn map, wrapping round",
                "offsets": offsets,
                "images": len(items),
                "pairs": int(size.size),
                "undefined": int(np.isnan(rho).sum()),
                "mean": round(float(np.nanmean(rho)), 4),
                "mean_abs": round(float(size.mean()), 4),
                "share_kept": round(float((size >= CHANCE_RHO).mean()), 4),
                "threshold": CHANCE_RHO,
                "p95_abs": round(float(np.percentile(size, 95)), 4),
            }
            pairs[key][method] = [_number(v) for v in rho]
            print(f"{method} {key}: {summaries[method][key]}", file=sys.stderr)
        print(f"{method}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return summaries, pairs


def _number(value: float) -> float | None:
    """A per-image value for the JSON: 5 decimals, None for NaN (a constant map has no rank correlation)."""
    return None if np.isnan(value) else round(float(value), 5)


def markdown(report: dict) -> str:
    lines = [
        "| map | deletion area (lower: fell sooner) | beats random on | top 10% on the garment "
        "| mean signed rank corr., top layer re-drawn | mean signed rank corr., all layers re-drawn |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in report["results"].items():
        cells = [
            f"{r['auc']:.3f} ± {r['auc_se']:.3f}",
            "—" if name == RANDOM_ORDER else f"{r['beats_random']:.0%} of images",
        ]
        if name in METHODS:
            cells += [f"{r['top_on_garment']:.0%}", *(f"{r[key]:.2f}" for key in RANDOMIZED)]
        else:
            cells += ["—"] * 3
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def empty_grad_cams(model, images: np.ndarray) -> dict[str, float]:
    """Share of images whose Grad-CAM (predicted class) is 0 everywhere, on each conv layer's output and after its
    ReLU: why the tab uses the last Conv2D's output (``concepts.saliency.last_conv_layer``)."""
    classes = model.probabilities(images).argmax(axis=1)
    layers = [layer.name for layer in model.keras_model.layers if layer.name.startswith("block3_")]
    shares = {}
    for layer in (name for name in layers if "conv" in name or "relu" in name):
        maps = Explainer(model.keras_model, layer).grad_cam(images, classes)
        shares[layer] = float((maps.reshape(len(images), -1).max(axis=1) <= 0).mean())
    return shares


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER, help="model folder (default: the shipped one)")
    parser.add_argument("--images", type=int, default=IMAGES, help="test images to measure (default: %(default)s)")
    parser.add_argument("--patch", type=int, default=OCCLUSION_PATCH, help="occlusion patch (default: %(default)s)")
    parser.add_argument("--data-dir", help="folder with the Fashion-MNIST IDX files (default: the usual places)")
    parser.add_argument("--json", type=Path, help="also write the results here (the tab reads MODEL/deletion.json)")
    parser.add_argument(
        "--constant-maps",
        action="store_true",
        help="only add to --json which map was constant where a correlation is undefined, and the garment share",
    )
    parser.add_argument(
        "--chance",
        action="store_true",
        help="only add to --json the randomization check's chance level (image k's trained map, image k+o's re-drawn)",
    )
    parser.add_argument(
        "--chance-images", type=int, help="with --chance: only the first N images of --json (default: all)"
    )
    parser.add_argument(
        "--empty-grad-cam", action="store_true", help="only print how often Grad-CAM is empty, per layer"
    )
    args = parser.parse_args(argv)

    model = load_folder(args.model)
    x_test, _ = load_fashion_mnist(args.data_dir)[1]
    indices = np.sort(np.random.default_rng(SEED).choice(len(x_test), args.images, replace=False))
    if args.empty_grad_cam:
        shares = empty_grad_cams(model, x_test[indices])
        print(
            "| layer | Grad-CAM 0 everywhere |\n|---|---|\n"
            + "\n".join(f"| `{k}` | {v:.1%} |" for k, v in shares.items())
        )
        return shares
    explainer, cascade = Explainer(model.keras_model), RandomizedCascade(model.keras_model, seed=SEED)
    if args.constant_maps:
        command = "python -m benchmarks.deletion " + " ".join(argv if argv is not None else sys.argv[1:])
        return _merge_constant_maps(args, command, model, explainer, cascade, x_test)
    if args.chance:
        command = "python -m benchmarks.deletion " + " ".join(argv if argv is not None else sys.argv[1:])
        return _merge_chance(args, command, model, explainer, cascade, x_test)
    start = time.perf_counter()
    rows = []
    for k, index in enumerate(indices):
        rows.append(measure(explainer, cascade, x_test[index], int(index), args.patch))
        if (k + 1) % 50 == 0:
            print(f"{k + 1}/{len(indices)} images, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    report = {
        "command": "python -m benchmarks.deletion " + " ".join(argv if argv is not None else sys.argv[1:]),
        "weights_sha256": model.weights_sha256,
        "images": len(rows),
        "seed": SEED,
        "steps": DELETION_STEPS,
        "pixels_per_step": int(np.ceil(x_test[0].size / DELETION_STEPS)),
        "removed_value": 0,
        "occlusion_patch": args.patch,
        "grad_cam_layer": explainer.layer,
        "smoothgrad": {"samples": SMOOTHGRAD_SAMPLES, "noise": SMOOTHGRAD_NOISE},
        "randomized_layers": cascade.layers,
        "results": summarize(rows),
        "per_image": {
            "index": [row["index"] for row in rows],
            "class": [row["class"] for row in rows],
            **{
                key: {name: [_number(row[key][name]) for row in rows] for name in rows[0][key]}
                for key in ("auc", "top_on_garment", *RANDOMIZED)
            },
        },
    }
    counts = constant_maps(explainer, cascade, x_test, report["per_image"], args.patch)
    add_constant_maps(report, counts, garment_share(x_test[indices]))
    print(markdown(report))
    print(f"{len(rows)} images in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


def _existing(args, model, explainer, x_test: np.ndarray, flag: str) -> dict:
    """The --json report a merge-only flag adds to, checked to be this model's, seed's and classes'."""
    if args.json is None:
        raise SystemExit(f"{flag} needs --json: the deletion.json whose images it uses")
    report = json.loads(args.json.read_text(encoding="utf-8"))
    if report["weights_sha256"] != model.weights_sha256 or report["seed"] != SEED:
        raise SystemExit(f"{args.json} was measured on other weights or another seed: run the full benchmark")
    predicted = explainer.probabilities(x_test[report["per_image"]["index"]]).argmax(axis=1)  # as measure() does
    if predicted.tolist() != report["per_image"]["class"]:
        raise SystemExit(f"{args.json}'s classes are not this model's predictions: run the full benchmark")
    return report


def _merge_chance(args, command: str, model, explainer, cascade, x_test: np.ndarray) -> dict:
    """``--chance``: the chance level for the images of an existing --json, merged into it (new keys only)."""
    report = _existing(args, model, explainer, x_test, "--chance")
    images = min(args.chance_images or report["images"], report["images"])
    summaries, pairs = chance_level(explainer, cascade, x_test, report["per_image"], report["occlusion_patch"], images)
    for method, by_key in summaries.items():
        for key, summary in by_key.items():
            report["results"][method][f"{key}_chance"] = summary
    for key, by_method in pairs.items():
        report["per_image"][f"{key}_chance"] = by_method
    report["chance_command"] = command
    args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


def _merge_constant_maps(args, command: str, model, explainer, cascade, x_test: np.ndarray) -> dict:
    """``--constant-maps``: the counts for the images of an existing --json, merged into it."""
    report = _existing(args, model, explainer, x_test, "--constant-maps")
    per_image = report["per_image"]
    counts = constant_maps(explainer, cascade, x_test, per_image, report["occlusion_patch"])
    add_constant_maps(report, counts, garment_share(x_test[per_image["index"]]))
    report["constant_maps_command"] = command
    args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({m: {k: report["results"][m][f"{k}_constant"] for k in RANDOMIZED} for m in METHODS}, indent=1))
    print(f"garment share {report['garment_share']:.1%}")
    return report


if __name__ == "__main__":
    main()
