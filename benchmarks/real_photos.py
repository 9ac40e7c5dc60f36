"""How often real phone photos of clothes are answered right, measured so that it predicts a new user's photos.

    python train.py --real-photos DIR --init model/weights/fashion-mnist-only --folds 3 --out /tmp/cv   # ~35 min
    python -m benchmarks.test_time_views DIR --cv /tmp/cv/real_photos_cv.npz      # adds the 6 views' answers
    python -m benchmarks.real_photos DIR --cv /tmp/cv/real_photos_cv.views.npz [more seeds' *.views.npz] \
        --unlike-cv /tmp/cv/real_photos_cv.views.npz --json model/weights/real_photos.json
    python -m benchmarks.real_photos DIR            # the shipped model on photos it never saw (e.g. validation/)
    python -m benchmarks.real_photos DIR --recipes /tmp/cv/real_photos_cv.npz /tmp/cv_e8_c5/real_photos_cv.npz \
        --json model/weights/real_photos.json       # which recipe: adds "recipe_choice" to an existing JSON

DIR has the layout of clothing-dataset-small (git clone https://github.com/alexeygrigorev/clothing-dataset-small):
a folder per class, judged by that dataset's mapping (``model.real_photos.ACCEPTED``).

With ``--cv``: the grouped cross-validation train.py ran (no photographer on both sides of a fold). It reports,
mean +- sd over the folds, top-1 (the most likely class is an accepted one; several are accepted for shirts,
long sleeves and shoes), right and sure (that, and not "Not sure"), and "Not sure" on hats, shorts and skirts
(the two each fold trained on as outliers, on its held-out photographers); then leave-one-out: "Not sure" on the
garment each fold never saw and on the generated family it never saw. It chooses the two "Not sure" thresholds
(top probability, and how unlike the training photos the features are) from these folds only, and writes the
risk-coverage points the Classify tab draws. The Fashion-MNIST-only model and the naive demo, which never
trained on any photo, are measured on every photo of DIR.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from benchmarks.naive_app import naive_pixels
from model import ood
from model.data import CLASS_NAMES, GROUPS, group_matrix, group_probability
from model.inference import (
    DEFAULT_FOLDER,
    TEST_TIME_FLIP,
    TEST_TIME_VIEWS,
    UNLIKE_ABOVE,
    UNSURE_BELOW,
    load_folder,
    unsure,
)
from model.preprocess import load_and_preprocess
from model.real_photos import (
    ACCEPTED,
    MIN_UNSURE,
    SHOE_KIND_CLASS,
    SHOE_KINDS_FILE,
    list_photos,
    read_senders,
    read_shoe_kinds,
    recipe_outliers,
    score,
)

PROBABILITY_GRID = tuple(round(t, 2) for t in np.arange(0.30, 0.86, 0.05))  # "Not sure" below this top probability
UNLIKE_GRID = (0.9, 0.95, 0.975, 0.99, 0.995, 1.0)  # ... or more unusual than this share of training photos (1 = off)
# What the thresholds must keep, on the folds: "Not sure" for hats, shorts and skirts of new photographers, for
# the garment a fold never saw, and for the generated family it never saw (the stand-in for "not clothes at all"). Among the choices that keep
# both, the one with most right-and-sure answers; if none does, the one closest to keeping them.
MIN_UNSURE_OUTSIDE = MIN_UNSURE["unsure_outside"]  # model/real_photos.py: the tabs name them too
MIN_UNSURE_UNSEEN_GARMENT = MIN_UNSURE["unsure_unseen_garment"]
MIN_UNSURE_UNSEEN_FAMILY = MIN_UNSURE["unsure_unseen_family"]
CURVE = tuple(round(t, 2) for t in np.arange(0.10, 0.96, 0.01))  # the risk-coverage curve's thresholds
FINE = tuple(round(t, 3) for t in np.arange(0.100, 0.9505, 0.001))  # the probability alone at the rule's cost
OUTSIDE = tuple(f for f in ACCEPTED if not ACCEPTED[f])


def naive_input(path: Path) -> np.ndarray:
    """What gr.Image hands the naive demo: the decoded, upright RGB photo."""
    with Image.open(path) as img:
        return naive_pixels(ImageOps.exif_transpose(img).convert("RGB"))


def fold_scores(cv: dict, below: float, unlike: float, groups: tuple | None = None) -> list[dict]:
    """Each fold's numbers under the two thresholds. GROUPS: None for the app's rule (``unsure``: the top class's
    probability summed over its group, model.data.GROUPS); else groups of class names to sum over instead, () for
    the rule before groups, the top class's own probability (``top_class_rule``, ``groupings``)."""
    rule = unsure if groups is None else _rule_over(groups)
    accepted = [ACCEPTED[f] for f in cv["folder"]]
    out = []
    for k, record in enumerate(cv["folds"]):
        rows = cv["row_fold"] == k
        idx, probs, pct = cv["row_index"][rows], cv["row_probs"][rows], cv["row_percentile"][rows]
        held = cv["row_kind"][rows] == "held-out photographer"
        folder = cv["folder"][idx]
        no = rule(probs, pct, below, unlike)
        best = probs.argmax(axis=1)
        right = np.array([b in accepted[i] for b, i in zip(best, idx, strict=True)])
        known = held & np.array([bool(accepted[i]) for i in idx])
        trained_outside = held & np.isin(folder, OUTSIDE) & (folder != record["left_out_garment"])
        unseen = folder == record["left_out_garment"]
        gen = cv["generated_fold"] == k
        gen_no = rule(cv["generated_probs"][gen], cv["generated_percentile"][gen], below, unlike)
        gen_held = cv["generated_held_out"][gen]
        out.append(
            {
                "top1": float(right[known].mean()),
                "right_and_sure": float((right & ~no)[known].mean()),
                "unsure_outside": float(no[trained_outside].mean()),
                "unsure_unseen_garment": float(no[unseen].mean()),
                "unsure_unseen_family": float(gen_no[gen_held].mean()),
                "unsure_seen_families": float(gen_no[~gen_held].mean()),
                # photos of the ten by new photographers that the "unlike" rule alone holds back
                "unlike_known": float((pct > unlike)[known].mean()),
                "per_folder": {
                    f: float((right if ACCEPTED[f] else no)[held & (folder == f)].mean())
                    for f in ACCEPTED
                    if (held & (folder == f)).any()
                },
            }
        )
    return out


