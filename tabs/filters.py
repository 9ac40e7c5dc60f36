"""The Filters & feature maps tab: the first layer's filters, any conv layer's maps, and the shift test."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np
import pandas as pd

from concepts import features
from concepts.curves import best_epoch, overfitted
from model.augment import SHIFT_PIXELS
from model.data import CLASS_NAMES, VALIDATION_SIZE
from model.inference import TEST_TIME_FLIP, LoadedModel
from tabs.charts import colored, grid, number_grid, upscale
from tabs.checks import choice, number
from tabs.files import enlarge, image_file
from tabs.inputs import input_pixels
from tabs.memo import built_for
from tabs.runs import (
    ALIKE_SHORT,
    TOO_CLOSE,
    ablation_words,
    batch_norm_causes,
    cause_strength,
    classify_averages,
    losses_decimals,
    measured_alike,
    noise_tier,
    not_overfitting,
    past,
    percent,
    reestimated_words,
    seed_noise,
    seed_yardstick,
    signed,
    train_out,
    under,
)
from tabs.wiring import concept_input, first_example, pick_examples, rerun_on

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
LEAD = """A convolutional layer slides small learned filters (here 3×3) over the image; each filter responds
where its pattern (an edge, a stripe, a corner) appears, giving one feature map per filter. Pick a layer to see
this image's maps."""
DETAIL = f"""Deeper layers combine those maps, so each of their values depends on a larger patch of the input;
nothing names the patterns they respond to, and the maps show where they respond for this image,
not what they "mean". Because the same filter is applied at every position, a convolution is
shift-equivariant: move its input and its feature maps move with it (away from the edges). Pooling breaks
this for the deeper layers: after one 2×2 pool, block 2's maps move with the image only for even shifts, and
after two, block 3's only for shifts by a multiple of 4. The network as a whole, with its pooling and dense
layers, is not shift-invariant. How far it tolerates a shift is
partly learned: both networks below were trained on images shifted at random by up to {SHIFT_PIXELS}
pixels (the slider shows how far each copes). A dense network's first layer has its own weights for every pixel, so it must
learn a pattern separately at every position."""
# batch norm first appears here (the worked value below goes through it): what it does, on its own
BATCH_NORM = """**Batch normalization**, the step after each convolution in this network and after its dense layer.
In training it standardizes each channel with the mean and variance of the current batch of images (subtracting the
mean, dividing by √(variance + ε)), then scales and shifts it by two numbers learned for that channel (γ and β), and
keeps moving averages of that mean and variance. At
inference, as in the worked value above, it uses the moving averages, frozen: an answer does not depend on the other
images sent with it."""
BN_PAIR = ("notebook", "notebook-bn")  # the study notebook's CNN without and with batch norm (the ladder's rungs)
# train.py's make_dataset reshuffles the training images each epoch only when it augments them, and of the two rungs
# _what_closes_the_gap compares only "vgg-aug" augments (model.recipe.ABLATIONS): so they differ in that too
RESHUFFLED_ONLY_WITH_AUGMENTATION = (
    "(The augmentation rung's training images were also reshuffled each epoch, while the rung before saw them in "
    "one fixed order, so the difference between these two rungs is not augmentation's alone.)"
)


