"""The Classify tab: a photo or a drawing in, the top classes, the 28x28 input and each step that made it.

Beside the answer, the same input through the Fashion-MNIST-only model, and the measured table of what
training on real photos changed.
"""

from __future__ import annotations

import html
import time
from functools import partial, wraps

import gradio as gr
import numpy as np
from PIL import Image

from concepts.softmax import softmax
from gradio_gaps import brush_ready, canvas_files, captioned_gallery, raw_payloads
from model.augment import PHOTO_ROTATION
from model.data import CLASS_NAMES, GROUPS, group_name, group_probability
from model.drawings import preprocess_drawing
from model.inference import (
    TEST_TIME_FLIP,
    TEST_TIME_VIEWS,
    UNLIKE_ABOVE,
    UNSURE_BELOW,
    LoadedModel,
    top_classes,
    unsure_reason,
)
from model.outliers import FAMILIES
from model.preprocess import ImageProblem, Preprocessed, open_image
from model.real_photos import (
    ACCEPTED,
    RECIPE,
    SHOE_KIND_CLASS,
    best_constant,
    read_shoe_kinds,
    recipe_chosen,
    recipe_label,
    same_recipe,
)
from tabs.charts import line_chart_svg
from tabs.checks import number
from tabs.files import enlarge
from tabs.inputs import Shared, convert_upload, input_pixels, remember_input
from tabs.memo import built_for, stored_logits
from tabs.runs import (
    SIX_VIEWS,
    TOO_CLOSE,
    also_chosen,
    and_list,
    classify_averages,
    fold_recipe_words,
    fold_tally,
    lenient_kinds,
    one_seed_each,
    other_ways_top1,
    percent,
    same_folds,
    signed,
    stale_real_photos,
    thresholds_words,
)
from tabs.wiring import RAW, from_upload, upload_input

# (the "Not sure" rule's score: the top class's probability summed over its group; how unusual: the share of training
# photos closer) of the last input classified
Score = tuple[float, float] | tuple[float, float, str] | None
ClassifyResult = tuple[dict[str, float] | None, str | None, list, str, dict[str, float] | None, Score]
# the answer is averaged over views of the input: its mirror image, and for a photo it cut out of its background
# turned views too (model.inference.TEST_TIME_FLIP, TEST_TIME_VIEWS; said in full under the real-photo table)
AVERAGED = "views averaged" if TEST_TIME_VIEWS else "mirror-averaged"
TOP3_LABEL = f"Top 3 ({AVERAGED})" if TEST_TIME_FLIP or TEST_TIME_VIEWS else "Top 3 classes"
# beside it, the Fashion-MNIST-only model (before real photos) answers the same way, so the two boxes differ only by
# the training (the label named as on Improving it; the box has no heading for it to cover)
BEFORE_LABEL = f"Before real photos ({AVERAGED})" if TEST_TIME_FLIP or TEST_TIME_VIEWS else "Before real photos"
THRESHOLD_RANGE = (0.10, 0.95)  # the "How sure" slider; benchmarks.real_photos.CURVE measures the same span


# how many of its training photos an input the "unlike" rule flags is more unusual than (UNLIKE_ABOVE), in a word
MOST = "almost all" if UNLIKE_ABOVE >= 0.99 else "most"
NO_OBJECT = (
    "**Not sure: no clear object found.** The image is nearly uniform, looks like noise, or the object found is too "
    "small, so any class would be a guess."
)
TRY_PHOTO, TRY_DRAWING = "Try a photo of one garment.", "Draw one garment large enough to fill most of the canvas."
# no class likely enough: how to show a garment the way the training images did (review 31a #7: a drawing's own tip)
VIEW_PHOTO = "Try one garment laid flat and seen from the front (a shoe from the side)."
VIEW_DRAWING = "Try drawing one garment from the front (a shoe from the side), filling most of the canvas."


def _verdict(
    probs: np.ndarray,
    prep: Preprocessed,
    unusual: float = 0.0,
    flagged: float | None = None,
    drawing: bool = False,
    sibling: bool = False,
    other_recipe: str = "",
    named_right: dict | None = None,
) -> str:
    """The answer's first words. NAMED_RIGHT: on Fashion-MNIST's test images, by the class a group answer names, how
    many such answers there were and how many had the image's class and the image's group (``_group_record``), or
    None where not recorded. FLAGGED: the share of ordinary photos of the ten the "unlike" rule flagged in
    cross-validation (``_flagged``), or None where it was not measured; SIBLING: measured on another run's folds
    than the table's (review 42a #5); OTHER_RECIPE: the recipe of fold models not fine-tuned as the model was, in words
    (``_rule_other_recipe``), or "" where they were."""
    best = int(probs.argmax())
    group, together = group_name(best), float(group_probability(probs))
    if not prep.has_object:
        return f"{NO_OBJECT} {TRY_DRAWING if drawing else TRY_PHOTO}"  # a drawing too small: draw larger (30a #3)
    reason = unsure_reason(probs, unusual)
    if reason == "unlike":
        return (
            # not "unlike" them: the rule flags 1 - UNLIKE_ABOVE of the training photos too (review 31a #6)
            f"**Not sure: to the network, this is more unusual than {'all' if unusual >= 1 else MOST} of its training photos of the ten classes.** "
            "Its features are more unusual than those of "
            f"{_share_below(unusual)} of the photos of the ten classes it trained on. "
            + (
                f"In cross-validation{_whose_folds(sibling, other_recipe)}, "
                f"{'this rule' if other_recipe else 'fold models applying this rule'} also flagged {flagged:.1%} of ordinary photos of the ten classes. "
                if flagged is not None
                else "This rule can also flag ordinary photos. "
            )
            # a tenth of a point, and the other rule named where it holds too: "(40%)" read as reaching the line (44a #2)
            + f"Its best guess was {CLASS_NAMES[best]}"
            + (  # under the line: rounded down, and the box's rounding said, as the "unlikely" verdict does (45a #1);
                # no brackets inside brackets (review 86a #5)
                f", at {_below(probs[best])}"
                + (f", and its group ({_group_named(group)}) at {_below(together)} together" if group else "")
                + f", also under the {UNSURE_BELOW:.0%} the app asks for{_label_rounds(probs[best])}"
                if together < UNSURE_BELOW
                # the group reached the line, the class did not: said as the answer would have said it
                else (
                    f", at {_below(probs[best])}{_label_rounds(probs[best])}; its group ({_group_named(group)}) "
                    f"reaches {percent(together, 1)} together, at or over the {UNSURE_BELOW:.0%} the app asks for"
                    if probs[best] < UNSURE_BELOW
                    else f" ({percent(probs[best], 1)})"
                )
            )
            + ". It knows ten classes, one item per photo: "
            "T-shirts/tops, trousers, pullovers, dresses, coats, shirts, three kinds of footwear, and bags."
        )
    if reason == "unlikely":
        return (
            f"**Not sure: {'neither the top class nor its group' if group else 'no class'} is likely enough.** The best "
            "guess, "
            f"{CLASS_NAMES[best]}, gets {_below(probs[best])}{_label_rounds(probs[best])}"
            + (f", and its group ({_group_named(group)}) {_below(together)} together" if group else "")
            + f", under the {UNSURE_BELOW:.0%} the app asks for."
            + _other_group(probs, group)
            + " It may be one of the ten "
            # review 61a #1: ordinary photos of the ten get here too, split between classes of different groups
            "that the model splits between classes that share no group, such as a coat and a dress (its best guess can "
            "still be right), a garment outside "
            # review 60a #1: a mug or a face gets here too
            "the ten (a hat, shorts, a skirt), something that is not clothing at all, or a view the model has not "
            f"learned. {VIEW_DRAWING if drawing else VIEW_PHOTO}"
        )
    if probs[best] >= UNSURE_BELOW:
        return f"**{CLASS_NAMES[best]}** ({percent(probs[best], 1)})."
    # the group reaches the line, the class alone does not: the answer names the group (group_probability)
    n, k, g = (named_right or {}).get("by_class", {}).get(CLASS_NAMES[best], (0, 0, 0))
    how_often = (  # what the group, and the class it names "most likely", are worth, measured (reviews 135 H2, 138 M4)
        f" On Fashion-MNIST's {named_right['images']:,} test images, each read once, without the mirror average and "
        f"the second “Not sure” rule this app adds, “{group[0].upper()}{group[1:]}, most likely {CLASS_NAMES[best]}” "
        f"came up {n:,} times: the group was right for {g:,} of them, {CLASS_NAMES[best]} itself for {k:,} "
        f"({k / n:.0%})."
        if n
        else ""
    )
    shown = _label_shows(probs[best])
    return (
        f"**{group[0].upper()}{group[1:]}, most likely {CLASS_NAMES[best]}** ({_group_words(group)} together "
        f"{percent(together, 1)}; {CLASS_NAMES[best]} alone {_below(probs[best])}"
        + (f", which the Top 3 box below rounds to {shown}%" if shown is not None else "")
        + f"). The group reaches the {UNSURE_BELOW:.0%} the app asks for; no one class does, so read the class as a guess."
        + how_often
    )


def _other_group(probs: np.ndarray, group: str | None) -> str:
    """Where a group other than the top class's reaches the threshold (Dress 26% above Sandal, Sneaker and Ankle boot
    at 74% together), that the app adds up only the top class's own group (reviews 138 #15, 144 #4); "" otherwise."""
    for other, members in GROUPS.items():
        together = float(sum(probs[CLASS_NAMES.index(c)] for c in members))
        if other != group and together >= UNSURE_BELOW:
            named = _PLURAL.get(other, other)
            return (
                f" {_group_words(other)} ({named}) together reach {percent(together, 1)}, but "
                "the app adds up only the top class's own group"
                + (
                    f", and {CLASS_NAMES[int(probs.argmax())]} counts alone"
                    if group is None
                    else f", {_PLURAL.get(group, group)}"
                )
                + "."
            )
    return ""


def _groups_named() -> str:
    """The groups in a phrase: "upper-body garments: T-shirt/top, Pullover, Coat and Shirt; footwear: ...; Trouser,
    Dress and Bag each count alone"."""
    alone = [c for c in CLASS_NAMES if not any(c in members for members in GROUPS.values())]
    return "; ".join(_group_named(group) for group in GROUPS) + f"; {and_list(alone)} each count alone"


def _group_named(group: str) -> str:
    """A group named with its classes, inside a sentence: "upper-body garments: T-shirt/top, Pullover, Coat and
    Shirt"."""
    return f"{_PLURAL.get(group, group)}: {_group_words(group)}"


_PLURAL = {"upper-body garment": "upper-body garments"}


def _group_words(group: str) -> str:
    """A group's classes: "Sandal, Sneaker and Ankle boot"."""
    return and_list(list(GROUPS[group]))


