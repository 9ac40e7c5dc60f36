"""The Where it looked tab: Grad-CAM, SmoothGrad and occlusion maps on the current input and the learner's photo,
the model-randomization sanity check, and the measured deletion test."""

from __future__ import annotations

import shlex
from functools import partial

import cv2
import gradio as gr
import numpy as np

from concepts import features, saliency
from concepts.saliency import (
    GRAD_CAM,
    METHODS,
    OCCLUSION,
    OCCLUSION_PATCH,
    OCCLUSION_STRIDE,
    RANDOM_ORDER,
    RandomizedCascade,
)
from model.data import CLASS_NAMES
from model.inference import TEST_TIME_FLIP, LoadedModel
from model.preprocess import Crop, open_image, to_rgb
from tabs.charts import unsigned_zero
from tabs.checks import choice, number, true_or_false
from tabs.files import enlarge, figure_file
from tabs.inputs import input_conversion
from tabs.memo import built_for, explainer
from tabs.runs import and_list, classify_averages, percent
from tabs.wiring import beside_the_input, first_example, pick_examples, rerun_on, shown_when

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
LEAD = """Why did the model give this answer? A **saliency map** answers a narrower question: which parts
of this one input the chosen class's score (its logit; for Occlusion, its probability) depends on most. Pick a class and a method: red marks where each method
finds the most (what "most" means differs by method: see the note that opens with the method's name)."""
DETAIL = """**Grad-CAM** weights each feature map of the
last convolutional layer by the mean gradient of the class's score (its logit) with respect to it and keeps
the positive part of their sum, so its map is as coarse as that layer. **SmoothGrad** averages the gradient of
the score with respect to each pixel, with its sign, over noisy copies of the input, then shows its size. **Occlusion** covers the
input with a gray patch, one position at a time, and shows how much the class's probability drops."""
GRAD_CAM_VARIANT = """**Which Grad-CAM.** Here it reads the last convolution's output *before* its batch norm and
ReLU, not the rectified maps after them that Grad-CAM usually reads. On the shipped weights, counted on 500
test images, each for its predicted class, Grad-CAM comes out 0 everywhere on those rectified maps for far more of
them than on this layer's own output (docs/where-it-looked.md gives the shares), which is why they are not read
(for other classes, such as one picked in the Class menu or a true class or runner-up the Confusion tab shows, it was
not counted). One convolution earlier, the rectified maps (`block3_relu1`) give an empty Grad-CAM on far fewer
images than the last rectified maps do, so rectification alone does not explain the empty maps; they also give
an empty one on fewer images than this layer's output does, so this count alone would not have picked this layer
over that one: it is read as the last convolution's own output (`python -m benchmarks.deletion --empty-grad-cam` counts the empty maps at the last
block's two convolutions, before and after their batch norm and ReLU). Why the rectified last layer's maps come out empty so often
was not measured. What makes an empty map possible at all: in a network that ends in global average pooling and one
dense layer, the maps that pooling reads, each weighted by its mean gradient, add up over all their cells to the
class's logit less its bias, so where that is above 0 their map cannot be empty (at that one layer: not at an
earlier one, nor at one taken before batch norm and ReLU like this one); this network ends in Flatten and dense
layers, where nothing ties them together at any layer. One more change: the last 2×2 pooling reads
only the first 6 rows and columns of these 7×7 maps, so the score does not depend on the 7th row and column at all;
plain Grad-CAM can still colour them (a strip along the bottom and right edges), so here they are set to 0."""
NOT_SHOWN = """**What these maps do not show.** A map is its method's estimate of where in this one image the
class's score (or, for Occlusion, its probability) depends on the pixels, not *why*: a hot collar does not mean the model has a notion of collars. The three methods answer different
questions (a gradient is large wherever a small change of a pixel would move the score, the empty
background included; occlusion measures what a gray square does there), so they can disagree. Each map is
scaled to its own maximum: its colours compare places within one map, never one map with another."""
SANITY = """**Sanity check** (Adebayo et al. 2018). Left to right, the kernels of the model's conv and dense
layers are re-drawn at random (Glorot uniform, as at the start of training; one fixed draw; any bias set to 0),
from the top layer down and cumulatively (batch-norm layers, their learned scale and shift and their statistics,
stay trained); every map is for the same class. A map that explains
what the model learned must change as its weights are scrambled; a map that stays the same cannot be
showing what the model learned. ρ is the Spearman rank correlation with the trained model's map (1: the
same ranking of pixels, −1: the reverse ranking, 0: no monotonic relation; for Grad-CAM, leaving out the band
along the bottom and right edges that its zeroed 7th row and column of cells reach once the map is stretched to
the image's size).
On a phone, swipe the figure sideways to see every layer."""
SANITY_OFF = (
    "*Tick **Sanity check** to see every method's map as the model's layers are randomized one by one (a few seconds).*"
)

TOP_CLASS = "Top class"  # the class the model ranks first, whatever it is
CLASS_CHOICES = (TOP_CLASS, *CLASS_NAMES)  # the dropdown's choices and the handler's check
PATCHES = (2, 12)  # smallest and largest occlusion patch side, pixels: the slider's range and the check
PHOTO_SIDE = 320  # the photo, with its heatmap, at most this many pixels on its longest side
METHOD_NOTES = {
    GRAD_CAM: "Red: where the feature maps, each weighted by its mean gradient for the class, add up highest (Grad-CAM's estimate of where the maps favour the class, not a measured rise of its score); blue or no colour: low, zero or negative (Grad-CAM keeps only the positive part).",
    saliency.SMOOTHGRAD: "Red: the pixels whose gradient, averaged with its sign over noisy copies of the input, is largest in size; a gradient whose sign flips from copy to copy cancels out.",
    OCCLUSION: "Red: where a gray patch lowers the class's probability most; no colour where it lowers it little or raises it.",
}


