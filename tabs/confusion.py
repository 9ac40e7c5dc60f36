"""The Confusion matrix tab: the test-set matrix, a drill-down into any cell, and calibration."""

from __future__ import annotations

import re
import shlex
from functools import partial

import gradio as gr
import numpy as np

from concepts import confusion, saliency
from gradio_gaps import captioned_gallery
from model import calibration as scaling
from model.data import CLASS_NAMES
from model.inference import TEST_TIME_FLIP, LoadedModel
from model.recipe import LABEL_SMOOTHING, PEAK_LR, PLAIN_LR, WEIGHT_DECAY
from tabs.checks import choice, optional_number
from tabs.files import enlarge, enlarge_pixels, figure_file, image_file
from tabs.memo import built_for, explainer, stored_logits
from tabs.runs import and_list, confidence_state, percent
from tabs.wiring import RAW

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
LEAD = """Row i, column j counts the test images of true class i that the model called class j, so
the diagonal holds the right answers. *Row %* puts each class's **recall** on the diagonal, *column %* its
**precision**; open a cell below to see which images the model confused, and how sure it was."""
DETAIL = """Counted by `train.py` once training ends: this app's model reads each of Fashion-MNIST's test images
(never trained on) once, and its top class is its answer; the counts and the per-class table are stored beside the weights,
in `metrics.json`. *Row %*: each row divided by its total, the test images of that class. Its diagonal cell is that
class's **recall** (of the real shirts, the share the model calls Shirt); every other cell is the share of that class
given that column's wrong answer. *Column %*: each column divided by its total, the test images given that answer. Its
diagonal cell is **precision** (of the images the model calls Shirt, the share that are shirts); every other cell is
the share of that answer whose true class is that row's. **F1** is the harmonic mean of the two, 2·P·R / (P + R): high only when
both are."""
CALIBRATION_LEAD = """A model is *calibrated* when its confidence matches how often it is right: of all the images it
gives 90% confidence, 90% should be right. Each bar is the accuracy of the test images whose top probability, in one
pass of the network, falls in that bin; the orange dot is their mean confidence and the dashed diagonal perfect
calibration. A bar above its dot means the model is right more often than it claims (under-confident)."""
# after CALIBRATION_LEAD, only where the Softmax tab has this folder's logits for these weights (calibration_lead)
MOVED_BY_TEMPERATURE = "The **Softmax** tab redraws this diagram from the same test images at a temperature you choose."
OPEN_A_CELL = """### Open a cell
Click a count in the table, or pick a true and a predicted class, to see up to four of those test images. Each caption
gives the model's probability for the predicted class, then the image's number in the test set (0 to 9,999)."""

WHERE_IT_LOOKED = """### Where it looked
Click an image above: Grad-CAM for its true class and for the class the model answered (for an image read
correctly, its runner-up class), on the last convolutional layer as in the **Where it looked** tab. Each map
is scaled to its own maximum, so compare where each is hot, not how hot."""

CONFUSION_MODES = ("Counts", "Row % (recall)", "Column % (precision)")  # "Show" choices: the matrix drawn
ALMOST_NOTHING = 0.01  # a runner-up under 1%: "almost nothing"
NEAR_TIE = 0.01  # runner-up and third class closer than this (in probability) ...
NEAR_TIE_RATIO = 1.25  # ... and the runner-up under 1.25 times the third (logits under 0.22 apart): a near-tie; 1.7%
# against 0.84% is a point apart but a 2:1 ratio, a logit gap of 0.7, not a near-tie (review 83c #1)
CELL_SHOWN = 4  # images a cell shows at most: each is a file the browser or an API client fetches
CAPTION = "{probability} · #{number}"  # a gallery image's caption: short, the note above names the cell
MOST_CONFUSED = 5  # pairs the summary names, with every pair tied with the last of them (review 30c #1) ...
TIES_NAMED = 3  # ... up to this many more: beyond, the tied pairs are counted, not named
NUMBER_IN_CAPTION = re.compile(r"#(\d+)$")


def summary_markdown(metrics: dict, flip: dict | None = None) -> str:
    """Overall accuracy and the most confused pairs, in words. All of it is one pass of the network; where Classify
    answers mirror-averaged (TEST_TIME_FLIP) the words say so, with its accuracy from ``flip`` (``measured_flip``)."""
    words = f"**Test accuracy {metrics['test_accuracy']:.2%}** on Fashion-MNIST's {metrics['test_size']:,} test images"
    if TEST_TIME_FLIP:  # short: on a phone the matrix must start in the first screen
        words += (
            ", in one pass of the network, like everything on this tab (Classify averages the probabilities for an "
            + (
                f"image and its mirror image: top class right on {flip['flip_test_accuracy']:.2%} of the test images). "
                if flip
                else "image and its mirror image, so its answers can differ). "
            )
        )
    else:
        words += ". "
    return words + most_confused_words(np.array(metrics["confusion_matrix"]))


