"""The Playground tab: the learner turns the notebook CNN's knobs and sees that run's curves at once (from the
measured grid, ``model.playground``), compares it with a pinned run, and trains it live, as a class."""

from __future__ import annotations

import asyncio
import html
import math
import random
from functools import partial

import gradio as gr
import numpy as np

from concepts.curves import OVERFIT_RISE, not_overfitted_because, overfitted
from model import playground
from model.data import CLASS_NAMES
from model.inference import TEST_TIME_FLIP, LoadedModel, top_classes
from tabs.charts import epoch_curves_svg
from tabs.checks import choice, text
from tabs.inputs import input_pixels
from tabs.live_queue import LiveQueue, QueueFull
from tabs.runs import (
    CLIMB,
    TOO_CLOSE,
    WIDE_GAP,
    and_list,
    classify_averages,
    climbing,
    complete,
    losses_decimals,
    noise_words,
    not_overfitting,
    order_decimals,
    past,
    signed,
    under,
)
from tabs.wiring import RAW

# knob -> (its label, {its values as the API takes them: the model's values}, the notebook question it answers)
KNOBS = {
    "pool": (
        "Pooling",
        {"max": "max", "average": "average"},
        "What does pooling keep: the strongest response or the mean?",
    ),
    "normalize": (
        "Input normalization",
        {"on": True, "off": False},
        "Why standardize the pixels before the first layer?",
    ),
    "batch_norm": ("Batch norm", {"off": False, "on": True}, "What does normalizing inside the network change?"),
    "dropout": (
        "Dropout before the last layer",
        {"0": 0.0, "0.5": 0.5},
        "Does dropping units in training curb overfitting?",
    ),
    "augment": (
        "Augmentation (flips, shifts, erasing)",
        {"off": False, "on": True},
        "Do varied copies of the images help?",
    ),
    "images": (
        "Training images",
        {"10000": 10_000, "1000": 1_000},
        "How much does more data help against overfitting?",
    ),
}
SHOWN_AS = {"max": "Max", "average": "Average", "on": "On", "off": "Off", "0": "None", "0.5": "0.5"}
SHOWN_AS |= {"10000": "10,000", "1000": "1,000"}  # how the radio buttons name the API's values
DEFAULT_CHOICES = {knob: next(iter(values)) for knob, (_, values, _) in KNOBS.items()}
# presets: (the run to show, the run pinned beside it), as the knobs' choices that differ from the default
PRESETS = {
    "Small training set: 1,000 vs 10,000 images": ({"images": "1000"}, {}),
    "Normalization without batch norm: off vs on": ({"normalize": "off"}, {}),
    "Normalization with batch norm: off vs on": ({"normalize": "off", "batch_norm": "on"}, {"batch_norm": "on"}),
    "Max vs average pooling": ({"pool": "average"}, {}),
}
THIS, PINNED, GRID_LINE = (
    "#1f4e99",
    "#b35900",
    "#a6a6a6",
)  # the chosen run, the pinned run, the grid's run behind a live one
INTRO = f"""**Turn the knobs, watch the curves.** Each setting of the six knobs is one run of the study notebook's
small CNN, trained once here from scratch (the default setting {len(playground.SEEDS)} times, with different seeds,
for the seed noise): its curves show at once. Pin a run to compare, or press **Train it now** to train it yourself."""
# a wide distance between the curves, named beside the rule: the Overfitting tab's "curve gap", not its generalization
# gap (the training curve is averaged over an epoch in which the weights still change; review 31b #7); many texts call
# a wide gap overfitting, this app keeps the word for its rule (review 36b #L2)
CURVE_GAP = (
    "the curve gap, which only approximates the generalization gap (the Overfitting tab says why). Some texts call "
    "a gap overfitting once it is too large; this app keeps the word for its rule, validation getting worse"  # 94b #2, 95b #1
)
LIVE_PAUSE = 0.005  # s of rest after each batch of a live run (~20 ms each): the rest of the app keeps a share
QUEUE = None  # the app's LiveQueue, made with the first model that serves (one per process)


def config_of(choices: dict) -> dict:
    """The knobs' choices as the API takes them ("on", "1000", ...) -> model.playground's configuration."""
    return {knob: KNOBS[knob][1][choices[knob]] for knob in KNOBS}


