"""The Normalization tab: the input's pixels at three scales, and the model fed the wrong one."""

from __future__ import annotations

from functools import partial

import gradio as gr
import numpy as np

from concepts import normalization
from model.data import CLASS_NAMES, PIXEL_MEAN, PIXEL_STD, group_name, group_probability
from model.inference import UNSURE_BELOW, LoadedModel, is_unsure
from model.playground import DEFAULT, grid_run
from tabs.charts import histogram_svg
from tabs.inputs import input_pixels
from tabs.memo import built_for
from tabs.runs import (
    CURVES_CAPTION,
    TOO_CLOSE,
    ablation_words,
    and_list,
    past,
    percent,
    run_histories,
    seed_noise,
    seed_yardstick,
    show_curves,
    train_out,
    under,
)
from tabs.wiring import beside_the_input, first_example, pick_examples, rerun_on

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
LEAD = """Raw pixels run from 0 to 255. Our model scales them to 0–1 and standardizes them (subtracts the training
set's mean pixel value, divides by its standard deviation) inside itself, in a Rescaling layer, so it must be fed
raw 0–255 pixels: scaling them again beforehand is a classic bug. The table shows what that bug does to this image."""
# 0-1 pixels after the model's Rescaling, (x/255 - mean)/std with x <= 1: within 0.02 of black's -mean/std
ZERO_TO_ONE_STANDARDIZED = -PIXEL_MEAN / PIXEL_STD
WHITE_STANDARDIZED = (1 - PIXEL_MEAN) / PIXEL_STD  # a 255 pixel after the model's Rescaling
DETAIL = f"""Scaling and standardizing puts the inputs on a scale of about 1 (over the training set's pixels, a mean of
about 0 and a standard deviation of about 1; black becomes {ZERO_TO_ONE_STANDARDIZED:.2f}, white {WHITE_STANDARDIZED:+.2f}) rather than
hundreds: the scale that standard weight initializations and learning rates assume. One global mean and standard
deviation move and stretch the whole histogram (above); they do not make the pixels alike."""
# after the measured comparison of the same network with and without normalization
WHY_SO_CLOSE = f"""Why might they be close? Our first convolution has no bias and is followed by batch
normalization. In training, batch norm subtracts each channel's batch mean and divides by its batch standard
deviation, so for any weights, multiplying every input by a positive constant changes almost nothing after it
(only batch norm's small epsilon in the division tells them apart), and neither does adding one (only the zero
padding at the image's edge does). So this network need not learn to undo the input's scale, as a network
without batch norm would have to. That is a reason to expect the two close, not a measurement of why these two
runs ended where they did: one run each, and two trained runs can still end apart. The trained model fed 0–1 pixels (above) breaks for another reason: its Rescaling layer turns
every such pixel into about {ZERO_TO_ONE_STANDARDIZED:.2f}, the value of black, so it sees an almost black
image. Batch norm does not rescale it back: at inference it applies the same fixed shift and scale, from moving
averages of the training batches' statistics, to whatever it is fed."""


def with_normalization_words(model: LoadedModel) -> str:
    """Our network with and without the Rescaling layer, measured; WHY_SO_CLOSE only where they ended close."""
    words = ablation_words(model, "no-normalization", "the same network fed raw 0–255 pixels")
    runs = model.ablations
    if not {"baseline", "no-normalization"} <= runs.keys():
        return words
    gap = 100 * (runs["baseline"]["test_accuracy"] - runs["no-normalization"]["test_accuracy"])
    if abs(gap) >= TOO_CLOSE:
        return words
    return words + " " + WHY_SO_CLOSE + running_average_words(getattr(model, "playground", None))