def most_confused_words(matrix: np.ndarray) -> str:
    """The MOST_CONFUSED largest off-diagonal cells, in one sentence (the matrix starts sooner), with every cell tied
    with the last of them: named if TIES_NAMED or fewer, else counted. A tie is never cut by sort order."""
    pairs = sorted(  # biggest first; among equal counts, in the matrix's row order
        confusion.most_confused(matrix, top=matrix.size),
        key=lambda pair: (-pair[2], CLASS_NAMES.index(pair[0]), CLASS_NAMES.index(pair[1])),
    )
    if not pairs:
        return "No test image was confused with another class."
    shown = pairs[:MOST_CONFUSED]
    tied = [pair for pair in pairs[MOST_CONFUSED:] if pair[2] == shown[-1][2]]
    said = [f"{t} → {p} {n:,}" for t, p, n in shown + (tied if len(tied) <= TIES_NAMED else [])]
    if len(tied) > TIES_NAMED:
        said.append(f"{len(tied)} more pairs with {shown[-1][2]:,} each")
    named = shown + tied if len(tied) <= TIES_NAMED else []  # a counted tie: its pairs are not named
    common = set.intersection(*({t, p} for t, p, _ in named)) if named else set()
    shared = ""
    if len(common) == 1:  # every named pair has one class in common: how many of all mistakes touch it (149 #13)
        c = CLASS_NAMES.index(next(iter(common)))
        touching = int(matrix[c].sum() + matrix[:, c].sum() - 2 * matrix[c, c])
        wrong = int(matrix.sum() - np.trace(matrix))
        shared = (
            f" All {len(named)} involve {CLASS_NAMES[c]}, as every one of the {wrong:,} mistakes does."
            if touching == wrong
            else f" All {len(named)} involve {CLASS_NAMES[c]}: {touching:,} of the {wrong:,} mistakes are in its row or "
            "column."
        )
    return f"The most confused pairs (true → predicted, images): {and_list(said)}.{shared}"


def worked_example(matrix: np.ndarray) -> str:
    """One cell read both ways, on the matrix: the lowest-recall class and the answer it most often got instead
    (review 149 #3: what an off-diagonal cell is, per row and per column)."""
    recall = np.diag(matrix) / matrix.sum(axis=1)
    c = int(np.argmin(recall))
    row = matrix[c].copy()
    row[c] = -1
    j = int(np.argmax(row))
    n, row_total, col_total = int(matrix[c, j]), int(matrix[c].sum()), int(matrix[:, j].sum())
    if n == 0:
        return ""
    true, answer = CLASS_NAMES[c], CLASS_NAMES[j]
    by_row, by_column = 100 * n / row_total, 100 * n / col_total
    rows, columns = matrix.sum(axis=1), matrix.sum(axis=0)
    same = int(np.floor(by_row + 0.5)) == int(np.floor(by_column + 0.5))  # as the figure rounds (percent_labels)
    return (
        f"For example, {true}, the class with the lowest recall: {int(matrix[c, c]):,} of its {row_total:,} test "
        f"images were called {true} (recall {recall[c]:.1%}), and {n:,} were called {answer}. The cell in row {true}, "
        f"column {answer} reads those {n:,} two ways: in Row % as {by_row:.1f}% of the {row_total:,} images of "
        f"{true}, in Column % as {by_column:.1f}% of the {col_total:,} images called {answer}."
        + (f" The figure rounds both to {int(np.floor(by_row + 0.5))}." if same else "")
        + (  # review 150 #3: why the two views look alike here
            f" Every class has {row_total:,} test images and each answer was given {int(columns.min()):,} to "
            f"{int(columns.max()):,} times, so here the two views differ little."
            if rows.min() == rows.max() and columns.max() <= 1.05 * columns.min()
            else ""
        )
    )


def calibration_lead(model: LoadedModel) -> str:
    """CALIBRATION_LEAD, then where the Softmax tab moves this diagram: only if it can, that is if the folder keeps
    its logits for these weights (the Softmax tab's own check, memo.stored_logits); else the command that does."""
    if stored_logits(model) is not None:
        return f"{CALIBRATION_LEAD} {MOVED_BY_TEMPERATURE}"
    keep = f"{scaling.COMMAND} {shlex.quote(str(model.folder.resolve()))}"
    return (
        f"{CALIBRATION_LEAD} `{keep}`, run from the repository, keeps the logits that let the **Softmax** tab "
        "redraw this diagram from the same test images at a temperature you choose."
    )


def measured_flip(model: LoadedModel) -> dict | None:
    """test_time_flip.json's result for this model, if it was measured on these weights and this test set."""
    flip = (model.flip_results or {}).get("shipped model") or {}
    sha = model.weights_sha256
    same = (
        sha is not None and flip.get("weights_sha256") == sha and flip.get("images") == model.metrics.get("test_size")
    )
    return flip if same else None