def read_choices(*values) -> dict:
    """The six knob values in KNOBS' order, checked (a gr.Error names the knob and its choices)."""
    return {knob: choice(v, list(KNOBS[knob][1]), knob) for knob, v in zip(KNOBS, values, strict=True)}


def describe(config: dict) -> str:
    """A run's knobs in words, e.g. "max pooling, normalized input, no batch norm, ..."."""
    return ", ".join(
        (
            f"{config['pool']} pooling",
            "normalized input" if config["normalize"] else "raw 0–255 input",
            "batch norm" if config["batch_norm"] else "no batch norm",
            f"dropout {config['dropout']:g}" if config["dropout"] else "no dropout",
            "augmentation" if config["augment"] else "no augmentation",
            f"{config['images']:,} images",
        )
    )


def the_grid(model: LoadedModel) -> dict:
    grid = model.playground
    if not complete(grid):
        raise gr.Error(
            "This model folder has no complete Playground grid: `python train.py --playground-grid --out "
            f"{model.folder}` trains it (and finishes an interrupted one)."
        )
    return grid


REESTIMATED = (
    "Batch-norm runs are scored with their test-time averages re-estimated after training (the batch-norm note "
    "under a batch-norm run says what they score as trained)."
)


def run_words(run: dict, epochs: int, validation: int | None = playground.VALIDATION) -> str:
    """What one run's curves show, chosen by its numbers (``concepts.curves.overfitted`` decides overfitting);
    VALIDATION: how many validation images the run's validation accuracy is over."""
    h, config = run["history"], run.get("config", {})
    best = run["best_epoch"]
    accuracy = f"**{run['test_accuracy']:.2%}**"
    if "test_accuracy_reestimated" in run:
        accuracy = (
            f"**{run['test_accuracy_reestimated']:.2%}** with batch norm's averages re-estimated "
            f"({run['test_accuracy']:.2%} as trained)"
        )
    harder = [
        w
        for on, w in ((config.get("augment"), "on augmented images"), (config.get("dropout"), "with dropout on"))
        if on
    ]
    # review 35b #4: a batch-norm run's curves are as trained beside its re-estimated test score, its training
    # accuracy uses each batch's own statistics; "so it can end close to validation or below it" only where it nearly did
    reestimated = "test_accuracy_reestimated" in run
    how = harder + (["with batch norm using each batch's own statistics"] if config.get("batch_norm") else [])
    head = (
        f"**This run**: test accuracy {accuracy}; {'as trained, ' if reestimated else ''}validation accuracy "
        f"{h['val_accuracy'][-1]:.2%} at the end of epoch {epochs}, and training accuracy {h['accuracy'][-1]:.2%}, "
        "averaged over that epoch as it trained"
        + (f" {and_list(how)}" if how else "")
        + (
            ", so it can end close to validation or below it"
            if harder and 100 * (h["accuracy"][-1] - h["val_accuracy"][-1]) < WIDE_GAP
            else ""
        )
        + ". "
    )
    lowest, last = h["val_loss"][best - 1], h["val_loss"][-1]
    d = losses_decimals(h)  # beside the rule's 0.03, each printed on its side (reviews 74b #3, 75b #2)
    where = f"Validation loss was lowest at epoch {best} ({lowest:.{d}f}) and ended at {last:.{d}f}"
    if reestimated:
        if best < epochs:  # the rule's accuracy condition, shown as for runs without batch norm (review 103b #1)
            before, after = h["val_accuracy"][best - 1], h["val_accuracy"][-1]
            where += f", with validation accuracy going from {before:.2%} to {after:.2%}"
        if best == epochs:  # no rise after the lowest to explain: the rule's verdict, once (review 34b #8)
            where = (
                f"Validation loss was lowest at the last epoch ({last:.3f}), so the Overfitting tab's rule does not "
                f"call this run overfitted in {epochs} epochs"  # not "did not overfit": these curves are as trained (45b #2)
            )
        # the rule's verdict on these as-trained curves, with its reason where it spares them (98b #1, 99b #1, #2)
        verdict = (  # its own sentence after the figures, not a second colon (review 100b #4)
            "These curves, as trained, meet the Overfitting tab's rule for overfitting"
            if overfitted(h)
            else "No clear overfitting in these curves, as trained, by the Overfitting tab's rule: "
            + not_overfitting(h, validation)
        )
        if 100 * abs(run["test_accuracy_reestimated"] - run["test_accuracy"]) < TOO_CLOSE:
            return head + (
                f"{where}. {'These curves are as trained; r' if best == epochs else verdict + '. R'}e-estimating batch "
                "norm's running averages after the last epoch changed test accuracy little (below), so by then they "
                "were no clear handicap; at earlier epochs it was not checked."
            )
        if best == epochs:
            return head + (
                f"{where}. These curves are as trained: the validation curves use batch norm's running averages, which "
                "can hide or mimic a change in fit."
            )
        # the rule's verdict first, as the Overfitting tab gives notebook-bn's, then why it cannot be read as a cause
        return head + (
            f"{where}. {verdict}. The validation curves are computed with batch norm's "
            "running averages, so lagging averages and any overfitting both move them, and this run cannot tell the two "
            "apart."
        )
    if best == epochs:
        gap = 100 * (h["accuracy"][-1] - h["val_accuracy"][-1])
        return head + (
            f"Validation loss was lowest at the last epoch ({last:.3f}), so by the Overfitting tab's rule this run "
            f"did not overfit in {epochs} epochs"
            + (
                f", though its training curve's accuracy ended {gap:.2f} points above validation: {CURVE_GAP}."
                if gap >= WIDE_GAP and not harder
                else "."
            )
        )
    before, after = h["val_accuracy"][best - 1], h["val_accuracy"][-1]
    accuracies = f"validation accuracy going from {before:.2%} to {after:.2%}"
    if not_overfitted_because(h):
        gap = 100 * (h["accuracy"][-1] - h["val_accuracy"][-1])
        climb = climbing(h)
        wide = ""
        if gap >= WIDE_GAP and not harder:
            wide = (
                f" Its training curve's accuracy also ended {gap:.2f} points above validation."
                if climb
                else f" Its training curve's accuracy ended {gap:.2f} points above validation: {CURVE_GAP}."
            )
        return (
            head
            + f"{where}, {accuracies}. No clear overfitting by the Overfitting tab's rule: "
            + f"{not_overfitting(h, validation)}."
            + (f" {CLIMB}." if climb else "")
            + wide
        )
    later = h["val_loss"][best:]
    t = order_decimals([h["loss"][best - 1], h["loss"][-1]])  # a fall printed as one (review 79b #2)
    fell = [best + 1 + i for i, (a, b) in enumerate(zip([lowest, *later[:-1]], later, strict=True)) if b < a]
    steady = not fell
    return head + (
        f"{where}, more than {OVERFIT_RISE} above it at each of the last two epochs, with {accuracies} "
        f"({signed(100 * (after - before))} points) while training loss went from {h['loss'][best - 1]:.{t}f} to "
        f"{h['loss'][-1]:.{t}f}. By the Overfitting tab's rule this run overfitted, one run with one seed"
        + (
            ": its validation loss did not fall at any epoch after its lowest."
            if steady
            else "; its validation loss did not climb steadily after its lowest ("
            + ", ".join(f"{v:.{d}f}" for v in later)  # each step, at the rises' decimals (77b #3, 78b #1)
            + f"), falling at epoch{'s' if len(fell) > 1 else ''} {', '.join(map(str, fell))}."
        )
    )