def _class_index(class_name: str, probs: np.ndarray) -> int:
    return int(probs.argmax()) if class_name == TOP_CLASS else CLASS_NAMES.index(class_name)


def _check_patch(patch: float) -> int:
    number(patch, *PATCHES, "patch")
    if not float(patch).is_integer():
        raise gr.Error(
            f"Occlusion patch must be a whole number of pixels from {PATCHES[0]} to {PATCHES[1]}, not {patch}."
        )
    return int(patch)


def on_photo(image_path: str, crop: Crop, heat: np.ndarray) -> str:
    """The 0..1 heatmap over the learner's photo, mapped back through the conversion's crop."""
    rgb = to_rgb(open_image(image_path))  # upright, as the conversion saw it
    scale = min(1.0, PHOTO_SIDE / max(rgb.shape[:2]))
    rgb = cv2.resize(
        rgb, (max(1, round(rgb.shape[1] * scale)), max(1, round(rgb.shape[0] * scale))), interpolation=cv2.INTER_AREA
    )
    photo_heat = saliency.onto_photo(heat, crop.box, crop.placed, rgb.shape[:2])
    return enlarge(saliency.overlay(rgb, photo_heat), max(rgb.shape[:2]))


def _map_words(method: str, heat: np.ndarray, class_name: str, patch: int, model: LoadedModel) -> str:
    """What this particular map measured, with its own numbers."""
    if method == GRAD_CAM:
        layer = explainer(model).layer
        side = model.keras_model.get_layer(layer).output.shape[1]
        window, step = features.receptive_field(model.keras_model, layer)
        if heat.max() <= 0:
            return (
                f"Grad-CAM is 0 everywhere for {class_name}: the maps of `{layer}`, each weighted by its mean "
                "gradient, sum to zero or less in every cell the score depends on, and Grad-CAM keeps only the "
                "positive part, so this map shows nothing (a limit of the method, not a sign that nothing mattered)."
            )
        image = heat.shape[0]
        wider = f", wider than the {image}×{heat.shape[1]} image" if window >= image else ""
        corner, middle = (features.cell_window(model.keras_model, layer, cell) for cell in (0, side // 2))
        corner, middle = (last - first + 1 for first, last in (corner, middle))
        words = (
            f"Grad-CAM on `{layer}` (before batch norm and ReLU): {side}×{side} maps, one cell every {step} input "
            f"pixels; each cell's value can depend on a {window}×{window} window of the input around it{wider}"
        )
        if corner < window:  # the image's edge cuts the corner cells' windows
            whole = "the whole image" if middle == image else f"{middle}×{middle} pixels"
            words += (
                f", cut off at the image's edges: a corner cell can depend on only the {corner}×{corner} pixels "
                f"nearest its corner, a middle cell on {whole}"
            )
        return words + ". Grad-CAM's weights, the mean gradients, depend on the whole image."
    if method == OCCLUSION:
        positions = len(saliency.patch_positions(heat.shape, patch, OCCLUSION_STRIDE))
        article = "An" if str(patch).startswith(("8", "11", "18")) else "A"  # "an 8×8", "an 11×11" (review 103c #3)
        moved = f"{article} {patch}×{patch} gray patch at {positions} positions, up to {OCCLUSION_STRIDE} pixels apart."
        boxes = saliency.patch_positions(heat.shape, patch, OCCLUSION_STRIDE)
        if heat.max() <= 0:  # "on average" only where some pixel is covered by more than one patch (review 97c #2)
            overlap = patch > OCCLUSION_STRIDE or len({b for b in boxes}) * patch * patch > heat.size
            return f"{moved} Covering any pixel leaves P({class_name}) as it is or raises it{', on average' if overlap else ''}."
        points = 100 * heat.max()  # under 0.05 would print "0.0" beside a map drawn full red (review 32c #2)
        shown = f"{points:.1f}" if points >= 0.05 else "under 0.1"
        # where one patch covers the hottest pixel, its drop is that patch's, not an average (review 96c #3)
        row, col = np.unravel_index(int(np.argmax(heat)), heat.shape)
        one = sum(top <= row < top + patch and left <= col < left + patch for top, left in boxes) == 1
        covering = "the one patch covering it lowers" if one else "the patches covering it lower"
        return (
            f"{moved} At the hottest pixel, {covering} P({class_name}) by {shown} points{'' if one else ' on average'}."
        )
    return f"SmoothGrad: the size of the mean gradient over {saliency.SMOOTHGRAD_SAMPLES} noisy copies of the input."


def explain(
    image_path: str | None,
    class_name: str = TOP_CLASS,
    method: str = GRAD_CAM,
    patch: float = OCCLUSION_PATCH,
    *,
    model: LoadedModel,
) -> tuple[str, str | None, str, dict]:
    """The chosen map for the chosen class: over the 28x28 input, over the original photo (if any), a note, and
    the map's own values (28x28, before scaling) for API callers."""
    choice(class_name, CLASS_CHOICES, "class_name")
    choice(method, METHODS, "method")
    patch = _check_patch(patch)
    prep = input_conversion(image_path)
    probs = explainer(model).probabilities(prep.pixels)[0]  # compiled: ~10x faster than the eager call
    c = _class_index(class_name, probs)
    heat = saliency.saliency_map(explainer(model), prep.pixels, c, method, patch)
    shown = saliency.normalized(heat)
    which = "the top class" if c == int(probs.argmax()) else f"top class: {CLASS_NAMES[int(probs.argmax())]}"
    note = [
        f"**{method}** for **{CLASS_NAMES[c]}** ({percent(probs[c], 1)} in one pass of the network, {which}"
        # only where Classify does average (review 47c #2)
        + (f"; {classify_averages()}, so its numbers can differ)." if TEST_TIME_FLIP else ")."),
        _map_words(method, heat, CLASS_NAMES[c], patch, model),
        METHOD_NOTES[method],
    ]
    values = {"method": method, "class": CLASS_NAMES[c], "probability": float(probs[c]), "map": heat.tolist()}
    if prep.crop is None:
        note.append("This input is already a 28×28 image, so there is no larger photo to draw the map on.")
        return enlarge(saliency.overlay(prep.pixels, shown)), None, " ".join(note), values
    note.append(
        # review 64c #1: no pixel from outside the box reaches the model, but the conversion reads the photo's edge
        "On your photo, the map is stretched back over the box the conversion cut out: the model's input holds only "
        "pixels from inside it, though the conversion used the rest of the photo to set them (the backdrop's shade, "
        "or which parts count as background)."
    )
    photo = on_photo(image_path, prep.crop, shown)
    return enlarge(saliency.overlay(prep.pixels, shown)), photo, " ".join(note), values


def check_sanity(
    image_path: str | None, class_name: str, patch: float, enabled: bool, *, model: LoadedModel
) -> tuple[object, str]:
    """Every method's map as the model's layers are randomized from the top, with rank correlations."""
    choice(class_name, CLASS_CHOICES, "class_name")
    patch = _check_patch(patch)
    if not true_or_false(enabled, "enabled"):
        return None, SANITY_OFF
    pixels = input_conversion(image_path).pixels
    c = _class_index(class_name, explainer(model).probabilities(pixels)[0])
    cascade = built_for(model, "cascade", partial(RandomizedCascade, model.keras_model))
    stages = cascade.run(partial(saliency.every_map, pixels=pixels, class_index=c, patch=patch))
    regions = {method: saliency.compared_region(explainer(model), method, pixels.shape) for method in METHODS}
    rows = {
        method: [
            (stage, maps[method], saliency.rank_correlation(stages[0][1][method], maps[method], regions[method]))
            for stage, maps in stages
        ]
        for method in METHODS
    }
    note = f"For this image and **{CLASS_NAMES[c]}**: " + "; ".join(
        f"{_correlations(rows, depth)} with {what}"
        for depth, what in ((1, "the top layer re-drawn"), (-1, "every layer re-drawn"))
    )
    last = {method: rows[method][-1][2] for method in METHODS if not np.isnan(rows[method][-1][2])}
    constant = {m: constant_map(rows[m][0][1], rows[m][-1][1], regions[m]) for m in METHODS if m not in last}
    words = kept_ranking_words(last, chance_ceilings(model, patch), constant, chance_left_out(model))
    return saliency.cascade_figure(rows, pixels), note + words


KEPT_RHO = 0.2  # the table's share: images with |ρ| at least this (a rough, common "some relation left" line)
CHANCE_SE = 2  # a same-image share beats chance only beyond this many standard errors of the paired difference (~95%)
CHANCE_PERCENTILE = 95  # one image's note shows, for scale, this percentile of the different-image pairs' |ρ|
OTHER_CUT = 0.3  # a second cut-off, to show that an excess over chance at KEPT_RHO depends on where the line is


def chance_rho(results: dict | None, method: str, key: str) -> np.ndarray | None:
    """|ρ| of deletion.json's chance pairs (image k's trained map against image k+o's re-drawn map, ``python -m
    benchmarks.deletion --chance``), constant maps left out; None if the file has none for METHOD and KEY."""
    values = (((results or {}).get("per_image") or {}).get(f"{key}_chance") or {}).get(method)
    if not values:
        return None
    return np.abs(np.array([v for v in values if v is not None], dtype=np.float64))


def chance_ceilings(model: LoadedModel, patch: int) -> dict[str, float]:
    """Each map's 95th percentile of |ρ| by chance with every layer re-drawn, from the model's deletion.json: only
    for its weights, and Occlusion only for the patch it was measured with. Maps without one are left out."""
    results = model.deletion_results
    if not results or results.get("weights_sha256") != model.weights_sha256:
        return {}
    ceilings = {}
    for m in METHODS:
        size = chance_rho(results, m, "rank_correlation_randomized")
        if size is not None and (m != OCCLUSION or patch == results.get("occlusion_patch")):
            ceilings[m] = float(np.percentile(size, CHANCE_PERCENTILE))
    return ceilings


def constant_map(trained: np.ndarray, redrawn: np.ndarray, region: np.ndarray | None) -> str:
    """Which of a pair of maps is constant on REGION (so their ρ is undefined): "the trained map", "the re-drawn
    map" or "both maps"."""
    flat = [np.ptp(np.asarray(m)[region] if region is not None else np.asarray(m)) == 0 for m in (trained, redrawn)]
    return {(True, False): "the trained map", (False, True): "the re-drawn map"}.get(tuple(flat), "both maps")


def chance_left_out(model: LoadedModel) -> dict[str, tuple[int, int]]:
    """Per map, how many of deletion.json's chance pairs (every layer re-drawn) have no ρ, of how many: only maps
    that lost some, and only for the file's own weights."""
    results = model.deletion_results
    if not results or results.get("weights_sha256") != model.weights_sha256:
        return {}
    pairs = ((results.get("per_image") or {}).get("rank_correlation_randomized_chance") or {}).items()
    return {m: (v.count(None), len(v)) for m, v in pairs if v and None in v}


def kept_ranking_words(
    last: dict[str, float],
    ceilings: dict[str, float],
    constant: dict[str, str] | None = None,
    left_out: dict[str, tuple[int, int]] | None = None,
) -> str:
    """For scale beside this one image's ρ with every layer re-drawn: CEILINGS[map], what 95% of pairs of different
    images stay below. No verdict: an image's own pair crosses that line about as often as pairs of different
    images do (review 15c #1), so one image crossing it, or not, says little about its map. CONSTANT names, for a
    map with no ρ, which of the pair is constant (``constant_map``); LEFT_OUT[map], how many chance pairs had none
    (``chance_left_out``)."""
    if not ceilings:
        return ". No chance line is measured for these weights." if last else "."
    compared = [m for m in last if m in ceilings]
    missing = [m for m in last if m not in ceilings]
    words = ""
    if compared:

        def line(
            m: str,
        ) -> str:  # a line that prints as this image's |ρ| gets the digits that part them (98c #5, 99c #1)
            if f"{ceilings[m]:.2f}" != f"{abs(last[m]):.2f}":
                return f"{m} {ceilings[m]:.2f}"
            d = next((d for d in range(3, 7) if f"{ceilings[m]:.{d}f}" != f"{abs(last[m]):.{d}f}"), 6)
            return f"{m} {ceilings[m]:.{d}f} (this image's |ρ|: {abs(last[m]):.{d}f})"

        below = ", ".join(line(m) for m in compared)
        counted = [f"{n:,} of {m}'s {total:,}" for m, (n, total) in (left_out or {}).items() if m in compared]
        words += (
            f". For scale, with every layer re-drawn, 95% of pairs of different images stay below {below} in size "
            "(measured on Fashion-MNIST test images, each for its predicted class, so a photo, or a class other than "
            "the top one, is not what it was measured on"
            # pairs with no ρ left out: counted where the file says how many (103c #2), unsaid where the maps
            # compared lost none (106c #3)
            + (
                "; pairs with a constant map, which have no ρ, left out"
                if left_out is None
                else f"; pairs with a constant map, which have no ρ, left out: {and_list(counted)}"
                if counted
                else ""
            )
            + "; no such line is given here for the top layer alone)"  # review 101c #3
        )
    undefined = [m for m in ceilings if m not in last]  # this image's ρ undefined: said, not dropped (101c #4)
    for which in dict.fromkeys((constant or {}).get(m, "") for m in undefined):
        named = [m for m in undefined if (constant or {}).get(m, "") == which]
        if len(named) > 1 and which != "both maps":  # one per map named: "the re-drawn maps are" (106c U1)
            which = which.replace("map", "maps")
        plural = which == "both maps" or len(named) > 1
        why = f"{which} {'are' if plural else 'is'} constant" if which else "a map is constant"
        words += f". {and_list(named)}: no ρ for this image ({why})"
    if missing:  # chance_ceilings drops Occlusion off the patch it was measured with
        where = " at this patch size" if missing == [OCCLUSION] else ""
        words += f". {and_list(missing)}: no chance line measured{where}"
    return words + "."


def _correlations(rows: dict[str, list], depth: int) -> str:
    """ "Grad-CAM ρ 0.12, ..." at one stage of the cascade."""
    return ", ".join(
        f"{method} ρ "
        + ("undefined (a constant map)" if np.isnan(stages[depth][2]) else unsigned_zero(stages[depth][2], ".2f"))
        for method, stages in rows.items()
    )


MARGIN_SE = 2  # a map does better or worse than random pixels only beyond this many standard errors (~95%)


def against_random(results: dict, method: str) -> str:
    """Whether METHOD does "better", "worse" or "no better" than random pixels in deletion.json: its deletion area
    against theirs (lower is better), beyond MARGIN_SE standard errors of the difference. The same images were
    measured both ways, so the standard error is that of the mean per-image difference; without per-image areas,
    the two stored standard errors combined (larger: it ignores that the areas of one image go together)."""
    r, per_image = results["results"], (results.get("per_image") or {}).get("auc") or {}
    if method in per_image and RANDOM_ORDER in per_image:
        diff = np.subtract(per_image[method], per_image[RANDOM_ORDER], dtype=np.float64)
        mean, se = diff.mean(), diff.std(ddof=1) / np.sqrt(len(diff))
    else:
        mean, se = r[method]["auc"] - r[RANDOM_ORDER]["auc"], np.hypot(r[method]["auc_se"], r[RANDOM_ORDER]["auc_se"])
    if mean < -MARGIN_SE * se:
        return "better"
    return "worse" if mean > MARGIN_SE * se else "no better"


def evidence_words(model: LoadedModel) -> str:
    """The deletion test's table and what it says, from deletion.json, or how to make one."""
    results = model.deletion_results
    folder = model.folder.resolve()  # as given to the benchmark: the last path component alone is no path
    where, to = (shlex.quote(str(path)) for path in (folder, folder / "deletion.json"))
    run = f"python -m benchmarks.deletion --model {where} --json {to}"
    make = (
        f"`{run}`, run from the repository, measures it; then `{run} --chance` adds the chance level the sanity "
        "check compares with."
    )
    if results is None:
        return f"*No deletion test in this model folder yet: {make}*"
    if results.get("weights_sha256") != model.weights_sha256:
        return f"*The deletion test in this model folder was measured on other weights, so it is not shown: {make}*"
    r = results["results"]
    rows = "\n".join(
        f"| {name} | {row['auc']:.3f} | {'—' if name == RANDOM_ORDER else format(row['beats_random'], '.0%')} |"
        for name, row in r.items()
    )
    best = min(METHODS, key=lambda m: r[m]["auc"])
    random_auc, brightest = (r[name]["auc"] for name in saliency.BASELINES)
    words = [
        f"**Evidence: the deletion test** (Petsiuk et al. 2018) on {results['images']} Fashion-MNIST test images, for "
        "the class the model predicts"
        # review 63c #1: every Occlusion figure is of one patch size, the slider another at will
        + (
            f", Occlusion with a {results['occlusion_patch']}×{results['occlusion_patch']} patch (other patch sizes "
            "were not measured)"
            if results.get("occlusion_patch")
            else ""
        )
        + f". Remove the pixels a map ranks highest first, {results['pixels_per_step']} at a "
        "time (a removed pixel becomes black background), and take the area under the falling probability: "
        "the lower, the sooner the map found pixels the prediction depends on.",
        f"\n\n| removal order | area | lower than random pixels on (share of images) |\n|---|---|---|\n{rows}\n\n",
        f"Of the three maps, **{best}** scores lowest ({r[best]['auc']:.3f}, random pixels {random_auc:.3f}).",
    ]
    if brightest <= r[best]["auc"]:
        words.append(
            f"Yet removing simply the brightest pixels first, which needs no model at all, scores {brightest:.3f}, "
            "lower still: on these images this test alone cannot show that a map found what the model learned."
        )
    verdicts = {m: against_random(results, m) for m in METHODS}
    clauses = []
    for verdict in ("better", "no better", "worse"):
        group = [m for m in METHODS if verdicts[m] == verdict]
        if group:
            areas = " and ".join(f"{r[m]['auc']:.3f}" for m in group)
            clauses.append(f"**{' and '.join(group)}** {'does' if len(group) == 1 else 'do'} {verdict} ({areas})")
    paired = (results.get("per_image") or {}).get("auc")
    se_of = "the mean per-image difference" if paired else "the difference (the two areas' standard errors combined)"
    words.append(
        f"Against random pixels ({random_auc:.3f}), counting a difference only beyond {MARGIN_SE} standard errors of "
        f"{se_of}: " + "; ".join(clauses) + "."
    )
    words.append(garment_words(results, [m for m in METHODS if verdicts[m] != "better"]))
    words.append(sanity_words(results))
    words.append(constant_words(results))
    return " ".join(w for w in words if w)


def garment_words(results: dict, weak: list[str]) -> str:
    """Why the maps in WEAK may not beat random pixels: said only for a map whose top 10% lies on the garment less
    often than random pixels would (deletion.json's ``garment_share``, the images' share of pixels above 0)."""
    share, r = results.get("garment_share"), results["results"]
    if share is None:
        return ""
    few = [m for m in weak if round(100 * r[m]["top_on_garment"]) < round(100 * share)]
    if not few:
        return ""
    shares = " and ".join(f"{r[m]['top_on_garment']:.0%}" for m in few)
    owners = " and ".join(f"{m}'s" for m in few)
    return (
        f"Only {shares} of {owners} top 10% of pixels are on the garment, against {share:.0%} of all these images' "
        "pixels (what random pixels get on average); the rest are background, already black, which deletion "
        "cannot change."
    )


STAGES = {  # deletion.json's keys for the sanity check, and how the tab names them
    "rank_correlation_top_layer": "only the top layer re-drawn",
    "rank_correlation_randomized": "every layer re-drawn",
}
TABLE_STAGES = {"rank_correlation_top_layer": "top", "rank_correlation_randomized": "all"}  # the same, in the table


def rho_summary(results: dict, method: str, key: str, cut: float = KEPT_RHO) -> dict[str, float] | None:
    """Mean ρ, mean |ρ|, the share of images with |ρ| >= CUT and their count, from deletion.json's per-image
    ρ (None: a constant map, left out), and the same share for the chance pairs ("chance", None if the file has
    none); None if the file keeps no per-image ρ."""
    values = ((results.get("per_image") or {}).get(key) or {}).get(method)
    if values is None:
        return None
    rho = np.array([v for v in values if v is not None], dtype=np.float64)
    chance = chance_rho(results, method, key)
    return {
        "mean": rho.mean(),
        "mean_abs": np.abs(rho).mean(),
        "kept": (np.abs(rho) >= cut).mean(),
        "n": len(rho),
        "total": len(values),  # with the images left out
        "chance": None if chance is None else (chance >= cut).mean(),
    }


def chance_difference(
    results: dict, method: str, key: str, cut: float = KEPT_RHO, sign: int = 0
) -> tuple[float, float]:
    """METHOD's share of images with |ρ| >= CUT against chance, paired by image, as the same trained map is on both
    sides: per image, its own pair's 1 or 0 minus the share of its chance pairs (image k's trained map against image
    k+o's re-drawn map; deletion.json keeps them offset by offset). SIGN 1 counts ρ >= CUT instead (a ranking kept),
    -1 ρ <= -CUT (a ranking turned round). Returns the mean difference and its standard error. Images without a ρ on
    either side (a constant map) are left out."""

    def size(values: list) -> np.ndarray:  # what is set against CUT: |ρ|, ρ or -ρ
        rho = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        return np.abs(rho) if sign == 0 else sign * rho

    same = results["per_image"][key][method]
    pairs = results["per_image"][f"{key}_chance"][method]
    offsets = len((results["results"][method].get(f"{key}_chance") or {}).get("offsets") or [1])
    grid = size(pairs).reshape(offsets, -1)
    n = min(len(same), grid.shape[1])
    rho, grid = size(same[:n]), grid[:, :n]
    counted = (~np.isnan(grid)).sum(axis=0)
    chance = (grid >= cut).sum(axis=0) / np.maximum(counted, 1)  # NaN >= 0.2 is False
    keep = ~np.isnan(rho) & (counted > 0)
    diff = (rho[keep] >= cut) - chance[keep]
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff)))