def running_average_words(grid: dict | None) -> str:
    """After WHY_SO_CLOSE: the test score also depends on batch norm's running averages, with the Playground's
    notebook CNN with batch norm, standardized and raw, as trained and with its averages re-estimated (one run each);
    "but" only where they ended apart as trained and close re-estimated, judged against the Playground's own seed
    noise (runs.seed_noise), not the whole-split runs' TOO_CLOSE (review 30c #4)."""
    lead = (
        " The same learned weights need not give the same test score: in training, batch norm uses each batch's own "
        "statistics; at test time, running averages of them, which can lag behind the weights"
    )
    try:
        runs = [grid_run(grid, {**DEFAULT, "batch_norm": True, "normalize": on}) for on in (True, False)]
        trained, again = ([run[key] for run in runs] for key in ("test_accuracy", "test_accuracy_reestimated"))
    except (KeyError, TypeError):  # no grid in this folder, or not those runs
        # batch_norm.json may re-estimate one of the pair (baseline), never the other: not "these two" (45c #1)
        return lead + "; whether they did for both of these runs was not measured."
    measured = (
        f"in the Playground, the study notebook's CNN with batch norm (its first convolution has no bias either), "
        f"trained on {DEFAULT['images']:,} images, scored {trained[0]:.2%} fed standardized and {trained[1]:.2%} fed "
        "raw pixels as trained"
    )
    noise = seed_noise(grid)
    gaps = [100 * abs(pair[0] - pair[1]) for pair in (trained, again)]  # points: as trained, re-estimated
    if noise is not None and not under(gaps[0], noise) and under(gaps[1], noise):
        return lead + (
            f": {measured}, but {again[0]:.2%} and {again[1]:.2%} once its running averages were re-estimated (one "
            f"run each). The first difference is {past(gaps[0], noise)}, the second less than, "
            f"{seed_yardstick(grid, noise)}; how "
            "much runs with batch norm vary by seed was not measured. This tab's own pair, above, did end close as "
            "trained."  # the yardstick is the default's, without batch norm (review 37c #4)
        )
    close = noise is not None and all(under(g, noise) for g in gaps)
    within = f" Both differences are less than {seed_yardstick(grid, noise)}." if close else ""
    return lead + (
        f". In{measured[2:]}, and {again[0]:.2%} and {again[1]:.2%} once its running averages were re-estimated (one "
        f"run each).{within}"
    )


PAIR = ("notebook", "notebook-raw")  # the study notebook's CNN (no batch norm) with and without normalization


def _seed_noise(model: LoadedModel) -> float | None:
    """How far two runs of the notebook's CNN differ by seed alone (points; None without a complete grid)."""
    grid = model.playground
    return seed_noise(grid)  # as running_average_words: a grid with its seeds, complete or not (review 82b #4)