def _group_record(model: LoadedModel) -> dict | None:
    """On the folder's Fashion-MNIST test logits (one pass, ``tabs.memo.stored_logits``), for each class a group
    answer can name: how many images the app's probability rule answers with its group naming it (the group at the
    threshold, no class alone), for how many of those the class is the image's label, and for how many the image's
    class is in the group: {"images": N, "by_class": {class: (answers, class right, group right)}}; None where the
    logits are not recorded for these weights."""
    if not getattr(model, "weights_sha256", None):
        return None
    return built_for(model, "group answers", partial(_count_group_answers, model))


def _count_group_answers(model: LoadedModel) -> dict | None:
    """``_group_record``'s count, once per model."""
    stored = stored_logits(model)
    if not stored:
        return None
    probs, labels = softmax(stored["test_logits"].astype(np.float64)), stored["test_labels"]
    best = probs.argmax(axis=1)
    answered = (group_probability(probs) >= UNSURE_BELOW) & (probs.max(axis=1) < UNSURE_BELOW)
    by_class = {}
    for members in GROUPS.values():
        ids = [CLASS_NAMES.index(c) for c in members]
        for c in ids:
            mine = answered & (best == c)
            by_class[CLASS_NAMES[c]] = (
                int(mine.sum()),
                int((mine & (labels == c)).sum()),
                int((mine & np.isin(labels, ids)).sum()),
            )
    named = probs.max(axis=1) >= UNSURE_BELOW  # answers naming one class: their mean score and how often right
    scores = (int(named.sum()), int((named & (best == labels)).sum()), float(probs.max(axis=1)[named].mean()))
    return {"images": len(labels), "by_class": by_class, "class_answers": scores}


# what a footwear class names, as model/shoe_kinds.csv labels shoes (benchmarks.real_photos.footwear_answers)
_KIND_OF = {"Sandal": "sandal", "Sneaker": "sneaker", "Ankle boot": "boot"}
_KINDS = {
    *_KIND_OF.values(),
    "other",
    "shoes",
}  # "shoes": a shoe not in shoe_kinds.csv  # footwear_answers' "as": a shoe's kind, else the photo's folder


def _measured_here(model: LoadedModel, cv: dict) -> bool:
    """Whether CV's fold models answered at the app's thresholds and were fine-tuned by this model's recipe."""
    return cv.get("app") == {"unsure_below": UNSURE_BELOW, "unlike_above": UNLIKE_ABOVE} and same_recipe(
        cv.get("recipe"), (getattr(model, "metrics", None) or {}).get("real_photos")
    )


def _footwear_note(model: LoadedModel, probs: np.ndarray, prep: Preprocessed, unusual: float) -> str:
    """After a sure footwear answer (not "Not sure") on a photo cut out of its background: what such answers turned
    out to be in cross-validation (``cross_validation.footwear_answers`` in real_photos.json: held-out photographers,
    at the app's thresholds): nearly always shoes, seldom the kind the class names. "" for any other answer or input,
    or where that was not measured for this model's recipe and the app's thresholds."""
    cv = (model.real_photo_results or {}).get("cross_validation") or {}
    answers, best = cv.get("footwear_answers"), CLASS_NAMES[int(probs.argmax())]
    if not (answers and _measured_here(model, cv) and prep.cut_out and prep.has_object) or best not in answers:
        return ""
    share = (
        _share_range(cv["fold_details"], model.real_photo_results["photos"])
        if cv.get("fold_details") and model.real_photo_results.get("photos")
        else "part"
    )
    where = (
        f"In cross-validation (fold models fine-tuned by this model's recipe on {share} of the photos, each tested on "
        "photographers it never saw), "
    )
    labels = " (Kinds labelled by eye by one person for this app.)"
    if unsure_reason(probs, unusual):
        return ""
    if probs.max() < UNSURE_BELOW:  # "footwear, most likely <class>": what such answers were (review 135 H1)
        grouped = (cv.get("footwear_group_answers") or {}).get(best)
        if not grouped:
            return ""
        n, kind, shoes = grouped["answers"], _KIND_OF[best], grouped["shoes"]
        own = grouped["as"].get(kind, 0)
        if n == 0:
            return f" {where}no answer was “footwear, most likely {best}”, so how often it names the kind was not measured."
        if n == 1:
            what = f"one answer was “footwear, most likely {best}”: {'a' if own else 'not a'} {kind}"
            what += "" if own or shoes else ", and not a shoe"
        else:
            kinds = (
                f"{'neither' if n == 2 else 'none'} a {kind}"
                if own == 0
                else f"{own} of the {n} {'was a ' + kind if own == 1 else 'were ' + kind + 's'} ({own / n:.0%})"
            )
            # what the answers were: shoes, and any other photo by its folder (a hat), then the kind (review 141 #6)
            parts = [f"{shoes} shoe{'' if shoes == 1 else 's'}"] + [
                f"{v} {k}{'' if v == 1 else 's'}" for k, v in grouped["as"].items() if k not in _KINDS
            ]
            what = f"{n} answers were “footwear, most likely {best}”: {and_list(parts)}{';' if own else ','} {kinds}"
        return f" {where}{what}.{labels}"
    total, shoes = sum(a["answers"] for a in answers.values()), sum(a["shoes"] for a in answers.values())
    if not total:
        return ""
    mine, kind = answers[best], _KIND_OF[best]
    n, own = mine["answers"], mine["as"].get(kind, 0)
    if n == 0:
        return f" {where}none of the {total} answers naming a footwear class at {UNSURE_BELOW:.0%} or more was “{best}”, so how often a “{best}” answer names the kind was not measured."
    shoes_said = f"{shoes} of {total} answers naming a footwear class at {UNSURE_BELOW:.0%} or more were shoes"
    if n == 1:
        kinds = f"the one sure “{best}” answer {'was' if own else 'was not'} a {kind}"
    elif own == 0:
        kinds = f"none of the {n} sure “{best}” answers was a {kind}"
    else:
        kinds = f"{own} of the {n} sure “{best}” answers ({own / n:.0%}) {'was a ' + kind if own == 1 else 'were ' + kind + 's'}"
    if not _kind_overstated(own, n):
        return f" {where}{shoes_said}, and {kinds}.{labels}"
    return (
        f" Read it as “footwear”, not as the kind. {where}{shoes_said}, but {'only ' if own else ''}{kinds}: on average "
        f"these answers' percentages, each at least {UNSURE_BELOW:.0%}, overstate the chance of a {kind}, so do not "
        f"read this {percent(probs[int(probs.argmax())], 1)} as one.{labels}"
    )


def _kind_overstated(own: int, n: int) -> bool:
    """Whether the share of sure answers that named the kind is under the threshold each of them reached, with 95%
    confidence (Wilson's upper bound): only then do the answers' percentages overstate the chance of the kind."""
    z, share = 1.96, own / n
    upper = (share + z * z / (2 * n) + z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))) / (1 + z * z / n)
    return bool(upper < UNSURE_BELOW)


def _whose_folds(sibling: bool, other_recipe: str) -> str:
    """Whose cross-validation the "unlike" rule's flagged share comes from, where not the table's own run's."""
    if other_recipe:  # a sibling too, or not: the recipe is what a learner needs to know (reviews 44a #1, 78a #1)
        return f" by fold models fine-tuned by {other_recipe}, on new people's photos"
    return f"{' of a sibling run' if sibling else ''} on new people's photos"


def _rule_other_recipe(model: LoadedModel) -> str:
    """The recipe the "unlike" rule's fold models were fine-tuned by, in words, where it is not the model's own
    (``fold_recipe_words``: a model with no real-photo fine-tune ran no "other recipe"; review 78a #1); "" where
    it is, or where the rule names none."""
    recipe = ((model.real_photo_results or {}).get("unlike_rule") or {}).get("recipe")
    fine_tune = model.metrics.get("real_photos")
    return fold_recipe_words(recipe, fine_tune) if recipe and not same_recipe(recipe, fine_tune) else ""


def _flagged(model: LoadedModel) -> float | None:
    """The share of new people's photos of the ten the "unlike" rule alone flagged on the folds (real_photos.json)."""
    rule = (model.real_photo_results or {}).get("unlike_rule")
    return rule["with"]["unlike_known"]["mean"] if rule else None


def _share_below(share: float) -> str:
    """A share rounded down to a tenth of a percent: more unusual than 99.97% of photos is not "than 100%" of them,
    and one at 99.7% is not "99%" beside a 99.5% line."""
    if 0 < share - UNLIKE_ABOVE < 0.001:  # "99.5%" beside "above 99.5%": a hundredth more (review 143 #8)
        return f"{np.floor(round(share * 100000, 6)) / 1000:.3f}%"  # 2618/2631: "99.505%" (review 144 #1)
    return f"{np.floor(round(share * 1000, 6)) / 10:.4g}%"


def _label_shows(p: float) -> int | None:
    """The whole percent Gradio's Label shows for P (Math.round: halves up) where that is the threshold or more though
    P is under it, else None."""
    shown = int(np.floor(p * 100 + 0.5))
    return shown if p < UNSURE_BELOW and shown >= round(UNSURE_BELOW * 100) else None


def _label_rounds(p: float) -> str:
    """Where Gradio's Label (whole percents, Math.round) shows a probability under the threshold as the threshold or
    more: say so, or the Top 3 box reads 40% below "under the 40%"."""
    shown = np.floor(p * 100 + 0.5)  # Math.round: halves up
    # the Top 3 box is below the verdict; the box beside it is the Fashion-MNIST-only model's (review 59a #1)
    return f" (the Top 3 box below rounds it to {shown:.0f}%)" if shown >= round(UNSURE_BELOW * 100) else ""


def _below(p: float) -> str:
    """A probability under the threshold, never printed as the threshold itself (0.4999 is not "50.0%")."""
    return f"{np.floor(round(p * 1000, 6)) / 10:.1f}%"  # round first: 0.396 * 1000 is 395.99999999999994


def _answer(prep: Preprocessed, model: LoadedModel, drawing: bool = False) -> ClassifyResult:
    turn = TEST_TIME_VIEWS and prep.cut_out  # a photo cut out of its background: 6 views (model.inference)
    probs, unusual = (v[0] for v in model.assess(prep.pixels, flip=TEST_TIME_FLIP, turn=turn))
    steps = [(enlarge(img, 112), caption) for img, caption in prep.steps]
    label = top_classes(probs) if prep.has_object else None  # no object: name no class
    before = model.fashion_mnist_only
    # averaged over the same views as the answer beside it (assess): only the training differs between the two boxes
    before_label = (
        top_classes(before.assess(prep.pixels, flip=TEST_TIME_FLIP, turn=turn)[0][0])
        if before and prep.has_object
        else None
    )
    # what the "Not sure" rule reads: the top class's group's probability (model.inference.unsure)
    best = int(probs.argmax())
    group = group_name(best)
    named = (
        f"{CLASS_NAMES[best]} and the rest of its group ({_PLURAL.get(group, group)}) together"
        if group
        else f"{CLASS_NAMES[best]} (in no group)"
    )
    score = (float(group_probability(probs)), float(unusual), named) if prep.has_object else None
    results = model.real_photo_results or {}
    sibling = bool(results.get("unlike_rule")) and not _same_folds(results)
    verdict = _verdict(
        probs, prep, float(unusual), _flagged(model), drawing, sibling, _rule_other_recipe(model), _group_record(model)
    )
    verdict += _footwear_note(model, probs, prep, float(unusual))
    return label, enlarge(prep.pixels), steps, verdict, before_label, score