def calibration_words(
    calibration: dict,
    ladder: dict | None = None,
    ablations: dict | None = None,
    before: dict | None = None,
    fine_tune: dict | None = None,
) -> str:
    """What the reliability diagram and ECE say, with the real numbers (after CALIBRATION_LEAD).

    ``ladder``: the improvement ladder's rungs measured the same way (ladder_calibration.json), if present;
    ``ablations``: their runs (ablations.json), for how long they trained; ``before``: the calibration of the
    Fashion-MNIST-only model this one was fine-tuned from on real photos (its metrics.json), if it was;
    ``fine_tune``: that fine-tune's record (metrics.json's real_photos), for which even-spread targets it had.
    """
    bins = [b for b in calibration["bins"] if b["count"]]
    top = max(bins, key=lambda b: b["count"])
    return (
        f"The **expected calibration error** (ECE) splits confidence into {_bin_count(bins)} equal-width bins, "
        "takes the absolute gap between accuracy and mean confidence in each, and averages those gaps, each "
        f"weighted by its bin's share of the images: here {calibration['ece']:.2%}, in one pass of the network. The busiest bin, {top['low']:.1%}–{top['high']:.1%} confidence, holds "
        f"{top['count']:,} images with {top['accuracy']:.1%} accuracy at {top['confidence']:.1%} mean confidence. "
        + _few_images(bins).rstrip()
        + "\n\n"  # three paragraphs: the ECE, the direction and its cause, the ladder's evidence (review 149 #12)
        + _direction(bins, ladder or {}, ablations or {}, before, fine_tune)
    )


# the ladder's runs are this architecture trained again, not this model (review 149 #12); the rung named first, so
# the parenthesis defines hard targets only (review 152 #5)
LADDER_RUN = "the *+ augmentation* rung, a network of the same architecture"
HARD_TARGETS = "hard targets (100% for the right class, no label smoothing),"
FEW_IN_A_BIN = 50  # a bar resting on fewer images than this is said to be noisy (review 149 #4)


def _few_images(bins: list[dict]) -> str:
    """The bars that rest on a handful of images, named with their counts: drawn like the busiest bin, they are not
    worth as much, and the ECE weighs them by their share. "" where every bin holds enough."""
    few = [b for b in bins if b["count"] < FEW_IN_A_BIN]
    if not few:
        return ""
    one = len(few) == 1
    ranges = and_list([f"{b['low']:.1%}–{b['high']:.1%}" for b in few])
    counts = and_list([f"{b['count']:,}" for b in few])
    images = "image" if one and few[0]["count"] == 1 else "images"
    return (
        f"The {'bar' if one else 'bars'} for {ranges} confidence {'rests' if one else 'rest'} on {counts} {images}, so "
        f"{'its height is' if one else 'their heights are'} noisy; the ECE weighs each bin by its share of the images, "
        f"so {'it barely counts' if one else 'they barely count'} in it. "
    )


def _bin_count(bins: list[dict]) -> int:
    """How many equal-width bins the confidence axis was cut into (the file keeps only those holding images)."""
    return round(1 / (bins[0]["high"] - bins[0]["low"]))


def _a(name: str) -> str:
    """'a Bag', 'an Ankle boot' (review 32c)."""
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def _means(bins: list[dict]) -> tuple[float, float]:
    """Mean confidence and accuracy over all the images, from the bins (each weighted by its count)."""
    n = sum(b["count"] for b in bins)
    return sum(b["confidence"] * b["count"] for b in bins) / n, sum(b["accuracy"] * b["count"] for b in bins) / n


MOVED = 0.01  # mean confidence moving by more than a point over the fine-tune: a change worth naming


def _even_spread(fine_tune: dict | None) -> str | None:
    """What the fine-tune taught an even spread over the ten, or None: trained with --no-outlier-exposure, it taught
    none (no hats, shorts, skirts, no generated outliers)."""
    if fine_tune is not None and not fine_tune.get("outlier_exposure", True):
        return None
    recorded = (fine_tune or {}).get("generated_outliers")
    # a fine-tune with --outliers 0 records {}: none generated (review 40c #5); not recorded at all: the shipped kind
    generated = sum((recorded if recorded is not None else {"": 1}).values())
    return "its even-spread targets over the ten, on " + (
        "generated pictures and on hats, shorts and skirts," if generated else "hats, shorts and skirts,"
    )