def without_batch_norm(model: LoadedModel) -> str:
    """The network without batch norm with and without input normalization: the PAIR of runs, in numbers."""
    runs = model.ablations
    if not set(PAIR) <= runs.keys():
        out = train_out(model)  # the served folder, not train.py's default model/weights (review 35c #3)
        return (
            f"*`python train.py --ablation notebook{out}` and `--ablation notebook-raw{out}` measure a network "
            "without batch norm with and without normalization.*"
        )
    norm, raw = (runs[name] for name in PAIR)
    gap = 100 * (norm["test_accuracy"] - raw["test_accuracy"])
    first = [100 * run["history"]["val_accuracy"][0] for run in (norm, raw)]
    if abs(gap) < TOO_CLOSE:
        verdict = f"{abs(gap):.2f} points apart at the end: too close to call from one run each"
    elif gap > 0:
        verdict = f"the standardized run ended **{gap:.2f} points** higher (one run each)"
    else:
        verdict = f"raw pixels scored **{-gap:.2f} points** higher at the end (one run each)"
    budget = (
        f"Trained twice on the same {norm['epochs']}-epoch budget"
        if norm["epochs"] == raw["epochs"]
        else f"Trained twice, {norm['epochs']} epochs fed standardized pixels and {raw['epochs']} fed raw ones"
    )
    words = (
        "**Without batch norm**, the network must learn to undo the input's scale itself (its first convolution's "
        "weights and bias could, but training has to find them). The study notebook's CNN has no batch norm. "
        f"{budget} (Adam at a constant learning rate, hard targets, no "
        f"augmentation), it reaches **{norm['test_accuracy']:.2%}** test accuracy fed standardized pixels and "
        f"**{raw['test_accuracy']:.2%}** fed raw 0–255 pixels: {verdict}."
    )
    noise = _seed_noise(model)
    if abs(gap) >= TOO_CLOSE and noise is not None:  # right after the verdict: its "That" is the test-accuracy gap
        subset = any(run.get("quick") for run in (norm, raw))  # train.py --quick: a smoke run on a subset
        source = getattr(model, "fashion_mnist_only", None) or model  # the split less validation (review 88c #2)
        rows = (getattr(source, "metrics", None) or {}).get("train_size")
        trained_on = (
            "a quick run's subset"
            if subset
            else f"the {rows:,} training images left after the validation split"
            if rows
            else "the whole training split"
        )
        words += _against_seed_noise(gap, seed_yardstick(model.playground, noise), noise, trained_on)
    words += f" After the first epoch, validation accuracy was {first[0]:.1f}% against {first[1]:.1f}%. " + _peaks(
        norm, raw
    )
    seeds = sorted({str(run.get("seed", "not recorded")) for run in (norm, raw)})
    seed = f"seed{'s' * (len(seeds) > 1)} {' and '.join(seeds)}"
    return words + f" The curves below are these two runs (one run each, {seed})."


def _against_seed_noise(gap: float, yardstick: str, noise: float, trained_on: str = "the whole training split") -> str:
    """GAP (points, standardized minus raw, at least TOO_CLOSE apart) against NOISE, the Playground's seed-noise
    threshold (YARDSTICK: it in words, runs.seed_yardstick), whichever run won, in runs.ablation_words' tiers: under
    NOISE, maybe noise; past it, a hint, not a finding, and from twice it a possible mechanism where standardizing won.
    In every tier, that the yardstick is another setting's (TRAINED_ON: the pair's images): the Playground measures seed
    spread for its default setting only, which is fed standardized pixels."""
    unfit = (  # the yardstick is another setting's: say so wherever a verdict rests on it
        f"these two runs are not that setting (they were trained on {trained_on}, not on the Playground's "
        f"{DEFAULT['images']:,} images), and how much runs fed raw pixels vary from seed to seed was not measured"
    )
    if under(gap, noise):  # with the same caveat as the tiers past it (review 81c #1)
        return f" That is less than {yardstick}: it may be seed noise. That yardstick is for scale only: {unfit}."
    if under(gap, 2 * noise):  # runs.ablation_words' middle tier: at or past the yardstick, under twice it
        return (
            f" That is {past(gap, noise)} {yardstick}, but less than twice it: a hint, from one run each, that the "
            f"scale itself mattered, not a finding: {unfit}."
        )
    twice = (  # never "likely" from this yardstick, another setting's (reviews 81a #1, 82c #1, #2); no verdict
        # beyond the tier's, as runs.ablation_words' evidence line gives none at twice the yardstick
        f" That is {past(gap, 2 * noise)} twice {yardstick}, one run each; that yardstick is for scale only: {unfit}."
    )
    if gap < 0:
        return twice
    return twice + (
        " Raw pixels have a standard "
        f"deviation of about {255 * PIXEL_STD:.0f} grey levels and a mean of about {255 * PIXEL_MEAN:.0f}, against "
        "1 and 0 once standardized. One possible mechanism, not tested here: the starting weights are drawn for "
        "inputs of about unit scale, so on raw pixels the network's first outputs and its starting loss are far "
        "larger, and training starts from there."
    )