def classify_photo(photo_path: str | None, model: LoadedModel) -> ClassifyResult:
    """An uploaded photo (file path) -> top-3 classes, the 28x28 input, its steps, a verdict.

    No photo (the learner switched Upload to Webcam, or cleared the photo) changes nothing: the last answer
    stays until a new input arrives.
    """
    if not photo_path:
        return (gr.skip(),) * 6
    try:
        return _answer(convert_upload(photo_path), model)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem


EMPTY_CANVAS = "The canvas is empty. Draw a garment (an outline or a filled shape), then press Classify drawing."
DRAW_HINT = (
    "Draw a garment with your finger or the mouse, as an outline or a filled shape, then press **Classify drawing**. "
    "Small gaps in an outline are closed before it is filled in."
)


def _drawn(sketch: dict | None) -> Image.Image | None:
    """A drawing's composite image (else its background: an API caller may send only that), decoded; None if blank.

    Each image is a file path or PNG bytes (gradio_gaps.canvas_files), decoded like an uploaded photo.
    """
    sketch = sketch or {}
    image = sketch.get("composite") if sketch.get("composite") is not None else sketch.get("background")
    if image is None:
        return None
    try:
        img = open_image(image)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem
    if "A" in img.getbands() and img.getchannel("A").getextrema()[1] == 0:  # not one stroke on the transparent canvas
        return None
    return img


def _drawing(sketch: dict | None) -> Preprocessed:
    """A drawing -> the model input, or the gr.Error an empty canvas gets."""
    img = _drawn(sketch)
    if img is None:
        raise gr.Error(EMPTY_CANVAS)
    return preprocess_drawing(img)


def check_canvas(editor: gr.ImageEditor):
    """The sketch event's ``validator=``: an empty canvas gets EMPTY_CANVAS, shown on the canvas itself (an API
    caller gets it as a ValidationError naming the parameter), and the event does not run, so the last answer
    stays: a gr.Error would mark each of the five outputs "Error". What is not a canvas at all passes on to the
    handler, which refuses it saying what it accepts."""

    def check(sketch):
        try:
            drawn = _drawn(canvas_files(editor, sketch, "sketch", keep=True))
        except gr.Error:
            return gr.validate(True, "")
        return gr.validate(drawn is not None, EMPTY_CANVAS)

    return check


def classify_sketch(sketch: dict | None, model: LoadedModel) -> ClassifyResult:
    """A drawing ({"background", "layers", "composite"}, each image a file path or PNG bytes) -> same as classify_photo."""
    label, seen, steps, verdict, before, score = _answer(_drawing(sketch), model, drawing=True)
    return label, seen, steps, f"Your drawing: {verdict}", before, score


def from_canvas(editor: gr.ImageEditor, fn):
    """``fn`` (its first parameter a sketch) as the handler of an event that hands it the editor's raw payload."""

    @wraps(fn)
    def run(sketch):
        return fn(canvas_files(editor, sketch, "sketch"))

    return run


def share_photo(photo_path: str | None) -> Shared:
    """Remember the photo just classified; each concept tab picks it up when the learner opens it."""
    return (time.monotonic_ns(), remember_input(input_pixels(photo_path)), photo_path) if photo_path else gr.skip()


def share_sketch(sketch: dict) -> Shared:
    """Remember the drawing just classified, like share_photo (no photo: its 28x28 input stands for it)."""
    return time.monotonic_ns(), remember_input(_drawing(sketch).pixels), None


def _cv(model: LoadedModel) -> dict | None:
    """The grouped cross-validation's results (real_photos.json, ``python -m benchmarks.real_photos --cv``), or None."""
    results = model.real_photo_results or {}
    return results.get("cross_validation")


def _pm(stat: dict) -> str:
    return f"{stat['mean']:.1%} ± {stat['sd']:.1%}"


def _has_table(model: LoadedModel) -> bool:
    """Whether ``real_photo_table`` builds its table for MODEL: its results, both models' test accuracy, and a
    real-photo fine-tune recorded in metrics.json, which the table describes (review 77a #1: a model that never
    trained on the photos is not "trained on 0 of these photos, so it cannot be scored on them")."""
    before = model.fashion_mnist_only
    return bool(
        model.metrics.get("real_photos")
        and model.real_photo_results
        and _cv(model)
        and before is not None
        and before.test_accuracy is not None
        and model.test_accuracy is not None
    )


def real_photo_table(model: LoadedModel) -> str:
    """What training on real photos bought, measured: Markdown for the Classify tab, or "" without the results."""
    if stale := stale_real_photos(model):
        return stale
    results, before, cv = model.real_photo_results, model.fashion_mnist_only, _cv(model)
    if not _has_table(model):
        return ""
    untrained = results["untrained"]["results"]
    naive, fm_only = untrained["naive demo (Fashion-MNIST-only model)"], untrained["Fashion-MNIST-only model"]
    ours, real = cv["cv"], model.metrics.get("real_photos") or {}
    folds = cv["fold_details"]
    fold_fm = [f["fashion_mnist_test_accuracy"] for f in folds]
    n_trained, n_photos = real.get("train_photos", 0), results["photos"]
    trained = f"all {n_trained:,} of these photos" if n_trained == n_photos else f"{n_trained:,} of these photos"
    inside = sum(v["photos"] for f, v in fm_only["per_folder"].items() if ACCEPTED[f])
    top, constant = best_constant(fm_only["per_folder"])  # the best constant answer (T-shirt/top here)
    return f"""Measured on {n_photos:,} real photos of clothes
([clothing-dataset-small](https://github.com/alexeygrigorev/clothing-dataset-small)'s train/, by
{cv["photographers"]} people; `python -m benchmarks.real_photos DIR --cv ...`). The first two rows never trained on
any photo. The third row is {cv["folds"]} models fine-tuned by {_recipe(cv, real)} ({one_seed_each(real)}), each on {_share_range(folds, n_photos)} of
the photos (the other folds' photographers, less the one kind of hats, shorts and skirts it left out){_families_left(cv, real)}, and scored on its own
fold's photographers (each photographer's photos all in one fold; mean ± sd over the folds){_as_the_app(cv, results)}. This
app's model then trained on {trained}, so it cannot be scored on them. {_rules_counted(cv, model.feature_distance is not None)}{_unlike_words(results, model.feature_distance is not None) or _chosen_here(results)}

| | test set | photos right | right, not "Not sure" | hats etc.: "Not sure" |
|---|---|---|---|---|
| Naive demo | {before.test_accuracy:.1%} | {naive["top1"]:.1%} | {naive["right_and_sure"]:.1%} | {naive["unsure_outside"]:.1%} |
| Cut-out, Fashion-MNIST only | {before.test_accuracy:.1%} | {fm_only["top1"]:.1%} | {fm_only["right_and_sure"]:.1%} | {fm_only["unsure_outside"]:.1%} |
| Cut-out, fine-tuned: {cv["folds"]} fold models, new photographers | {min(fold_fm):.1%}–{max(fold_fm):.1%} | {_pm(ours["top1"])} | {_pm(ours["right_and_sure"])} | {_pm(ours["unsure_outside"])} |

*Test set*: the network's Fashion-MNIST test accuracy, fed the dataset's 28×28 images directly (not through the row's conversion), in one pass (for the fold models, their range). *Photos right*: of the {inside:,} photos
whose garment is one of the ten, the share whose top class counts as right by this app's mapping
(`model/real_photos.py`), which accepts more than one class for some folders (a shirt: Shirt or T-shirt/top; a
long-sleeved top: Pullover, Shirt or T-shirt/top; shoes: any of the three footwear classes), so it is an easier
measure than the 10-way test accuracy: always answering {CLASS_NAMES[top]} would score {constant:.1%}. *Right, not "Not sure"*: that, and the app answers (a class, or a group with its likeliest class, counted by that
class: for shoes, a footwear group answer counts as right whatever class it names). *Hats etc.*:
hats, shorts and skirts (none of the ten) answered "Not sure"; in the third row, the two of them each fold
trained on, photographed by people it never saw. The naive demo feeds the Fashion-MNIST-only model the photo in
grayscale, inverted and stretched to 28×28; the other rows cut the garment out first.{_before_box()}

**Domain shift.** Fashion-MNIST's images were made from product shots (one item on a plain light background:
clothes from the front, shoes from the side), shrunk to 28×28 and inverted: a light garment on black. A real photo of a shirt on a bed is a
different *distribution* of inputs, so a model that scores {before.test_accuracy:.1%} on its own test set names
a class the app's mapping accepts for {naive["top1"]:.1%} of the photos whose garment is one of the ten when the photo is just
grayscaled, inverted and shrunk, and {fm_only["top1"]:.1%} (a constant {CLASS_NAMES[top]}: {constant:.1%}) once the garment is cut out and converted much as the dataset's images were (trimmed, longest edge to 28, centred, negated; without the paper's sharpening). The
architecture stayed the same for the fine-tune (every weight was updated); what changed was its data (real photos,
each as converted plus {real.get("copies", 1) - 1} varied copies, beside Fashion-MNIST's
{model.metrics.get("train_size", 0):,} training images{_generated(real)})
and its targets ({_targets(real)}){_more_training(real)}.{_forgets(before.test_accuracy, model.test_accuracy, len(real.get("seeds") or []))}"""


def _before_box() -> str:
    """Where the box beside Classify's answer averages the Fashion-MNIST-only model over views, which the second
    row's one-pass figures were not (review 124 #9)."""
    if not (TEST_TIME_FLIP or TEST_TIME_VIEWS):
        return ""
    return (
        " The box beside Classify's answer runs the second row's model averaged over the same views as the answer; how"
        " that scores on these photos was not measured (the row is one pass)."
    )


def _recipe(cv: dict, real: dict) -> str:
    """Whose recipe the fold models were fine-tuned by: this app's where the cross-validation recorded the model's own
    fine-tune recipe (metrics.json), else the recipe it did record."""
    if same_recipe(cv.get("recipe"), real):
        return "this app's recipe"
    return fold_recipe_words(cv.get("recipe"), real)