def batch_norm_words(model: LoadedModel) -> str:
    """BATCH_NORM, and what adding it did to the study notebook's CNN, chosen from the two runs' numbers."""
    runs = model.ablations
    if not set(BN_PAIR) <= runs.keys():
        return BATCH_NORM
    plain, bn = (runs[name] for name in BN_PAIR)
    gap = 100 * (bn["test_accuracy"] - plain["test_accuracy"])
    words = (
        f" Added to the study notebook's CNN (the *+ batch norm* rung of **Improving it**: the same "
        f"{bn['epochs']}-epoch budget, Adam at a constant learning rate, no dropout, no augmentation), it scored "
        f"**{bn['test_accuracy']:.2%}** test accuracy against **{plain['test_accuracy']:.2%}** without it: "
    )
    if abs(gap) < TOO_CLOSE:
        return BATCH_NORM + words + f"{abs(gap):.2f} points apart, too close to call from one run each."
    settings = model.playground
    noise = seed_noise(settings)  # as reestimated_words after it: a grid with its seeds, complete or not (82b #4)
    unmeasured = "how much the seed moves these runs was not measured"
    tier = noise_tier(abs(gap), noise)  # the same tiers cause_strength names causes by
    within = (
        f"; less than {seed_yardstick(settings, noise)}: possibly noise; {unmeasured}"
        if tier == "noise"
        else f"; a hint, not a finding, as it is {past(gap, noise, 'past')} {seed_yardstick(settings, noise)}, but "
        f"under twice it; {unmeasured}"
        if tier == "hint"
        else f"; {unmeasured}"
    )
    if gap > 0:  # "one run each" then the yardstick, without a bracket inside the bracket (review 112b L2)
        return BATCH_NORM + words + f"**{gap:.2f} points higher**, one run each{within}."
    # a deficit gets the same verdict against the seed noise as a gain (review 54b #1)
    # no verdict past the hint (89b #3); no bracket inside a bracket (112b L2)
    words += f"**{-gap:.2f} points worse**, one run each{within}. In this pair, adding it alone scored lower."
    measured = reestimated_words(model, *BN_PAIR[::-1])
    if measured is not None:
        return BATCH_NORM + words + " " + measured + _what_closes_the_gap(runs, measured_alike(model), model.playground)
    # not measured in this folder: what the curves show, and both likely causes (Keras's training accuracy of a
    # batch-norm run uses each batch's own statistics, so it is no evidence of overfitting: not quoted)
    h, g = bn["history"], plain["history"]
    best, plain_best = best_epoch(h), best_epoch(g)
    if best and plain_best and best < plain_best:
        loss, d = h["val_loss"], losses_decimals(h)  # beside the rule's verdict, on its side (review 76b #2)
        words += (
            f" Its validation loss was lowest at epoch {best} ({loss[best - 1]:.{d}f}) and ended at {loss[-1]:.{d}f} "
            f"(without batch norm: lowest at epoch {plain_best}): its validation loss rose after epoch {best}, and "
            "the test accuracy is the last epoch's. "
        )
        if overfitted(h):
            # no recipe as "why": both rungs had the same (no dropout, no augmentation), so it explains nothing
            # between them; a deficit inside the seed noise, in the band the verdict calls a hint, or not set against
            # any noise names possible causes only (reviews 54b #1, 55 #1, 57b L1)
            why, cause = cause_strength(-gap, noise)
            words += batch_norm_causes(model.playground, why=why, cause=cause, folder=getattr(model, "folder", None))
        else:  # the Overfitting tab's rule does not call it overfitted: say why, and do not name overfitting a cause
            words += (
                # not "did not overfit": batch norm's curves as trained cannot tell lag from overfitting (46b #1)
                f"The Overfitting tab's rule does not call it overfitted: {not_overfitting(h, VALIDATION_SIZE)}. "
                + batch_norm_causes(
                    model.playground,
                    "A start of overfitting",
                    "not clear by that rule",
                    "one possible cause",
                    folder=getattr(model, "folder", None),
                )
            )
        words += _what_closes_the_gap(runs)
    return BATCH_NORM + words


def _final_gap(run: dict) -> float:
    """Training minus validation accuracy at a run's last epoch, in points."""
    return 100 * (run["history"]["accuracy"][-1] - run["history"]["val_accuracy"][-1])