def _peaks(norm: dict, raw: dict) -> str:
    """Where each run's validation accuracy peaked, against where it ended and its training accuracy."""
    parts = []
    for name, run in (("standardized", norm), ("raw", raw)):
        val, train = run["history"]["val_accuracy"], run["history"]["accuracy"]
        peak = int(np.argmax(val))
        parts.append(
            f"{name}, epoch {peak + 1} ({val[peak]:.1%}), ending at {val[-1]:.1%} with training accuracy at "
            f"{train[-1]:.1%}"
        )
    return (
        "Validation accuracy peaked: "
        + "; ".join(parts)
        + " (training accuracy as Keras reports it: averaged over the last epoch while the weights still changed)."
    )


def histograms_html(pixels) -> str:
    """One histogram per scaling, side by side (stacked on a phone): the shape never changes, only the axis."""
    figures = "".join(
        histogram_svg(values, f"{name}: mean {values.mean():.2f}, std {values.std():.2f}")
        for name, values in normalization.scalings(pixels).items()
    )
    return f"<div class='histograms'>{figures}</div>"


def run_normalization(image_path: str | None, model: LoadedModel):
    """Histograms of the input raw, scaled and standardized, and what the model says when fed the wrong scale."""
    pixels = input_pixels(image_path)
    fed = {"0–255 (expected)": pixels, "0–1 (the bug)": pixels / 255}
    probs = model.probabilities(np.stack(list(fed.values())))
    rows = [
        [name, f"{x.min():.3g}–{x.max():.3g}", CLASS_NAMES[int(p.argmax())], percent(p.max(), 1)]
        for (name, x), p in zip(fed.items(), probs, strict=True)
    ]
    if not pixels.any():  # already all black (a blank upload converts so): the scale changes nothing (review 44c #2)
        note = (
            # review 57c #1: said of the converted 28×28 input, not the upload the learner sees (a blank white sheet)
            "After the app's conversion to a 28×28 Fashion-MNIST-style image (a light garment on black), this input has "
            "no pixel above 0: it is all black, so 0–255 and 0–1 pixels are the same image and the model answers them "
            "alike. Upload a garment to see the scale matter."
        )
        return histograms_html(pixels), rows, note
    return histograms_html(pixels), rows, scale_note(probs[1], _black_image_answer(model), rows[0][2])


UNIFORM = 1 / len(CLASS_NAMES)  # a uniform guess's probability for each class
EVEN_WITHIN = (
    0.02  # every probability within 2 points of UNIFORM: "spread almost evenly", said with the figure (94c #3)
)
TIE_WITHIN = 0.01  # the top two within a point: "a near-tie"
SAME_WITHIN = 0.02  # every probability within 2 points of the all-black image's: "almost the same probabilities"