def _more_training(real: dict) -> str:
    """The fine-tune's own training, as metrics.json records it: its epochs, its restarted schedule, its seeds."""
    if not real.get("epochs"):
        return ""
    parts = []
    if real.get("peak_lr"):
        parts.append(f"a new warm-up to a peak learning rate of {real['peak_lr']:g}, then cosine decay")
    seeds = real.get("seeds") or []
    if len(seeds) > 1:
        parts.append(f"the best of {len(seeds)} seeds on Fashion-MNIST's validation split kept")
    return f", and {real['epochs']} more epochs of training" + (f" ({'; '.join(parts)})" if parts else "")


def _forgets(before: float, after: float, seeds: int = 0) -> str:
    """Fashion-MNIST test accuracy before and after the fine-tune, beside why Fashion-MNIST stays in (no causal
    claim: the fine-tune without it was not run); "too close to call" under TOO_CLOSE either way, as Improving it
    judges the same change (reviews 103a #1, 104 #1), else "fell" or "rose" with what was not measured."""
    moved = f"{before:.2%} → {after:.2%}"  # its own sentence: no brackets in brackets (87a #4)
    # each "it" named (reviews 89a #3, 90a #1)
    unrun = "Whether keeping it in limited forgetting was not measured: no fine-tune without Fashion-MNIST was run."
    runs = "one Fashion-MNIST-only model to start from, and " + (
        f"the best of the fine-tune's {seeds} seeds on validation kept" if seeds > 1 else "one fine-tune run"
    )
    if abs(100 * (before - after)) < TOO_CLOSE:
        return (
            " Fashion-MNIST was kept in, meant to limit forgetting; Fashion-MNIST test accuracy went "
            f"{moved}, too close to call ({runs}). {unrun}"
        )
    way = "yet Fashion-MNIST test accuracy fell" if after < before else "and Fashion-MNIST test accuracy rose"
    return (  # the size against noise unmeasured, as Improving it says (reviews 100a #5, 101a #2, 102a #1)
        f" Fashion-MNIST was kept in, meant to limit forgetting, {way} ({moved}; {runs}: how much the seed alone "
        f"moves the fine-tune's test figure was not measured). {unrun}"
    )


def _generated(real: dict) -> str:
    """The generated outliers the fine-tune added, as metrics.json records them ("" if none)."""
    families = real.get("generated_outliers") or {}
    if not families:
        return ""
    names = {
        "backgrounds": "photo backgrounds",
        "synthetic": "synthetic shapes and textures",
        "pieces": "cut-up or blended garments",
    }
    listed = ", ".join(names.get(f, f) for f in families)
    return f", and {sum(families.values()):,} generated pictures that are none of the ten: {listed}"


def _targets(real: dict) -> str:
    """What the fine-tune taught, as metrics.json records it (train.py --real-targets, --no-outlier-exposure)."""
    targets = real.get("targets", "any-of")
    several = {
        "any-of": "any accepted class (only their total probability is asked for)",
        "committed": "the accepted class the model finds most likely",
        "sleeves": "the accepted class the model finds most likely, but Pullover or Shirt for long-sleeved tops",
        "kinds": "the accepted class the model finds most likely, but for the shoes labelled by eye as a sneaker, "
        "sandal or ankle boot ({} of {}, `model/shoe_kinds.csv`), that class",
        "spread": "an even spread over the accepted classes",
    }[targets]
    if targets == "kinds":
        kinds = read_shoe_kinds()
        several = several.format(sum(k in SHOE_KIND_CLASS for k in kinds.values()), len(kinds))
    words = f"for {lenient_kinds()}, {several}"  # one name for them on every tab (review 38a #1)
    if real.get("outlier_exposure", True):
        what = (
            "hats, shorts, skirts and the generated pictures"
            if real.get("generated_outliers")
            else "hats, shorts and skirts"
        )
        words += f"; for {what}, an even spread over the ten"
    return words


def _share_range(folds: list[dict], photos: int) -> str:
    """The share of the photos each fold model trained on, as "62–65%" (or "64%" when they round alike)."""
    low, high = (
        f"{x / photos:.0%}" for x in (min(f["train_photos"] for f in folds), max(f["train_photos"] for f in folds))
    )
    return low if low == high else f"{low[:-1]}–{high}"


def _as_the_app(cv: dict, results: dict | None = None) -> str:
    """Whether the third row answered as Classify does, the input and its mirror image averaged, and then its top
    class in one pass too (RESULTS: real_photos.json), so the gap to the one-pass rows is not all training's."""
    if cv.get("mirror_averaged") and not TEST_TIME_FLIP:  # not "as Classify does" where it answers in one pass (94a #4)
        return ", with the input and its mirror image averaged (Classify answers in one pass, so not as it answers)"
    if cv.get("views") and TEST_TIME_VIEWS:
        return _as_the_app_views(results)
    if cv.get("views"):  # measured over turned views that this app's Classify does not use
        return f", each photo cut out of its background averaged over {SIX_VIEWS} (Classify does not turn photos, so not as it answers)"
    if cv.get("mirror_averaged") and TEST_TIME_VIEWS:
        return (
            ", with the input and its mirror image averaged (Classify averages a photo it cut out of its background "
            f"over {SIX_VIEWS}, so not as it answers)"
        )
    if cv.get("mirror_averaged"):
        one = (((results or {}).get("test_time_flip") or {}).get("one pass") or {}).get("at_app_thresholds", {})
        one_pass = (
            f"; in one pass the fold models' top class is right for {one['top1']['mean']:.1%} ± "
            f"{one['top1']['sd']:.1%}"  # review 40a #3: not the first two rows' model
            if "top1" in one
            else ""
        )
        return (
            ", answering as Classify does: the input and its mirror image averaged (the first two rows: one pass"
            + one_pass
            + ")"
        )
    # where Classify itself averages with the mirror image, the table says these figures do not (review 93a #3)
    return ", in one pass of the network" + (
        f" ({classify_averages()}, which these figures do not)" if TEST_TIME_FLIP else ""
    )


def _as_the_app_views(results: dict | None) -> str:
    """The third row answered as Classify does, over the turned views, and the fold models' top class the two other
    ways, where real_photos.json's test_time_flip recorded them (the first two rows are one pass)."""
    other = [f"{top['mean']:.1%} ± {top['sd']:.1%} {said}" for top, said in other_ways_top1(results)]
    return (
        f", answering as Classify does: a photo it cut out of its background averaged over {SIX_VIEWS}, any other "
        "with its mirror image (the first two rows: one pass"
        + (f"; the fold models' top class is right for {' and '.join(other)}" if other else "")
        + ")"
    )


def _rules_counted(cv: dict, app_has_score: bool = True) -> str:
    """Which "Not sure" rules the third row counts: both when the folds kept the features the "unlike" score needs
    (APP_HAS_SCORE: whether this app applies both too, i.e. the model folder has the score)."""
    if cv.get("has_unlike_score"):
        rules = (
            f"(the top class, with its group, under {UNSURE_BELOW:.0%}, or features more unusual than those of {UNLIKE_ABOVE * 100:.4g}% of the "
            "photos of the ten classes it trained on)"
        )
        return (
            f"The third row's \"Not sure\" columns count both of the app's rules for an answer {rules}. "
            if app_has_score
            else f'The third row\'s "Not sure" columns count both "Not sure" rules set in this app\'s code {rules}, '
            'though this model has no "unlike" score, so the app here applies the probability rule alone. '  # 72a #2
        ) + 'The first two rows, which have no "unlike" score, count the probability rule alone.'
    return (
        f'Every row\'s "Not sure" columns count the probability rule alone (the top class, with its group, under {UNSURE_BELOW:.0%}): '
        'the first two rows have no "unlike" score, and these fold models kept no features to compute it with.'
    )


_same_folds = same_folds  # tabs.runs: also_chosen needs it too (review 96a #3)


def _rule_folds(results: dict) -> str:
    """Whose folds measured the "unlike" rule: the table's own, or a sibling run's (its recipe named)."""
    if _same_folds(results):
        return "these same folds"
    recipe = (results.get("unlike_rule") or {}).get("recipe") or {}
    if all(k in recipe for k in RECIPE):  # targets too: a run differing only in them is another recipe (32a #4)
        return f"the folds of a sibling run ({recipe_label(recipe)})"
    words = f"{recipe.get('copies', '?')} copies, {recipe.get('epochs', '?')} epochs"
    if recipe.get("variation") == "photos":
        words += ", each copy a reframed photo converted again"
    return f"the folds of a sibling run ({words})"


def _unlike_words(results: dict, has_score: bool = True) -> str:
    """What the "unlike" rule added, measured on the folds of a run that kept its features ("" if none did)."""
    rule = results.get("unlike_rule")
    if not rule:
        return ""
    without, with_rule = rule["without"], rule["with"]
    cost = 100 * (without["right_and_sure"]["mean"] - with_rule["right_and_sure"]["mean"])
    # the photos the rule flags that were right and at or above the threshold are exactly what it cost: the rest of
    # those it flags were already under the threshold or wrong
    flagged = 100 * with_rule["unlike_known"]["mean"]
    garment, family = (_moved(without[k], with_rule[k]) for k in ("unsure_unseen_garment", "unsure_unseen_family"))
    return f""" On {_rule_folds(results)}, adding the
"unlike" rule to the {UNSURE_BELOW:.0%} threshold {garment[0]} "Not sure" on the garment a fold never trained on (hats, shorts or skirts in
turn; every photo of it, including those by people whose other photos the fold trained on) {garment[1]}, and
{family[0]} it on the kind of generated picture it never trained on {family[1]}, for {cost:.1f} points of right-and-sure answers{_at_equal_cost(rule)}; the rule on its own flagged {flagged:.1f}% of new
people's photos of the ten: {cost:.1f} points of them were right answers at or above {UNSURE_BELOW:.0%} (the cost above),
and the other {flagged - cost:.1f} points were already under the threshold or wrong. {_chosen_where(results)}{_fitted_on(has_score)}"""


def _moved(before: dict, after: dict) -> tuple[str, str]:
    """A verb and its figures for a share the rule changed: ("took", "from A to B"), or ("left", "at A") where the
    two print alike (review 135 L12: not "from 80.0% to 80.0%")."""
    a, b = _pm(before), _pm(after)
    return ("left", f"at {b}") if a == b else ("took", f"from {a} to {b}")


def _fitted_on(has_score: bool) -> str:
    """How the folds' score was fitted, without comparing it with this model's: whether it had fewer Fashion-MNIST
    images rests on train.py's constants and --quick (review 75a #2), and a model without ood.npz has none (74a #3)."""
    mine = "" if has_score else "; this model has no such score"
    return (  # review 76a #1: its photos of the ten only (train.py fit_feature_distance), not the hats etc.
        " The score there was refitted in each fold, on Fashion-MNIST images and that fold's own training photos of "
        f"the ten classes{mine}."
    )