def _rule_over(groups: tuple):
    """The "Not sure" rule with the top class's probability summed over its group among GROUPS (tuples of class
    names; a class in none alone): () is the rule the app had until 2026-12-06, the top class's own probability."""
    same = group_matrix(groups)

    def rule(probs: np.ndarray, unusual: np.ndarray, below: float, unlike: float) -> np.ndarray:
        return (group_probability(probs, same) < below) | (np.asarray(unusual) > unlike)

    return rule


# groupings of look-alike classes tried for the rule on the same runs (``groupings``): the app's first
GROUPINGS = {
    "upper-body garments; footwear (the app's)": tuple(GROUPS.values()),
    "the rule before groups (the top class alone)": (),
    "dresses among the upper-body garments": (
        ("T-shirt/top", "Pullover", "Dress", "Coat", "Shirt"),
        GROUPS["footwear"],
    ),
    "T-shirts with shirts, pullovers with coats": (("T-shirt/top", "Shirt"), ("Pullover", "Coat"), GROUPS["footwear"]),
    "coats apart": (("T-shirt/top", "Pullover", "Shirt"), GROUPS["footwear"]),
    "footwear alone": (GROUPS["footwear"],),
    "bags with footwear": (GROUPS["upper-body garment"], (*GROUPS["footwear"], "Bag")),
}


def summary(scores: list[dict]) -> dict:
    """mean, sd and per-fold values of every number in SCORES."""
    keys = [k for k in scores[0] if k != "per_folder"]
    result = {k: _stats([s[k] for s in scores]) for k in keys}
    result["per_folder"] = {
        f: _stats([s["per_folder"].get(f, np.nan) for s in scores]) for f in scores[0]["per_folder"]
    }
    return result


def _stats(values: list[float]) -> dict:
    values = np.asarray(values, dtype=float)
    return {"mean": float(np.nanmean(values)), "sd": float(np.nanstd(values, ddof=1)), "folds": values.tolist()}


def choose(
    cv: dict | list[dict],
    probabilities: tuple = PROBABILITY_GRID,
    cuts: tuple = UNLIKE_GRID,
    groups: tuple | None = None,
) -> tuple[float, float, list[dict]]:
    """The (probability, unlike) thresholds with most right-and-sure answers that keep the minimums, and the grid.

    Chosen on the folds' mean: of one run, or of several runs of the same folds (other fine-tune seeds) pooled,
    every fold model of each counted once. The final model is then trained on every photo, so these are its
    settings, not its score."""
    runs = cv if isinstance(cv, list) else [cv]
    grid = []
    for below in probabilities:
        for unlike in cuts:
            s = summary([score for run in runs for score in fold_scores(run, below, unlike, groups)])
            grid.append(
                {
                    "unsure_below": below,
                    "unlike_above": unlike,
                    **{k: v["mean"] for k, v in s.items() if k != "per_folder"},
                }
            )

    best = _best(grid)
    return best["unsure_below"], best["unlike_above"], grid


def _best(grid: list[dict]) -> dict:
    """``choose``'s pick: the first grid point by ``_rank`` among those that keep the "unlike" rule on (a cut under
    1). Its reason, unlike the training photos, is the only one that does not rest on the ten classes, so the search
    chooses its cut, not whether to have it; the grid's cut of 1 (off) still shows what it costs."""
    return min([g for g in grid if g["unlike_above"] < 1.0] or grid, key=_rank)


def _rank(g: dict) -> tuple:
    """``choose``'s order of grid points (lowest first): the shortfall under the minimums, then right-and-sure."""
    return (round(_shortfall(g), 4), -g["right_and_sure"])


def chosen_point(
    cv: dict | list[dict],
    probabilities: tuple = PROBABILITY_GRID,
    cuts: tuple = UNLIKE_GRID,
    groups: tuple | None = None,
) -> dict:
    """The grid point ``choose`` picks (its thresholds and the folds' means there), with its shortfall."""
    below, unlike, grid = choose(cv, probabilities, cuts, groups)
    point = next(g for g in grid if g["unsure_below"] == below and g["unlike_above"] == unlike)
    return {**point, "shortfall": round(_shortfall(point), 4)}


def _shortfall(g: dict) -> float:
    """How far the mean "Not sure" rates of one grid point fall below the minimums (0: all kept)."""
    return (
        max(0.0, MIN_UNSURE_OUTSIDE - g["unsure_outside"])
        + max(0.0, MIN_UNSURE_UNSEEN_GARMENT - g["unsure_unseen_garment"])
        + max(0.0, MIN_UNSURE_UNSEEN_FAMILY - g["unsure_unseen_family"])
    )


def risk_coverage(cv: dict, unlike: float) -> list[dict]:
    """On held-out photographers' photos, for each probability threshold: the share the app answers, the share
    of those answers that are wrong, and the share of hats, shorts and skirts it answers (every such answer is wrong)."""
    held = cv["row_kind"] == "held-out photographer"
    idx = cv["row_index"][held]
    probs, pct = cv["row_probs"][held], cv["row_percentile"][held]
    accepted = [ACCEPTED[f] for f in cv["folder"][idx]]
    known = np.array([bool(a) for a in accepted])
    right = np.array([b in a for b, a in zip(probs.argmax(axis=1), accepted, strict=True)])
    points = []
    for t in CURVE:
        answered = ~unsure(probs, pct, t, unlike)
        n = int((answered & known).sum())
        points.append(
            {
                "threshold": t,
                "coverage": float((answered & known).sum() / known.sum()),
                "risk": float((answered & known & ~right).sum() / n) if n else 0.0,
                "outside_answered": float(answered[~known].mean()),
            }
        )
    return points