def _what_closes_the_gap(runs: dict, alike: dict | None = None, grid: dict | None = None) -> str:
    """What the improvement ladder's next rungs did to the training-validation gap: the one adding dropout (with
    this app's network), then the one adding augmentation. From ALIKE (runs.measured_alike: training accuracy
    measured like validation) where it has both rungs, else from their training curves' last epoch. GRID: the
    Playground's, for its seed noise."""
    if not {"vgg", "vgg-aug"} <= runs.keys():
        return ""
    pair = ("vgg", "vgg-aug")
    if alike and set(pair) <= alike.keys():
        (train, val), (aug_train, aug_val) = (
            [alike[name][key] for key in ("train_accuracy", "validation_accuracy")] for name in pair
        )
        curves, measured = False, f", with training accuracy {ALIKE_SHORT},"
        # both runs' figures use their running averages as trained: re-estimated, only validation and test were measured
        as_trained = any("train_accuracy" not in (alike[name].get("reestimated") or {}) for name in pair) and any(
            "reestimated" in alike[name] for name in pair
        )
    else:
        (train, val), (aug_train, aug_val) = (
            [runs[name]["history"][key][-1] for key in ("accuracy", "val_accuracy")] for name in pair
        )
        # Keras's training accuracy of these batch-norm runs: said how it was measured, and no "still" (no gap of the
        # batch-norm rung before it in this branch); both keep build_cnn's dense dropout (review 35b #5)
        curves, as_trained = True, False
        measured = (
            " at the last epoch of their training curves (Keras's training accuracy, measured on the training batches "
            "with dropout on and batch norm using each batch's own statistics; the validation scores use no dropout "
            "and the running averages)"
        )
    dropout, augmented = 100 * (train - val), 100 * (aug_train - aug_val)
    # "still" only against the batch-norm rung's own gap measured the same way, and only where the dropout rung's gap,
    # as shown, is positive and no smaller; where they differ, that gap beside it (review 31b #6)
    bn = ((alike or {}).get(BN_PAIR[1]) or {}) if not curves else {}
    before = 100 * (bn["train_accuracy"] - bn["validation_accuracy"]) if "train_accuracy" in bn else None
    still = before is not None and 0 < round(dropout, 1) and round(before, 1) <= round(dropout, 1)
    against = (
        f" (against {before:.1f} in the batch-norm rung before it)"
        if before is not None and round(before, 1) != round(dropout, 1)
        else ""
    )
    words = (
        f" In the ladder, training minus validation accuracy{measured} is {'still ' if still else ''}{dropout:.1f} "
        f"points in the rung with this app's network and its dropout{against}, and {augmented:.1f} in the next, "
        "adding augmentation"
    )
    words_after = " " + RESHUFFLED_ONLY_WITH_AUGMENTATION
    # as trained: said wherever these gaps are given (reviews 54b #4, 84b #5, 85b #4, #5)
    averages = (
        "; both with the runs' batch-norm running averages as trained, and training accuracy with them re-estimated "
        "was not measured"
        if as_trained
        else ""
    )
    if dropout <= 0:  # from Keras's curves, a gap they can understate (review 54b #3)
        shown = " as its training curve shows it" if curves else ""
        opened = (  # a gap the augmented rung opened is said too (review 84b #4)
            f", and the augmented rung ended with one of {augmented:.1f} points (one run each{averages})"
            if round(augmented, 1) > 0
            else ""
        )
        alone = f" (one run each{averages})" if not opened else ""  # every branch says both (review 86b #3)
        return words + f": the dropout rung had no gap to close{shown}{opened}{alone}." + words_after
    moves = f"training {train:.2%} to {aug_train:.2%}, validation {val:.2%} to {aug_val:.2%}" + (
        "; both with the runs' batch-norm running averages as trained, and training accuracy with them re-estimated "
        "was not measured"
        if as_trained
        else ""
    )
    rise = _validation_reestimated(alike, pair, grid) if aug_val > val and not curves else ""
    if augmented < -dropout / 2:
        why = ", as it can when it is measured on augmented images" if curves else ""
        return (
            words
            + f": with augmentation, training accuracy ended below validation accuracy{why} (one run each{averages})."
            + words_after
        )
    shown, before = round(augmented, 1), round(dropout, 1)  # as the sentence gives them
    if shown > before:  # no "left 5.9 of the 4.9 points"
        return words + f": the gap grew by {shown - before:.1f} points (one run each{averages})." + words_after
    if augmented >= dropout / 2:
        # the curves' gaps are not measured alike: say so, as the other branches do (review 52b #1)
        caveat = (  # a level gap compares two figures measured differently too (review 85b #2)
            "; but with augmentation the training curve is measured on augmented images, which can lower it by "
            "itself, so how much of the narrowing is a change in fit was not measured"
            if curves and shown < before
            else "; but with augmentation the training curve is measured on augmented images, which can lower it by "
            "itself, so whether the fit changed was not measured"
            if curves
            else averages
        )
        # the gap's change, not augmentation named as what left it: the rungs differ in their reshuffling too (84b #5)
        went = (
            f"the gap stayed at {dropout:.1f} points"
            if shown == before
            else f"the gap went from {dropout:.1f} to {augmented:.1f} points"
        )
        return words + f": {went} (one run each{caveat})." + words_after
    if aug_val < val:  # validation fell too: the training fall is more than the whole closing (review 41b L3)
        return (
            words
            + f": training accuracy fell by more than the gap closed, and validation accuracy fell too ({moves}"
            + (
                "; one run each). With augmentation the training curve is measured on augmented images."
                if curves
                else "; one run each)."  # review 86b #4
            )
            + words_after
        )
    if train - aug_train > aug_val - val:  # training accuracy fell more than validation accuracy rose
        if curves:
            return (
                words
                + f": most of that closing is training accuracy falling, not validation accuracy rising ({moves}; "
                "one run each). With augmentation the training curve is measured on augmented images, which can lower "
                "it by itself; how much of the fall that explains was not measured." + words_after  # review 40b M1
            )
        return (
            words
            + f": most of that closing is training accuracy falling, not validation accuracy rising ({moves}; one run "
            "each)."  # review 86b #4
             + rise + words_after
        )
    if curves:  # one run each, and how the curves measure training accuracy, as the sibling branches (54b #2)
        return (
            words
            + f": mostly validation accuracy rising ({moves}; one run each). With augmentation the training curve is "
            "measured on augmented images." + words_after
        )
    return words + f": mostly validation accuracy rising ({moves}; one run each)." + rise + words_after