def _at_equal_cost(rule: dict) -> str:
    """What a probability threshold alone reaches when it gives up as many right answers as both rules do."""
    matched, with_rule = rule.get("matched"), rule["with"]
    if not matched:
        # review 50a #3: nothing measured "part of": only the direction is certain
        return " (a higher probability threshold alone also says “Not sure” more often; at equal cost it was not compared with the rule here)"
    if round(matched["unsure_below"], 4) <= UNSURE_BELOW:  # the rule cost too little for a higher threshold to match
        return (  # reviews 124 #4, 125 #1: the threshold alone nearest the rule's cost is the app's own
            " (the probability threshold alone nearest the rule's cost, in 0.1-point steps, is the app's own "
            f"{UNSURE_BELOW:.0%}, so the rule was not compared with a raised one)"
        )
    changes, gains = [], []
    for key, name in (
        ("unsure_unseen_garment", "the garment never trained on"),
        ("unsure_unseen_family", "the generated kind"),
        ("unsure_outside", "the kinds trained on, hats etc."),  # no brackets side by side (review 88a #7)
    ):
        gains.append(round(100 * (with_rule[key]["mean"] - matched[key]["mean"]), 1))
        changes.append(  # review 39a #2: lower and equal folds counted too
            f"{signed(100 * (with_rule[key]['mean'] - matched[key]['mean']), 1)} points on {name} "  # no +0.0 (110a U2)
            f"({fold_tally(matched[key], with_rule[key])})"
        )
    return (
        f". A probability threshold alone, raised to {matched['unsure_below'] * 100:.4g}%, gives up about as many right "
        f'answers ({matched["right_and_sure"]["mean"]:.1%} right-and-sure); against it, the rule changes "Not '
        f'sure" by {changes[0]}, {changes[1]} and {changes[2]}'
        + (  # review 138 #7: what those signs add up to, said
            ". So at the same cost the rule did no better than the raised threshold on any of the three here; the "
            "app keeps it because it reads the network's features, not its probabilities, which may catch inputs "
            "the probabilities miss (not shown on these folds)"
            if max(gains) <= 0
            else ""
        )
    )


def _is_app(chosen: dict | None) -> bool:
    """Whether CHOSEN (a run's thresholds in real_photos.json) are the app's two."""
    return ((chosen or {}).get("unsure_below"), (chosen or {}).get("unlike_above")) == (UNSURE_BELOW, UNLIKE_ABOVE)


def _folds_chose_app(results: dict) -> bool:
    """Whether the folds the table and the curve come from chose the app's thresholds: as the "unlike" rule's run
    records it where that run is the table's own, else as the table's own run records it (cross_validation)."""
    source = results.get("unlike_rule") if _same_folds(results) else results.get("cross_validation")
    return _is_app((source or {}).get("chosen"))


def _thresholds_chosen(results: dict) -> str | None:
    """Which of the app's thresholds the table's folds chose (``_folds_chose_app``), or None. Folds that kept no
    features give every "unlike" cut the same score, so only the probability threshold was chosen there (review 31a
    #11)."""
    cv = results.get("cross_validation") or {}
    if cv.get("has_unlike_score"):
        return "both thresholds" if _folds_chose_app(results) else None
    return "the probability threshold" if (cv.get("chosen") or {}).get("unsure_below") == UNSURE_BELOW else None


def _were(chosen: list[str]) -> str:
    """The verb for a list of chosen things: "was" for one that is not plural."""
    return "were" if len(chosen) > 1 or chosen[0].endswith("thresholds") else "was"


def _families_left(cv: dict, real: dict) -> str:
    """Where the folds record it: each fold model also left out one kind of generated picture, so it trained on
    fewer than the app's model did where the app's fine-tune (REAL: metrics.json's real_photos) recorded all three
    (reviews 66a #1, 77a #2: not a model fine-tuned with --no-outlier-exposure)."""
    details = cv.get("fold_details") or []
    if not details or not all(d.get("left_out_family") for d in details):
        return ""
    made = real.get("generated_outliers") or {}
    app = (
        "the app's model trained on all three"
        if all(made.get(family) for family in FAMILIES)
        else "the app's model's fine-tune recorded " + ("only some of them" if any(made.values()) else "none")
    )
    return (  # outside the photos' share: generated pictures are not photos (review 67 #1)
        f", and on two of the three kinds of generated picture (a different kind left out by each fold; {app})"
    )


def _split_alike(results: dict) -> bool:
    """Whether the run that measured the "unlike" rule split the photos into as many folds as the table's run (its
    per-fold figures as many): only then did it hold out the same photographers (review 66a #2)."""
    folds = (((results.get("unlike_rule") or {}).get("with") or {}).get("right_and_sure") or {}).get("folds") or []
    return len(folds) == (results.get("cross_validation") or {}).get("folds")


def _pooled_runs(results: dict) -> str:
    """Where the thresholds were chosen on several runs of the table's folds pooled (other fine-tune seeds), said
    (review 124 #7: the table's row is one run's fold models)."""
    cv = results.get("cross_validation") or {}
    runs = cv.get("threshold_runs", 1)
    if runs < 2:
        return ""
    return (
        f", pooled with {runs - 1} more fine-tune {'runs' if runs > 2 else 'run'} of them with other seeds, "
        f"{runs * cv.get('folds', 0)} fold models in all"
    )


def _chosen_where(results: dict) -> str:
    """Whether the app's two thresholds are the ones the table's folds chose (then those numbers flatter,
    whichever run measured the "unlike" rule), and what a sibling run's folds, where they measured it, would choose."""
    rule = (results.get("unlike_rule") or {}).get("chosen") or {}
    theirs = (
        "the app's thresholds too"
        if _is_app(rule)
        else f"{thresholds_words(rule.get('unsure_below', 0), rule.get('unlike_above'))}; the app keeps "
        f"{thresholds_words(UNSURE_BELOW, UNLIKE_ABOVE)}"  # review 56a #1: not two bare percentages
    )
    if _same_folds(results):
        if _is_app(rule):
            also = also_chosen(results)
            more = (
                f" (and so {'were' if len(also) > 1 else 'was'} {and_list(also)}: docs/real-photos.md)" if also else ""
            )
            if _pooled_runs(results) and "the fine-tune recipe" in also:  # not on the pooled runs (review 125 #6)
                rest = [a for a in also if a != "the fine-tune recipe"]
                more = (
                    " (" + (f"{and_list(rest)} too; " if rest else "") + "the fine-tune recipe on an earlier run of "
                    "the same folds: docs/real-photos.md)"
                )
            nested = _nested(results)
            return (
                f"Both thresholds were chosen on those same folds{_pooled_runs(results)}{more}, so these numbers are "
                + (
                    f"not an independent test.{nested} How much the other choices flatter was not measured."
                    if nested
                    else "likely optimistic, by an amount not measured."
                )
            )
        return f"Those folds would choose {theirs}.{_optimistic(results)}"
    # review 62a #1: a sibling's folds that chose the app's thresholds report the rule at them; and train.py --folds
    # deals photographers without a seed, so a sibling that split these photos as many ways held out the same people
    threshold = _thresholds_chosen(results)
    # what the table's folds chose, the photographers a sibling dealt alike would share (review 96a #2: not "too"
    # before it is said, nor where nothing was chosen there)
    # only what bears on the sibling's figures: the thresholds, and the recipe where the sibling ran that recipe
    # (review 97a #3: not a recipe it lost to, nor a mirror average it is not recorded to have used)
    on_them = [threshold.replace("both thresholds", "the app's thresholds")] if threshold else []
    measured = results.get("unlike_rule") or {}  # the run that measured the rule
    if recipe_chosen(measured.get("recipe"), results):
        on_them.append("the fine-tune recipe")
    # the second rule's score was chosen on the folds of the run that measured the rule (review 97a #4)
    score = bool(measured.get("second_rule_scores"))
    and_score = ", and the second rule's score" if score else ""  # after "too": the table's folds chose none (99a #2)
    # "too" and "as well" only after the table's own choices are said (review 98a #2)
    too, as_well = (" too", " as well") if threshold else ("", "")
    sibling = (
        f"chose the app's thresholds{too}{and_score}, so the rule's figures there are likely optimistic{as_well}"
        + ("" if as_well else ", by an amount not measured")
        if _is_app(rule)
        else f"would choose {theirs}" + _sibling_optimism(score, on_them if _split_alike(results) else [])
    )
    if threshold:
        named = [threshold.replace("both thresholds", "the app's thresholds"), *also_chosen(results)]
        chosen = and_list(named)
        return (
            # review 59a #2: after sentences on the sibling run's folds, "these" would read as theirs
            f"{chosen[0].upper()}{chosen[1:]} {_were(named)} chosen on the table's own folds, so the table's numbers are "
            f"likely optimistic, by an amount not measured; the \"unlike\" rule's own figures come from a sibling run's "
            f"folds, which {sibling}."
        )
    return f"Those folds {sibling}.{_optimistic(results)}"


def _sibling_optimism(score: bool, on_them: list[str]) -> str:
    """Why a sibling run's "unlike" figures are likely optimistic, said once (review 100a #3): the second rule's score
    chosen on its folds (SCORE), and ON_THEM, what was chosen on the photographers it shares with the table's folds
    where it split these photos alike (review 67 #2, #3: a condition, with its subject)."""
    reasons = ["the second rule's score was chosen on those folds"] if score else []
    if on_them:
        reasons.append(
            "if that run split these same photos into as many folds, it held out the same photographers (the folds are "
            f"dealt without a seed), on which {and_list(on_them)} {_were(on_them)} chosen"
        )
    if not reasons:
        return ""
    so = ", so" if len(reasons) == 1 else "; so"
    return (
        "; "
        + "; and ".join(reasons)
        + f"{so} the rule's figures there are likely optimistic, by an amount not measured"
    )


def _optimistic(results: dict) -> str:
    """Where the folds did not choose the app's thresholds: what else was chosen on the table's folds, which still
    makes its numbers flatter, by an amount not measured (review 28a #3, 39a #1)."""
    also = also_chosen(results)
    if not also:
        return ""
    chosen = and_list(also)
    verb = "were" if len(also) > 1 else "was"
    return (
        f" {chosen[0].upper()}{chosen[1:]} {verb} chosen on the table's folds (docs/real-photos.md), so its numbers are "
        "likely optimistic, by an amount not measured."
    )