def batch_norm_words(run: dict, epochs: int, grid: dict) -> str:
    """For a run with batch norm: its test accuracy with the running averages re-estimated, and what that says,
    set against the grid's other batch-norm runs with as many updates."""
    if "test_accuracy_reestimated" not in run:
        return ""
    after = run["test_accuracy_reestimated"]
    gap = 100 * (after - run["test_accuracy"])
    head = (
        f"**Batch norm at test time** uses running averages of the batch statistics it saw in training. Set "
        f"instead to the statistics of {playground.REESTIMATE_IMAGES:,} training images after training"
        + (" (augmented, as in training)" if run["config"]["augment"] else "")
        + f", this network scores **{after:.2%}** ({signed(gap)} points)"
    )
    if gap <= -TOO_CLOSE:  # worse re-estimated: a one-pass estimate, not batch norm without lag (review 43b L1)
        return head + ": this one-pass estimate did worse, so it does not stand for batch norm without lag here."
    if gap <= TOO_CLOSE:
        return head + ": its running averages were no clear handicap here."
    steps = playground.updates(run["config"], epochs)
    start = playground.BN_MOMENTUM**steps  # the share of each running average still at its starting value
    same = [
        100 * (r["test_accuracy_reestimated"] - r["test_accuracy"])
        for r in grid["runs"].values()
        if "test_accuracy_reestimated" in r and playground.updates(r["config"], epochs) == steps
    ]
    if start < 0.01:
        lag = (
            "its running averages lagged behind the weights, which kept changing while they averaged the batches of "
            f"roughly the last {1 / (1 - playground.BN_MOMENTUM):.0f} updates"
        )
        if min(same) <= TOO_CLOSE:  # runs with as many updates that re-estimation did not help: not the cause alone
            return head + (
                f": possibly {lag}; but the {len(same)} batch-norm runs with {steps:,} updates in this grid changed by "
                f"{signed(min(same))} to {signed(max(same))} points, so why this run gained is not measured."
            )
        return head + f": one possible cause is that {lag}."  # not "likely": one pass (review 87b #2)
    mechanism = (
        f"Each starts at mean 0 and variance 1 and moves {1 - playground.BN_MOMENTUM:.0%} toward each batch's; after "
        f"this run's {steps:,} updates {start:.0%} of it is still that start."
    )
    if min(same) <= TOO_CLOSE:  # that start is shared by runs re-estimation did not help: it cannot be the cause alone
        return head + (
            f": so at the end of training its running averages did not match these images' statistics. {mechanism} "
            f"But that start is the same in all {len(same)} batch-norm runs with {steps:,} updates in this grid, "
            f"and re-estimating changed them by {signed(min(same))} to {signed(max(same))} points: why this run gained "
            f"{gap:.2f} points is not measured."
        )
    return head + f": one possible cause is that its running averages had not caught up. {mechanism}"