def scale_note(bug: np.ndarray, black: np.ndarray, right: str) -> str:
    """What the model does with 0-1 pixels, in words chosen from its probabilities (``bug``): an answer, or a spread
    too even to read one from (under the app's "Not sure" line); and how close that is to an all-black image's
    (``black``). ``right``: its answer at the right scale."""
    first, second = (int(i) for i in np.argsort(bug)[::-1][:2])
    # enough digits that a top just under the "Not sure" line does not print as the line (review 88c #1)
    # at most 6 decimals: float32 probabilities carry no more (review 90c #1)
    digits = next(
        (d for d in range(1, 7) if round(100 * bug[first], d) < 100 * UNSURE_BELOW or bug[first] >= UNSURE_BELOW), None
    )
    shown = percent(bug[first], digits) if digits else f"just under {UNSURE_BELOW:.0%}"  # never "40.0000%" (89c #2)
    digits = digits or 6
    # the second as many digits only where the two are close enough for them to matter (review 90c #1)
    close = bug[first] - bug[second] < TIE_WITHIN
    runner = percent(bug[second], digits if close else 1)

    def shared(value: str, places: int) -> list[int]:  # the classes printed at VALUE (to PLACES decimals)
        return [i for i, p in enumerate(bug) if percent(p, places) == value]

    def who(group: list[int]) -> str:  # the classes sharing a place as printed: named up to three
        return and_list([CLASS_NAMES[i] for i in group]) if len(group) <= 3 else f"{len(group)} classes"

    def named(group: list[int], value: str) -> str:  # a place several classes share as printed (95c #1, 96c #1, #2)
        if len(group) == 1:
            return f"{CLASS_NAMES[group[0]]} {value}"
        return f"{who(group)} {'' if value.startswith(('under', 'over')) else 'at '}{value} each"

    firsts = shared(shown, digits) if not shown.startswith("just") else [first]
    # a tie as printed that straddles the "Not sure" line is parted by more digits (review 99c #3)
    while len(firsts) > 1 and len({bug[i] >= UNSURE_BELOW for i in firsts}) > 1 and digits < 6:
        digits += 1
        shown, runner = percent(bug[first], digits), percent(bug[second], digits)
        firsts = shared(shown, digits)
    seconds = [i for i in shared(runner, digits if close else 1) if i not in firsts]
    if len(firsts) > 1:  # first place shared as printed: no class named first by its position
        top = highest_words = named(firsts, shown)
    else:
        top = f"{CLASS_NAMES[first]} {shown}, then {named(seconds, runner)}"
        highest_words = f"{CLASS_NAMES[first]} {shown}" + (
            f" and {named(seconds, runner)}" if len(seconds) == 1 else ""
        )
    unsure = is_unsure(bug)
    note = "Fed 0–1 values, the model sees an almost black image: every pixel at most 1 of 255 grey levels. "
    even = bool(np.all(np.abs(bug - UNIFORM) < EVEN_WITHIN))  # every class, not only the top (review 26c #1)
    if even:
        # "highest", not "then": two even figures need not show an order (review 90c #2)
        note += (
            f"It spreads its probability almost evenly (highest: {highest_words}): every class within "
            f"{100 * EVEN_WITHIN:.0f} points of the {UNIFORM:.0%} of a uniform guess."
        )
    elif unsure or len(firsts) > 1:  # a first place shared as printed is no answer to name in bold (review 97c #1)
        note += f"Its top classes: {top}."
    elif bug[first] < UNSURE_BELOW:  # the group reaches the line, no class does: Classify names the group (review 135)
        group = group_name(first)
        note += (
            f"It answers **{group[0].upper()}{group[1:]}, most likely {CLASS_NAMES[first]}**: {top} (the group "
            f"{percent(float(group_probability(bug)), 1)} together)."
        )
    else:
        note += f"It answers **{CLASS_NAMES[first]}**: {top}."
    if unsure:  # short: on a phone the histograms below must start in the first screen
        # review 39c #3: one pass; Classify applies the line to the average with the mirror image
        grouped = group_name(first) is not None  # the line is for the top class's group (model.inference.unsure)
        what = (
            f"its top class, summed with the look-alike classes of its group ({group_name(first)}: "
            # under the line: rounded down, never printed as the line itself (review 137 R1)
            f"{np.floor(round(float(group_probability(bug)) * 1000, 6)) / 10:.1f}% together), is"
            if grouped
            else "that is"
        )
        note += f" In one pass, {what} under the app's {UNSURE_BELOW:.0%} line for *Not sure*."
    # on the tenths printed above, as Confusion judges its near-ties (review 86c #4)
    if round(100 * bug[first], digits) - round(100 * bug[second], digits) < 100 * TIE_WITHIN - 1e-9 and not even:
        note += " Which class comes first is a near-tie."
    blank = CLASS_NAMES[int(black.argmax())]
    gap = float(np.abs(bug - black).max())  # quoted rounded up, in tenths of a point: "within" stays true
    if gap < SAME_WITHIN:
        return (
            note
            + (
                f" An all-black image gets almost the same probabilities (each within "
                f"{max(np.ceil(1000 * gap - 1e-9) / 10, 0.1):.1f} "  # never "within -0.0" (review 44c #2)
                "points): at this scale the model is answering an almost black input, whatever the upload shows."  # (86c #3)
            )
        )
    blacks = [i for i, p in enumerate(black) if percent(p, 1) == percent(black.max(), 1)]
    if len(blacks) > 1:  # the black image's own top shared as printed: no winner named by a hair (review 99c #2)
        return note + f" For an all-black image, {who(blacks)} ({percent(black.max(), 1)} each) share the top."
    if len(firsts) > 1:  # a first place shared as printed: the black image's top set against the tie (98c #1)
        among = "one of the classes tied first here" if int(black.argmax()) in firsts else "not among those tied first"
        return note + f" For an all-black image the top class is {blank} ({percent(black.max(), 1)}), {among}."
    if CLASS_NAMES[first] != blank:  # the same top class, unsure or not, gets "too" below (review 94c #2)
        return note + f" For an all-black image the top class is {blank} ({percent(black.max(), 1)})."
    # the same top class, but probabilities at least SAME_WITHIN apart: the image still moves the answer, so no cause
    # is named from a top class the black image may pick by a hair (review 36c #3)
    note += (
        f" For an all-black image the top class is {blank} too, but at {percent(black.max(), 1)}: this image's "
        f"probabilities differ from it by up to {100 * gap:.1f} points, so the image still moves the probabilities, "
        "though not the top class."  # review 40c #3
    )
    if blank == right:
        note += " The all-black image's top class is also the answer at the right scale."
    return note