def _nested(results: dict, short: bool = False) -> str:
    """The threshold search checked by nesting (``cross_validation.held_out_choice.grid``: each fold scored at the
    thresholds chosen on the other folds, every run's models) against the same models at the app's thresholds, in a
    sentence (SHORT: right-and-sure only); "" where not measured."""
    grid = ((results.get("cross_validation") or {}).get("held_out_choice") or {}).get("grid")
    if not grid or "at_app" not in grid:
        return ""
    pairs = {
        k: (grid[k]["mean"], grid["at_app"][k]["mean"])
        for k in ("right_and_sure", "unsure_outside", "unsure_unseen_garment")
    }
    (nested, app) = pairs["right_and_sure"]
    models = (results["cross_validation"].get("threshold_runs") or 1) * len(grid["folds"])
    if short:
        return (
            f"; checking only the threshold choice (each fold at thresholds chosen on the other folds, on {models} "
            f"fold models: these {len(grid['folds'])} folds fine-tuned with "
            f"{results['cross_validation'].get('threshold_runs') or 1} seeds each), the share of photos of the ten "
            f"answered rightly is {nested:.1%} against {app:.1%} at the app's own thresholds ({UNSURE_BELOW:.0%}, and "
            f"{UNLIKE_ABOVE * 100:.4g}% for “unlike”); the other choices' effect was not measured"
        )
    higher = all(pairs[k][0] > pairs[k][1] for k in ("unsure_outside", "unsure_unseen_garment"))
    return (
        f" The threshold choice itself was checked by nesting, on all {models} fold models (each fold scored at "
        f"thresholds chosen on the other folds): right-and-sure {nested:.1%}, “Not sure” {pairs['unsure_outside'][0]:.1%} "
        f"on hats etc. and {pairs['unsure_unseen_garment'][0]:.1%} on the garment never trained on, against {app:.1%}, "
        f"{pairs['unsure_outside'][1]:.1%} and {pairs['unsure_unseen_garment'][1]:.1%} for the same {models} models at "
        f"the app's thresholds (the table's row is one of the {results['cross_validation'].get('threshold_runs') or 1} "
        f"runs: {_table_row(results)})"
        + (
            ": the app's thresholds, chosen with these folds, answer more and hold back less here than thresholds "
            "chosen without them."
            if higher
            else "."
        )
    )


def _table_row(results: dict) -> str:
    """The table's run at the app's thresholds: right-and-sure, hats etc. and the unseen garment "Not sure"."""
    cv = results["cross_validation"]["cv"]
    # two decimals: the unseen garment's 79.97% would print as its 80% minimum
    return ", ".join(f"{cv[k]['mean']:.2%}" for k in ("right_and_sure", "unsure_outside", "unsure_unseen_garment"))


def _chosen_on(results: dict) -> str:
    """The curve's caveat where its folds chose the app's thresholds (as _chosen_where says under the table): the
    same folds chose the recipe and the mirror average too (docs/real-photos.md), so the curve flatters, by an amount not measured."""
    threshold = _thresholds_chosen(results)
    # the panel names the "unlike" rule, not "the second rule" (review 113a L1)
    chosen = [c.replace("the second rule's score", "the “unlike” rule's score") for c in also_chosen(results)[::-1]]
    chosen += [threshold] if threshold else []
    if not chosen:
        return ""
    nested = _nested(results, short=True) if threshold else ""  # the check is of the thresholds' choice
    return f". But the same folds were used to choose {and_list(chosen)}, so these figures are likely optimistic" + (
        nested or ", by an amount not measured"
    )


def _chosen_here(results: dict) -> str:
    """The table's caveat where no run measured the "unlike" rule (``_unlike_words`` is then "", and with it
    ``_chosen_where``): what was chosen on the table's own folds, which makes its numbers flatter (review 31a #5)."""
    threshold = _thresholds_chosen(results)
    named = ([threshold] if threshold else []) + also_chosen(results)
    if not named:
        return ""
    chosen = and_list(named)
    return (
        f" {chosen[0].upper()}{chosen[1:]} {_were(named)} chosen on these same folds (docs/real-photos.md), so these "
        "numbers are likely optimistic, by an amount not measured."
    )


def _wrong_by_kind(cv: dict, threshold: float, answered: int | None, wrong: int | None) -> str:
    """At the app's threshold, the curve's wrong answers split into group answers ("footwear, most likely Sandal",
    counted by the class they call most likely) and answers naming one class (``cross_validation.group_answers``,
    the same run, folds and thresholds; review 138 #2); "" elsewhere."""
    groups = cv.get("group_answers")
    if not groups or not answered or round(threshold, 2) != UNSURE_BELOW:
        return ""
    inside = {f: v for f, v in groups["by_folder"].items() if ACCEPTED.get(f)}
    group_n = sum(v["group_answers"] for v in inside.values())
    group_wrong = group_n - sum(v["right"] for v in inside.values())
    one_n, one_wrong = answered - group_n, wrong - group_wrong
    if one_n <= 0 or one_wrong < 0 or not group_n:
        return ""
    # a wrong group answer to a folder whose accepted classes are in no group, or make up a whole group, named a
    # group the garment is not in; to a folder accepting part of a group (shirts: T-shirt/top or Shirt) it did too
    # only if it was another group's, which footwear_group_answers counts by folder for non-shoes (review 141 #1)
    whole = {tuple(sorted(CLASS_NAMES.index(m) for m in members)) for members in GROUPS.values()}
    other_group = sum(
        v["group_answers"] - v["right"]
        for f, v in inside.items()
        if all(group_name(c) is None for c in ACCEPTED[f]) or tuple(sorted(ACCEPTED[f])) in whole
    )
    footwear = cv.get("footwear_group_answers")
    partial_folders = [
        f for f in inside if tuple(sorted(ACCEPTED[f])) not in whole and any(group_name(c) for c in ACCEPTED[f])
    ]
    if footwear is not None:
        other_group += sum(a["as"].get(f, 0) for a in footwear.values() for f in partial_folders)
    near = group_wrong - other_group
    split = (
        f"{near:,} named the right group and a wrong class (a coat answered “Upper-body garment, most likely "
        f"T-shirt/top”), and {other_group:,} named a group the garment is not in"
        if footwear is not None
        else "some named the right group and a wrong class (a coat answered “Upper-body garment, most likely "
        f"T-shirt/top”), and at least {other_group:,} a group the garment is not in"
    )
    return (
        f" Of the {wrong:,}, {group_wrong:,} were group answers, scored by the class they name: wrong {group_wrong:,} "
        f"times in the {group_n:,} group answers to photos of the ten ({group_wrong / group_n:.1%}). Of those, "
        f"{split}. Answers naming one class were wrong {one_wrong:,} times in {one_n:,} ({one_wrong / one_n:.1%})."
    )


def _nearest(curve: list[dict], threshold: float) -> dict:
    return min(curve, key=lambda p: abs(p["threshold"] - threshold))


def _held_back(model: LoadedModel) -> str:
    """The share of ordinary new photos the "unlike" rule holds back besides the curve, when it was measured."""
    rule = (model.real_photo_results or {}).get("unlike_rule")
    if model.feature_distance is None or not rule:
        return ""
    before, after = (rule[k]["right_and_sure"]["mean"] for k in ("without", "with"))
    # the share it flags is said once, in the sentence above (review 138 #9); two decimals, as the cost is a fraction
    # of a point that one decimal rounds to 0.1 or 0.2
    return (
        f" On {_rule_folds(model.real_photo_results)}, adding the app's “unlike” rule to the probability rule at the "
        f"app's {UNSURE_BELOW:.0%} took the share of photos of the ten answered rightly from {before:.2%} to {after:.2%}"
        " (how many fewer answers it gave in all was not recorded)."
    )


def _pooled(cv: dict) -> str:
    """What the hats-shorts-skirts share pools: with each fold's left-out garment recorded, what each fold saw."""
    if all(fold.get("left_out_garment") for fold in cv.get("fold_details") or [{}]):
        return (
            "the three kinds pooled: each fold model trained on two of them, as “none of the ten”, from other "
            "people's photos, and never on the third"
        )
    return "the three kinds pooled"


def _one_pass_curve(cv: dict) -> str:
    """Where the curve's answers were one pass while Classify's (and the mark's) are mirror-averaged (review 48a #1),
    said after what was chosen on the folds, so the mirror average is not read as chosen there (review 51a #2)."""
    if TEST_TIME_VIEWS and not cv.get("views"):
        way = "with its mirror image" if cv.get("mirror_averaged") else "in one pass"
        return (
            f"; each photo {way}, while Classify, and your input's mark, average a photo it cut out of its background "
            f"over {SIX_VIEWS}"
        )
    if TEST_TIME_FLIP and not cv.get("mirror_averaged"):
        return (
            "; each photo in one pass, while Classify, and your input's mark, average the input with its mirror image"
        )
    return ""


def _curve_rules(cv: dict, model: LoadedModel) -> str:
    """Which "Not sure" rules the curve counts, and whether they are the ones this model's app applies."""
    if not cv.get("has_unlike_score"):
        return ", by the probability rule alone"
    if model.feature_distance is not None:
        return (
            ", with the app's two “Not sure” rules, on probability and on unusualness (not its “no clear object” check)"
        )
    return (
        ", with both “Not sure” rules, though this model has no “unlike” score, so the app here applies the "
        "probability rule alone"
    )


def _photos(model: LoadedModel, of_the_ten: bool) -> int | None:
    """How many of the photos are of the ten classes (OF_THE_TEN), or hats, shorts and skirts, from real_photos.json's
    per-folder counts; None without them."""
    try:
        per_folder = model.real_photo_results["untrained"]["results"]["Fashion-MNIST-only model"]["per_folder"]
    except (KeyError, TypeError):
        return None
    return sum(v["photos"] for f, v in per_folder.items() if f in ACCEPTED and bool(ACCEPTED[f]) == of_the_ten)


def _inside(model: LoadedModel) -> int | None:
    """How many of the photos are of the ten classes (the curve's denominator); None without the counts."""
    return _photos(model, of_the_ten=True)


def _outside_count(model: LoadedModel, share: float) -> str:
    """SHARE of the hats, shorts and skirts as a count, "3 of 437; " (a percent can rest on a few photos: review 138
    #13); "" without the counts."""
    n = _photos(model, of_the_ten=False)
    return f"{round(share * n):,} of {n:,}; " if n else ""


def _counted(point: dict, inside: int) -> tuple[int, int]:
    """A curve point's shares as counts of the INSIDE photos of the ten: (answered, wrong among them)."""
    answered = round(point["coverage"] * inside)
    return answered, round(point["risk"] * answered)