def signed_shares(results: dict, method: str, key: str, cut: float = KEPT_RHO) -> dict[int, tuple[float, float]]:
    """|ρ| >= CUT split by sign: for 1 (ρ >= CUT, a ranking kept) and -1 (ρ <= -CUT, turned round), METHOD's share of
    images and the chance pairs' share, constant maps left out."""
    same = np.array([v for v in results["per_image"][key][method] if v is not None], dtype=np.float64)
    pairs = np.array([v for v in results["per_image"][f"{key}_chance"][method] if v is not None], dtype=np.float64)
    return {sign: (float((sign * same >= cut).mean()), float((sign * pairs >= cut).mean())) for sign in (1, -1)}


def against_chance(results: dict, method: str, key: str, cut: float = KEPT_RHO, sign: int = 0) -> str:
    """ "above" chance: the paired mean difference beyond CHANCE_SE standard errors; "close" (too close to call):
    above 0 but within them; else "not above". SIGN as in chance_difference."""
    mean, se = chance_difference(results, method, key, cut, sign)
    if mean > CHANCE_SE * se:
        return "above"
    return "close" if mean > 0 else "not above"


def _split_by_sign(results: dict, method: str, key: str) -> str:
    """Words for an excess over chance at both cut-offs (|ρ| counts a ranking turned round as kept): from the excess
    of ρ >= cut and of ρ <= -cut, each judged against chance as |ρ| is (review 29c C2), at both cut-offs, KEPT_RHO
    and OTHER_CUT (review 35c #2: a sign clear at one cut-off only is no finding about it)."""
    cuts = (KEPT_RHO, OTHER_CUT)
    above = {
        (sign, cut): against_chance(results, method, key, cut, sign) == "above" for sign in (1, -1) for cut in cuts
    }
    kept = [above[1, cut] for cut in cuts]
    turned = [above[-1, cut] for cut in cuts]
    shares = signed_shares(results, method, key)
    (k, k_chance), (t, t_chance) = shares[1], shares[-1]
    other = signed_shares(results, method, key, OTHER_CUT)

    def said(sign: int, cut: float) -> str:
        share = (shares if cut == KEPT_RHO else other)[sign]
        where = f"ρ ≥ {cut}" if sign == 1 else f"ρ ≤ −{cut}"
        verdict = "above chance" if above[sign, cut] else "not clearly above"
        return f"{where} on {share[0]:.0%} against {share[1]:.0%}, {verdict}"

    def mixed(sign: int) -> str:  # the other sign, clear of chance at one cut-off only (review 37c #1)
        what = "keeps the trained ranking" if sign == 1 else "turns it round"
        return f"; whether it also {what} on some images depends on the cut-off ({said(sign, KEPT_RHO)}; {said(sign, OTHER_CUT)})"

    def excess(sign: int, cut: float) -> float:
        share = (shares if cut == KEPT_RHO else other)[sign]
        return share[0] - share[1]

    values = ((results.get("per_image") or {}).get(key) or {}).get(method) or []
    # the shares are of the images with a ρ: said where a constant map left some out (review 95c #2)
    of_images = "of images" if all(v is not None for v in values) else "of the images with a ρ"

    def both_cuts(sign: int) -> str:  # the figures at both cut-offs, the first with its "of images ... for" (38c #1)
        first, second = (shares[sign], other[sign])
        where = (lambda cut: f"ρ ≥ {cut}") if sign == 1 else (lambda cut: f"ρ ≤ −{cut}")
        return (
            f"{where(KEPT_RHO)} on {first[0]:.0%} {of_images} against {first[1]:.0%} for different images, "
            f"{where(OTHER_CUT)} on {second[0]:.0%} against {second[1]:.0%}"
        )

    def on_how_many(sign: int) -> str:  # "most" at a cut-off where the excess is over half the images (94c #4)
        many = ["most" if excess(sign, cut) > 0.5 else "some" for cut in cuts]
        if many[0] == many[1]:
            return f"on {many[0]} images"
        return f"on {many[0]} images by the {cuts[0]} cut-off and {many[1]} by {cuts[1]}"

    def mostly(sign: int) -> bool:  # "mostly" only where that sign's excess is the larger at both cut-offs (38c #1)
        return all(excess(sign, cut) > excess(-sign, cut) for cut in cuts)

    if all(kept) and not all(turned):  # beyond chance at both cut-offs, with ρ above 0: on some images (36c #4)
        return (
            (
                "the excess over chance mostly with ρ above 0 at both cut-offs"
                if mostly(1)
                else "and ρ above 0 alone is above chance at both cut-offs too"
            )
            + f" ({both_cuts(1)}), so its re-drawn map likely keeps part of the trained ranking {on_how_many(1)}"
            + (mixed(-1) if any(turned) else "")
        )
    if all(turned) and not all(kept):  # beyond chance, as rankings turned round, on some of the images
        return (
            (
                "but the excess over chance mostly in reversed rankings at both cut-offs"
                if mostly(-1)
                else "but reversed rankings alone are above chance at both cut-offs"
            )
            + f" ({both_cuts(-1)}), so its re-drawn map likely follows part of the trained ranking turned round "
            + on_how_many(-1)
            + (mixed(1) if any(kept) else "")  # as weak (42c #1)
        )
    split = (
        f"ρ ≥ {KEPT_RHO} on {k:.0%} {of_images} against {k_chance:.0%} for different images, ρ ≤ −{KEPT_RHO} on "
        f"{t:.0%} against {t_chance:.0%}"
    )
    if all(kept) and all(turned):  # both signs beyond chance at both cut-offs
        return (
            f"in rankings kept and turned round alike ({both_cuts(1)}; {both_cuts(-1)}, both signs above chance at "
            "both cut-offs), so its re-drawn map likely holds "
            "part of the trained ranking on some images and part of it turned round on others"
        )
    if any(kept) or any(turned):  # a sign clear of chance at one cut-off and not the other
        listed = "; ".join(said(sign, cut) for cut in cuts for sign in (1, -1))
        # "which sign ... depends on the cut-off" only where one sign is clear at one cut-off and the other sign at
        # the other (review 50c #2); at one cut-off both or neither, no sign is said to carry it
        swapped = kept[0] != kept[1] and turned[0] != turned[1] and kept[0] != turned[0]
        lead = (
            "but which sign carries the excess depends on the cut-off"
            if swapped
            else "but no sign alone is clearly above chance at both cut-offs"
        )
        return (
            f"{lead} ({listed}), so whether its re-drawn map keeps the trained ranking or turns it round is not clear"
        )
    return (  # the excess holds for |ρ| but neither sign alone is clear of chance
        f"but neither sign alone is clearly above chance ({split}), so whether its re-drawn map keeps the trained "
        "ranking or turns it round is not clear"
    )