def load_cv(path: Path, flip: bool = TEST_TIME_FLIP, views: bool = TEST_TIME_VIEWS) -> dict:
    """A ``train.py --folds`` file, its "unlike" percentiles recomputed with today's ``model.ood`` score from each
    fold's kept features (``has_score``); a run that kept no features cannot show that rule (percentiles 0).
    VIEWS: answered over the turned views ``benchmarks.test_time_views`` added (``*_probs_views``), if any."""
    with np.load(path, allow_pickle=False) as data:
        cv = {k: data[k] for k in data.files}
    recipe = json.loads(str(cv["folds"]))
    cv["folds"] = recipe["folds"]
    cv["recipe"] = {  # runs before --real-variation varied the 28x28 conversions
        "copies": recipe["copies"],
        "epochs": recipe["epochs"],
        "variation": recipe.get("variation", "pixels"),
        "targets": recipe.get("targets", "any-of"),  # runs before --real-targets committed asked for the total
        "outliers": recipe_outliers(recipe),
    }
    cv["has_score"] = "reference_features" in cv
    # the mirror pair, as the app answers an input it does not cut out; replaced below by the 6 views where the file
    # has them, as the app answers a cut-out photo
    cv["flipped"] = flip and "row_probs_flipped" in cv
    if cv["flipped"]:
        for part in ("row", "generated"):
            cv[f"{part}_probs"] = (cv[f"{part}_probs"] + cv[f"{part}_probs_flipped"]) / 2
    cv["views"] = views and "row_probs_views" in cv
    if cv["views"]:
        for part in ("row", "generated"):
            cv[f"{part}_probs"] = cv[f"{part}_probs_views"]
    if not cv["has_score"]:
        cv["row_percentile"] = np.zeros(len(cv["row_kind"]))
        cv["generated_percentile"] = np.zeros(len(cv["generated_fold"]))
        return cv
    for k in range(len(cv["folds"])):
        ref = cv["reference_fold"] == k
        features, labels = cv["reference_features"][ref].astype(np.float64), cv["reference_labels"][ref]
        score = ood.fit(features, labels, features[cv["reference_real"][ref]])
        for part in ("row", "generated"):
            mine = cv[f"{part}_fold"] == k
            distance = score.distances(cv[f"{part}_features"][mine].astype(np.float64))
            cv[f"{part}_percentile"][mine] = score.percentile(distance)
    return cv


def report_flip(paths: list[Path]) -> dict | None:
    """Test-time flipping, and the turned views where the run has them, on the folds of the first of PATHS: each way
    with the thresholds chosen for it on all of PATHS pooled (None if the run kept no mirrored answers). What decided
    ``model.inference.TEST_TIME_FLIP`` and ``TEST_TIME_VIEWS``."""
    path, ways = paths[0], {}
    for name, flip, views in (("one pass", False, False), ("mirror averaged", True, False), ("6 views", True, True)):
        cv = load_cv(path, flip, views)
        if flip and not cv["flipped"]:
            return None
        if views and not cv["views"]:
            break
        at_app = summary(fold_scores(cv, UNSURE_BELOW, UNLIKE_ABOVE))
        pool = [cv] + [load_cv(p, flip, views) for p in paths[1:]]
        ways[name] = {**at_chosen(cv, pool), "at_app_thresholds": {k: at_app[k] for k in KEYS}}
    print(f"\nTest-time flipping on {path}, at the app's thresholds:")
    print("| mean ± sd over folds | " + " | ".join(ways) + " |\n|---|" + "---|" * len(ways))
    for key in KEYS:
        print(f"| {key} | " + " | ".join(_pm(w["at_app_thresholds"][key]) for w in ways.values()) + " |")
    print_chosen(f"Test-time flipping on {path}, each way at the thresholds chosen for it:", ways)
    return ways


def at_chosen(cv: dict, pool: list[dict] | None = None) -> dict:
    """One way of answering the folds (CV as ``load_cv`` gives it) at the two thresholds the rule chooses for it: on
    CV's own folds, or on POOL (runs of the same folds, the same way, CV among them)."""
    below, unlike, _ = choose(pool or cv)
    scores = summary(fold_scores(cv, below, unlike))
    way = {"unsure_below": below, "unlike_above": unlike, **{k: scores[k] for k in KEYS}}
    if pool:  # what the choice between ways ranks, as the thresholds were chosen: every run's fold models pooled
        pooled = summary([s for run in pool for s in fold_scores(run, below, unlike)])
        way["pooled"] = {k: {"mean": pooled[k]["mean"]} for k in KEYS}
    return way


def print_chosen(title: str, ways: dict) -> None:
    """A markdown table of WAYS (name -> ``at_chosen``): their thresholds, then mean ± sd of each of KEYS."""
    print(f"\n{title}")
    print("| mean ± sd over folds | " + " | ".join(ways) + " |\n|---|" + "---|" * len(ways))
    print(
        "| thresholds | "
        + " | ".join(f"{w['unsure_below']:.2f}, {w['unlike_above']:.1%}" for w in ways.values())
        + " |"
    )
    for key in KEYS:
        print(f"| {key} | " + " | ".join(_pm(w[key]) for w in ways.values()) + " |")


# what --recipes can write: the recipe choice (on a first run of the folds), and target variants tried after it
RECIPE_KEYS = ("recipe_choice", "targets_tried")
KEYS = ("top1", "right_and_sure", "unsure_outside", "unsure_unseen_garment", "unsure_unseen_family")