def _why_under_confident(
    confidence: float, before: dict | None, shown: bool = True, fine_tune: dict | None = None
) -> str:
    """A likely cause of under-confidence: the recipe's label smoothing (never "most likely": review 82c #3), and, for a model fine-tuned on real photos, whether it was
    under-confident already before (its even-spread targets on non-garments aim low too, its garment photos'
    unsmoothed targets high: review 30c #2)."""
    aim = 1 - LABEL_SMOOTHING + LABEL_SMOOTHING / len(CLASS_NAMES)  # the smoothed target of the right class
    smoothing = f"label smoothing ({LABEL_SMOOTHING:g}) aims at {aim:.0%} for the right class, not 100%"
    # never "most likely": the ladder's step that adds label smoothing changes the optimizer and schedule too, one
    # run each, so it cannot rank smoothing above them (review 82c #3); SHOWN only adds that step's evidence
    cause = "One likely cause is the training recipe"
    if before is None:
        return f"{cause}: {smoothing}."
    was, right = _means([b for b in before["bins"] if b["count"]])
    targets = _even_spread(fine_tune)  # None: trained without outlier exposure (no even-spread targets)
    photos = (
        "its photos of garments among the ten have unsmoothed targets (100% for the right class, where only one class "
        "is right)"
    )
    prior = confidence_state(was, right)  # within half a point: neither (review 34c #2)
    if prior == "under-confident" and was - confidence > MOVED:
        # review 60c #1: the recipe may explain the gap before the fine-tune, not the fall that came with it
        return (
            f"It was under-confident already before its real-photo fine-tune ({was:.1%} mean confidence for "
            f"{right:.1%} accuracy, ECE {before['ece']:.2%}), and one likely cause of that is the training recipe: "
            f"{smoothing}. But mean confidence fell further with the fine-tune: on the test set from {was:.1%} to "
            f"{confidence:.1%}. Label smoothing was in both trainings, so it alone does not explain that fall. "
            + (
                f"One candidate, not isolated by any run: {targets} aim at {1 / len(CLASS_NAMES):.0%} for every "
                f"class, lower than the {aim:.0%} that label smoothing aims at for the right class, while {photos}; "
                "what in the fine-tune lowered it was not measured."
                if targets
                else "That fine-tune had no even-spread targets (it was trained without outlier exposure); what in "
                "it lowered the confidence was not measured."
            )
        )
    if prior == "under-confident":
        return (
            f"{cause}: {smoothing}, and the model was already under-confident before its "
            f"real-photo fine-tune ({was:.1%} mean confidence for {right:.1%} accuracy, ECE {before['ece']:.2%}). "
            "The fine-tune kept label smoothing on the Fashion-MNIST images"
            + (f"; {targets} aim lower still, while {photos}." if targets else f", while {photos}.")
            + " On the test set mean confidence "
            + (
                f"stayed about the same ({was:.1%} → {confidence:.1%}): the under-confidence predates the fine-tune."
                if abs(confidence - was) <= MOVED
                else f"{'fell' if confidence < was else 'rose'} from {was:.1%} to {confidence:.1%}."
            )
        )
    was_said = (
        f"over-confident ({was:.1%} mean confidence for {right:.1%} accuracy, ECE {before['ece']:.2%})"
        if prior == "over-confident"
        else f"about as confident as it was accurate on average ({was:.1%} mean confidence for {right:.1%} accuracy, "
        f"within half a point; ECE {before['ece']:.2%})"
    )
    if targets is None:  # no even-spread targets to point at: the cause was not measured
        return (
            f"Before its real-photo fine-tune the model was {was_said}, so the change came with the fine-tune. That fine-tune had no "
            "even-spread targets (it was trained without outlier exposure); what in it made the model "
            "under-confident was not measured."
        )
    return (  # label smoothing not named yet in this branch: what the even-spread targets aim lower than
        # review 41c #2: the change came with the fine-tune (the only step between the two); what in it, not measured
        f"Before its real-photo fine-tune the model was {was_said}, so the change came with the fine-tune. One "
        f"candidate, not isolated by any run: {targets} aim at {1 / len(CLASS_NAMES):.0%} for every class, lower than "
        f"the {aim:.0%} that label smoothing aims at for the right class, while {photos}; what in the fine-tune made "
        "the model under-confident was not measured. Label smoothing was in both trainings, so it alone does not "
        "explain the change."
    )


def _direction(
    bins: list[dict], ladder: dict, ablations: dict, before: dict | None = None, fine_tune: dict | None = None
) -> str:
    """Under- or over-confident overall, with the weighted means; for under-confidence, its likely cause and
    what the ladder's runs say (not for a model that was not under-confident before its fine-tune: they bear on
    label smoothing, which that cause sets aside)."""
    confidence, accuracy = _means(bins)
    state = confidence_state(confidence, accuracy)
    if state is None:  # a tie is no direction, and gets no cause (review 33c #2)
        return (
            f"Overall the model's mean confidence, {confidence:.1%}, is within half a point of its accuracy, "
            f"{accuracy:.1%}: on average neither over- nor under-confident; the diagram shows each bin's own gap."
        )
    if state == "over-confident":
        return f"Overall the model is **over-confident**: {confidence:.1%} mean confidence for {accuracy:.1%} accuracy."
    hard, smooth = ladder.get("vgg-aug"), ladder.get("baseline")  # the same network, data and budget
    shown = bool(
        hard
        and smooth
        and confidence_state(hard["confidence"], hard["accuracy"]) != "under-confident"  # calibrated too (34c #1)
        and confidence_state(smooth["confidence"], smooth["accuracy"]) == "under-confident"
    )
    words = (
        f"Overall the model is **under-confident**: {confidence:.1%} mean confidence for {accuracy:.1%} accuracy. "
        + _why_under_confident(confidence, before, shown, fine_tune)
    )
    if before is not None:
        was, right = _means([b for b in before["bins"] if b["count"]])
        if confidence_state(was, right) != "under-confident":  # the ladder's label-smoothing runs do not bear
            return words
    epochs = (ablations.get("vgg-aug") or {}).get("epochs")
    trained = f"trained {epochs} epochs" if epochs else "trained"
    # a fine-tuned model: the ladder's runs had no fine-tune, so they bear on the recipe's part only (review 61c #1)
    runs, scope = (
        (
            "On the recipe's part, the improvement ladder's runs",
            "; they had no fine-tune, so they say nothing about what it changed",
        )
        if before is not None
        else ("The improvement ladder's runs", "")
    )
    if hard and smooth:
        over = 100 * (hard["confidence"] - hard["accuracy"])
        if shown:
            words += (
                f"\n\n{runs} point to label smoothing too (one run each{scope}): {LADDER_RUN} {trained} from "
                f"scratch on {HARD_TARGETS} was "
                + (
                    f"{'slightly ' if over < 2 else ''}over-confident, "
                    if confidence_state(hard["confidence"], hard["accuracy"])
                    else "about as confident as it was accurate, "
                )
                + f"{hard['confidence']:.1%} for {hard['accuracy']:.1%}; the next rung, which adds label smoothing, was "
                f"under-confident, {smooth['confidence']:.1%} for {smooth['accuracy']:.1%}. That rung also "
                f"replaced Adam at a constant learning rate of {PLAIN_LR:g} with AdamW (weight decay {WEIGHT_DECAY:g}) "
                f"and a learning rate warmed up to {PEAK_LR:g}, then cosine-decayed, so this does not isolate label "
                "smoothing."
            )
        else:  # the one measurement that bears on it, whichever way it came out
            words += (
                f"\n\n{runs} do not tie the under-confidence to label smoothing (one run each{scope}): {LADDER_RUN} "
                f"{trained} from scratch on {HARD_TARGETS} was {hard['confidence']:.1%} confident for "
                f"{hard['accuracy']:.1%} accuracy; the next rung, which adds label smoothing (and replaces Adam with "
                f"AdamW and a warmed-up, cosine-decayed learning rate), {smooth['confidence']:.1%} for "
                f"{smooth['accuracy']:.1%}."
            )
    else:
        words += (
            "\n\nWhether label smoothing is what lowers the confidence is not measured here: `benchmarks/ladder_calibration.py` measures the improvement ladder's runs, one of "
            "which adds label smoothing (together with a new optimizer and learning-rate schedule)."
        )
    return words