def _stage_clauses(results: dict, summary: dict, key: str, chance: bool) -> list[str]:
    """One clause per map for the sanity check's stage KEY: its share with |ρ| >= KEPT_RHO against chance, and which
    sign holds an excess."""
    clauses = []
    for m in METHODS:
        s = summary[m, key]
        # the share's images, where a constant map left some out (review 91c #3)
        of = (
            f" of the {s['n']} images with a ρ ({s['total'] - s['n']} left out: a constant map, below)"
            if s["n"] < s["total"]
            else " of images"
        )
        if s["kept"] == 0:
            every = "every image" + (" with a ρ" if s["n"] < s["total"] else "")
            clauses.append(f"**{m}**'s |ρ| is below {KEPT_RHO} on {every}: little of its trained ranking is left")
        elif not chance:
            clauses.append(
                f"**{m}**'s |ρ| is {KEPT_RHO} or more on {s['kept']:.0%}{of}, but this file has no chance "
                "level to compare with, so that does not show a kept ranking"
            )
        else:
            verdict = against_chance(results, m, key)
            shares = f"**{m}**'s {s['kept']:.0%}{'' if s['n'] == s['total'] else of} against {s['chance']:.0%} for different images"
            other = rho_summary(results, m, key, OTHER_CUT)
            both = against_chance(results, m, key, OTHER_CUT) == "above"
            if verdict == "above" and both:  # beyond chance at both cut-offs: which sign holds the excess
                clauses.append(
                    f"{shares} (at |ρ| ≥ {OTHER_CUT}, {other['kept']:.0%} against {other['chance']:.0%}): above chance "
                    f"at both cut-offs, {_split_by_sign(results, m, key)} (one random draw "
                    "of the weights)"
                )
            elif verdict == "above":
                clauses.append(
                    # review 41c #1: no size word the code does not check
                    f"{shares}: above chance at this cut-off only (at |ρ| ≥ {OTHER_CUT} it is {other['kept']:.0%} "
                    f"against {other['chance']:.0%}), from one random draw of the weights, so borderline: not a "
                    "clear sign either way"
                )
            elif against_chance(results, m, key, OTHER_CUT) == "above":
                clauses.append(  # the other cut-off, the other way round: borderline too
                    f"{shares}: no clear excess at this cut-off, but at |ρ| ≥ {OTHER_CUT} it is {other['kept']:.0%} "
                    f"against {other['chance']:.0%}, so borderline: not a clear sign either way"
                )
            else:
                clauses.append(
                    f"{shares}: " + ("too close to chance to call" if verdict == "close" else "no more than chance")
                )
    return clauses