def _black_image_answer(model: LoadedModel) -> np.ndarray:
    """The model's probabilities for an all-black 28x28 image, computed once per model."""
    return built_for(model, "black image", lambda: model.probabilities(np.zeros((28, 28), np.uint8))[0])


EVIDENCE_RUNS = list(PAIR)
# the two runs as the legend names them (show_curves labels their loss from their recipe)
EVIDENCE_FIGURE = {
    "names": {"notebook": "standardized pixels (notebook)", "notebook-raw": "raw 0–255 pixels (notebook-raw)"}
}


def warm_up(model: LoadedModel) -> None:
    """Draw the evidence curves, and run the tab once on a test image, ahead of time."""
    if set(EVIDENCE_RUNS) <= run_histories(model).keys():
        show_curves(EVIDENCE_RUNS, model, **EVIDENCE_FIGURE)
    _black_image_answer(model)
    example = first_example(model)
    if example:
        run_normalization(example, model)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Normalization") as tab:
        with beside_the_input(tab, examples, shared) as source:
            scaling_table = gr.Dataframe(
                headers=["fed to the model", "range", "prediction", "probability"],
                label="What the model predicts for each scaling (one pass of the network)",
                interactive=False,
                pinned_columns=1,
                wrap=True,  # with these widths and gradio_gaps.css, the four columns fit a 390-px phone
                column_widths=["32%", "18%", "28%", "22%"],
                elem_id="scaling-table",
            )
            scaling_note = gr.Markdown(elem_id="scaling-note")
            histograms = gr.HTML(label="The same pixels, three scales", elem_id="histograms")
            gr.Markdown(LEAD)
        pick_examples(source, examples)
        with gr.Accordion("How we know", open=False, elem_id="normalization-how"):
            gr.Markdown(DETAIL)
            gr.Markdown(with_normalization_words(model), elem_id="no-normalization")
            gr.Markdown(without_batch_norm(model), elem_id="without-batch-norm")
            if set(EVIDENCE_RUNS) <= run_histories(model).keys():
                norm_curves = gr.Image(
                    show_label=False, label="Training curves", interactive=False, buttons=[], elem_id="norm-curves"
                )
                gr.Markdown(CURVES_CAPTION, elem_classes=["caption"])
                evidence = partial(show_curves, EVIDENCE_RUNS, model=model, **EVIDENCE_FIGURE)
                tab.select(evidence, None, norm_curves, api_visibility="private")
        run = partial(run_normalization, model=model)
        rerun_on(source, run, [], [histograms, scaling_table, scaling_note], "normalize")