def _before_fine_tune(model: LoadedModel) -> dict | None:
    """The calibration of the Fashion-MNIST-only model this one was fine-tuned from, if kept and measured."""
    return model.fashion_mnist_only.metrics.get("calibration") if model.fashion_mnist_only is not None else None


def show_confusion(mode: str, model: LoadedModel):
    """The test-set confusion matrix as counts, row percentages (recall) or column percentages (precision)."""
    choice(mode, CONFUSION_MODES, "mode")
    by = "column" if mode == CONFUSION_MODES[2] else "row"
    draw = partial(confusion.heatmap, np.array(model.metrics["confusion_matrix"]), percent=mode != "Counts", by=by)
    return built_for(model, f"confusion matrix, {mode}", lambda: figure_file(draw()))


def show_reliability(model: LoadedModel) -> str:
    """The reliability diagram, drawn once per model."""
    return built_for(
        model, "reliability", lambda: figure_file(confusion.reliability_diagram(model.metrics["calibration"]))
    )


def warm_up(model: LoadedModel) -> None:
    """Draw the figures that depend only on the model (both matrices, the reliability diagram) ahead of time."""
    for mode in CONFUSION_MODES:
        show_confusion(mode, model)
    if "calibration" in model.metrics:
        show_reliability(model)
    if (model.folder / "test_samples.npz").is_file():  # the cell that opens with the tab, its gallery kept
        open_cell_explained(*first_cell(model), model=model)


def _cell_gallery(samples: dict, hits, predicted: int) -> list[tuple[str, str]]:
    """The cell's images (kept files: a cell's gallery is drawn once per model) with their captions."""
    return [
        (
            image_file(enlarge_pixels(samples["images"][i], 112), keep=True),
            CAPTION.format(probability=percent(samples["probs"][i, predicted], 0), number=samples["index"][i]),
        )
        for i in hits
    ]


def open_cell(true_name: str, predicted_name: str, model: LoadedModel) -> tuple[list, str]:
    """The shipped test images of one confusion-matrix cell, most confident first, with captions."""
    if true_name is None or predicted_name is None:  # a dropdown emptied
        raise gr.Error(f"Pick a true and a predicted class from: {', '.join(CLASS_NAMES)}.")
    choice(true_name, CLASS_NAMES, "true_name")
    choice(predicted_name, CLASS_NAMES, "predicted_name")
    t, p = CLASS_NAMES.index(true_name), CLASS_NAMES.index(predicted_name)
    samples = model.test_samples
    if samples is None:
        raise gr.Error("This model folder has no test_samples.npz: retrain it with train.py to browse its mistakes.")
    total = int(np.array(model.metrics["confusion_matrix"])[t, p])
    cell = confusion.cell_samples(samples, t, p)  # the folder's kept images of the cell, read once
    hits, kept = cell[:CELL_SHOWN], len(cell)
    gallery = built_for(model, f"cell {t} {p}", partial(_cell_gallery, samples, hits, p))
    if total == 0:
        note = f"**No test image of {true_name} was read as {predicted_name}.** Pick another cell: the counts table shows where the mistakes are."
    elif t == p:
        # all of them where the folder kept every one (review 46c #1): "a random 3" of 3 is not a sample
        keeps = f"a random {kept} of them" if kept < total else "it" if kept == 1 else f"all {kept} of them"
        note = f"**{true_name} read correctly: {_images(total)}.** The app ships {keeps}; " + (
            f"showing the {len(hits)} of those {kept} the model was surest of."
            if len(hits) < kept
            else "shown below."
            if kept == 1
            else "all shown, most confident first."
        )
    else:
        # of the kept ones, where the folder keeps fewer than the cell counts (review 97c #4)
        surest = f"showing the {len(hits)} the model was surest of" + (
            "" if kept == total else f" (of the {kept} kept)"
        )
        if len(hits) == kept < total:  # all the kept ones: no selection to name (review 98c #3)
            surest = f"the app ships {kept} of them, all shown"
        shown = ("shown below" if total == 1 else "all shown") if len(hits) == total else surest
        order = "" if total == 1 else ", most confident mistake first"
        note = f"**{true_name} read as {predicted_name}: {_images(total)}**, {shown}{order}."
    return gallery, note