def pinned_words(
    gap: float, spread: float, batch_norm: bool, unmeasured: str | None = None, default_in: bool = False
) -> str:
    """The pinned run against this one, GAP points, set against SPREAD, the default setting's seed noise; past it, a
    hint, not a finding (one run each), and where either run is a setting never run with several seeds (UNMEASURED
    names what makes it so, as `unmeasured_reason` gives it; "batch norm" when BATCH_NORM and not given), that its
    spread was not measured (reviews 84b #1, 85b #6, 90b #2)."""
    unmeasured = ("batch norm" if batch_norm else "") if unmeasured is None else unmeasured
    # only the default's spread was measured (reviews 86b #1, 87b #1, 88b #3, #4: DEFAULT_IN, one of the pair is it)
    spread_words = (
        "the default's figure here is its first seed's run; the other setting's seed spread was not measured"
        if default_in
        else "these settings' seed spread was not measured"
    ) + (f", and with {unmeasured} it may be wider than the default's" if unmeasured else "")  # 89b #2
    verdict = (
        f"within the default setting's seed noise; {spread_words}"
        if under(gap, spread)
        else f"{past(gap, spread)} the default setting's seed noise: a hint, not a finding, from one run each; "
        + spread_words
    )
    re_estimated = ", batch-norm runs re-estimated" if batch_norm else ""
    return f"**Pinned run**: {signed(gap)} points of test accuracy against this one{re_estimated} ({verdict})."


def unmeasured_reason(configs) -> str:
    """What, in this run and the pinned one (CONFIGS, in that order), was never run with several seeds, named for
    "with … it may be wider" (review 90b #2): batch norm, a training set smaller than the default's, or both; said
    of each run where the two differ (reviews 91b #2, 92b #1); "" for neither."""

    def unmeasured(config: dict) -> str:
        parts = ["batch norm"] if config["batch_norm"] else []
        if config["images"] != playground.DEFAULT["images"]:
            parts.append(f"{config['images']:,} training images")
        return " and ".join(parts)

    said = [unmeasured(c) for c in configs]
    if len({s for s in said if s}) <= 1:  # one kind of setting, in one run or both
        return next((s for s in said if s), "")
    return f"{said[0]} in this run, and {said[1]} in the pinned one,"  # commas part the runs (review 93b #1)