def how_sure(threshold: float, score: Score, model: LoadedModel) -> str:
    """Coverage and error rate by threshold on the cross-validated photos (the data of a risk–coverage curve), with
    THRESHOLD and the learner's SCORE marked (HTML)."""
    number(threshold, *THRESHOLD_RANGE, "threshold")
    cv = _cv(model)
    if not cv:
        return f"<p>{stale_real_photos(model) or 'No cross-validated real-photo results in this model folder (real_photos.json).'}</p>"
    curve = cv["risk_coverage"]
    at = _nearest(curve, threshold)
    inside = _inside(model)
    answered, wrong = _counted(at, inside) if inside else (None, None)
    readings = _readings(at, answered, wrong, model)
    marks = {"this threshold": (threshold, "#111")}
    readings["this threshold"] = f"<b>{threshold:.0%}</b>"
    if score is not None:
        marks["your input (top class, with its group)"] = (score[0], "#dc2626")
        readings["your input (top class, with its group)"] = f"<b>{_score_shown(score[0], threshold)}</b>" + (
            " (“Not sure” whatever the threshold: features too unusual)" if score[1] > UNLIKE_ABOVE else ""
        )
    chart = line_chart_svg(
        [p["threshold"] for p in curve],
        {
            "photos of the ten answered": ([p["coverage"] for p in curve], "#2563eb"),
            "answers to photos of the ten that are wrong": ([p["risk"] for p in curve], "#f59e0b"),  # review 34a #1
            "hats, shorts, skirts answered": ([p["outside_answered"] for p in curve], "#7c3aed"),
        },
        marks,
        "Share answered and share wrong, by the threshold (x axis: the top class's probability summed over its group)",
        "threshold: top class + its group",
        readings,
    )
    read_at = (
        "<p class='caption'>The key's first three values are where the solid curves cross the black dashed line: each "
        f"photo scored by the one of the {cv['folds']} fold models that never trained on its photographer, the "
        f"{cv['folds']} folds pooled. A group answer counts by the class it names."
        + (
            " The red dashed line is your input's score, from the app's own model: a threshold at or left of it would "
            "answer your input (unless the “unlike” rule holds it back). That model trained on all of these photos, "
            "more than any fold model, so it may score a photo differently from them."
            + _near_score(curve, inside, score[0])
            if score is not None
            else ""
        )
        + "</p>"
    )
    unlike = (cv.get("cv") or {}).get("unlike_known") if cv.get("has_unlike_score") else None
    also = (  # the curve counts both rules: at 10% the probability rule turns nothing away (review 35a #1)
        f" and the photo is not “unlike” the model's training photos (that rule alone leaves about {unlike['mean']:.1%} of "
        "new people's photos of the ten unanswered)"  # review 43a #2: not 17% of the training photos
        if unlike
        else ""
    )
    counted = (  # pooled over the folds: at the top of the slider a share rests on a few errors (review 35a #2)
        f" ({wrong:,} of {answered:,}, the {cv['folds']} folds' held-out photos pooled)" if answered else ""
    )
    words = (
        # measured on the fold models, not a forecast for the served one (review 105a #3)
        f"<p>Answering only when the top class, with the other classes of its group added (the groups above), "
        f"reaches <b>{threshold:.0%}</b>{also}, the {cv['folds']} fold models, "
        f"fine-tuned by {_recipe(cv, model.metrics.get('real_photos') or {})}, answered <b>{at['coverage']:.0%}</b> of "
        f"new photographers' photos whose garment is one of the ten, and <b>{at['risk']:.1%}</b> "
        f"of those answers were wrong{counted} by the app's mapping, which accepts more than one class for {lenient_kinds()}"
        + (
            " (the table in “Real photos vs Fashion-MNIST” below)" if _has_table(model) else ""
        )  # review 76a #2: only where it is built
        + "."
        + _wrong_by_kind(cv, threshold, answered, wrong)
        + (  # a share under half a percent keeps its decimal; none is said as none (review 106a #5)
            f" They also answered {at['outside_answered']:.{0 if round(at['outside_answered'] * 100) else 1}%} of hats, shorts and skirts from new photographers "
            f"({_outside_count(model, at['outside_answered'])}{_pooled(cv)}), all wrongly, which that {at['risk']:.1%} does not count."
            if at["outside_answered"]
            else f" They answered none of the hats, shorts and skirts from new photographers ({_pooled(cv)})."
        )
        # the caveats in a paragraph of their own: one block of text is hard to read on a phone (review 138)
        + "</p><p>Each fold model was scored on photographers it never trained on"
        + _curve_rules(cv, model)
        + _chosen_on(model.real_photo_results or {})
        + _one_pass_curve(cv)
        + "."
        + _held_back(model)
        + "</p>"
        + (f"<p>{scores.strip()}</p>" if (scores := _scores_not_chances(model)) else "")
    )
    yours = ""
    if score is not None:
        top, unusual = score[:2]
        named = score[2] if len(score) > 2 else "top class with its group"
        shown = _score_shown(top, threshold)
        if top < threshold:  # the probability rule at the slider's threshold (model.inference.unsure)
            fate = "so at this threshold it would be “Not sure”"
        elif unusual > UNLIKE_ABOVE:  # the "unlike" rule, whatever the threshold (model.inference.unsure_reason)
            # the next sentence gives how unusual, and the line (review 31a #6)
            fate = (
                "which reaches this threshold, but “Not sure” anyway: its features are more unusual than the app allows"
            )
        else:
            fate = "so at this threshold it would be answered"
        yours += f"<p>Your input: {html.escape(named)} {shown}, {html.escape(fate)}."
        if model.feature_distance is not None:
            how = (  # "more than those of 0%" says nothing (review 107a L1)
                f"more than those of {_share_below(unusual)} of the photos of the ten classes it trained on"
                if unusual >= 0.001
                else "less than those of "
                + ("all" if unusual <= 0 else "over 99.9%")
                + " of the photos of the ten classes it trained on"
            )
            yours += (
                f" How unusual its features are: {how} (above {UNLIKE_ABOVE * 100:.4g}% the app says “Not sure” whatever the "
                "threshold)."
            )
        yours += "</p>"
    return f"<div class='how-sure'>{chart}{read_at}{_not_sure_cost(cv, answered, wrong, at, inside, _photos(model, of_the_ten=False))}{yours}</div>{MORE}<div class='how-sure'>{words}</div>"


MORE = "<!-- more -->"  # how_sure's seam: above it what the slider changes at a glance, below it the full record


def how_sure_parts(threshold: float, score: Score, model: LoadedModel) -> tuple[str, str]:
    """how_sure in two: the chart, its readout and the learner's input; then what the figures count and how they
    were measured (the tab shows the second in an accordion of its own, which stays open as the slider moves)."""
    glance, _, more = how_sure(threshold, score, model).partition(MORE)
    return glance, more


def _near_score(curve: list[dict], inside: int | None, score: float) -> str:
    """Where the red line meets the curves, what it is not, and how often the fold models' top class was wrong for
    photos of the ten they scored near SCORE (5 points either side), from the curve's counts: let through at the
    band's foot and not at its top (reviews 145 #1, 146 #1-#3). "" without the counts."""
    by = {round(p["threshold"], 2): p for p in curve}
    if not inside:
        return ""

    def counts(t: float) -> tuple[int, int]:
        return _counted(by[t], inside)

    unlike = " (apart from any the “unlike” rule held back)"
    top = max(by)
    if score >= top:  # the red line right of where the curves stop: their last point is every score from there up
        n, wrong = counts(top)
        return (
            f" The curves end at {top:.0%}: of the {n:,} photos of the ten the fold models scored {top:.0%} or more"
            f"{unlike}, {wrong:,} ({wrong / n:.1%}) had a wrong top class."
        )
    low, high = max(min(by), round(score - 0.05, 2)), min(top, round(score + 0.05, 2))
    (a_low, w_low), (a_high, w_high) = counts(low), counts(high)
    n, wrong = a_low - a_high, w_low - w_high
    near = (
        f" Nearer your score: the fold models scored no photo of the ten from {low:.0%} to under {high:.0%}{unlike}, "
        "so the curves hold no photo scored like yours."
        if n <= 0
        else f" Nearer your score: of the {n:,} photos of the ten the fold models scored from {low:.0%} to under "
        f"{high:.0%}{unlike}, {wrong:,}"
        + (f" ({wrong / n:.0%})" if n >= 20 else "")  # no percent of a handful of photos
        + " had a wrong top class."
    )
    return (
        " Where the red line meets the orange curve is not the chance your input is wrong: it is the share wrong "
        "among all the photos of the ten a threshold there would answer, every one scored there or higher." + near
    )


def _not_sure_cost(
    cv: dict, answered: int | None, wrong: int | None, at: dict, inside: int | None, outside: int | None
) -> str:
    """What "Not sure" withheld at one point AT of the curve: of the photos of the ten left unanswered, how many had a
    top class the mapping accepts (``read_as``: every held-out photo's top class, counted before "Not sure";
    right answers given = answered - wrong). "" without the counts (issue 24: what "Not sure" costs)."""
    read = cv.get("read_as")
    if not (read and answered and inside):
        return ""
    right_top = sum(n for f, counts in read.items() for c, n in counts.items() if CLASS_NAMES.index(c) in ACCEPTED[f])
    withheld = right_top - (answered - wrong)
    if answered == inside:
        return (
            "<p>What “Not sure” did on these photos at this threshold: nothing; the fold models answered every photo "
            "of the ten.</p>"
        )
    unanswered = inside - answered
    # at the slider's foot a group's probability (at least its top class's, at least 10%) always reaches the
    # threshold: as many answered as there is only the "unlike" rule's doing (review 144 #3: up to 17% here)
    only_unlike = answered == _counted(cv["risk_coverage"][0], inside)[0]
    return (
        f"<p>What “Not sure” did on these photos at this threshold: of the {unanswered:,} photos of the ten the fold "
        f"models left unanswered, {withheld:,} ({withheld / unanswered:.0%}) would have been right answers and "
        f"{unanswered - withheld:,} ({(unanswered - withheld) / unanswered:.0%}) wrong ones, against {at['risk']:.1%} "
        "wrong among the answers they gave"
        + ("; at this threshold only the “unlike” rule holds photos of the ten back" if only_unlike else "")
        + _hats_held(at, outside)
        + ".</p>"
    )


def _hats_held(at: dict, outside: int | None) -> str:
    """The hats, shorts and skirts "Not sure" held back at AT, each a wrong answer avoided (review 145 #5)."""
    held = round((1 - at["outside_answered"]) * outside) if outside else 0
    if not held:
        return ""
    return (
        f"; they also held back {held:,} of the {outside:,} hats, shorts and skirts ({held / outside:.0%}), every one "
        "of which would have been a wrong answer"
    )


def _score_shown(top: float, threshold: float) -> str:
    """The learner's score as the panel prints it: under THRESHOLD, never rounded up to it (_below)."""
    return _below(top) if top < threshold else percent(top, 1)