def _images(n: int) -> str:
    return f"{n:,} test image" + ("s" if n != 1 else "")


def open_cell_explained(true_name: str, predicted_name: str, model: LoadedModel) -> tuple:
    """``open_cell``, and Grad-CAM of the cell's first image: one request when a cell opens, not three."""
    gallery, note = open_cell(true_name, predicted_name, model)
    return gallery, note, *explain_test_image(first_shown(gallery), model)


def explain_test_image(number: float | None, model: LoadedModel) -> tuple[str | None, str | None, str]:
    """Grad-CAM of one shipped test image for its true class and for the model's answer (its runner-up if the
    answer is right), and a note naming both."""
    optional_number(number, "number")
    samples = model.test_samples
    if number is None or samples is None:
        return None, None, ""
    rows = np.flatnonzero(samples["index"] == number)
    if rows.size == 0:
        raise gr.Error(
            f"Test image must be the number of a shipped test image (the # in a gallery caption, "
            f"{samples['index'].min()} to {samples['index'].max()}); #{number:g} is not one of them."
        )
    i = int(rows[0])
    pixels, true, probs = samples["images"][i], int(samples["labels"][i]), samples["probs"][i]
    ranked = np.argsort(probs)[::-1]
    right = ranked[0] == true
    other = int(ranked[1] if right else ranked[0])
    maps = saliency.upsample(explainer(model).grad_cam(np.stack([pixels, pixels]), [true, other]), pixels.shape)
    views = [enlarge(saliency.overlay(pixels, saliency.normalized(heat))) for heat in maps]
    verdict = "read correctly" if right else f"read as **{CLASS_NAMES[other]}**"
    share = _share
    close = not right and probs[other] - probs[true] < NEAR_TIE
    if close:  # a misreading by a hair: to the digits that tell the two apart, and said (review 58c #1)
        digits = next((d for d in (1, 2, 3) if percent(probs[true], d) != percent(probs[other], d)), 4)
        share = lambda p: percent(p, digits)  # noqa: E731
        # "less than a point" only where the printed figures are (review 85c #1)
        close = round(100 * probs[other], digits) - round(100 * probs[true], digits) < 100 * NEAR_TIE - 1e-9
        # a point apart as printed: no near-tie, and whole percents where they still tell the two apart (102c #3,
        # 109c #1)
        share = share if close or _share(probs[true]) == _share(probs[other]) else _share
    # a right answer by a hair gets the same digits and words as a misreading by one (review 100c #1)
    lead = right and probs[true] - probs[other] < NEAR_TIE
    at_least = None  # the runner-up's digits, as the true class's, so it is printed one way (review 101c #1, #2)
    if lead:
        digits = next((d for d in (1, 2, 3) if percent(probs[true], d) != percent(probs[other], d)), 4)
        share = lambda p: percent(p, digits)  # noqa: E731
        lead = round(100 * probs[true], digits) - round(100 * probs[other], digits) < 100 * NEAR_TIE - 1e-9
        whole = _share(probs[true]) != _share(probs[other])  # as above (reviews 102c #3, 109c #1)
        share, at_least = (share, digits) if lead or not whole else (_share, None)
    note = (
        f"**#{int(number)}**: {_a(CLASS_NAMES[true])} {verdict}. First map: {CLASS_NAMES[true]}, the true class "
        f"(probability {share(probs[true])}); second: {CLASS_NAMES[other]}, "
        + (
            runner_up_words(probs, ranked, at_least)
            if right
            else f"the answer ({share(probs[other])})"
            + (", ahead of the true class by less than a point: a near-tie." if close else ".")
        )
        + (f" The true class leads {CLASS_NAMES[other]} by less than a point: a near-tie." if lead else "")
    )
    empty = [CLASS_NAMES[c] for c, heat in zip((true, other), maps, strict=True) if heat.max() <= 0]
    if empty:
        # why it is 0 (only the positive part kept), and not a sign of nothing (review 97c #3), as Where it looked
        each = "" if len(empty) == 1 else ", for each"
        note += (
            f" Grad-CAM is 0 everywhere for {' and for '.join(empty)}{each}: the last convolutional layer's maps, each "
            "weighted by its mean gradient, sum to zero or less in every cell the score depends on, and Grad-CAM keeps "
            "only the positive part (a limit of the method, not a sign that nothing mattered)."
        )
    return views[0], views[1], note