def sanity_words(results: dict) -> str:
    """The sanity check on the deletion test's images: signed mean ρ beside mean |ρ| (the signs of different images
    cancel in the first), the share with |ρ| >= KEPT_RHO beside its chance level, and, with every layer re-drawn,
    how each map's share compares with chance, paired by image. An excess beyond CHANCE_SE standard errors is called
    borderline, not a kept ranking (review 15c #2): it holds at one cut-off, for one random draw of the weights."""
    r = results["results"]
    lead = (
        "**Sanity check** on the same images: ρ of each map with the same map once the model's top layer, then "
        "every layer, is re-drawn."
    )
    summary = {(m, key): rho_summary(results, m, key) for m in METHODS for key in STAGES}
    if any(v is None for v in summary.values()):
        means = "; ".join(
            f"{what}, " + ", ".join(f"{m} {r[m][key]:.2f}" for m in METHODS) for key, what in STAGES.items()
        )
        return (
            f"{lead} Mean ρ: {means}. These are means of signed ρ, so images with positive and negative ρ "
            "cancel; this file keeps no per-image ρ to show their size."
        )
    chance = all(s["chance"] is not None for s in summary.values())
    rows = "\n".join(  # short cells: four columns must fit a 390-px phone
        f"| {m} | {TABLE_STAGES[key]} | {s['mean']:.2f} ({s['mean_abs']:.2f}) | {s['kept']:.0%}"
        + (f" ({s['chance']:.0%})" if chance else "")
        + " |"
        for key in STAGES
        for m in METHODS
        if (s := summary[m, key])
    )
    table = (
        f"\n\n| map | re-drawn | mean ρ (\\|ρ\\|) | \\|ρ\\| ≥ {KEPT_RHO}"
        + (" (chance)" if chance else "")
        + f" |\n|---|---|---|---|\n{rows}\n\n"
    )
    words = [
        lead,
        "A mean of signed ρ lets images with positive and negative ρ cancel, so the table gives the mean |ρ| too "
        f"(in brackets beside it), and the share of images with |ρ| of {KEPT_RHO} or more.",
    ]
    if chance:
        words.append(
            "In brackets beside that share, chance: the same share when each image's trained map is set against the re-drawn maps "
            "of other images. Maps alike in layout reach it with nothing of the image kept."
        )
    words.append(table)
    for key in STAGES:  # the top layer's verdicts too: its table rows invite a reading (review 36c #5)
        words.append(f"With {STAGES[key]}, " + "; ".join(_stage_clauses(results, summary, key, chance)) + ".")
    if chance:
        words.append(
            f"(Each image against its own chance pairs: an excess counts only beyond {CHANCE_SE} standard errors "
            "of the mean difference; above 0 but within them, too close to call.)"
        )
    return " ".join(words)