def _readings(at: dict, answered: int | None, wrong: int | None, model: LoadedModel) -> dict[str, str]:
    """The three curves read at one point AT of the curve, for the chart's key: a share, with its count where the
    folder has the photo counts."""
    outside = _photos(model, of_the_ten=False)
    out = at["outside_answered"]
    return {
        "photos of the ten answered": f"<b>{at['coverage']:.0%}</b>"
        + (f" ({answered:,} of {_inside(model):,})" if answered else ""),
        "answers to photos of the ten that are wrong": f"<b>{at['risk']:.1%}</b>"
        + (f" ({wrong:,} of {answered:,})" if answered else ""),
        "hats, shorts, skirts answered": (  # a share under half a percent keeps its decimal (review 106a #5)
            f"<b>{out:.{0 if round(out * 100) else 1}%}</b>"
            + (f" ({round(out * outside):,} of {outside:,})" if outside else "")
            + (", all wrongly" if out else "")
        ),
    }


def _scores_not_chances(model: LoadedModel) -> str:
    """That a percentage is a softmax output, not a measured chance: on Fashion-MNIST's test logits (one pass), the
    answers naming a class at the threshold, their mean score against how often they were right; and on shoe photos
    in cross-validation, how often a sure "Sandal" was a sandal (review 138 #3). "" where not recorded."""
    record = _group_record(model)
    if not record or not record.get("class_answers"):
        return ""
    n, right, mean = record["class_answers"]
    cv = _cv(model) or {}
    sandal = (cv.get("footwear_answers") or {}).get("Sandal") or {} if _measured_here(model, cv) else {}
    under = "understate" if mean < right / n else "overstate"
    own, sure = sandal.get("as", {}).get("sandal", 0), sandal.get("answers", 0)
    shoes = (  # said only where the note under a "Sandal" answer says it too (_kind_overstated; review 141 #2)
        f". On new people's photos in cross-validation, sure “Sandal” answers were nearly always shoes "
        f"({sandal['shoes']} of {sure}) but sandals only {own} times ({own / sure:.0%}, by one person's labels), so "
        f"there the percentages of “Sandal” answers at {UNSURE_BELOW:.0%} or more overstate the chance of a sandal"
        if sure and _kind_overstated(own, sure)
        else ""
    )
    return (
        " The network's own percentages (the answer's, the Top 3 box's, your input's score and the x axis that the "
        f"threshold is set on) are softmax outputs{_averaged_outputs()}, or sums of them over a group, not measured "
        "chances; the shares of photos above were measured, by counting photos. On Fashion-MNIST's "
        f"{record['images']:,} test images (one pass), its {n:,} answers naming a class at {UNSURE_BELOW:.0%} or more "
        f"score {mean:.1%} on average yet are right {right / n:.1%} of the time, so there they {under} how often the "
        f"answer is right{shoes}."
    )


def _averaged_outputs() -> str:
    """Where Classify averages an input's views (TOP3_LABEL says so), that its percentages are averages (145 #6)."""
    if TEST_TIME_VIEWS:
        return (  # one level of brackets (review 147 #1)
            f" averaged over views (an input and its mirror image, or, for a photo cut out of its background, 6 views: "
            f"as converted and turned {PHOTO_ROTATION}° each way, each also mirrored; the Top 3 box says “{AVERAGED}”)"
        )
    return f" averaged over an input and its mirror image (the Top 3 box says “{AVERAGED}”)" if TEST_TIME_FLIP else ""


def how_sure_words(model: LoadedModel) -> str:
    """The panel's two or three sentences: why a ten-class network must be told when not to answer."""
    unlike = (
        f" and the input's features are not more unusual than those of {UNLIKE_ABOVE * 100:.4g}% of the photos of the ten classes it"
        " trained on"
        if model.feature_distance is not None
        else ""
    )
    cv = _cv(model)
    # "by the same recipe" only where the folds' recipe is the model's own (as the record below says: _recipe)
    same = " by the same recipe" if cv and same_recipe(cv.get("recipe"), model.metrics.get("real_photos")) else ""
    left = [fold.get("left_out_garment") for fold in (cv or {}).get("fold_details") or [{}]]
    kind_left = " and without one of hats, shorts and skirts entirely" if all(left) else ""  # as _pooled says
    slider = (
        f"Move the slider to see what another threshold would do. What each threshold does was measured with "
        f"{cv.get('folds') if cv else 3} stand-ins for the app's model, the “fold models”: each fine-tuned{same}, but "
        f"without a third of the photos (whole photographers at a time){kind_left}, and tested on that third, so on "
        "people it never saw. Higher never adds a wrong answer and never "
        "answers more photos, but the share of answers that are wrong need not fall at every step."  # review 42a #2, 43a #1: it rises at some steps, with 11 or with 240 errors left
        if _cv(model)
        else (
            stale_real_photos(model)
            or "This model folder has no cross-validated real-photo results (real_photos.json)."
        )
        + " So the slider has nothing to show here."
    )
    scores = (  # where the measurement is, below the chart (_scores_not_chances)
        " These three percentages (45%, 40%, 85%) are the network's scores, not measured chances (see “What these "
        "figures count” under the chart)."
        if _scores_not_chances(model) and _cv(model)  # the panel it points to is there only with the curve
        else ""
    )
    return f"""A network trained on ten classes spreads all of its probability over those ten: a hat, a face or a
lawn still gets a "best" class.

So the app answers only when the top class, counted with the other classes of its
group ({_groups_named()}), reaches a threshold (this app keeps {UNSURE_BELOW:.0%}; the slider below tries others){unlike}, and it finds one clear object. A photo it finds 45% Sneaker and 40% Sandal (at least 85% footwear)
is answered "Footwear, most likely Sneaker".{scores}

{slider}"""


def warm_up(model: LoadedModel) -> None:
    """Trace the two models' compiled calls: the first answer needs them, so app.py runs this before serving."""
    # probabilities and features, in one call; with the turned views, so OpenCV is imported before the first photo
    model.assess(np.zeros((28, 28), np.uint8), flip=TEST_TIME_FLIP, turn=TEST_TIME_VIEWS)
    if model.fashion_mnist_only is not None:
        model.fashion_mnist_only.assess(np.zeros((28, 28), np.uint8), flip=TEST_TIME_FLIP, turn=TEST_TIME_VIEWS)


def build(model: LoadedModel, examples: list[str], shared: gr.State, camera: bool = True) -> None:
    """The tab; whatever it classifies becomes ``shared``, the concept tabs' input. Without ``camera`` (served over
    plain HTTP on a network, where browsers refuse the camera and the clipboard), photos are uploaded only."""
    with gr.Tab("Classify"):
        with gr.Row():
            with gr.Column():
                with gr.Tab("Photo"):
                    photo_input = upload_input(
                        sources=["upload", "webcam", "clipboard"] if camera else ["upload"],
                        label="A clothing photo" if camera else "A clothing photo (Upload offers a phone's camera)",
                        height=280,
                    )
                with gr.Tab("Draw") as draw_tab:
                    # above the editor, not its label: on a phone the editor's toolbar covers its label
                    gr.Markdown(DRAW_HINT, elem_id="draw-hint")
                    sketch_input = gr.ImageEditor(
                        label="A drawing of a garment",
                        show_label=False,
                        elem_id="sketch-input",
                        sources=(),  # with transforms below, what gr.Sketchpad sets: a blank canvas to draw on
                        transforms=("crop",),
                        canvas_size=(400, 400),
                        brush=gr.Brush(default_size=10, default_color="#000000"),  # thin black: outlines get filled in
                        height=360,
                    )
                    raw_payloads(sketch_input)  # handed to the handler undecoded: see _drawing
                    sketch_button = gr.Button("Classify drawing", variant="primary")
                draw_tab.select(None, js=brush_ready("sketch-input"))  # the brush picked: the first stroke draws
            with gr.Column():
                verdict_output = gr.Markdown(elem_id="verdict")
                with gr.Row():
                    # no heading: the verdict above is the answer (a group, or "Not sure"); a heading would name
                    # the top class alone, without the rule that decides whether the app answers at all
                    label_output = gr.Label(num_top_classes=3, label=TOP3_LABEL, show_heading=False)
                    before_output = gr.Label(
                        num_top_classes=3,
                        label=BEFORE_LABEL,
                        show_heading=False,
                        visible=model.fashion_mnist_only is not None,
                    )
                seen_output = gr.Image(
                    label="What the model saw (28×28, enlarged)", height=240, interactive=False, elem_id="seen-input"
                )
                gr.Markdown("**How your input became the model's input**", elem_classes=["caption"])
                steps_output = captioned_gallery("How your input became the model's input", columns=4, elem_id="steps")
        # below the answer, not between the upload and it: on a phone the verdict shows without scrolling
        gr.Examples(examples=[[p] for p in examples], inputs=photo_input, label="Or pick a Fashion-MNIST test image")
        score_state = gr.State(None)
        with gr.Accordion("How sure before it answers?", open=False):
            gr.Markdown(how_sure_words(model))
            threshold_input = gr.Slider(
                *THRESHOLD_RANGE,
                value=UNSURE_BELOW,
                step=0.01,
                label="Answer only when the top class, with its group, reaches (0.70 = 70%)",
                elem_id="how-sure-threshold",
            )
            glance, more = how_sure_parts(UNSURE_BELOW, None, model)
            how_sure_output = gr.HTML(glance, elem_id="how-sure")
            # an accordion of its own: it stays open while the slider moves, and on a phone the chart comes first
            with gr.Accordion("What these figures count, and how they were measured", open=False, visible=bool(more)):
                how_sure_more = gr.HTML(more, elem_id="how-sure-more")
        how_sure_outputs = [how_sure_output, how_sure_more]
        threshold_input.change(
            partial(how_sure_parts, model=model),
            [threshold_input, score_state],
            how_sure_outputs,
            api_name="how_sure",
            **RAW,
        )
        table = real_photo_table(model)
        if table:
            with gr.Accordion("Real photos vs Fashion-MNIST: each row's recipe, measured", open=False):
                gr.Markdown(table, elem_id="real-photo-table")
        outputs = [label_output, seen_output, steps_output, verdict_output, before_output, score_state]
        # Up to 4 requests at once: decoding and uploads overlap the model call, and the model is only
        # ever called for inference (no training, no state), which TensorFlow runs safely in parallel.
        photo_event = photo_input.change(
            from_upload(partial(classify_photo, model=model)),
            photo_input,
            outputs,
            api_name="classify",
            concurrency_limit=4,
            **RAW,
        )
        sketch_event = sketch_button.click(
            from_canvas(sketch_input, partial(classify_sketch, model=model)),
            sketch_input,
            outputs,
            api_name="classify_sketch",
            validator=check_canvas(sketch_input),
            **RAW,
        )
    photo_event.success(from_upload(share_photo), photo_input, shared, api_visibility="private", **RAW)
    sketch_event.success(from_canvas(sketch_input, share_sketch), sketch_input, shared, api_visibility="private", **RAW)
    for event in (photo_event, sketch_event):  # the learner's input marked on the curve, at the slider's threshold
        event.success(
            partial(how_sure_parts, model=model),
            [threshold_input, score_state],
            how_sure_outputs,
            api_visibility="private",
        )