def _share(p: float) -> str:
    """A probability as a percentage, with enough digits that a small one does not read 0%; never rounded up to
    100% or down to 0% (runs.percent)."""
    return percent(p, 0) if p >= 0.01 else percent(p, 2)


def runner_up_words(probs: np.ndarray, ranked: np.ndarray, at_least: int | None = None) -> str:
    """The runner-up of a correctly read image; a near-tie with the third class is said, since then the second
    map's class is picked by a hair; where both are almost nothing, that, whatever their ratio."""
    second, third = int(ranked[1]), int(ranked[2])
    # the pair at one precision, a tenth of a point at least: "2%" and "0.84%" read 1.16 points apart (review 40c
    # #2), "1.1%" beside "1.00%" mixed two (review 83c #2); each test on the figures as printed (review 84c #2)
    raw2, raw3 = float(probs[second]), float(probs[third])

    def judged(a: float, b: float) -> tuple[bool, bool]:
        close = a - b < NEAR_TIE - 1e-9
        return close, close and b > 0 and a < NEAR_TIE_RATIO * b - 1e-12

    # the verdict holds of the probabilities and of the figures printed: one more digit where they disagree
    # (reviews 85c #2, 86c #1)
    digits = max(1 if min(raw2, raw3) >= 0.01 else 2, at_least or 0)  # AT_LEAST: as the true class is printed
    while True:
        p2, p3 = (round(100 * p, digits) / 100 for p in (raw2, raw3))  # as percent prints (85c #2)
        close, tie = judged(p2, p3)
        if (close, tie) == judged(raw2, raw3) or digits >= 8:  # review 87c #3
            break
        digits += 1
    pair = f"the runner-up ({percent(probs[second], digits)})"
    third_shown = f"{CLASS_NAMES[third]} ({percent(probs[third], digits)})"
    ratio = f"the runner-up under {NEAR_TIE_RATIO:g} times the third"
    if close and p2 < ALMOST_NOTHING:  # whatever their ratio, both under 1%; a near-tie only by the ratio too (84c #1)
        # review 149 #10: the ratio rule is the code's; what a learner can use is that the pick is close to arbitrary
        return f"{pair}, then {third_shown}: the model gives both under 1%" + (
            ", a near-tie, so which of the two comes second, and gets the second map, is close to arbitrary."
            if tie
            else "."
        )
    if tie:
        return (
            f"{pair}, a near-tie with {third_shown}: within {100 * NEAR_TIE:g} percentage point of each other, {ratio}."
        )
    # as the true class where it was printed with more digits (review 101c #1)
    return f"the runner-up ({percent(probs[second], at_least) if at_least else _share(probs[second])})."


def number_in_caption(caption: str | None) -> int | None:
    match = NUMBER_IN_CAPTION.search(caption or "")
    return int(match.group(1)) if match else None


def first_shown(gallery: list | None) -> int | None:
    """The test image the maps start on when a cell opens: the gallery's first."""
    return number_in_caption(gallery[0][1]) if gallery else None


def clicked(evt: gr.SelectData) -> int | None:
    """The test image a click in the gallery picked."""
    return number_in_caption((evt.value or {}).get("caption"))


def pick_cell(evt: gr.EventData) -> tuple[str, str]:
    """A click in the counts table -> (true class, predicted class) for the dropdowns.

    Typed gr.EventData, not gr.SelectData: SelectData fails inside Gradio, with its generic error, on an
    event without click data (a raw API call); here the handler can say what happened.
    """
    try:
        row, col = evt.index  # (row, column) of the clicked cell
    except (AttributeError, TypeError, ValueError) as err:
        raise gr.Error(
            "This event takes a click in the counts table and nothing else. To open a cell through the API, "
            "call /confusion_cell with a true and a predicted class."
        ) from err
    if not (
        isinstance(row, int) and isinstance(col, int) and 0 <= row < len(CLASS_NAMES) and 0 <= col <= len(CLASS_NAMES)
    ):
        raise gr.Error(f"Click a count in the table: cell {evt.index!r:.40} is not one of its cells.")
    if col == 0:  # column 0 holds the row names: a click on a class's name opens its correctly read cell
        return CLASS_NAMES[row], CLASS_NAMES[row]
    return CLASS_NAMES[row], CLASS_NAMES[col - 1]


def open_tab(mode: str, true_name: str, predicted_name: str, model: LoadedModel, cell: bool) -> tuple:
    """Everything the tab shows on opening: the matrix, the reliability diagram (if recorded) and, with CELL, a cell."""
    shown = (show_confusion(mode, model),) + ((show_reliability(model),) if "calibration" in model.metrics else ())
    return shown + (open_cell_explained(true_name, predicted_name, model) if cell else ())