def constant_words(results: dict) -> str:
    """Which maps were constant (no ranking, so no ρ) on how many images: the trained map, the re-drawn model's,
    or both, from deletion.json's ``*_constant`` counts (``python -m benchmarks.deletion --constant-maps``)."""
    r = results["results"]
    undefined = {(m, key): r[m].get(f"{key}_undefined") or 0 for m in METHODS for key in STAGES}
    if not any(undefined.values()):
        return ""
    parts = []
    for m in METHODS:
        counts = {key: r[m].get(f"{key}_constant") for key in STAGES if undefined[m, key]}
        if not counts:
            continue
        if any(c is None for c in counts.values()):  # an older file: the total only
            parts += [f"{m}'s ρ with {STAGES[key]}, on {undefined[m, key]} images" for key in counts]  # 91c #4
            continue
        trained = max(c["trained_only"] + c["both"] for c in counts.values())
        mine = []
        if trained:
            both = [f"with {STAGES[key]} on {c['both']}" for key, c in counts.items() if c["both"]]
            too = f" (the re-drawn model's map too, {' and '.join(both)} of them)" if both else ""
            mine.append(f"{m}'s trained map on {trained} images{too}")
        mine += [
            f"{m}'s map with {STAGES[key]} on {c['redrawn_only']} {'more' if trained else 'images'}"
            for key, c in counts.items()
            if c["redrawn_only"]
        ]
        parts += mine
    if all(r[m].get(f"{key}_constant") is not None for (m, key), n in undefined.items() if n):
        return (
            "A constant map ranks no pixel above another, so its ρ is undefined and the image is left out. "
            f"Constant: {'; '.join(parts)}."
        )
    return (
        "Where either map is constant it ranks no pixel above another, so ρ is undefined and the image is left "
        f"out; this file does not say which map was constant. Left out: {'; '.join(parts)}."
    )