# benchmarks/batch_norm.py re-estimates every network on clean training images, but the augmented run's averages had
# tracked augmented batches (train.py augments in make_dataset): for it, re-estimating removes any lag and also swaps
# augmented-image statistics for clean ones, so a small change there is no evidence that its averages lagged less. And
# the two runs differ in augmentation and in the reshuffling that comes with it: the lag is not "not augmentation"
UNMEASURED_LAG = (
    " The augmented run's averages had tracked augmented batches, so re-estimating it also swapped augmented-image "
    "statistics for clean ones: whether its averages lagged less than the other run's, and if so why, was not "
    "measured."  # less than what (111b S2); the reshuffling is said once, in its own sentence
)


def _validation_reestimated(alike: dict | None, pair: tuple[str, str], grid: dict | None = None) -> str:
    """What becomes of the pair's validation accuracy rise once both runs' batch-norm running averages are
    re-estimated on clean training images (batch_norm.json, benchmarks/batch_norm.py): part of the as-trained rise
    can be their averages. GRID: the Playground's, whose seed noise a rise is set against. "" where the folder has
    not measured both."""
    a, b = ((alike or {}).get(name) or {} for name in pair)
    if "reestimated" not in a or "reestimated" not in b:
        return ""
    before, after = (run["reestimated"]["validation_accuracy"] for run in (a, b))
    change = 100 * (after - before)
    words = (
        f" With both runs' batch-norm running averages re-estimated on clean training images, validation accuracy goes "
        f"from {before:.2%} to {after:.2%}"
    )
    if round(change, 2) <= 0:
        # review 35b #2: the augmented run's clean re-estimate may handicap it, so a rise that goes is no evidence
        # that the learned weights did not improve; the test set, re-estimated alike, is given beside it
        test = 100 * (b["reestimated"]["test_accuracy"] - a["reestimated"]["test_accuracy"])
        own = 100 * (b["reestimated"]["validation_accuracy"] - b["validation_accuracy"])
        return words + (
            (f", {-change:.2f} points lower" if round(change, 2) < 0 else ", no change")
            + (" (one run each" if change <= -TOO_CLOSE else " (too close to call from one run each")
            + f"; on the test set, {_points(test)}): the rise as trained is gone, but whether the learned weights "
            "improved is not shown"
            + (
                # not the reason the rise went: a second caveat (107b #1); one network measured twice, so no
                # two-run verdict (109b L1)
                f"; re-estimating the augmented run on clean images moved its own validation accuracy by "
                f"{signed(own)} points"  # one "also" (review 112b L1)
                if round(own, 2) < 0
                else ""
            )
            + "."
            + UNMEASURED_LAG
        )
    if change < TOO_CLOSE:
        rise = 100 * (b["validation_accuracy"] - a["validation_accuracy"])
        return words + (
            f", {change:.2f} points higher, against {rise:.2f} as trained: too close to call from one run each, so "
            "whether the augmentation rung's changes raised validation accuracy is not shown."  # 110b #3, 111b U1
            + UNMEASURED_LAG
        )
    # review 36b #M2: a rise that stays is one run each, set against the seed noise, and as confounded as a fall
    noise = seed_noise(grid)
    verdict = (
        ""
        if noise is None
        else f": less than {seed_yardstick(grid, noise)}, so possibly noise"
        if under(change, noise)
        else f": {past(change, noise)} {seed_yardstick(grid, noise)}, but a hint, not a finding"
    ) + (  # a test-accuracy yardstick beside a validation change: said (review 82b #6)
        f" (that yardstick is of test accuracy; this change is of validation accuracy, on {VALIDATION_SIZE:,} images)"
        if noise is not None
        else ""
    )
    return words + f", {change:.2f} points higher (one run each){verdict}." + UNMEASURED_LAG