def auroc(known: np.ndarray, unseen: np.ndarray) -> float:
    """The chance that a random KNOWN input scores higher (more "in") than a random UNSEEN one; ties count half."""
    _, which, counts = np.unique(np.concatenate([known, unseen]), return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[which]  # 1-based ranks, tied scores sharing their average
    return float((ranks[: len(known)].sum() - len(known) * (len(known) + 1) / 2) / (len(known) * len(unseen)))


def _energy(logits: np.ndarray) -> np.ndarray:
    """Liu et al. 2020's energy, -logsumexp: higher = more unusual."""
    top = logits.max(axis=1)
    return -(top + np.log(np.exp(logits - top[:, None]).sum(axis=1)))


LOGIT_SCORES = {  # higher = more unusual, like the Mahalanobis distance
    "energy (Liu et al. 2020)": _energy,
    "max logit (negated)": lambda logits: -logits.max(axis=1),
}


def report_scores(cv: dict) -> dict | None:
    """How well each "in or not" score tells new people's photos of the ten from what a fold never saw (the unseen
    garment; the unseen generated family): AUROC, mean over the folds. None if the run kept no logits."""
    if "row_logits" not in cv:
        return None

    def scores(part: str, rows: np.ndarray) -> dict[str, np.ndarray]:
        logits = cv[f"{part}_logits"][rows].astype(np.float64)
        return {
            "top probability": cv[f"{part}_probs"][rows].max(axis=1),
            "max logit": logits.max(axis=1),
            "energy (negated: logsumexp)": -_energy(logits),
            "relative Mahalanobis (negated)": -cv[f"{part}_percentile"][rows],
        }

    result: dict[str, dict[str, list[float]]] = {}
    for k, record in enumerate(cv["folds"]):
        rows = cv["row_fold"] == k
        folder = cv["folder"][cv["row_index"]]
        known = (
            rows & (cv["row_kind"] == "held-out photographer") & np.isin(folder, [f for f in ACCEPTED if ACCEPTED[f]])
        )
        unseen_garment = rows & (folder == record["left_out_garment"])
        unseen_family = (cv["generated_fold"] == k) & cv["generated_held_out"]
        inside = scores("row", known)
        for name, garment, family in zip(
            inside, scores("row", unseen_garment).values(), scores("generated", unseen_family).values(), strict=True
        ):
            entry = result.setdefault(name, {"unseen garment": [], "unseen family": []})
            entry["unseen garment"].append(auroc(inside[name], garment))
            entry["unseen family"].append(auroc(inside[name], family))
    print(
        "\n| AUROC, mean over folds (photos of the ten vs ...) | the garment never seen | the generated family never seen |"
    )
    print("|---|---|---|")
    for name, entry in result.items():
        print(f"| {name} | {np.mean(entry['unseen garment']):.3f} | {np.mean(entry['unseen family']):.3f} |")
    return {name: {k: _stats(v) for k, v in entry.items()} for name, entry in result.items()}


def _last_layers(path: Path, folds: int) -> list | None:
    """Each fold model's output layer (kernel, bias), from ``fold{k}.keras`` beside PATH; None if one is missing."""
    models = [path.parent / f"fold{k}.keras" for k in range(folds)]
    if not all(m.exists() for m in models):
        return None
    import keras  # only here: the rest of the benchmark runs without loading the fold models

    last = []
    for m in models:
        weights = [layer.get_weights() for layer in keras.saving.load_model(m, compile=False).layers]
        last.append([w for w in weights if w][-1])  # the output layer's kernel and bias
    return last


def _with_score(cv: dict, last: list, measure) -> dict:
    """CV with MEASURE (of the logits) as the "unlike" score: a percentile of each fold's training photos' scores."""
    alt = {
        **cv,
        "row_percentile": cv["row_percentile"].copy(),
        "generated_percentile": cv["generated_percentile"].copy(),
    }
    for k, (kernel, bias) in enumerate(last):
        ref = (cv["reference_fold"] == k) & cv["reference_real"]
        reference = np.sort(measure(cv["reference_features"][ref].astype(np.float64) @ kernel + bias))
        for part in ("row", "generated"):
            mine = cv[f"{part}_fold"] == k
            scores = measure(cv[f"{part}_logits"][mine].astype(np.float64))
            alt[f"{part}_percentile"][mine] = np.searchsorted(reference, scores, side="left") / len(reference)
    return alt


def _second_rule(runs: list[dict]) -> dict:
    """One "unlike" score's thresholds chosen on RUNS pooled, the first run's figures there, and the mean over
    every run's fold models (``pooled``: what the rule ranked scores by, its shortfall under the minimums first)."""
    chosen = chosen_point(runs)
    below, unlike = chosen["unsure_below"], chosen["unlike_above"]
    s = summary(fold_scores(runs[0], below, unlike))
    pooled = {k: chosen[k] for k in (*KEYS, "shortfall")} | {"fold_models": sum(len(r["folds"]) for r in runs)}
    return {"unsure_below": below, "unlike_above": unlike, **{k: s[k] for k in KEYS}, "pooled": pooled}


def report_second_rules(path: Path, cv: dict, pool: list[Path] | None = None) -> dict | None:
    """Energy or max logit in the Mahalanobis score's place as the "unlike" rule: each as a percentile of the fold's
    training photos (their logits from the kept features through the fold model's last layer), both thresholds
    chosen for it by ``choose``, on PATH's folds or on POOL's (runs of the same folds, PATH among them) pooled, and
    scored on PATH's. None unless every run kept its fold models (``fold{k}.keras``)."""
    paths = [path] + [p for p in pool or [] if p != path]
    runs = [cv] + [load_cv(p) for p in paths[1:]]
    layers = [_last_layers(p, len(run["folds"])) for p, run in zip(paths, runs, strict=True)]
    if any(last is None for last in layers):
        return None
    result = {}
    for name, measure in LOGIT_SCORES.items():
        alts = [_with_score(run, last, measure) for run, last in zip(runs, layers, strict=True)]
        result[name] = _second_rule(alts)
    result["relative Mahalanobis (the app's)"] = _second_rule(runs)
    print(
        "\nThe 'unlike' rule's score, each with the thresholds chosen for it on the runs pooled, on the first run's folds:"
    )
    print("| score | thresholds | " + " | ".join(KEYS) + " |\n|---|---|" + "---|" * len(KEYS))
    for name, r in result.items():
        print(
            f"| {name} | {r['unsure_below']:.2f}, {r['unlike_above']:.1%} | "
            + " | ".join(_pm(r[k]) for k in KEYS)
            + f" | pooled: right and sure {r['pooled']['right_and_sure']:.1%}, shortfall {r['pooled']['shortfall']:.4f}"
            + " |"
        )
    return result


def report_unlike(path: Path, pool: list[Path] | None = None) -> dict:
    """What the "unlike" rule adds to the probability threshold, on a CV run that kept its features; the thresholds
    it would choose, on that run's folds, or on POOL's (runs of the same folds, PATH among them) pooled."""
    cv = load_cv(path)
    if not cv["has_score"]:
        raise SystemExit(f"{path} kept no features (train.py before the 'unlike' score): it cannot measure the rule")
    below, unlike, _ = choose([cv] + [load_cv(p) for p in pool or [] if p != path])
    without, with_rule = (summary(fold_scores(cv, UNSURE_BELOW, u)) for u in (1.0, UNLIKE_ABOVE))
    print(f"\nThe 'unlike' rule, on {path} ({cv['recipe']['copies']} copies, {cv['recipe']['epochs']} epochs):")
    print(
        f"chosen there together: below {below:.2f}, unlike above {unlike:.1%}; the app: {UNSURE_BELOW:.2f}, {UNLIKE_ABOVE:.1%}"
    )
    print("| mean ± sd over folds | probability alone | and 'unlike' |\n|---|---|---|")
    for key in ("right_and_sure", "unsure_outside", "unsure_unseen_garment", "unsure_unseen_family"):
        print(f"| {key} | {_pm(without[key])} | {_pm(with_rule[key])} |")
    keys = ("top1", "right_and_sure", "unsure_outside", "unsure_unseen_garment", "unsure_unseen_family", "unlike_known")
    # at equal cost: the probability threshold alone that gives up as many right answers as both rules do
    matched_below = min(  # in 0.1-point steps: the rule may cost less than a 1-point step does (review 125 #1)
        FINE,
        key=lambda t: abs(
            summary(fold_scores(cv, t, 1.0))["right_and_sure"]["mean"] - with_rule["right_and_sure"]["mean"]
        ),
    )
    matched = summary(fold_scores(cv, matched_below, 1.0))
    print(
        f"at equal cost, the probability alone below {matched_below:.1%}: "
        + ", ".join(
            f"{k} {_pm(matched[k])}"
            for k in ("right_and_sure", "unsure_outside", "unsure_unseen_garment", "unsure_unseen_family")
        )
    )
    return {
        "auroc": report_scores(cv),
        "second_rule_scores": report_second_rules(path, cv, pool),
        "recipe": cv["recipe"],
        "chosen": {"unsure_below": below, "unlike_above": unlike},
        "app": {"unsure_below": UNSURE_BELOW, "unlike_above": UNLIKE_ABOVE},  # what "with" was measured at (69a #5)
        "without": {k: without[k] for k in keys},
        "with": {k: with_rule[k] for k in keys},
        "matched": {"unsure_below": matched_below, **{k: matched[k] for k in keys}},
    }


def _recipe_key(recipe: dict) -> tuple:
    return (recipe["epochs"], recipe["copies"], recipe["variation"], recipe["targets"], recipe_outliers(recipe))


def report_recipes(paths: list[Path], seeds_of_a_recipe: bool = False) -> dict:
    """Which recipe (fine-tune epochs, copies, variation): each CV run's thresholds chosen on its own folds by
    ``choose``, then the same rule across runs: the fewest misses of the "Not sure" minimums, then the most
    right-and-sure answers. The recipe train.py ships is marked. Each run is also scored at the app's thresholds
    (``at_app``). SEEDS_OF_A_RECIPE: several runs may share a recipe (other seeds of it, ``benchmarks.fold_seeds``)."""
    keys = ("top1", "right_and_sure", "unsure_outside", "unsure_unseen_garment", "unsure_unseen_family")
    runs, cvs = [], []
    for path in paths:
        cv = load_cv(path)
        cvs.append(cv)
        chosen = chosen_point(cv)
        below, unlike = chosen["unsure_below"], chosen["unlike_above"]
        s = summary(fold_scores(cv, below, unlike))
        app = summary(fold_scores(cv, UNSURE_BELOW, UNLIKE_ABOVE))
        runs.append(
            {
                "run": str(path),
                "at_app": {k: {"mean": app[k]["mean"], "folds": app[k]["folds"]} for k in (*keys, "unlike_known")},
                "per_folder": {f: v["mean"] for f, v in s["per_folder"].items()},
                "read_as": read_as(cv),
                "shoe_kinds": shoe_kinds(cv),
                "recipe": cv["recipe"],
                "folds": len(cv["folds"]),
                "has_unlike_score": cv["has_score"],
                "chosen": {"unsure_below": below, "unlike_above": unlike},
                "shortfall": chosen["shortfall"],
                **{k: {"mean": s[k]["mean"], "sd": s[k]["sd"], "folds": s[k]["folds"]} for k in keys},
            }
        )
    if not seeds_of_a_recipe and len({_recipe_key(r["recipe"]) for r in runs}) < len(runs):
        raise SystemExit("--recipes: two files have the same recipe; give one CV run per recipe")
    best = min(runs, key=lambda r: (r["shortfall"], -r["right_and_sure"]["mean"]))
    print(
        "\n| epochs, copies, variation, targets | thresholds chosen | top-1 | right and sure | hats etc. | unseen garment | unseen family |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        mark = " (chosen)" if r is best else ""
        rec = r["recipe"]
        print(
            f"| {rec['epochs']}, {rec['copies']}, {rec['variation']}, {rec['targets']}{mark} | {r['chosen']['unsure_below']:.0%}, "
            f"{r['chosen']['unlike_above']:.1%} | " + " | ".join(_pm(r[k]) for k in keys) + " |"
        )
    # every run at the chosen run's thresholds too: how much of a gap is the recipe, how much the threshold it allowed
    below, unlike = best["chosen"]["unsure_below"], best["chosen"]["unlike_above"]
    for r, cv in zip(runs, cvs, strict=True):
        same = summary(fold_scores(cv, below, unlike))
        r["at_chosen_thresholds"] = {k: {"mean": same[k]["mean"], "folds": same[k]["folds"]} for k in keys}
        print(
            f"at {below:.0%}, {unlike:.1%}: {r['recipe']} right and sure {_pct(same['right_and_sure']['mean'])}, "
            f"hats etc. {_pct(same['unsure_outside']['mean'])}, unseen garment {_pct(same['unsure_unseen_garment']['mean'])}"
            f", unseen family {_pct(same['unsure_unseen_family']['mean'])}"
        )
    # paired by fold (the same photographers on every run): on how many folds the chosen recipe has more
    # right-and-sure answers than each other run
    for r in runs:
        r["chosen_ahead_on_folds"] = sum(
            a > b for a, b in zip(best["right_and_sure"]["folds"], r["right_and_sure"]["folds"], strict=True)
        )
        if r is not best:
            rec = r["recipe"]
            print(
                f"chosen recipe ahead of {rec['epochs']}, {rec['copies']}, {rec['variation']}, {rec['targets']} on "
                f"{r['chosen_ahead_on_folds']} of {len(r['right_and_sure']['folds'])} folds (right and sure)"
            )
    from train import REAL_COPIES, REAL_EPOCHS, REAL_TARGETS, REAL_VARIATION  # the recipe train.py ships

    shipped = {"epochs": REAL_EPOCHS, "copies": REAL_COPIES, "variation": REAL_VARIATION, "targets": REAL_TARGETS}
    return {"runs": runs, "chosen": best["recipe"], "shipped": shipped}


def report_cv(args, photos) -> dict:
    """The first --cv run's folds at the app's thresholds; the thresholds chosen on every --cv run pooled (runs of
    the same folds with other fine-tune seeds, ``benchmarks.fold_seeds``)."""
    runs = [load_cv(path) for path in args.cv]
    cv = runs[0]
    if not cv["has_score"]:
        print(f"{args.cv[0]} kept no features: its numbers are the probability threshold's alone")
    below, unlike, grid = choose(runs)
    pooled = summary([s for run in runs for s in fold_scores(run, UNSURE_BELOW, UNLIKE_ABOVE)])
    chosen = summary(fold_scores(cv, below, unlike))
    app = summary(fold_scores(cv, UNSURE_BELOW, UNLIKE_ABOVE))
    prob_only = summary(fold_scores(cv, UNSURE_BELOW, 1.0))
    folds = cv["folds"]
    senders = read_senders(args.folder)
    print(
        f"{len(folds)}-fold CV grouped by photographer ({len(set(senders.values()))} photographers, {len(photos)} photos)"
    )
    for f in folds:
        print(
            f"  fold {f['fold']}: trained on {f['train_photos']}, held out {f['held_out_photos']} photos; "
            f"never saw {f['left_out_garment']} nor generated {f['left_out_family']}; "
            f"Fashion-MNIST test {f['fashion_mnist_test_accuracy']:.2%}; {f['train_seconds']:.0f} s"
        )
    print(
        f"\nchosen on these folds ({len(runs)} run(s) pooled): 'Not sure' below {below:.2f} or more unusual than "
        f"{unlike:.1%} of training photos"
    )
    print(f"the app uses: below {UNSURE_BELOW:.2f}, unlike above {UNLIKE_ABOVE:.1%}\n")
    print("| mean ± sd over folds | the app's thresholds | the probability alone |\n|---|---|---|")
    for label, key in (
        ("top-1 (garments of the ten)", "top1"),
        ("right and not 'Not sure'", "right_and_sure"),
        ("hats, shorts, skirts 'Not sure' (trained kinds, new photographers)", "unsure_outside"),
        ("the garment never trained on 'Not sure'", "unsure_unseen_garment"),
        ("the generated family never trained on 'Not sure'", "unsure_unseen_family"),
        ("generated families trained on 'Not sure'", "unsure_seen_families"),
    ):
        print(f"| {label} | {_pm(app[key])} | {_pm(prob_only[key])} |")
    print("\n| folder (held-out photographers) | top-1, or 'Not sure' for hats etc. |\n|---|---|")
    for f, v in app["per_folder"].items():
        print(f"| {f} | {_pm(v)} |")
    read = read_as(cv)
    print("\nread as (top class, held-out photographers, folds pooled):")
    for f, counts in read.items():
        print(f"  {f}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    alone, fine = probability_alone(runs), fine_choice(runs)
    for name, point in (("the probability alone", alone), ("both rules", fine)):
        print(
            f"in 0.1-point steps, {name}: below {point['unsure_below']:.3f}, unlike above {point['unlike_above']:.1%}"
            f": right and sure {point['right_and_sure']:.1%}, hats etc. {point['unsure_outside']:.1%}, unseen garment "
            f"{point['unsure_unseen_garment']:.1%}, unseen family {point['unsure_unseen_family']:.1%} (runs pooled)"
        )
    held_out = {"grid": held_out_choice(runs), "fine": held_out_choice(runs, FINE)}
    print("\nthe choice scored on the fold it did not see (nested; each fold's models, every run):")
    print("| search | thresholds chosen per fold | " + " | ".join(KEYS) + " |\n|---|---|" + "---|" * len(KEYS))
    for name, nested in (("5-point grid (the app's rule)", held_out["grid"]), ("0.1-point steps", held_out["fine"])):
        chosen_each = ", ".join(f"{f['unsure_below']:.3f}/{f['unlike_above']:.1%}" for f in nested["folds"])
        print(f"| {name} | {chosen_each} | " + " | ".join(_pm(nested[k]) for k in KEYS) + " |")
    top_class = top_class_rule(runs)
    print(
        "\nthe rule before groups (the top class's own probability), chosen the same way on the runs pooled: below "
        f"{top_class['chosen']['unsure_below']:.2f}, unlike above {top_class['chosen']['unlike_above']:.1%}: right and "
        f"sure {top_class['chosen']['right_and_sure']:.1%} (nested {_pm(top_class['nested']['right_and_sure'])}), "
        f"hats etc. {top_class['chosen']['unsure_outside']:.1%}, unseen garment "
        f"{top_class['chosen']['unsure_unseen_garment']:.1%}, unseen family {top_class['chosen']['unsure_unseen_family']:.1%}"
    )
    tried = groupings(runs)
    print("\n| grouping (each at its own thresholds, runs pooled) | thresholds | " + " | ".join(KEYS) + " |")
    print("|---|---|" + "---|" * len(KEYS))
    for name, point in tried.items():
        print(
            f"| {name} | {point['unsure_below']:.2f}, {point['unlike_above']:.1%} | "
            + " | ".join(f"{point[k]:.1%}" for k in KEYS)
            + " |"
        )
    curve = risk_coverage(cv, UNLIKE_ABOVE)
    print("\n| threshold | answered | wrong among answered | hats etc. answered |\n|---|---|---|---|")
    for p in curve[::10]:
        print(f"| {p['threshold']:.2f} | {p['coverage']:.1%} | {p['risk']:.1%} | {p['outside_answered']:.1%} |")
    return {
        "folds": len(folds),
        "photographers": len(set(senders.values())),
        "fold_details": [{k: v for k, v in f.items() if k != "history"} for f in folds],
        "chosen": {"unsure_below": below, "unlike_above": unlike},
        "app": {"unsure_below": UNSURE_BELOW, "unlike_above": UNLIKE_ABOVE},
        "recipe": cv["recipe"],
        "has_unlike_score": cv["has_score"],
        "mirror_averaged": cv["flipped"],
        "views": cv["views"],  # a cut-out photo over 6 views, as Classify answers it (benchmarks.test_time_views)
        "threshold_runs": len(runs),  # the thresholds were chosen on this many runs of these folds, pooled
        "probability_alone": alone,
        "fine_choice": fine,
        "held_out_choice": held_out,  # the same rules, each fold scored at thresholds chosen without it
        "top_class_rule": top_class,  # the rule before groups, chosen and nested the same way
        "groupings": tried,  # the groupings tried for the rule, each at its own thresholds
        "all_runs": {k: pooled[k] for k in KEYS},  # every run's fold models at the app's thresholds
        "read_as": read,
        "shoe_kinds": shoe_kinds(cv),
        "footwear_answers": footwear_answers(cv),
        "footwear_group_answers": footwear_answers(cv, group=True),
        "group_answers": group_answers(cv),
        "cv": app,
        "cv_probability_only": prob_only,
        "cv_chosen": chosen,
        "grid": grid,
        "risk_coverage": curve,
    }


def top_class_rule(runs: list[dict]) -> dict:
    """The "Not sure" rule before groups (the top class's own probability, ``_unsure_top_class``), its thresholds
    chosen by ``choose``'s rule on RUNS pooled (``chosen``: the folds' means there) and cross-validated as
    ``held_out_choice`` does (``nested``): what reading the groups changed, on the same fold models."""
    nested = held_out_choice(runs, groups=())
    return {
        "chosen": chosen_point(runs, groups=()),
        # the app's thresholds belong to the group rule: this rule's "at_app" figures would compare nothing
        "nested": {k: v for k, v in nested.items() if k != "at_app"}
        | {"folds": [{k: v for k, v in f.items() if not k.startswith("at_app")} for f in nested["folds"]]},
    }


def groupings(runs: list[dict]) -> dict[str, dict]:
    """Each of GROUPINGS at the thresholds ``choose``'s rule picks for it on RUNS pooled, and the folds' means there:
    how the app's groups were chosen (the most right-and-sure answers), on the same fold models."""
    return {name: chosen_point(runs, groups=groups) for name, groups in GROUPINGS.items()}


def probability_alone(runs: list[dict]) -> dict:
    """The probability rule alone (no "unlike" line), its threshold in 0.1-point steps (``FINE``), as ``choose`` picks
    it on RUNS pooled: the lowest threshold that keeps the "Not sure" minimums, which the grid's 5-point steps cannot
    show."""
    return chosen_point(runs, FINE, (1.0,))


def fine_choice(runs: list[dict]) -> dict:
    """What ``choose`` would pick with the probability threshold in 0.1-point steps (``FINE``) and the grid's "unlike"
    cuts, on RUNS pooled: the rule searched as finely as ``probability_alone`` (review 126 #1). Not the app's: finer
    steps fit these folds more closely."""
    return chosen_point(runs, FINE)


def held_out_choice(
    runs: list[dict], probabilities: tuple = PROBABILITY_GRID, cuts: tuple = UNLIKE_GRID, groups: tuple | None = None
) -> dict:
    """The threshold search cross-validated (nested): for each fold, ``choose``'s rule picks the thresholds on the
    other folds (every run of RUNS pooled), and that fold's models are scored there; ``at_app``: the same fold, same rule, at
    the app's thresholds, for a fold-by-fold comparison on the same basis.

    Only the search is nested: the other folds' models trained on this fold's photographers, and the minimums,
    views, second score and recipe were chosen on every fold. With 3 folds each choice sees two, and each fold left
    a different garment out."""
    folds = len(runs[0]["folds"])
    keys = (*KEYS, "unlike_known")
    table = {(b, u): [fold_scores(run, b, u, groups) for run in runs] for b in probabilities for u in cuts}
    app = [fold_scores(run, UNSURE_BELOW, UNLIKE_ABOVE, groups) for run in runs]  # the app's thresholds, this rule

    def mean_of(scores: list[list[dict]], on: list[int]) -> dict:
        return {key: float(np.mean([run_scores[k][key] for run_scores in scores for k in on])) for key in keys}

    per_fold = []
    for held in range(folds):
        others = [k for k in range(folds) if k != held]
        inner = [{"unsure_below": b, "unlike_above": u, **mean_of(table[b, u], others)} for b, u in table]
        best = _best(inner)
        point = (best["unsure_below"], best["unlike_above"])
        per_fold.append(
            {
                "fold": held,
                "unsure_below": point[0],
                "unlike_above": point[1],
                **mean_of(table[point], [held]),
                "at_app": mean_of(app, [held]),
                "at_app_on_the_others": mean_of(app, others),  # what the app's thresholds keep where it chose
            }
        )
    return {
        "folds": per_fold,
        **{key: _stats([f[key] for f in per_fold]) for key in keys},
        "at_app": {key: _stats([f["at_app"][key] for f in per_fold]) for key in keys},
    }


def shoe_kinds(cv: dict, path: Path = SHOE_KINDS_FILE) -> dict[str, dict]:
    """Shoes by the kind ``model/shoe_kinds.csv`` labels them (held-out photographers, every fold pooled, before "Not
    sure"): how many, what their top class was, and the share answered as their own kind (Sneaker for a sneaker,
    Sandal for a sandal, Ankle boot for a boot; "other": any footwear class, as the mapping judges every shoe)."""
    kind_of = read_shoe_kinds(path)
    held = cv["row_kind"] == "held-out photographer"
    photo, best = cv["photo"][cv["row_index"][held]], cv["row_probs"][held].argmax(axis=1)
    out = {}
    for kind in ("sneaker", "sandal", "boot", "other"):
        mine = np.array([kind_of.get(str(p)) == kind for p in photo])
        own = SHOE_KIND_CLASS.get(kind, ACCEPTED["shoes"])
        classes, counts = np.unique(best[mine], return_counts=True)
        out[kind] = {
            "photos": int(mine.sum()),
            "own_kind": float(np.isin(best[mine], own).mean()) if mine.any() else None,
            "read_as": {
                CLASS_NAMES[c]: int(n) for c, n in sorted(zip(classes, counts, strict=True), key=lambda t: -t[1])
            },
        }
    return out


def footwear_answers(cv: dict, path: Path = SHOE_KINDS_FILE, group: bool = False) -> dict[str, dict]:
    """What the footwear answers turned out to be (held-out photographers, every fold pooled, at the app's thresholds:
    answers that name the class, its own probability at ``UNSURE_BELOW`` or more; not the answers the app gives as
    "footwear, most likely ...", nor "Not sure"): for each footwear class, how many photos were answered it, how many
    of those were shoes, and each answer's photos by shoe kind (``model/shoe_kinds.csv``) or, for other photos,
    folder. GROUP: the answers the app gives as "footwear, most likely <class>" instead (the group at the threshold,
    the class under it), by the class they name most likely."""
    kind_of = read_shoe_kinds(path)
    held = cv["row_kind"] == "held-out photographer"
    probs, pct = cv["row_probs"][held], cv["row_percentile"][held]
    rows = cv["row_index"][held]
    answered = ~unsure(probs, pct, UNSURE_BELOW, UNLIKE_ABOVE) & ((probs.max(axis=1) < UNSURE_BELOW) == group)
    out = {}
    for c in ACCEPTED["shoes"]:
        mine = answered & (probs.argmax(axis=1) == c)
        what: dict[str, int] = {}
        for photo, folder in zip(cv["photo"][rows[mine]], cv["folder"][rows[mine]], strict=True):
            key = kind_of.get(str(photo), str(folder))
            what[key] = what.get(key, 0) + 1
        out[CLASS_NAMES[c]] = {
            "answers": int(mine.sum()),
            "shoes": int((cv["folder"][rows[mine]] == "shoes").sum()),
            "as": dict(sorted(what.items(), key=lambda t: -t[1])),
        }
    return out


def group_answers(cv: dict) -> dict:
    """The answers the app gives as a group with its likeliest class ("footwear, most likely Sandal": the group at
    the threshold, no class alone), on held-out photographers' photos (every fold pooled, at the app's thresholds):
    how many, of how many answers, and how many of them name a class the mapping accepts (counted right), by folder."""
    held = cv["row_kind"] == "held-out photographer"
    probs, pct = cv["row_probs"][held], cv["row_percentile"][held]
    folder = cv["folder"][cv["row_index"][held]]
    answered = ~unsure(probs, pct, UNSURE_BELOW, UNLIKE_ABOVE)
    group = answered & (probs.max(axis=1) < UNSURE_BELOW)
    right = np.array([b in ACCEPTED[f] for b, f in zip(probs.argmax(axis=1), folder, strict=True)])
    return {
        "answers": int(answered.sum()),
        "group_answers": int(group.sum()),
        "group_answers_right": int((group & right).sum()),
        "by_folder": {
            f: {
                "group_answers": int((group & (folder == f)).sum()),
                "right": int((group & right & (folder == f)).sum()),
            }
            for f in ACCEPTED
        },
    }


def read_as(cv: dict) -> dict[str, dict[str, int]]:
    """For each folder of the ten's garments, how many of its photos each class was the top class of, on held-out
    photographers (every fold pooled; before "Not sure"): what a folder read wrong is read as instead."""
    held = cv["row_kind"] == "held-out photographer"
    folder, best = cv["folder"][cv["row_index"][held]], cv["row_probs"][held].argmax(axis=1)
    out = {}
    for f in (f for f in ACCEPTED if ACCEPTED[f]):
        classes, counts = np.unique(best[folder == f], return_counts=True)
        out[f] = {CLASS_NAMES[c]: int(n) for c, n in sorted(zip(classes, counts, strict=True), key=lambda t: -t[1])}
    return out


def report_untrained(args, photos) -> dict:
    """The shipped model (photos it never saw only!), the Fashion-MNIST-only model and the naive demo on DIR."""
    shipped = load_folder(args.model)
    start = time.perf_counter()
    preps = [load_and_preprocess(p.path) for p in photos]
    convert_ms = (time.perf_counter() - start) * 1000 / len(photos)
    ours = np.stack([prep.pixels for prep in preps])
    cut = np.array([prep.cut_out for prep in preps])
    del preps  # their conversion steps: about 0.6 GB for 3,068 photos (review 126 #7)
    naive = np.stack([naive_input(p.path) for p in photos])
    systems = {}
    if not args.cv:  # as Classify answers: a cut-out photo over the 6 views, the rest over the mirror pair
        probs, pct = np.zeros((len(photos), 10)), np.zeros(len(photos))
        for mine, turn in ((cut, TEST_TIME_VIEWS), (~cut, False)):
            if mine.any():
                probs[mine], pct[mine] = shipped.assess(ours[mine], flip=TEST_TIME_FLIP, turn=turn)
        systems["shipped model"] = (probs, pct)
    before = shipped.fashion_mnist_only or shipped
    no_pct = np.zeros(len(photos))
    systems["Fashion-MNIST-only model"] = (before.probabilities(ours), no_pct)
    systems["naive demo (Fashion-MNIST-only model)"] = (before.probabilities(naive), no_pct)
    results = {}
    for name, (probs, pct) in systems.items():
        results[name] = score(probs, photos, UNSURE_BELOW, pct > UNLIKE_ABOVE)
    print(f"\n{len(photos)} photos in {args.folder}; conversion {convert_ms:.0f} ms per photo")
    names = list(results)
    print("| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for label, key in (
        ("top-1", "top1"),
        ("right and sure", "right_and_sure"),
        ("hats etc. 'Not sure'", "unsure_outside"),
    ):
        print(f"| {label} | " + " | ".join(_pct(results[n][key]) for n in names) + " |")
    return {"photos": len(photos), "convert_ms_per_photo": round(convert_ms, 1), "results": results}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, help="a folder per class, as in clothing-dataset-small")
    parser.add_argument(
        "--cv",
        type=Path,
        nargs="+",
        help="real_photos_cv.npz from train.py --folds (its *.views.npz, where Classify turns photos); more files: "
        "other seeds' runs of the same folds (benchmarks.fold_seeds), pooled to choose the thresholds",
    )
    parser.add_argument("--unlike-cv", type=Path, help="a --folds file that kept features: measures the 'unlike' rule")
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER, help="shipped model folder")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--recipes", type=Path, nargs="+", help="CV files of several recipes: which one the rule chooses"
    )
    parser.add_argument(
        "--recipes-as",
        choices=RECIPE_KEYS,
        default=RECIPE_KEYS[0],
        help="the JSON key --recipes writes: the recipe choice, or target variants tried after it on other runs",
    )
    args = parser.parse_args(argv)
    if args.recipes and not (args.cv or args.unlike_cv):  # only the recipe choice, merged into an existing JSON
        choice = report_recipes(args.recipes, seeds_of_a_recipe=args.recipes_as == "targets_tried")
        if args.json:
            report = json.loads(args.json.read_text(encoding="utf-8")) if args.json.exists() else {}
            report[args.recipes_as] = choice
            args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
        return {args.recipes_as: choice}

    photos = list_photos(args.folder)
    report = {"folder": args.folder.resolve().name, "photos": len(photos)}
    if args.cv:
        report["cross_validation"] = report_cv(args, photos)
    if args.unlike_cv:
        report["unlike_rule"] = report_unlike(args.unlike_cv, args.cv)
    if args.cv:
        report["test_time_flip"] = report_flip(args.cv)
    if args.recipes:
        report[args.recipes_as] = report_recipes(args.recipes, seeds_of_a_recipe=args.recipes_as == "targets_tried")
    if args.json and args.json.exists():  # kept from the run that measured it, whose files may be gone
        before = json.loads(args.json.read_text(encoding="utf-8"))
        for key in RECIPE_KEYS:
            if key not in report and key in before:
                report[key] = before[key]
                print(f"{key} kept from {args.json} (give --recipes --recipes-as {key} to measure it again)")
    report["untrained"] = report_untrained(args, photos)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def _pm(stat: dict) -> str:
    return f"{stat['mean']:.1%} ± {stat['sd']:.1%}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


if __name__ == "__main__":
    main()