def show_deletion(model: LoadedModel):
    results = model.deletion_results
    if results is None or results.get("weights_sha256") != model.weights_sha256:
        return None
    curves = {name: row["curve"] for name, row in results["results"].items()}
    return built_for(model, "deletion curves", lambda: figure_file(saliency.deletion_figure(curves, results["images"])))


def warm_up(model: LoadedModel) -> None:
    """Draw the deletion curves, and compile the maps' gradients on a test image, ahead of time.

    The first Grad-CAM traces its TensorFlow function: about 1 s, which the first learner would otherwise wait.
    """
    show_deletion(model)
    example = first_example(model)
    if example:
        explain(example, model=model)


def shown_if_present(value) -> dict:
    """Show an output only when it holds something (no photo map for a 28x28 input, no plot when the check is off)."""
    return gr.update(visible=value is not None)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Where it looked") as tab:
        with beside_the_input(tab, examples, shared, results_scale=2, photo=True) as source:
            explain_note = gr.Markdown(elem_id="explain-note")
            with gr.Row():  # the controls right above the maps they change
                class_choice = gr.Dropdown(list(CLASS_CHOICES), value=TOP_CLASS, label="Class", min_width=140)
                method_choice = gr.Radio(list(METHODS), value=GRAD_CAM, label="Method", min_width=200)
            with gr.Row():
                input_map = gr.Image(
                    label="On the 28×28 input", height=240, interactive=False, elem_id="explain-input-map"
                )
                photo_map = gr.Image(
                    label="On your photo", height=240, interactive=False, visible=False, elem_id="explain-photo-map"
                )
            patch_slider = gr.Slider(*PATCHES, value=OCCLUSION_PATCH, step=1, label="Occlusion patch (pixels)")
            map_values = gr.JSON(visible=False, label="Map values")  # for API callers: the numbers behind the colours
            gr.Markdown(LEAD)
            with gr.Accordion("How we know", open=False, elem_id="explain-how"):
                gr.Markdown(NOT_SHOWN)
                gr.Markdown(DETAIL)
                gr.Markdown(GRAD_CAM_VARIANT)
        pick_examples(source, examples)
        gr.Markdown(SANITY)
        sanity_box = gr.Checkbox(False, label="Sanity check: randomize the model's weights")
        sanity_note = gr.Markdown(SANITY_OFF, elem_id="sanity-note")
        sanity_plot = gr.Plot(
            show_label=False, label="Maps as the weights are randomized", visible=False, elem_id="sanity-plot"
        )
        with gr.Accordion("How we know", open=False, elem_id="deletion-how"), gr.Row():
            with gr.Column(scale=3, min_width=300):
                gr.Markdown(evidence_words(model), elem_id="deletion-evidence")
            with gr.Column(scale=2, min_width=300):
                deletion_plot = gr.Image(
                    show_label=False, label="Deletion curves", interactive=False, buttons=[], elem_id="deletion-plot"
                )
        tab.select(partial(show_deletion, model=model), None, deletion_plot, api_visibility="private")
        shown_when(method_choice, OCCLUSION, patch_slider)  # the patch size: only for occlusion
        explained = rerun_on(
            source,
            partial(explain, model=model),
            [class_choice, method_choice, patch_slider],
            [input_map, photo_map, explain_note, map_values],
            "explain",
        )
        checked = rerun_on(
            source,
            partial(check_sanity, model=model),
            [class_choice, patch_slider, sanity_box],
            [sanity_plot, sanity_note],
            "explain_sanity",
        )
        for event in explained:
            event.then(shown_if_present, photo_map, photo_map, api_visibility="private")
        for event in checked:
            event.then(shown_if_present, sanity_plot, sanity_plot, api_visibility="private")