def effects_table(grid: dict, config: dict, spread: float) -> str:
    """Each knob flipped with the rest held: its test accuracy change, noise marked."""
    rows = []
    for knob, change in playground.knob_effects(grid, config, reestimated=True).items():
        other = playground.flipped(config, knob)[knob]
        label = next(k for k, v in KNOBS[knob][1].items() if v == other)
        verdict = (
            "within noise"
            if under(change, spread)
            else ("higher, one run each" if change > 0 else "lower, one run each")  # review 43b L2: not a verdict
        )
        rows.append(
            f"<tr><td>{html.escape(KNOBS[knob][0])} → {html.escape(SHOWN_AS[label])}</td>"
            f"<td>{signed(change)}</td><td>{verdict}</td></tr>"
        )
    seeds = sorted(playground.seed_spread(grid))
    first = ""
    run = round(100 * playground.grid_run(grid, playground.DEFAULT)["test_accuracy"], 2) if len(seeds) > 1 else None
    shown = [round(v, 2) for v in seeds]
    # an end of the seeds' range only where no other seed ties it there (review 109b U2)
    lowest = run is not None and run == shown[0] and shown[1] > run
    highest = run is not None and run == shown[-1] and shown[-2] < run
    # no bracket inside the caption's bracket (review 110b #2)
    spread_of = f"{len(seeds)} seeds, which span {seeds[0]:.2f}–{seeds[-1]:.2f}%" if run is not None else ""
    if config == playground.DEFAULT and run is not None:  # each change is against its first seed's run (94b #1)
        where = (  # what that does to every change, where it is an end of the seeds' range (review 95b #2)
            f", the lowest of its {spread_of}, so each gain here is larger, and each drop smaller, than against the "
            "others"  # review 96b #2
            if lowest
            else f", the highest of its {spread_of}, so each gain here is smaller, and each drop larger, than against "
            "the others"
            if highest
            else f"; its {len(seeds)} seeds: {seeds[0]:.2f}–{seeds[-1]:.2f}%"
        )
        first = f"; each change is against the default setting's first seed's run ({run:.2f}%{where})"
    back = [k for k in KNOBS if config != playground.DEFAULT and playground.flipped(config, k) == playground.DEFAULT]
    if back and run is not None:  # the row back to the default is its first seed's run too (108b L2, 109b L2, U1)
        where = (
            f", the lowest of its {spread_of}, so that row's change would be higher against any other seed"
            if lowest
            else f", the highest of its {spread_of}, so that row's change would be lower against any other seed"
            if highest
            else f"; its {len(seeds)} seeds: {seeds[0]:.2f}–{seeds[-1]:.2f}%"
        )
        first = f"; the row back to the default setting is against its first seed's run ({run:.2f}%{where})"
    return (
        "<table class='playground-effects'><caption>Change one knob, keep the rest: test accuracy change (points); "
        f"<i>within noise</i>: under the default setting's {spread:.2f}-point seed noise (other settings' spread was "
        f"not measured){first}</caption><thead><tr><th>knob → value</th><th>points</th><th>verdict</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table><p class='caption'>{REESTIMATED}</p>"
    )


def knob_change(knob: str) -> str:
    """A knob and its two choices, e.g. "Batch norm Off→On"."""
    return f"{KNOBS[knob][0]} {'→'.join(SHOWN_AS[v] for v in KNOBS[knob][1])}"


def grid_words(grid: dict) -> str:
    """Over the whole grid, batch-norm runs re-estimated: each knob's average effect and the biggest interaction;
    then what the batch-norm runs' as-trained scores would make of them."""
    average = playground.average_effects(grid, reestimated=True)
    parts = [f"{knob_change(k)}: {signed(v)}" for k, v in sorted(average.items(), key=lambda kv: -abs(kv[1]))]
    knob, other, (first, second) = playground.biggest_interaction(grid, reestimated=True)
    choices = [SHOWN_AS[v] for v in KNOBS[other][1]]
    words = (
        f"**Over all {len(playground.every_config())} settings**, each knob's average effect on test accuracy "
        f"(points, first choice → second): {'; '.join(parts)}. **The biggest interaction**: {knob_change(knob)} "
        f"changes test accuracy by {signed(first)} points on average with {KNOBS[other][0].lower()} {choices[0]}, "
        f"and by {signed(second)} with it {choices[1]} (one run per setting, the default's first seed among them; the "
        f"largest of the {math.comb(len(KNOBS), 2)} knob pairs' interactions, and picking the largest tends to "
        f"overstate it). {REESTIMATED}"  # review 90b #3
    )
    lost = [
        100 * (run["test_accuracy_reestimated"] - run["test_accuracy"])
        for run in grid["runs"].values()
        if "test_accuracy_reestimated" in run
    ]
    if not lost:
        return words
    plain = playground.average_effects(grid)
    changes = "; ".join(f"{knob_change(k)} {signed(plain[k])}" for k in sorted(plain, key=lambda k: -abs(plain[k])))
    worst = max(lost)  # the largest gain from re-estimating, which as trained is lost
    as_trained = (
        f"batch-norm runs score up to {worst:.2f} points lower"
        if worst > 0
        # never "up to -0.10 points lower" (review 44b #2); as trained, none is below its re-estimate (47b #1)
        else "no batch-norm run scores lower than re-estimated"
    )
    return words + (
        f" As trained, left with their running averages, {as_trained}, and every knob's average effect, counted on "
        f"those as-trained scores instead, would be: {changes}."
    )