def _points(change: float) -> str:
    """A change in points between two runs, said with its direction: "0.22 points higher", "level"."""
    if round(change, 2) == 0:
        return "level"
    return f"{abs(change):.2f} points {'higher' if change > 0 else 'lower'}"


MAP_CELL = 56  # each feature map is drawn this many pixels wide: 28x28 maps 2x, 14x14 4x, 7x7 8x
KERNEL_CELL = 48  # each 3x3 kernel 16x
GRID_COLUMNS = 8
MAPS_CAPTION = (
    f"Above: the feature maps #0 to #{features.MAX_MAPS - 1}, left to right then top to bottom, each scaled to its "
    "own peak (bright = strong)."
)
KERNELS_CAPTION = (
    "Above: the first layer's {count} learned {size} filters on one scale: red weights are positive, blue negative. "
    "The filters see standardized pixels: black becomes {black:.2f}, and only pixels of {positive_from} or more (of "
    "255) become positive. So a red weight adds over those brighter pixels and subtracts over darker ones (the black "
    "background, and dark parts of a garment); a blue weight does the reverse."  # review 97b #5
)


def feature_map_image(maps: np.ndarray) -> np.ndarray:
    """An (H, W, C) activation as a grid of its first MAX_MAPS maps, each on its own scale (0 to its peak)."""
    factor = max(1, MAP_CELL // maps.shape[0])
    panels = [
        upscale(colored(maps[..., k], "magma", 0.0, float(maps[..., k].max())), factor)
        for k in range(min(maps.shape[-1], features.MAX_MAPS))
    ]
    return grid(panels, GRID_COLUMNS, gap=4)


def show_feature_maps(image_path: str | None, layer: str, model: LoadedModel):
    """The current input's activations in one conv layer (after batch norm and ReLU)."""
    names = features.conv_activation_layers(model.keras_model)
    choice(layer, names, "layer")
    # one pass through the network for the chosen layer and the three the worked window reads
    maps, *first_layer = (out[0] for out in model.layer_outputs(input_pixels(image_path), (layer, *WORKED_LAYERS)))
    peaks = maps.max(axis=(0, 1))
    strongest = int(peaks.argmax())
    return (
        image_file(feature_map_image(maps)),
        (
            f"**{layer}** gives {maps.shape[-1]} feature maps of {maps.shape[0]}×{maps.shape[1]} for this image"
            + (f" (the first {features.MAX_MAPS} drawn)" if maps.shape[-1] > features.MAX_MAPS else "")
            + (
                f"; {(peaks > 0).sum()} of them fire somewhere, the strongest is #{strongest} (peak "
                f"{peaks[strongest]:.2f}" + (", not among those drawn" if strongest >= features.MAX_MAPS else "") + ")."
                if (peaks > 0).any()
                else "; none of them fires for this image."  # no strongest among silent maps (review 97b #3)
            )
        ),
        worked_window(*first_layer, model),
    )


FIRST_CONV = "block1_conv1"  # whose 3x3 kernels the tab draws
NORMALIZE_LAYER, FIRST_BN, FIRST_RELU = "normalize", "block1_bn1", "block1_relu1"  # model/cnn.py's names
WORKED_LAYERS = (NORMALIZE_LAYER, FIRST_CONV, FIRST_RELU)  # what the worked window reads


def _term(value: float) -> str:
    """A number inside a formula: a negative one in brackets, so "− (−0.0112)" reads right."""
    return f"({value:.4f})" if value < 0 else f"{value:.4f}"


def worked_window(normalized: np.ndarray, convolved: np.ndarray, activated: np.ndarray, model: LoadedModel) -> str:
    """The brightest value of the first layer's strongest feature map, computed by hand from the input window,
    the learned filter and the batch norm, next to what Keras computed (HTML).

    Takes one image's outputs of the WORKED_LAYERS: the normalized input, the convolution, its ReLU.
    """
    keras_model = model.keras_model
    k = int(activated.max(axis=(0, 1)).argmax())
    row, col = (int(i) for i in np.unravel_index(int(activated[..., k].argmax()), activated.shape[:2]))
    ties = int((activated[..., k] == activated[row, col, k]).sum())  # "its brightest point" only if it is one (97b #2)
    brightest = (  # "N points tied for its brightest value", not "its N brightest points" (review 99b #2, #3)
        "its brightest point"
        if ties == 1
        else f"the first in reading order of the {ties} points tied for its brightest value"
        + (" (no first-layer map fires for this image: every value is 0)" if activated[row, col, k] <= 0 else "")
    )
    kernel = np.asarray(keras_model.get_layer(FIRST_CONV).kernel)[:, :, 0, k]
    window, products, total = features.conv_window(normalized[..., 0], kernel, row, col)
    bn = keras_model.get_layer(FIRST_BN)
    gamma, beta, mean, var = (float(np.asarray(w)[k]) for w in (bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance))
    after_bn = (total - mean) / np.sqrt(var + bn.epsilon) * gamma + beta
    grids = "".join(
        (
            number_grid(window, f"the input's 3×3 window at row {row}, column {col} (normalized pixels)"),
            "<span class='operator'>×</span>",
            number_grid(kernel, f"filter #{k}'s learned weights"),
            "<span class='operator'>=</span>",
            number_grid(products, "products, element by element"),
        )
    )
    return (
        f"<div class='worked-window'><p><b>One value of the first convolution's ({FIRST_CONV}) map #{k}, worked through.</b> A convolution multiplies "
        "the 3×3 window by the filter, element by element, and adds up the nine products (beyond the edge, zeros: in "
        f"standardized pixels, a grey pixel of about {_zero_pixel(model):.0f} of 255, not black).</p>"
        f"<div class='grids'>{grids}</div>"
        f"<p>Sum of the products: <b>{total:.4f}</b> (added before rounding: the grids show 2 decimals); Keras's Conv2D layer gives {float(convolved[row, col, k]):.4f} "
        "here. This layer has no bias: the batch normalization after it adds its own (β). Batch norm, with the "
        f"statistics frozen at the end of training: ({total:.4f} − {_term(mean)}) / √({var:.6f} + {bn.epsilon:g}) × "
        f"{_term(gamma)} + {_term(beta)} ≈ {after_bn:.4f} (worked from the unrounded figures, so a calculator "
        f"can differ in the last digit). ReLU keeps max(0, {after_bn:.4f}) = <b>{max(0.0, after_bn):.4f}</b>: "
        f"map #{k} at row {row}, column {col}, {brightest} (Keras: {float(activated[row, col, k]):.4f}).</p></div>"
    )


def kernel_image(kernels: np.ndarray) -> np.ndarray:
    """First-layer kernels (3, 3, 1, C) as C tiny images on one scale: red weights positive, blue negative."""
    k = kernels[:, :, 0, :]
    limit = float(np.abs(k).max()) or 1.0
    factor = KERNEL_CELL // k.shape[0]
    panels = [upscale(colored(k[..., i], "RdBu_r", -limit, limit), factor) for i in range(k.shape[-1])]
    return grid(panels, GRID_COLUMNS, gap=4)


def standardized(model: LoadedModel, pixel: float) -> float:
    """What a 0-255 pixel becomes in the model's Rescaling layer, the first convolution's input."""
    rescaling = model.keras_model.get_layer(NORMALIZE_LAYER)
    return pixel * float(rescaling.scale) + float(rescaling.offset)


def _zero_pixel(model: LoadedModel) -> float:
    """The 0-255 pixel value the model's Rescaling layer standardizes to 0 (what the zero padding stands for)."""
    black = standardized(model, 0)
    return -black / (standardized(model, 1) - black)


def kernels_caption(model: LoadedModel) -> str:
    """KERNELS_CAPTION with the first layer's filter count and size, read from its kernel's shape, and the
    standardized value of black and the first pixel value above 0, from the model's Rescaling layer."""
    height, width, _, count = model.keras_model.get_layer(FIRST_CONV).kernel.shape
    black = standardized(model, 0)
    zero_at = _zero_pixel(model)  # the pixel value standardized to 0
    return KERNELS_CAPTION.format(
        count=count, size=f"{height}×{width}", positive_from=int(np.floor(zero_at)) + 1, black=black
    )


def show_kernels(model: LoadedModel) -> str:
    """The first layer's kernels, drawn once per model."""
    kernels = model.keras_model.get_layer(FIRST_CONV).kernel
    return built_for(model, "kernels", lambda: image_file(kernel_image(np.asarray(kernels)), keep=True))


MAX_SHIFT = 6  # pixels either way: the slider's range, the check and the curve's x-axis
SHIFTS = list(range(-MAX_SHIFT, MAX_SHIFT + 1))
SHIFT_Y_TITLE = "probability of the class the CNN reads at 0 px"  # both curves: see shift_words
# the chart's label, short enough for a phone: each network's probability of that class, not its own confidence
SHIFT_LABEL = "Probability of the CNN's unshifted answer"


def no_dense(model: LoadedModel) -> str:
    """Where the folder has no dense network: the command that adds one to this folder (runs.train_out)."""
    return f"This model folder has no dense network to compare with: `python train.py --ablation mlp{train_out(model)}` adds one."


# model/cnn.py: build_mlp has no batch norm, two dense layers of 512 and 256 units with dropout 0.25 after each;
# build_cnn, the baseline, has batch norm, one 256-unit dense layer and dropout 0.2 after it
DENSE = "a dense network with no convolutions, which also has no batch norm and other layer widths and dropout"
NOT_CONVOLUTIONS_ALONE = (
    " As the two networks differ in more than their convolutions, this pair alone does not measure what "
    "convolutions are worth."
)


def dense_evidence(model: LoadedModel) -> str:
    """The baseline against the dense network (runs.ablation_words), and why the pair does not isolate convolutions."""
    words = ablation_words(model, "mlp", DENSE)
    return words + NOT_CONVOLUTIONS_ALONE if {"baseline", "mlp"} <= model.ablations.keys() else words


def trained_how(model: LoadedModel) -> str:
    """How each network of the shift comparison was trained: they differ in more than their layers."""
    before = model.fashion_mnist_only or model
    real = model.metrics.get("real_photos") or {}
    # train.py's fine_tune also trains on generated outliers (pictures that are none of the ten; its "pieces" are
    # cut from Fashion-MNIST garments, so not "non-garments"): named where metrics.json records them
    extra = " and generated outliers" if sum((real.get("generated_outliers") or {}).values()) else ""
    cnn = f"{before.metrics.get('epochs', '?')} epochs" + (
        f", then {real['epochs']} more on Fashion-MNIST plus real photos{extra}"
        if model.fashion_mnist_only and "epochs" in real
        else ""
    )
    dense = (model.ablations.get("mlp") or {}).get("epochs", "?")
    return (
        f"Not only the layers differ: the CNN is this app's model ({cnn}), the dense network a "
        f"{dense}-epoch run on Fashion-MNIST only, so part of the difference may be the training."
    )


def compare_shift(image_path: str | None, shift: float, model: LoadedModel):
    """Slide the input sideways: the CNN's and the dense network's probability of the class the CNN reads at 0 px,
    at every shift."""
    number(shift, -MAX_SHIFT, MAX_SHIFT, "shift")
    pixels = input_pixels(image_path)
    if model.dense_model is None:  # a folder without the ablation: say so where the comparison would be
        return enlarge(features.shift_image(pixels, int(round(shift)))), None, no_dense(model)
    batch = np.stack([features.shift_image(pixels, dx) for dx in SHIFTS])  # (13, 28, 28)
    cnn = model.probabilities(batch)
    dense = np.asarray(model.dense_model(batch[..., None].astype(np.float32), training=False))
    target = int(cnn[SHIFTS.index(0)].argmax())  # the curves follow the class the CNN reads unshifted
    i = SHIFTS.index(int(round(shift)))
    curves = pd.DataFrame(
        {
            "shift (px)": SHIFTS * 2,
            "probability": np.concatenate([cnn[:, target], dense[:, target]]),
            "network": ["CNN (ours)"] * len(SHIFTS) + ["dense network"] * len(SHIFTS),
        }
    )
    return enlarge(batch[i]), curves, shift_words(cnn, dense, int(round(shift))) + " " + trained_how(model)


# said when Classify answers with the input and its mirror image averaged (model.inference.TEST_TIME_FLIP)
ONE_PASS = f" (one pass of each network; {classify_averages()}, so its numbers can differ)"


def shift_words(cnn: np.ndarray, dense: np.ndarray, shift: int) -> str:
    """What the shift chart shows: each network's probability of the class the CNN reads at 0 px, at SHIFT and
    across SHIFTS (``cnn`` and ``dense``: (len(SHIFTS), 10) probabilities), and whether the dense network reads
    another class at 0 px."""
    zero, i = SHIFTS.index(0), SHIFTS.index(shift)
    target, own = int(cnn[zero].argmax()), int(dense[zero].argmax())

    def span(p: np.ndarray) -> str:  # a range, not "stays between" one figure and itself (review 97b #1)
        low, high = percent(p.min(), 0), percent(p.max(), 0)
        return f"stays at {low}" if low == high else f"ranges from {low} to {high}"

    words = (
        f"{'Unshifted' if shift == 0 else f'Shifted {shift:+d} px'}: the CNN gives **{CLASS_NAMES[target]}** "
        f"{percent(cnn[i, target], 0)}, the dense network {percent(dense[i, target], 0)}"
        f"{ONE_PASS if TEST_TIME_FLIP else ''}. Across ±{MAX_SHIFT} px the CNN's probability of it "
        f"{span(cnn[:, target])}, the dense network's {span(dense[:, target])}."
    )
    if own != target:
        words += (
            f" Unshifted, the dense network reads **{CLASS_NAMES[own]}** ({percent(dense[zero, own], 0)}), not "
            f"{CLASS_NAMES[target]}: its curve is the probability of a class it does not pick even at 0 px."
        )
    return words


def warm_up(model: LoadedModel) -> None:
    """Load the dense network and trace the layer read-outs on a test image ahead of time (~0.3 s at first use)."""
    example = first_example(model)
    if example:
        compare_shift(example, 0, model)
        show_feature_maps(example, features.conv_activation_layers(model.keras_model)[0], model)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Filters & feature maps") as tab:
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                source = concept_input("Input image", examples, tab, shared)
                layers = features.conv_activation_layers(model.keras_model)
                layer_choice = gr.Dropdown(layers, value=layers[0], label="Conv layer")
            with gr.Column(scale=3, min_width=300):
                maps_note = gr.Markdown(elem_id="maps-note")
                maps_image = gr.Image(
                    show_label=False, label="Feature maps", interactive=False, elem_id="feature-maps", buttons=[]
                )
                gr.Markdown(MAPS_CAPTION, elem_classes=["caption"])
                gr.Markdown(LEAD)
                gr.Image(
                    show_kernels(model),
                    show_label=False,
                    label="First-layer filters",
                    interactive=False,
                    elem_id="kernels",
                    buttons=[],
                )
                gr.Markdown(kernels_caption(model), elem_classes=["caption"])
                with gr.Accordion("How we know", open=False):
                    window_worked = gr.HTML(elem_id="worked-window")
                    gr.Markdown(batch_norm_words(model), elem_id="batch-norm")
                    gr.Markdown(DETAIL)
        pick_examples(source, examples)
        gr.Markdown("### CNN vs dense network: slide the image sideways")
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                shift_slider = gr.Slider(-MAX_SHIFT, MAX_SHIFT, value=0, step=1, label="Shift (pixels)")
                shifted_image = gr.Image(
                    label="Shifted input", height=180, interactive=False, elem_classes=["pixelated"]
                )
            with gr.Column(scale=3, min_width=300):
                shift_note = gr.Markdown(elem_id="shift-note")
                shift_plot = gr.LinePlot(
                    x="shift (px)",
                    y="probability",
                    color="network",
                    y_lim=[0, 1],
                    x_axis_format="d",
                    y_title=SHIFT_Y_TITLE,
                    label=SHIFT_LABEL,
                    elem_id="shift-plot",
                )
                with gr.Accordion("How we know", open=False):
                    gr.Markdown(dense_evidence(model))
        maps, shift = partial(show_feature_maps, model=model), partial(compare_shift, model=model)
        rerun_on(source, maps, [layer_choice], [maps_image, maps_note, window_worked], "feature_maps")
        rerun_on(source, shift, [shift_slider], [shifted_image, shift_plot, shift_note], "shift")