def first_cell(model: LoadedModel) -> tuple[str, str]:
    """The cell the tab opens with: the most confused pair of classes."""
    worst = confusion.most_confused(np.array(model.metrics["confusion_matrix"]), top=1)
    return tuple(worst[0][:2]) if worst else (CLASS_NAMES[0], CLASS_NAMES[0])


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    """The tab (the test set's own images: ``examples`` and ``shared`` are not its input)."""
    with gr.Tab("Confusion matrix") as tab:
        gr.Markdown(LEAD)
        gr.Markdown(summary_markdown(model.metrics, measured_flip(model)), elem_id="confusion-summary")
        with gr.Row():
            with gr.Column(scale=3):
                confusion_mode = gr.Radio(list(CONFUSION_MODES), value="Counts", label="Show")
                confusion_plot = gr.Image(
                    show_label=False, label="Confusion matrix", interactive=False, buttons=[], elem_id="confusion-plot"
                )
            with gr.Column(scale=2):
                gr.Dataframe(
                    confusion.per_class_rows(model.metrics),
                    headers=["class", "precision %", "recall %", "F1 %", "test images"],
                    label="Per class",
                    interactive=False,
                    pinned_columns=1,
                    wrap=True,
                    column_widths=["28%", "20%", "18%", "16%", "18%"],
                    elem_id="per-class",
                )
        with gr.Accordion("How we know", open=False):
            gr.Markdown(DETAIL)
            gr.Markdown(worked_example(np.array(model.metrics["confusion_matrix"])))
        gr.Markdown(OPEN_A_CELL)
        matrix = model.metrics["confusion_matrix"]
        cells_table = gr.Dataframe(
            [[name, *row] for name, row in zip(CLASS_NAMES, matrix, strict=True)],
            headers=["true ↓ / predicted →", *CLASS_NAMES],
            interactive=False,
            pinned_columns=1,
            wrap=True,  # the class names run upwards on a phone (gradio_gaps.css): eleven columns fit 390 px
            column_widths=["17%"] + ["8.3%"] * len(CLASS_NAMES),
            label="Counts (click a cell)",
            elem_id="confusion-counts",
        )
        with gr.Row():
            first_true, first_predicted = first_cell(model)
            true_class = gr.Dropdown(list(CLASS_NAMES), value=first_true, label="True class")
            predicted_class = gr.Dropdown(list(CLASS_NAMES), value=first_predicted, label="Predicted class")
            open_button = gr.Button("Show these images", variant="primary")
        cell_note = gr.Markdown(elem_id="cell-note")
        cell_gallery = captioned_gallery("Test images in this cell", columns=8, elem_id="cell-gallery")
        gr.Markdown(WHERE_IT_LOOKED)
        explain_number = gr.Number(label="Test image", precision=0, visible=False)
        explain_note = gr.Markdown(elem_id="mistake-note")
        with gr.Row():
            true_map = gr.Image(label="True class", height=220, interactive=False, elem_id="true-class-map")
            answer_map = gr.Image(label="Answer or runner-up", height=220, interactive=False, elem_id="answer-map")
        if "calibration" in model.metrics:
            gr.Markdown("### Calibration: does 90% confidence mean 90% right?")
            with gr.Row(elem_id="calibration-row"):  # each side at least 300 px: on a phone they stack
                reliability_plot = gr.Image(
                    show_label=False,
                    label="Reliability diagram",
                    interactive=False,
                    buttons=[],
                    elem_id="reliability-plot",
                    min_width=300,
                )
                with gr.Column(min_width=300, elem_id="calibration-words"):
                    gr.Markdown(calibration_lead(model))
                    with gr.Accordion("How we know", open=False):
                        gr.Markdown(
                            calibration_words(
                                model.metrics["calibration"],
                                model.ladder_calibration,
                                model.ablations,
                                _before_fine_tune(model),
                                model.metrics.get("real_photos"),
                            ),
                            elem_id="calibration-detail",
                        )
        gr.on(
            [confusion_mode.change],
            partial(show_confusion, model=model),
            confusion_mode,
            confusion_plot,
            api_name="confusion_matrix",
            **RAW,
        )
        show_cell = partial(open_cell_explained, model=model)
        cell_outputs = [cell_gallery, cell_note, true_map, answer_map, explain_note]
        gr.on(
            [open_button.click],
            show_cell,
            [true_class, predicted_class],
            cell_outputs,
            api_name="confusion_cell",
            trigger_mode="always_last",
            **RAW,
        )
        # opening the tab: the matrix, the reliability diagram and the first cell in one request (one round trip)
        figures = [confusion_plot] + ([reliability_plot] if "calibration" in model.metrics else [])
        has_cells = (model.folder / "test_samples.npz").is_file()
        tab.select(
            partial(open_tab, model=model, cell=has_cells),
            [confusion_mode, true_class, predicted_class],
            figures + (cell_outputs if has_cells else []),
            api_visibility="private",
        )
        cells_table.select(pick_cell, None, [true_class, predicted_class], api_visibility="private").then(
            show_cell, [true_class, predicted_class], cell_outputs, api_visibility="private"
        )
        cell_gallery.select(clicked, None, explain_number, api_visibility="private")
        explain_number.change(
            partial(explain_test_image, model=model),
            explain_number,
            [true_map, answer_map, explain_note],
            api_name="confusion_explain",
            **RAW,
        )
