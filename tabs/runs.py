"""The model folder's training runs, as the tabs show them: their curves, and one run measured against another."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import gradio as gr
import numpy as np

from concepts.curves import OVERFIT_RISE, not_overfitted_because, rose_past, training_curves
from model import playground
from model.augment import PHOTO_ROTATION
from model.inference import (
    FASHION_MNIST_ONLY,
    TEST_TIME_FLIP,
    TEST_TIME_VIEWS,
    UNLIKE_ABOVE,
    UNSURE_BELOW,
    LoadedModel,
    read_json,
)
from model.playground import DEFAULT, grid_run
from model.real_photos import ACCEPTED, MIN_UNSURE, recipe_chosen, recipe_label
from model.recipe import ABLATIONS
from tabs.charts import unsigned_zero
from tabs.files import figure_file
from tabs.memo import built_for

# points of test accuracy: two runs of one recipe differ by up to a few tenths (README's seed study, of the shipped
# recipe's long training); the 10-epoch ablation runs it is applied to were trained once each, with one seed, and
# likely vary more (the Playground's 10-epoch seeds spread wider): below it, "too close to call"; above it, a
# difference is only what one run each measured, never "helped"
# half a point, less half a hundredth: every gap set against it is in whole hundredths of a point (accuracies on
# 10,000, 5,000 or 2,000 images), so a gap printed 0.50 is past it whatever its float round-off (review 82b #3)
TOO_CLOSE = 0.495

# train.py's make_dataset reshuffles the training images each epoch only when it augments them: every "without
# augmentation" run saw them in one fixed order, so its difference from the run with augmentation is not augmentation's alone
# a batch-norm run's training accuracy is Keras's, in training mode: not what the network does at test time
BATCH_STATISTICS = "with batch norm using each batch's own statistics, not the running averages its test score uses"
# python -m benchmarks.batch_norm --json model/weights/batch_norm.json: each kept network's training accuracy measured
# like validation, and a batch-norm network's scores once its running averages are re-estimated
BATCH_NORM_FILE = "batch_norm.json"
# test accuracy within 3 of the 10,000 test images of the run's record: measured on the same weights (float round-off
# between Keras's evaluate and predict can flip an image or two); further apart, the file measured other weights
SAME_WEIGHTS = 0.0003


def signed(points: float, decimals: int = 2) -> str:
    """A change in points with its sign, or unsigned where it prints as zero: "+0.00" would give a level change a
    direction (review 105b #2)."""
    return unsigned_zero(points, f"+.{decimals}f")


def measure(folder=None) -> str:
    """The command that writes FOLDER's BATCH_NORM_FILE, naming FOLDER (the served model folder) twice: the benchmark's
    --model defaults to the shipped folder. Without a folder, the generic wording (MEASURE)."""
    where = folder if folder is not None else "FOLDER"
    command = f"`python -m benchmarks.batch_norm --model {where} --json {where}/{BATCH_NORM_FILE}`"
    return f"{command} measures it" + ("" if folder is not None else ", FOLDER being this model folder")


MEASURE = measure()
ALIKE_SHORT = "measured like validation"  # once ALIKE has been said
ALIKE = "measured like validation (clean training images, batch norm's running averages, no dropout)"
SHUFFLED_ONLY_WITH_AUGMENTATION = (
    "(Without augmentation, the training images were also not reshuffled each epoch, so that difference is not "
    "augmentation's alone; the dropout comparison is unaffected.)"
)


def train_out(model) -> str:
    """ " --out FOLDER" for train.py, naming MODEL's folder (train.py's --out defaults to the shipped one); "" where
    MODEL has no folder."""
    folder = getattr(model, "folder", None)
    return f" --out {folder}" if folder is not None else ""


def ablation_words(model: LoadedModel, variant: str, what: str) -> str:
    """One measured comparison from ablations.json, or how to produce it."""
    runs = model.ablations
    if variant not in runs or "baseline" not in runs:  # other runs may be there: name the two missing (review 32b #4)
        out = train_out(model)
        return (
            f"*This model folder has no `baseline` run, or no `{variant}` run, to compare: `python train.py --ablation "
            f"baseline{out}` and `--ablation {variant}{out}` add them.*"
        )
    ours, other = runs["baseline"], runs[variant]
    gap = 100 * (ours["test_accuracy"] - other["test_accuracy"])
    noise = seed_noise(getattr(model, "playground", None))
    unmeasured = "how much the seed moves these runs was not measured"
    if abs(gap) < TOO_CLOSE:
        verdict = (
            f" {abs(gap):.2f} points apart: too close to call from one run each (two runs of the shipped recipe differ "
            "by up to a few tenths of a point, whether their seeds differ or not: the seed study in docs/model.md; "
            f"these {ours['epochs']}-epoch runs may vary more)."
        )
    elif noise is None:
        verdict = f" Ours is {signed(gap)} points (one run each; {unmeasured})."  # two decimals, as the rest (108b U1)
    elif under(gap, noise):  # the verdict every other sentence gives a one-run difference under the yardstick
        verdict = (
            f" Ours is {signed(gap)} points, less than {seed_yardstick(model.playground, noise)}: possibly noise, "
            f"from one run each ({unmeasured})."
        )
    elif under(gap, 2 * noise):  # at or past the yardstick, under twice it: still one run each
        verdict = (
            f" Ours is {signed(gap)} points (one run each; a hint, not a finding, as it is {past(gap, noise, 'past')} "
            f"{seed_yardstick(model.playground, noise)}, but under twice it; {unmeasured})."  # as every tier (90b #1)
        )
    else:  # at least twice the yardstick: in hundredths, as the tiers are read (review 82b #1: "+2.7" for 2.74)
        verdict = f" Ours is {signed(gap)} points (one run each; {unmeasured})."  # as every tier (review 87b #3)
    shipped = (model.fashion_mnist_only or model).metrics.get("epochs")
    fine_tuned = " before its real-photo fine-tune" if model.fashion_mnist_only is not None else ""
    longer = (
        f" (the shipped model trained {shipped} epochs on Fashion-MNIST{fine_tuned})"
        if shipped and shipped != ours["epochs"]
        else ""
    )
    params = (
        f"the same {ours['params']:,} parameters"
        if other["params"] == ours["params"]
        else f"{other['params']:,} parameters, against our CNN's {ours['params']:,}"  # whose is whose (97b #4)
    )
    return (
        f"**Evidence.** Same data, same {ours['epochs']}-epoch budget{longer}: our CNN reaches "
        f"**{ours['test_accuracy']:.2%}** test accuracy in {ours['epochs']} epochs; {what}: "
        f"**{other['test_accuracy']:.2%}** ({params})." + verdict
    )


def fashion_mnist_run(model: LoadedModel) -> tuple[str, dict]:
    """The run whose curves the tabs show: the shipped model's, or, if it was then fine-tuned on real photos,
    the Fashion-MNIST-only model it started from (the curves and the test accuracy of one and the same model)."""
    if model.fashion_mnist_only is not None:
        return "shipped model before real photos", model.fashion_mnist_only.metrics
    return "shipped model", model.metrics


def run_histories(model: LoadedModel) -> dict[str, dict]:
    name, metrics = fashion_mnist_run(model)
    runs = {f"{name} ({metrics.get('epochs', '?')} epochs)": metrics.get("history", {})}
    runs.update({name: run["history"] for name, run in model.ablations.items()})
    return {name: h for name, h in runs.items() if h}


# under every training-curve figure: what its lines and dots are (concepts.curves draws them)
CURVES_CAPTION = (
    "Solid: training; dashed: validation. The dot marks each run's epoch of lowest validation loss. Before the last "
    "epoch, it is where validation loss stopped improving; at the last epoch, the loss had just reached its lowest "
    "when training stopped, so it may have had further to fall. (Validation accuracy may peak at another epoch.)"
    # review 59b L1: not "still falling", as if it fell at every epoch; some runs rose, then fell at the last
)
SMOOTHED, PLAIN = "loss (with label smoothing)", "cross-entropy loss"


MIXED = "loss: two kinds, not comparable"  # each run's kind in its name (show_curves); short, to fit the axis


def smoothed(run: str) -> bool:
    """Whether RUN minimised a label-smoothed loss: this app's recipe smooths its targets, the plain one does not
    (model.recipe); a run not in ABLATIONS is the shipped model, trained by this app's recipe."""
    return ABLATIONS[run][3] == "ours" if run in ABLATIONS else True


def loss_label(runs: list[str]) -> str:
    """The loss panel's label for these runs; where they mix the two losses, each run's name says which it
    minimised (`show_curves`), since a label-smoothed loss cannot fall to 0 (review 90b #5)."""
    kinds = {smoothed(r) for r in runs}
    return SMOOTHED if kinds == {True} else PLAIN if kinds == {False} else MIXED


def show_curves(runs: list[str], model: LoadedModel, names: dict[str, str] | None = None, **figure) -> str:
    """Training vs validation curves of the chosen runs, as a PNG file drawn once per choice of runs.

    ``names`` relabels runs in the legend; ``figure`` goes to ``training_curves``; its ``loss_label`` is chosen
    from the runs' recipes unless given.
    """
    histories = run_histories(model)
    chosen = [r for r in histories if r in (runs or [])]  # in the listed order: a run keeps its colour
    if not chosen:
        raise gr.Error(f"Pick at least one run: {', '.join(histories)}.")
    names = names or {}
    figure = {"loss_label": loss_label(chosen)} | figure
    if figure["loss_label"] == MIXED:  # each run's loss named in the legend (review 90b #5)
        names = {r: f"{names.get(r, r)} ({'label-smoothed' if smoothed(r) else 'plain'} loss)" for r in chosen}
    draw = partial(training_curves, {names.get(r, r): histories[r] for r in chosen}, **figure)
    return built_for(model, f"curves of {chosen}, {names}, {figure}", lambda: figure_file(draw()))


def noise_tier(points: float, noise: float | None) -> str:
    """Where a difference of POINTS (its size) stands against the seed NOISE (the Playground's threshold between two
    single runs, None where not measured): "unmeasured", "noise" (under it), "hint" (under twice it) or "finding"."""
    if noise is None:
        return "unmeasured"
    return "noise" if under(points, noise) else "hint" if under(points, 2 * noise) else "finding"


def cause_strength(points: float, noise: float | None, what: str = "deficit") -> tuple[str, str]:
    """How strongly one run each can name a cause of a score POINTS lower, set against the seed NOISE: (why, cause).
    Never "likely": NOISE is the Playground's yardstick, measured on another setting, for scale only, and the runs'
    own seed spread was not measured (review 81a #1); why the cause is only possible, inside the noise, in the band
    the verdict calls a hint, and where the noise was not measured (reviews 54b #1, 55 #1, 57b)."""
    why = {
        "unmeasured": f"the {what}'s size against seed noise was not measured",
        "noise": f"the {what} may be noise",
        "hint": f"the {what} is a hint",
        "finding": "",
    }[noise_tier(points, noise)]
    return why, "one possible cause"


def batch_norm_causes(
    grid: dict | None,
    overfitting: str = "Overfitting",
    why: str = "",
    cause: str = "one possible cause",
    folder=None,
) -> str:
    """Why a batch-norm run may have scored lower: OVERFITTING (WHY), CAUSE, and its running averages lagging at test time,
    with what re-estimating them did in the Playground grid's default setting (one run each): said where the folder
    has not measured the run itself (reestimated_words). FOLDER: the served model folder, named in the command."""
    command = measure(folder)
    because = f" ({why})" if why else ""
    try:
        bn, plain = (grid_run(grid or {}, {**DEFAULT, "batch_norm": on}) for on in (True, False))
        trained, reestimated = bn["test_accuracy"], bn["test_accuracy_reestimated"]
    except KeyError:  # no grid in this folder, or not those runs
        return (
            f"{overfitting} is {cause}{because}; batch norm's running averages lagging at test time are "
            f"another. This folder has not measured which ({command})."
        )
    same_cnn = f"the same CNN on {DEFAULT['images']:,} images with batch norm"  # not "Playground" twice (81a)
    # a smaller run, trained differently (fewer images and updates, another batch size), need not carry over
    elsewhere = f"that run was trained differently, and this folder has not measured which it was here ({command})."
    if 100 * (reestimated - trained) <= -TOO_CLOSE:
        return (
            f"{overfitting} is {cause}{because}; batch norm's running averages lagging at test time are another. "
            f"In a smaller Playground run ({same_cnn}) re-estimating them made it worse ({trained:.2%} as trained, "
            f"{reestimated:.2%} re-estimated, one run), but {elsewhere}"
        )
    if 100 * abs(reestimated - trained) < TOO_CLOSE:
        return (
            f"{overfitting} is {cause}{because}; batch norm's running averages lagging at test time are another. "
            f"In a smaller Playground run ({same_cnn}) re-estimating them changed little ({trained:.2%} as trained, "
            f"{reestimated:.2%} re-estimated, one run), but {elsewhere}"
        )
    return (  # review 41b L4: the same caveat as its siblings; that gain's own cause was not measured either
        f"{overfitting} is {cause}{because}; batch norm's running averages lagging at test time are another. "
        f"In a smaller Playground run ({same_cnn}) re-estimating them lifted it from {trained:.2%} to "
        f"{reestimated:.2%} ({_without_batch_norm(grid, plain)}; one run, whose gain's cause was not measured), but "
        f"{elsewhere}"
    )


def _without_batch_norm(grid: dict | None, plain: dict) -> str:
    """The Playground's default setting, without batch norm: every seed's score where it ran several, not the first
    seed's alone (review 45b #1: 86.23% is the lowest of 86.23, 86.94 and 87.16)."""
    try:
        scores = sorted(playground.seed_spread(grid))
    except (KeyError, TypeError):
        scores = []
    if len(scores) < 2:
        return f"{plain['test_accuracy']:.2%} without batch norm"
    return f"{scores[0]:.2f}%–{scores[-1]:.2f}% without batch norm, over its {len(scores)} seeds"


def measured_alike(model: LoadedModel) -> dict[str, dict]:
    """BATCH_NORM_FILE's row for each kept network (benchmarks.batch_norm), keyed by run name (and
    "fashion-mnist-only"), each with the file's ``reestimate_images``; only the rows whose test accuracy matches the
    run's record, so measured on these weights. {} without the file."""
    folder = getattr(model, "folder", None)
    found = (read_json(Path(folder) / BATCH_NORM_FILE) if folder else None) or {}
    before = getattr(model, "fashion_mnist_only", None)
    records = {**model.ablations, **({FASHION_MNIST_ONLY: before.metrics} if before is not None else {})}
    return {
        name: {**row, "reestimate_images": found.get("reestimate_images")}
        for name, row in (found.get("networks") or {}).items()
        if "test_accuracy" in records.get(name, {})
        and abs(row["test_accuracy"] - records[name]["test_accuracy"]) <= SAME_WEIGHTS
    }


def seed_noise(grid: dict | None) -> float | None:
    """The Playground's threshold between two single 10-epoch runs, in points (model.playground.noise_threshold),
    or None without its default setting's seeds."""
    try:
        scores = playground.seed_spread(grid)
    except (KeyError, TypeError):  # no grid in this folder, or not its default's runs
        return None
    return playground.noise_threshold(grid) if len(scores) >= 2 else None


def percent(p: float, digits: int) -> str:
    """P, a probability, as a percentage with DIGITS decimals, never rounded up to 100% or down to 0%: a softmax
    probability stays between 0 and 1 (review 29a #3, 30c #3)."""
    shown = f"{p:.{digits}%}"
    if p < 1 and shown == f"{1:.{digits}%}":
        return f"over {1 - 10 ** -(digits + 2):.{digits}%}"
    if p > 0 and shown == f"{0:.{digits}%}":
        return f"under {10 ** -(digits + 2):.{digits}%}"
    return shown


EVEN = 0.005  # mean confidence within half a point of accuracy: neither over- nor under-confident (review 33c #2)


def confidence_state(confidence: float, accuracy: float) -> str | None:
    """ "over-confident" or "under-confident" on average (mean top probability CONFIDENCE against ACCURACY); None
    within EVEN of it, where naming a direction, or a cause for it, would read a tie as a finding."""
    if abs(confidence - accuracy) < EVEN:
        return None
    return "over-confident" if confidence > accuracy else "under-confident"


LENIENT_NAMES = {"shirt": "shirts", "longsleeve": "long-sleeved tops", "shoes": "shoes"}  # folders, in words


def lenient_kinds() -> str:
    """The garments the real-photo mapping accepts several classes for (model.real_photos.ACCEPTED), in words:
    "shirts, long-sleeved tops and shoes" (one name for them on every tab: review 37a #6)."""
    return and_list([LENIENT_NAMES.get(f, f) for f, accepted in ACCEPTED.items() if len(accepted) > 1])


def same_folds(results: dict) -> bool:
    """Whether the "unlike" rule was measured on the table's own CV run (--unlike-cv the same file as --cv).

    real_photos.json names no run, so the fold models' answers identify it: the same run scores every fold
    alike at the app's thresholds (``with`` = ``cv``) and by the probability rule alone (``without`` =
    ``cv_probability_only``). Two runs, even of one recipe, give other answers."""
    rule, cv = results.get("unlike_rule") or {}, results.get("cross_validation") or {}
    if not (rule and cv.get("has_unlike_score") and rule.get("recipe") == cv.get("recipe")):
        return False
    for ours, theirs in (("with", "cv"), ("without", "cv_probability_only")):
        mine, table = rule.get(ours) or {}, cv.get(theirs) or {}
        if not mine or any(
            stat.get("folds") is None or (table.get(key) or {}).get("folds") != stat["folds"]
            for key, stat in mine.items()
        ):
            return False
    return True


# the 6 views Classify averages a photo it cut out of its background over (model.inference.TEST_TIME_VIEWS)
SIX_VIEWS = f"6 views (as converted and turned {PHOTO_ROTATION}° each way, each also mirrored)"


def classify_averages() -> str:
    """How Classify averages its answer, for a tab that shows one pass ("" where Classify answers in one pass too)."""
    if TEST_TIME_VIEWS:  # short, and no brackets: it is said inside brackets (review 124 #16)
        return (
            "Classify averages a cut-out photo over 6 turned and mirrored views, any other input with its mirror image"
        )
    return "Classify averages each input with its mirror image" if TEST_TIME_FLIP else ""


def mirror_kept(results: dict) -> bool | None:
    """Whether the folds' rule keeps the mirror average: each way at the thresholds chosen for it, ranked as
    benchmarks/real_photos.py's ``choose`` ranks thresholds, by the shortfall under the "Not sure" minimums first
    (MIN_UNSURE), then by right-and-sure answers (review 113a U1); None where real_photos.json has no such table, or
    where the two tie on both."""
    flip = results.get("test_time_flip") or {}
    one, two = flip.get("one pass"), flip.get("mirror averaged")
    if not one or not two:
        return None

    return None if _rank(one) == _rank(two) else _rank(two) < _rank(one)


def views_kept(results: dict) -> bool | None:
    """Whether the folds' rule keeps the turned views over both one pass and the mirror average, ranked as
    ``mirror_kept`` ranks; None where real_photos.json has no views in its table, or where they tie on both."""
    flip = results.get("test_time_flip") or {}
    ways = [flip.get(name) for name in ("one pass", "mirror averaged", "6 views")]
    if not all(ways):
        return None
    ranks = [_rank(way) for way in ways]
    return None if ranks[2] in ranks[:2] else ranks[2] < min(ranks[:2])


def _rank(way: dict) -> tuple[float, float]:
    """How benchmarks/real_photos.py's ``choose`` ranks: the shortfall under the "Not sure" minimums, then
    right-and-sure answers; on every run's fold models pooled where recorded (``pooled``), as the thresholds were
    chosen, else on the table's run."""
    way = way.get("pooled") or way
    short = sum(max(0.0, floor - way[key]["mean"]) for key, floor in MIN_UNSURE.items() if key in way)
    return round(short, 4), -round(way["right_and_sure"]["mean"], 4)


def other_ways_top1(results: dict | None) -> list[tuple[dict, str]]:
    """The fold models' top class in one pass and with the mirror image alone, at the app's thresholds, as
    real_photos.json's test_time_flip recorded them (stat, words), beside the turned views' figure."""
    ways = (results or {}).get("test_time_flip") or {}
    return [
        (ways[name]["at_app_thresholds"]["top1"], said)
        for name, said in (("one pass", "in one pass"), ("mirror averaged", "with the mirror image alone"))
        if "top1" in (ways.get(name) or {}).get("at_app_thresholds", {})
    ]


def also_chosen(results: dict) -> list[str]:
    """What else real_photos.json shows was chosen on its cross-validation folds (Classify's table, Improving it): the mirror average (where those folds
    averaged and were compared with one pass), the groups the "Not sure" rule sums over (where groupings were tried
    there) and the fine-tune recipe (where the recipe choice kept their run's)."""
    cv = results.get("cross_validation") or {}
    also = []
    if cv.get("views"):  # answered over the turned views: those, where these folds' rule kept them
        if views_kept(results):
            also.append("the turned views")
    elif cv.get("mirror_averaged") and mirror_kept(results):  # only where these folds' rule kept it (review 112a U1)
        also.append("the mirror average")
    if cv.get("groupings"):  # the "Not sure" rule's groups of classes, chosen among groupings tried on these folds
        also.append("the groups of look-alike classes")
    if recipe_chosen(cv.get("recipe"), results):
        also.append("the fine-tune recipe")
    if (results.get("unlike_rule") or {}).get("second_rule_scores") and same_folds(results):
        also.append("the second rule's score")  # which score it is: chosen on the same folds (review 96a #3)
    return also


def fold_tally(before: dict, after: dict) -> str:
    """How many of the same folds went up, went down, stayed (to four decimals): "higher on 2 of 3 folds, lower on
    none", with ", equal on 1" where any stayed (review 39a #2: "higher on 2 of 3" read as "lower on the third")."""
    pairs = list(zip(before["folds"], after["folds"], strict=True))
    up = sum(round(b, 4) > round(a, 4) for a, b in pairs)
    down = sum(round(b, 4) < round(a, 4) for a, b in pairs)
    words = {0: "none"}
    same = len(pairs) - up - down
    return f"higher on {words.get(up, up)} of {len(pairs)} folds, lower on {words.get(down, down)}" + (
        f", equal on {same}" if same else ""
    )


def and_list(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def thresholds_words(below: float, unlike: float | None = None) -> str:
    """The two "Not sure" thresholds named for what each measures: a probability, and a share of the training
    photos' "unlike" scores (no line at 1.0, where nothing can score above it); digits as many as the value needs,
    so 97.5% is not printed as 98% (reviews 55, 56a #1, #2)."""
    words = f"a {below * 100:.4g}% threshold on the top class's probability (summed over its group)"
    if unlike is None:
        return words
    if unlike >= 1:
        return words + " and no “unlike” line"
    return words + f" and an “unlike” line above {unlike * 100:.4g}% of the training photos' scores"


def _in_order(values: list[float], d: int) -> bool:
    """Whether VALUES printed at D decimals keep each consecutive step's direction (up, down or level)."""
    return all(
        (round(b, d) > round(a, d)) == (b > a) and (round(b, d) < round(a, d)) == (b < a)
        for a, b in zip(values[:-1], values[1:], strict=True)
    )


def order_decimals(values: list[float], decimals: int = 3) -> int:
    """DECIMALS, or more where fewer would print two consecutive VALUES as level or in the wrong order (a training
    loss that fell from 0.3004 to 0.2996 is not "0.300 to 0.300": review 78a #2)."""
    return next((d for d in range(decimals, 10) if _in_order(values, d)), 10)


def losses_decimals(history: dict) -> int:
    """The one count of decimals (3 or more) for every validation loss of HISTORY printed beside the overfitting
    rule: the fewest at which each of the last two epochs' losses, printed, is as far above the printed lowest as
    the rule's side needs (0.5000 and 0.5302, not "0.500" and "0.530" beside "more than 0.03"), and the losses from
    the lowest on keep each step's direction (0.5501, 0.5504, not "0.550, 0.550" beside "climbed"). One count for
    the list and the rises alike, so neither moves the other off its side (reviews 73b #1-78b #1)."""
    loss = history["val_loss"]
    lowest, best = min(loss), int(np.argmin(loss))
    for d in range(3, 10):
        if _in_order(loss[best:], d) and all(
            rose_past(round(v, d) - round(lowest, d)) == rose_past(v - lowest) for v in loss[-2:]
        ):
            return d
    return 10


def rise_words(lowest: float, later: float, decimals: int | None = None) -> str:
    """A validation-loss rise from LOWEST to LATER: with DECIMALS (``losses_decimals``, the losses printed beside
    it), their printed difference; without, the rise itself to the decimals that keep it on the rule's side of
    OVERFIT_RISE (0.0303 for 0.03028, 0.039 for 0.03938: review 76b #3)."""
    if decimals is not None:
        return f"{round(later, decimals) - round(lowest, decimals):.{decimals}f}"
    rise = later - lowest
    d = next((d for d in range(3, 10) if rose_past(round(rise, d)) == rose_past(rise)), 10)
    return f"{rise:.{d}f}"


def one_seed_each(real: dict) -> str:
    """Each fold model is one fine-tune (train.py's cross_validate); the served model may have kept the best of several
    (its own metrics.json's count, whichever folder it is: review 31a #8; Improving it too, review 102a)."""
    seeds = len(real.get("seeds") or [])
    # best at what: Fashion-MNIST validation accuracy, not anything about photos (review 106a #2)
    kept = f"this app's model kept the best of {seeds} on Fashion-MNIST validation"
    return f"one seed each; {kept}" if seeds > 1 else "one seed each"


def fold_recipe_words(recipe: dict | None, fine_tune: dict | None) -> str:
    """The recipe cross-validation fold models were fine-tuned by, where it is not this model's (RECIPE:
    real_photos.json's; FINE_TUNE: metrics.json's real_photos): one wording for Classify and Improving it (reviews
    75a #1, 76a #2: a model with no real-photo fine-tune is not one of "another recipe")."""
    if not recipe:
        return "a recipe real_photos.json does not record"
    if not fine_tune:
        return f"a real-photo fine-tune this model did not have ({recipe_label(recipe)})"
    return f"another recipe than this model's ({recipe_label(recipe)})"


def under(points: float, line: float) -> bool:
    """Whether a difference of POINTS (its size), to the hundredths of a point it is measured and printed at, is less
    than LINE (the seed yardstick, or twice it, itself in hundredths: playground.noise_threshold)."""
    return round(abs(points), 2) < line


def past(points: float, noise: float, words: str = "more than", level: str = "level with") -> str:
    """WORDS for a difference of POINTS not under the yardstick NOISE, or LEVEL where, in hundredths, it is exactly on
    it (review 79b #3)."""
    return level if round(abs(points), 2) == noise else words


def stale_real_photos(model: LoadedModel) -> str:
    """Why a folder's real-photo figures are not shown (``LoadedModel.real_photos_stale``); "" otherwise. Said
    without naming what the file holds or how it was run: each partial case named wrongly (reviews 69a, 70a, 70b)."""
    if not getattr(model, "real_photos_stale", False):  # the tests' hand-made models have no such file
        return ""
    return (  # reviews 71a #2-#4: what it lacks is the table's run; the thresholds are the code's, ood.npz or not
        "This model folder's real_photos.json has no cross-validation table recorded as measured at the “Not sure” "
        f"thresholds set in this app's code ({thresholds_words(UNSURE_BELOW, UNLIKE_ABOVE)}), so its real-photo "
        "figures are not shown; docs/real-photos.md describes how the shipped folder's were measured."
    )  # reviews 72a-74a: every how-to for another folder had a case where it was wrong (74a #1: --init leaks)


def seed_yardstick(grid: dict, noise: float) -> str:
    """NOISE (model.playground.noise_threshold: 2 x sqrt(2) standard deviations of the default setting's few seeds,
    in hundredths) in words, with the condition it rests on and where it comes from: "the 1.37 points under which
    ..."."""
    seeds = len(playground.seed_spread(grid))
    return (
        f"the {noise:.2f} points under which two single runs of one Playground setting would differ about 95% of the "
        f"time if runs varied as the {seeds} seeds of its default setting did ({DEFAULT['images']:,} images, "
        f"{'with' if DEFAULT['batch_norm'] else 'no'} batch norm; a spread from {seeds} runs is itself uncertain)"
    )


def _apart(points: float, what: str) -> str:
    """ "0.95 points below WHAT", "0.20 points above WHAT" or "level with WHAT" (to two decimals)."""
    if round(points, 2) == 0:
        return f"level with {what}"
    return f"{abs(points):.2f} points {'below' if points < 0 else 'above'} {what}"


def reestimated_words(model: LoadedModel, bn_name: str = "notebook-bn", plain_name: str = "notebook") -> str | None:
    """What re-estimating BN_NAME's running averages (batch_norm.json) did to its deficit against PLAIN_NAME, the same
    network without batch norm, set against the Playground's seed noise; then its training accuracy measured like
    validation against PLAIN_NAME's. None if the folder has not measured both on these weights."""
    alike = measured_alike(model)
    bn, plain = alike.get(bn_name), alike.get(plain_name)
    if not bn or not plain or "reestimated" not in bn:
        return None
    # every figure from the file's one pass, so each difference is between two measurements alike (review 83b #2);
    # where its as-trained scores are not the runs' records printed elsewhere, that is said (82b #5: "_records_apart")
    trained, again, other = bn["test_accuracy"], bn["reestimated"]["test_accuracy"], plain["test_accuracy"]
    apart = _records_apart(
        model, {bn_name: "the network with batch norm", plain_name: "the network without batch norm"}, alike
    )
    deficit, gained, left = 100 * (other - trained), 100 * (again - trained), 100 * (again - other)
    how = apart + (
        f"Re-estimating its running averages after training (one pass over the first {bn['reestimate_images']:,} "
        "training images, as the Playground does; no training) "
    )
    # a gain under TOO_CLOSE is too small to call, whatever its share of the deficit: no cause is named from it
    # (review 32b #1)
    if round(deficit, 2) <= 0:  # the records' gap, not this pass's: no deficit here to explain (review 91b #1)
        words = how + (
            f"moves it from {trained:.2%} to {again:.2%}; as trained it was already "
            f"{_apart(-deficit, 'the network without batch norm')} in this pass ({other:.2%}), so there is no deficit "
            "here for lagging averages to explain."
        )
    elif gained <= -TOO_CLOSE:  # the one-pass estimate did worse: it does not stand for batch norm without the lag, and
        # shows no lag, but rules none out either (review 34b #3)
        words = how + (
            f"made it worse ({trained:.2%} to {again:.2%}): this one-pass estimate does not stand for batch norm "
            f"without the lag, so the as-trained {deficit:.2f} points remain the measure of the pair (one run each; "
            "how much the seed moves these runs was not measured)."
        )
        return words + " " + _fitted_words(bn, plain, (model.ablations.get(bn_name) or {}).get("history") or {})
    elif gained < TOO_CLOSE:
        by = signed(gained)
        share = f"{gained:.2f} of the" if 0 < round(gained, 2) <= round(deficit, 2) else "against a"
        words = how + (
            f"changed it by {by} points ({trained:.2%} to {again:.2%}), {share} {deficit:.2f}-point deficit: a change "
            "too small to call from one run, so how much of the deficit lagging averages explain was not shown."
        )
    else:  # review 38b L2: the lift is measured on one network's weights, the deficit from one run each
        against = (
            f"as much as or more than the {deficit:.2f}-point deficit"  # "3.12 of the 2.73 points" would be nonsense
            if gained >= deficit
            else f"against a {deficit:.2f}-point deficit"
        )
        words = how + (
            f"lifts it to **{again:.2%}**: on the same learned weights, its running averages as trained cost it "
            f"{gained:.2f} points, {against} measured from one run each."
        )
    grid = getattr(model, "playground", None)
    noise = seed_noise(grid)
    where = f"Re-estimated, it is {_apart(left, 'the network without batch norm')}"
    if noise is None:
        words += f" {where} (how much the seed moves such runs was not measured)."
    else:
        seed = seed_yardstick(grid, noise)
        unmeasured = "(how much the seed moves these runs, on the whole training split, was not measured)"
        if round(left, 2) == 0:
            words += f" {where}: no deficit is left."
        elif under(left, noise):
            what = (
                "what is left may be noise, or a small cost"
                if left < 0
                else "the difference may be noise, or a small gain"
            )
            words += f" {where}, less than {seed}: {what} of batch norm {unmeasured}."
        else:
            words += (
                f" {where}, {past(left, noise)} {seed}: a hint, from one run each, of what batch norm itself did "
                f"{unmeasured}."
            )
    return words + " " + _fitted_words(bn, plain, (model.ablations.get(bn_name) or {}).get("history") or {})


def _records_apart(model: LoadedModel, labels: dict[str, str], alike: dict[str, dict]) -> str:
    """Where batch_norm.json's as-trained test accuracy for a run (LABELS: run name -> how the sentence calls it) is
    not the run's record, which the tabs print elsewhere: both, and that this sentence's figures are the file's
    (measured_alike accepts a file within SAME_WEIGHTS of the record: review 82b #5, 83b). "" where they agree."""
    before = getattr(model, "fashion_mnist_only", None)
    records = {**model.ablations, **({FASHION_MNIST_ONLY: before.metrics} if before is not None else {})}
    apart = [
        f"{label} scored {alike[name]['test_accuracy']:.2%} as trained, against {records[name]['test_accuracy']:.2%} "
        "in its training record"
        for name, label in labels.items()
        if round(10_000 * alike[name]["test_accuracy"]) != round(10_000 * records[name]["test_accuracy"])
    ]
    if not apart:
        return ""
    return (  # said first, before any figure of the pass (review 84b #2)
        f"In batch_norm.json's own pass, {'; '.join(apart)} (Keras's evaluation and prediction can differ by an "
        "image or three); the figures below are that pass's. "
    )


def _fitted_words(bn: dict, plain: dict, history: dict) -> str:
    """The batch-norm network's training accuracy and generalization gap against the plain one's, both measured like
    validation (batch_norm.json), with the training curve's figure named as what it is (HISTORY: Keras's log). No
    verdict on overfitting: the same lagging running averages hold down its training and validation figures alike."""
    gaps = [100 * (run["train_accuracy"] - run["validation_accuracy"]) for run in (bn, plain)]
    curve = (
        # two reasons it differs: averaged as the weights changed, and batch statistics (review 109a #1)
        f"; the training curve's {history['accuracy'][-1]:.1%} is averaged over the epoch's batches as the weights "
        f"changed, {BATCH_STATISTICS}"
        if history.get("accuracy")
        else ""
    )
    return (
        f"Its training accuracy, {ALIKE}, is {bn['train_accuracy']:.2%} against {plain['train_accuracy']:.2%} without "
        f"batch norm, and its gap to validation accuracy {gaps[0]:.2f} points against {gaps[1]:.2f} (one run each"
        f"{curve}). These use the same running averages as its test score, which may lag behind the weights, so they "
        "say little about how closely its learned weights fit the training images."  # review 40b L1
    )


def augmented(name: str) -> bool:
    """Whether the run NAME (model.recipe's ablation name, or FASHION_MNIST_ONLY: train.py's default recipe, the
    baseline's) trained on augmented images."""
    return ABLATIONS.get(name, ABLATIONS["baseline"])[2]


def reestimated_step_words(
    model: LoadedModel,
    before: str = "vgg",
    after: str = "vgg-aug",
    names: tuple[str, str] = ("the ladder's run without augmentation", "its augmented one"),  # review 33b #2
) -> str:
    """What re-estimating both runs' batch-norm running averages (batch_norm.json) does to the ladder's step from
    BEFORE to AFTER (called NAMES in the sentence); "" if not measured on these weights. How far each run's averages
    lagged may itself be an effect of what changed between the runs, and benchmarks/batch_norm.py re-estimates on
    clean images: where the words split the step, they say both (review 34b #2)."""
    alike = measured_alike(model)
    a, b = alike.get(before), alike.get(after)
    if not a or not b or "reestimated" not in a or "reestimated" not in b:
        return ""
    step = 100 * (b["test_accuracy"] - a["test_accuracy"])
    a_again, b_again = a["reestimated"]["test_accuracy"], b["reestimated"]["test_accuracy"]
    again = 100 * (b_again - a_again)
    apart = _records_apart(model, {before: names[0], after: names[1]}, alike)  # the step here is the file's (83b, 84b)
    words = (
        (f" {apart.strip()}" if apart else "")
        # not "the averages differ", true of any two networks: each may lag its weights by its own amount (84a #4)
        + f" Each run's stored batch-norm running averages may lag its final weights by a different amount: with both "
        "re-estimated after training (one pass "
        f"over the first {a['reestimate_images']:,} training images, clean), {names[0]} scores {a_again:.2%} and {names[1]} "
        f"{b_again:.2%}, a step of {signed(again)} points"
    )
    a_val, b_val = a["reestimated"].get("validation_accuracy"), b["reestimated"].get("validation_accuracy")
    if a_val is not None and b_val is not None:  # review 37b M2: validation's re-estimated step may point the other way
        words += f" on the test set ({signed(100 * (b_val - a_val))} on the validation images)"
    if apart:  # the as-trained step the narrowing is taken from, in the same pass (review 84b #3)
        words += f", against {signed(step)} as trained in the same pass"
    if abs(step - again) < TOO_CLOSE:  # the caveats below too: a small change does not show alike lags (42b L1)
        words += ", so re-estimating them changes the test-set step little (one run each)."
    elif step * again < 0:  # "1.30 of the 0.96 points came from..." would be nonsense: the step turned round
        # review 36b #M1: the re-estimated step is one run each, and a clean re-estimate may handicap an augmented run,
        # so a step that turns round says nothing of the learned weights; under TOO_CLOSE it is not called a turn
        words += (
            f": with both re-estimated, the {signed(step)}-point step is gone (too close to call from one run each)"
            if abs(again) < TOO_CLOSE
            else f": with both re-estimated, the {signed(step)}-point step on the test set turns round (one run each)"
        ) + ", and whether one run's learned weights do better than the other's is not shown."
    elif abs(again) < abs(step):
        # review 37b M2: one run each, and both steps may be noise, so the narrowing is not split into causes
        words += f": re-estimating narrows the test-set step by {abs(step - again):.2f} points" + (
            ", leaving a step too close to call from one run each, so whether one run's learned weights do "
            "better than the other's is not shown."
            if abs(again) < TOO_CLOSE
            else " (one run each)."
        )
    else:
        words += ": with both re-estimated, the step on the test set is larger (one run each)."  # review 39b L2
    clean = [name for name in (before, after) if augmented(name)]
    swapped = (
        ""
        if not clean
        else (" Both runs'" if len(clean) == 2 else " The augmented run's")
        + " averages had tracked augmented batches, so re-estimating them on clean images also swapped "
        "augmented-image statistics for clean ones, beside removing any lag (the amount of lag was not measured)."
    )
    return (
        words
        + " Whether the two runs' averages lagged by different amounts because of what changed between them was not "
        "measured, so the re-estimated step need not be the whole effect of what changed." + swapped
    )


# -- words about runs that several tabs use (moved from tabs/playground.py, so no tab imports another) --------
def complete(grid: dict | None) -> bool:
    """Whether GRID holds every configuration's run and the default's seeds (an interrupted grid does not)."""
    runs = (grid or {}).get("runs", {})
    return all(playground.config_key(c) in runs for c in playground.every_config()) and len(
        playground.seed_spread(grid)
    ) == len(playground.SEEDS)


def noise_words(grid: dict) -> tuple[float, str]:
    """The smallest difference between two single runs called more than noise (points), and a sentence on it:
    2 x sqrt(2) standard deviations of the default configuration's seeds (about 95% of the differences between
    two runs of one setting stay below it, if runs vary as those did)."""
    scores = playground.seed_spread(grid)
    sd = float(np.std(scores, ddof=1))
    threshold = playground.noise_threshold(grid)
    listed = ", ".join(f"{s:.2f}%" for s in scores)
    return threshold, (
        f"**Noise.** The default setting trained with {len(scores)} seeds scored {listed} on the test set: a "
        f"standard deviation of {sd:.3f} points between runs that differ in their seed (and in any run-to-run "
        f"nondeterminism), estimated from only {len(scores)} runs and so "
        f"itself uncertain. If that were the true spread, two single runs of one setting would differ by less than "
        f"{threshold:.2f} points (2√2 standard deviations, rounded up to the hundredth of a point the accuracies are given in) "
        "about 95% of the time, so "
        "smaller differences are called *within noise* here. Only the default setting ran several seeds: how much "
        'any other setting varies was not measured, so a "better" or "worse" from one run each is a hint, not a '
        "finding."  # review 86b #2
    )


WIDE_GAP = 2.0  # points of training over validation accuracy (clean, no dropout) worth naming beside the rule


# said of a run the rule spares only by its margin while its validation loss climbed at every epoch after its lowest
CLIMB = "That climb may be the start of overfitting or a bump that falls back: one run with one seed cannot tell"


def climbing(h: dict) -> bool:
    """Whether the rule spares a run only by its margin ("last" or "next-to-last") while, at each of two or more
    epochs after its lowest, its validation loss rose and its training loss fell: a start of overfitting or a bump."""
    loss = h["val_loss"]
    if not_overfitted_because(h) not in ("last", "next-to-last"):
        return False
    best = int(np.argmin(loss)) + 1
    return (
        len(loss) - best >= 2
        and bool(np.all(np.diff(loss[best - 1 :]) > 0))
        and bool(np.all(np.diff(h["loss"][best - 1 :]) < 0))
    )


def not_overfitting(h: dict, validation: int | None = None) -> str:
    """Why ``concepts.curves.overfitted`` did not call a run overfitted, in its numbers: the rule's first condition
    it fails (``not_overfitted_because``); VALIDATION, the validation images, turns an accuracy rise into images."""
    why = not_overfitted_because(h)
    # review 36b #L4: the rises are taken between the losses as printed (3 decimals, more where the rule's 0.03 needs
    # them: rise_words, review 74b #1, #2)
    loss, d = h["val_loss"], losses_decimals(h)  # the decimals its losses print at beside the rule (76b #1)
    best, epochs = int(np.argmin(h["val_loss"])) + 1, len(loss)
    lowest, after = loss[best - 1], h["val_loss"][best - 1 :]
    climbed = (
        "its validation loss climbed at each epoch after its lowest while its training loss fell, but "
        if len(after) > 1
        and all(b > a for a, b in zip(after[:-1], after[1:], strict=True))
        and all(b < a for a, b in zip(h["loss"][best - 1 : -1], h["loss"][best:], strict=True))  # fell every epoch
        else ""
    )
    if why == "lowest-late":
        return f"its validation loss was lowest at epoch {best} of {epochs}, so fewer than two epochs came after it"
    if why == "last":
        return (
            f"{climbed}it ended only {rise_words(lowest, loss[-1], d)} above its lowest, and a rise of up to {OVERFIT_RISE} is "
            "not called overfitting here"
        )
    if why == "next-to-last":
        return (
            f"{climbed}epoch {epochs - 1} was only {rise_words(lowest, loss[-2], d)} above its lowest (it ended "
            f"{rise_words(lowest, loss[-1], d)} above), and the rule asks for more than {OVERFIT_RISE} at each of the last two "
            "epochs"
        )
    if why == "accuracy":
        rise = h["val_accuracy"][-1] - h["val_accuracy"][best - 1]
        net = round(rise * validation) if validation else 0  # images gained, net (review 92b #2)
        # a bright line: one run cannot call a rise this small, said of the rise, not of the rule (103b #2, 106b S1)
        notes = [f"{net:,} more of its {validation:,} validation images right, net"] if validation and net else []
        notes += ["a margin too small for one run to call"] if 100 * rise < TOO_CLOSE else []
        return (
            f"its validation loss rose (it ended {rise_words(lowest, loss[-1], d)} above its lowest), but its validation "
            f"accuracy ended {100 * rise:.2f} points higher than at epoch {best}, the epoch of that lowest"
            + (f" ({': '.join(notes)})" if notes else "")
            + ", and the rule also asks that validation accuracy end no higher"
        )
    if why == "training":
        return (
            f"its validation loss rose (it ended {rise_words(lowest, loss[-1], d)} above its lowest), but its training loss, as "
            f"the training curve measures it, ended no lower than at epoch {best}, the epoch of lowest validation loss, "
            "and the rule also asks that training loss end lower"  # the curve's loss is on the batches as trained, not a clean pass (33b #3)
        )
    return "it has too few epochs to judge"