def recall_table(grid: dict, config: dict, pinned: dict | None) -> str:
    runs = [("this run", playground.grid_run(grid, config))]
    if pinned:
        runs.append(("pinned", playground.grid_run(grid, pinned)))
    head = "".join(f"<th>{name}</th>" for name, _ in runs)
    rows = "".join(
        f"<tr><td>{name}</td>" + "".join(f"<td>{run['recall'][c]:.1%}</td>" for _, run in runs) + "</tr>"
        for c, name in enumerate(CLASS_NAMES)
    )
    return (
        "<table class='playground-recall'><caption>Each class's recall on the test set (batch-norm runs: as trained, "
        f"before re-estimation)</caption><thead><tr><th>class</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def pinned_config(pinned: str | None) -> dict | None:
    """The pinned run's configuration from its key ("" or None: nothing pinned)."""
    pinned = text(pinned or "", "pinned")
    if not pinned:
        return None
    for config in playground.every_config():
        if playground.config_key(config) == pinned:
            return config
    raise gr.Error(
        f"pinned must be a Playground run's name, like {playground.config_key(playground.DEFAULT)!r}, or empty."
    )


def show_run(pool, normalize, batch_norm, dropout, augment, images, pinned, model: LoadedModel):
    """The chosen run's curves (and the pinned run's), what each knob does from here, and the words."""
    grid = the_grid(model)
    config = config_of(read_choices(pool, normalize, batch_norm, dropout, augment, images))
    other = pinned_config(pinned)
    run = playground.grid_run(grid, config)
    runs = [(f"this run: {describe(config)}", run["history"], THIS)]
    if other and other != config:
        runs.append((f"pinned: {describe(other)}", playground.grid_run(grid, other)["history"], PINNED))
    spread, noise = noise_words(grid)
    words = [
        run_words(run, grid["epochs"], grid.get("validation_images")),
        batch_norm_words(run, grid["epochs"], grid),
    ]
    if other and other != config:
        gap = 100 * (playground.score(playground.grid_run(grid, other), True) - playground.score(run, True))
        either = (config, other)
        words.append(
            pinned_words(
                gap,
                spread,
                any(c["batch_norm"] for c in either),
                unmeasured_reason(either),
                any(c == playground.DEFAULT for c in either),
            )
        )
    words.append(noise)
    words = [w for w in words if w]
    curves = epoch_curves_svg(runs, grid["epochs"], "Training and validation curves")
    return curves, effects_table(grid, config, spread), "\n\n".join(words), recall_table(grid, config, other)


def pin(*values) -> tuple[str, str]:
    """The chosen run's name, to pin, and a line saying what is pinned."""
    config = config_of(read_choices(*values))
    return playground.config_key(config), f"Pinned: {describe(config)}."


def apply_preset(name: str) -> tuple:
    """A preset's knobs and pinned run."""
    shown, pinned = PRESETS[choice(name, list(PRESETS), "preset")]
    knobs = [{**DEFAULT_CHOICES, **shown}[k] for k in KNOBS]
    pinned_config = config_of({**DEFAULT_CHOICES, **pinned})
    return (*knobs, playground.config_key(pinned_config), f"Pinned: {describe(pinned_config)}.")


# -- live ------------------------------------------------------------------------------------------------


def queue_for(model: LoadedModel) -> LiveQueue:
    global QUEUE
    if QUEUE is None:
        subset = playground.load_subset(model.folder)
        if subset is None:
            raise gr.Error(
                f"This model folder has no Playground images: `python train.py --playground-grid --out {model.folder}` adds them."
            )
        QUEUE = LiveQueue(lambda config, seed: playground.train_run(config, subset, seed, pause=LIVE_PAUSE))
    return QUEUE


def expected_seconds(grid: dict | None, config: dict) -> float:
    """A live run of CONFIG: the grid's time for it (measured once, here, without pauses), else a rough 40 s, plus
    the live run's LIVE_PAUSE after each of its batches (review 31b #9)."""
    try:
        seconds = float(playground.grid_run(grid or {"runs": {}}, config)["seconds"])
    except KeyError:
        seconds = 40.0
    return seconds + playground.updates(config) * LIVE_PAUSE


def status_words(queue: LiveQueue, run, grid: dict | None, epochs: int) -> str:
    watching = f" {run.watchers} learners are watching this run." if run.watchers > 1 else ""
    if run.error:
        return f"The run failed: {run.error}. Press **Train it now** to try again."
    if run.stopped:
        return "The run stopped: everybody watching it left."
    if run.finished:
        return f"Trained in {sum(run.history.get('seconds', [])):.0f} s.{watching}"
    ahead = queue.ahead(run)
    if ahead == []:  # first in line, between the worker's runs: not "0 runs … about 0 s" (review 93b #4)
        return f"Starting: yours is next.{watching}"
    if ahead is not None:
        wait = sum(expected_seconds(grid, r.config) * (1 - r.epochs_done / epochs) for r in ahead)
        return (
            f"Waiting: {len(ahead)} run{'s' if len(ahead) != 1 else ''} of other settings before yours, about "
            f"{wait:.0f} s.{watching} Leaving gives up your place."
        )
    if run.epochs_done == 0:
        return f"Training: the first epoch is running.{watching}"
    return f"Training: epoch {run.epochs_done} of {epochs} done ({sum(run.history['seconds']):.0f} s so far).{watching}"


def live_curves(run, grid: dict | None, config: dict, epochs: int) -> str:
    runs = []
    if complete(grid):
        runs.append(
            ("the grid's run of these knobs (another seed)", playground.grid_run(grid, config)["history"], GRID_LINE)
        )
    if run.history:
        runs.append((f"your run (seed {run.seed})", run.history, THIS))
    return epoch_curves_svg(runs, epochs, "Live training curves")


def learner_pixels(shared, examples: list[str]) -> tuple[np.ndarray, str]:
    """The last image classified (Classify's 28x28 input), else the last test example."""
    if shared is not None:
        return shared[1], "your image (the last one classified)"
    return input_pixels(examples[-1]), "a test image (classify your own in the Classify tab to see it here)"


def shipped_label() -> str:
    """The shipped model's panel: one pass, where Classify answers mirror-averaged (model.inference.TEST_TIME_FLIP)."""
    return "The shipped model (one pass)" if TEST_TIME_FLIP else "The shipped model"


# Gradio's Label writes each probability rounded to a whole percent (its frontend's Math.round), which Python cannot
# change: said under the two panels, so that a 100% or 0% there is not read as exact (review 31b #8)
ROUNDED = "The panels round to whole percents: 100% there means 99.5% or more, and 0% under 0.5%."


def answers(run, shared, model: LoadedModel, examples: list[str]) -> tuple[dict, dict, str]:
    pixels, what = learner_pixels(shared, examples)
    yours = np.asarray(run.net(pixels[None, ..., None].astype(np.float32), training=False))[0]
    as_trained = (  # review 44b #3: the grid's scores for batch-norm settings are re-estimated; this network is not
        " Yours answers with batch norm's running averages as training left them, while this tab scores batch-norm "
        "settings with them re-estimated."
        if (getattr(run, "config", None) or {}).get("batch_norm")
        else ""
    )
    note = (
        f"Both networks on {what}, one pass each"
        + (f". {classify_averages()}, so its numbers for the shipped model can differ." if TEST_TIME_FLIP else ".")
        + as_trained
        + " "
        + ROUNDED
    )
    return top_classes(yours), top_classes(model.probabilities(pixels)[0]), note


async def train_live(pool, normalize, batch_norm, dropout, augment, images, shared, model: LoadedModel, examples):
    """Train the chosen setting for real (or join its run if it is training or waiting), streaming the curves
    after every epoch; then the learner's image through the new network beside the shipped model."""
    config = config_of(read_choices(pool, normalize, batch_norm, dropout, augment, images))
    grid = model.playground
    epochs = (grid or {}).get("epochs", playground.EPOCHS)
    queue = queue_for(model)
    try:
        run = queue.join(playground.config_key(config), config, seed=random.SystemRandom().randrange(1, 2**31))
    except QueueFull:
        raise gr.Error(
            f"{queue.max_waiting} other settings are waiting to train already. Pick the knobs of one that is "
            "training to watch it, or try again in a minute."
        ) from None
    try:
        shown = None
        while True:
            ahead = queue.ahead(run)
            state = (run.epochs_done, run.finished, None if ahead is None else len(ahead), run.watchers)
            if state != shown:
                shown = state
                yield (
                    live_curves(run, grid, config, epochs),
                    status_words(queue, run, grid, epochs),
                    gr.skip(),
                    gr.skip(),
                    gr.skip(),
                )
            if run.finished:
                break
            await asyncio.sleep(0.25)
        if run.net is not None:
            yours, shipped, note = answers(run, shared, model, examples)
            yield live_curves(run, grid, config, epochs), status_words(queue, run, grid, epochs), yours, shipped, note
    finally:
        queue.leave(run)


def warm_up(model: LoadedModel) -> None:
    """Nothing to prepare: the grid is a JSON file, the curves are drawn by the browser."""


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    grid = model.playground
    with gr.Tab("Playground") as tab:
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=2, min_width=300):
                curves = gr.HTML(elem_id="playground-curves")
            with gr.Column(scale=1, min_width=260, elem_id="playground-knobs"):
                preset = gr.Dropdown(list(PRESETS), value=None, label="Presets", elem_id="playground-preset")
                knobs = [
                    gr.Radio(
                        [(SHOWN_AS[v], v) for v in values],
                        value=DEFAULT_CHOICES[knob],
                        label=label,
                        info=question,
                        elem_id=f"knob-{knob}",
                    )
                    for knob, (label, values, question) in KNOBS.items()
                ]
                pinned = gr.Textbox(value="", visible=False, label="pinned")
                with gr.Row():
                    pin_button = gr.Button("Pin this run to compare", size="sm", elem_id="pin-button")
                    unpin_button = gr.Button("Unpin", size="sm")
                pinned_note = gr.Markdown("Nothing pinned.", elem_id="pinned-note")
        words = gr.Markdown(elem_id="playground-words")
        effects = gr.HTML(elem_id="playground-effects")
        gr.Markdown("**Train it now**: this setting, from scratch with a fresh seed, on the same images.")
        live_button = gr.Button("Train it now", variant="primary", elem_id="train-now")
        live_status = gr.Markdown(elem_id="live-status")
        live_plot = gr.HTML(elem_id="live-curves")
        with gr.Row():
            yours = gr.Label(num_top_classes=3, label="Your network", elem_id="live-yours")
            shipped = gr.Label(num_top_classes=3, label=shipped_label(), elem_id="live-shipped")
        live_note = gr.Markdown(elem_id="live-note")
        with gr.Accordion("How we know", open=False):
            recall = gr.HTML(elem_id="playground-recall")
            gr.Markdown(grid_words(grid) if complete(grid) else "", elem_id="playground-grid-words")
            gr.Markdown(
                f"Every run: Adam at a constant learning rate, batches of {playground.BATCH_SIZE}, "
                f"{(grid or {}).get('epochs', playground.EPOCHS)} epochs, on the first 10,000 (or 1,000) of the "
                f"shipped model's training images; validation on {playground.VALIDATION:,} of its validation images, "
                "test on the 10,000 test images. Trained by `python train.py --playground-grid`, one seed each "
                "(the default setting with three)."
            )
        show = partial(show_run, model=model)
        inputs = [*knobs, pinned]
        outputs = [curves, effects, words, recall]
        gr.on(
            [tab.select, *(k.input for k in knobs), pinned.change],
            show,
            inputs,
            outputs,
            api_name="playground",
            trigger_mode="always_last",
            **RAW,
        )
        pin_button.click(pin, knobs, [pinned, pinned_note], api_visibility="private")
        unpin_button.click(lambda: ("", "Nothing pinned."), None, [pinned, pinned_note], api_visibility="private")
        preset.input(apply_preset, preset, [*knobs, pinned, pinned_note], api_visibility="private").then(
            show, inputs, outputs, api_visibility="private"
        )
        live_button.click(
            partial(train_live, model=model, examples=examples),
            [*knobs, shared],
            [live_plot, live_status, yours, shipped, live_note],
            api_name="playground_live",
            concurrency_limit=64,  # watchers wait without a thread (async): a class can watch at once
            **RAW,
            concurrency_id="playground_live",
        )
