"""The Softmax tab: the model's real logits, a temperature, every step; and logits the learner types."""

from __future__ import annotations

import inspect
import re
from functools import partial

import gradio as gr
import numpy as np

from concepts import softmax
from concepts.confusion import reliability_diagram
from model import calibration as scaling
from model.data import CLASS_NAMES, group_probability
from model.evaluate import calibration
from model.inference import TEST_TIME_FLIP, UNSURE_BELOW, LoadedModel, top_classes
from tabs.charts import bar_table
from tabs.checks import number
from tabs.checks import text as check_text
from tabs.files import figure_file, image_file
from tabs.inputs import input_pixels
from tabs.memo import built_for, fitted_record, stored_logits
from tabs.runs import classify_averages, confidence_state, percent
from tabs.wiring import RAW, beside_the_input, first_example, pick_examples, rerun_on

# What the learner reads on this tab (Markdown) lives in this module, nowhere else
LEAD = """Softmax turns the network's scores (logits) into probabilities that sum to 1: each logit is
exponentiated, so every score becomes positive and bigger scores win by a lot, then divided by the sum of all the
exponentials. Dividing the logits by a temperature T first flattens (T > 1) or sharpens (T < 1) the result without
changing which class wins."""
DETAIL = """Subtracting the largest logit before exponentiating gives the same probabilities and never
overflows: exp(1000) is infinite in floating point, exp(0) is 1."""
CALIBRATION_LEAD = """### Your temperature on the whole test set
Does a 90% probability mean the model is right 90% of the time? The slider's temperature, applied to the model's
logits for every Fashion-MNIST test image, moves this reliability diagram and its calibration error (ECE)."""
# after CALIBRATION_LEAD where Classify answers mirror-averaged (model.inference.TEST_TIME_FLIP)
ONE_PASS = f"""The logits are one pass of the network; {classify_averages()}, so its probabilities can differ."""
# Gradio's Label writes each probability rounded to a whole percent (its frontend's Math.round), which Python cannot
# change: its two panels are labelled "rounded" (one line at 390 px), and a caption under the bars and under the typed
# table says how, and where the finer numbers are (review 31c C1). Under the bars, so the bars keep their place on
# a phone's first screen.
LABEL, TYPED_LABEL = "Probabilities, rounded (one pass)", "Probabilities, rounded"
ROUNDING = "rounds each probability to a whole percent: 100% there means 99.5% or more, and 0% under 0.5%"
BARS_ROUNDED = f"The panel above the bars {ROUNDING}; the bars show each probability to one decimal."
TYPED_ROUNDED = f"The *{TYPED_LABEL}* panel {ROUNDING}; the step table shows each to four decimals."
TEMPERATURES = (0.1, 10.0)  # the slider's range and the handlers' check
# the step tables' six columns share the width, so that on a 390-px phone none is cut off (gradio_gaps.css)
STEP_WIDTHS = ["17%", "17%", "17%", "17%", "14%", "18%"]


def _check_temperature(temperature: float) -> None:
    number(temperature, *TEMPERATURES, "temperature")


def run_softmax(image_path: str | None, temperature: float, model: LoadedModel):
    """The model's real logits for the input, and softmax at a temperature, step by step."""
    _check_temperature(temperature)
    logits = model.logits(input_pixels(image_path))[0]
    steps = softmax.worked_steps(logits, temperature)
    return (
        _bars(logits, steps["probability"], temperature),
        _steps_table(CLASS_NAMES, steps),
        top_classes(steps["probability"]),
    )


def _inside(p: float) -> float:
    """P moved off exactly 0 or 1: of two or more finite logits, softmax gives every class a probability strictly
    between 0 and 1, even where float64 rounds it to 0 or 1 (at T = 0.1 it often does)."""
    return float(np.clip(p, np.nextafter(0.0, 1.0), np.nextafter(1.0, 0.0)))


def _bars(logits: np.ndarray, probability: np.ndarray, temperature: float) -> str:
    """The logits and the probabilities as bars, each probability to one decimal but never 100.0% or 0.0%
    (runs.percent; review 30c #3): bar_table formats with a format spec, so its percentages are written again here."""
    column = f"probability at T = {temperature:g}"
    bars = bar_table(
        CLASS_NAMES, {"logit": logits, column: probability}, {"logit": ".2f", column: ".1%"}, "softmax-bars"
    )
    shown = iter([percent(_inside(p), 1) for p in probability])  # the only cells ending in % (logits: ".2f")
    return re.sub(r"(?<=<span class='bar-number'>)[^<]*%(?=</span>)", lambda _: next(shown), bars)


def _steps_table(names, steps: dict) -> list[list]:
    """Every step to four decimals; a probability that rounds to 0 or 1 is said to be under 0.0001 or over 0.9999
    (review 30c #3). The sum row is a sum: 1 is right there."""
    rows = [[name, *(round(float(v[i]), 4) for v in steps.values())] for i, name in enumerate(names)]
    for row, p, e in zip(rows, steps["probability"], steps["exp"], strict=True):
        row[-1] = _four_decimals(p)
        if round(float(e), 4) == 0:  # exp(x) > 0 for every x: never shown as 0 (review 32c #1)
            row[-2] = "under 0.0001"
    return rows + [
        ["sum", "", "", "", round(float(steps["exp"].sum()), 4), round(float(steps["probability"].sum()), 4)]
    ]


def _four_decimals(p: float) -> float | str:
    """A softmax probability to four decimals, or "under 0.0001" / "over 0.9999" where that would read 0 or 1."""
    p = _inside(p)
    shown = round(p, 4)
    return shown if 0 < shown < 1 else ("over 0.9999" if shown == 1 else "under 0.0001")


SAME_WITHIN = 1e-6  # the naive float32 softmax "gives the same probabilities" when no probability is further off


def overflow_note(logits: np.ndarray, temperature: float = 1.0) -> str:
    """What the naive float32 softmax gives for these logits ÷ TEMPERATURE, next to the stable one, in words: the
    words say what happened in float32 (an exp overflowed, every exp or some underflowed to 0, the sum overflowed,
    digits were lost, or nothing)."""
    z = np.asarray(logits, np.float64) / temperature
    with np.errstate(over="ignore", under="ignore"):
        exps = np.exp(z.astype(np.float32))
        total = exps.sum(dtype=np.float32)
    naive, stable = softmax.naive_softmax(z), softmax.softmax(z)
    # each error against the softmax to 340 digits: float64's own would round a tied top's 0.5 - 1e-39 to the 0.5
    # float32 gives, and call that error 0 (reviews 63c #1, 74c #1)
    exact = softmax.exact_softmax(z)
    top = _shown(float(z.max()), temperature)  # as typed, not to 6 digits (reviews 71c #2, 72c #2)
    # at T = 1 the numbers exponentiated are the logits themselves; otherwise say they are the logits ÷ T
    scaled = (
        "" if temperature == 1 else f"At T = {temperature:g} the softmax exponentiates the logits ÷ T (largest {top}). "
    )
    largest = "the max" if temperature == 1 else "the largest logit ÷ T"
    shown64 = [_significant(p, 3) for p in stable]
    # where float64 itself stores an exact 0 or 1, that is said: "under 1e-323" is the true value's bound, not a
    # precision float64 kept (review 85c #3)
    stored64 = [_stored(p) for p in stable]
    # exact 0 or 1 in float64, in the order the values are listed (review 108c U1)
    held = [v for v, shown in zip(stored64, shown64, strict=True) if v != shown]
    why64 = (
        f" (in float64 itself {'that one is' if len(held) == 1 else 'those are'} exactly "
        f"{' and '.join(dict.fromkeys(held))}; the true {'value is' if len(held) == 1 else 'values are'} not)"
        if held
        else ""
    )
    fixed = f" Subtracting {largest} ({top}) first, in float64, gives {', '.join(shown64)}{why64}."
    # review 43c #1 (high): that reference is float64's; in float32 the max's subtraction cannot hold what is below
    # float32's range either, so where it does not match, float32's own stable result is shown too
    # float32 throughout, as the naive one: the logits stored in float32, the max subtracted there (review 48c #2)
    z32 = z.astype(np.float32)
    stable32 = softmax.naive_softmax(z32 - z32.max()).astype(np.float64)
    rounded = softmax.softmax(z32.astype(np.float64))  # from the logits as float32 stores them, the rest in float64
    # review 47c #1: only where the two differ at the digits printed, and the range named only where every
    # difference lies under float32's smallest normal number (elsewhere float32's 7 digits of each step differ too)
    # as the naive list: float32's 0 is 0 (not "under 1e-323"), its exact 1 is 1, a visible difference (51c #1)
    shown32 = [_stored(v) for v in stable32]
    differs = [i for i, shown in enumerate(shown32) if shown != stored64[i]]  # what each stores (85c #3)
    if differs:
        # and only where storing the logits in float32 makes no difference there itself (review 48c #2)
        below_normal = all(
            stable[i] < np.finfo(np.float32).tiny and _significant(rounded[i], 3) == shown64[i] for i in differs
        )
        fixed += f" In float32, subtracting it first gives {', '.join(shown32)}" + (
            f"; {'the one that differs is' if len(differs) == 1 else 'those that differ are'} under 1.2e-38, where "
            "float32 keeps fewer digits and nothing below about 1.4e-45."
            if below_normal
            else "."
        )
    if np.isinf(exps).any():
        return scaled + (
            f"Without subtracting the max, float32 overflows: exp({top}) = inf, and inf / inf is nan (a finite "
            f"exp / inf is 0), so the result is {_listed(naive)}.{fixed}"
        )
    if not exps.any():
        return scaled + (
            f"Without subtracting the max, float32 underflows: every exp is 0 (even the largest, exp({top})), so "
            f"each probability is 0 / 0 = nan: {_listed(naive)}.{fixed}"
        )
    if np.isinf(total):
        return scaled + (
            f"Without subtracting the max, float32 overflows in the sum: each exp is finite (the largest, "
            f"exp({top}), is {exps.max():.3g}) but their sum is inf, so every probability is exp / inf = 0: "
            f"{_listed(naive)}.{fixed}"
        )
    errors = softmax.errors_from(naive, exact)  # the top class's error too, which float64 would hide (63c #1)
    gap = float(errors.max())
    zero = naive == 0  # a softmax probability is never 0: lost in the exp, or in the division (review 38c #2)
    if zero.any():  # before "the same": a lost probability under SAME_WITHIN is still lost (review 36c #1)
        in_exp, in_division = zero & (exps == 0), zero & (exps > 0)
        # one lost probability is one value, not a range (review 34c #4)
        # one value where every lost one prints the same, not "up to" (review 98c #4)
        alike = len({_significant(v, 2) for v in stable[zero]}) == 1
        lost_value = _up_to(stable[zero].max(), one=alike) + (" each" if alike and int(zero.sum()) > 1 else "")
        # measured against 340 digits, so a top that takes up the lost share (1 - 4e-87) is counted too; the largest
        # error, not the lost share's sum (review 75c #1: that was 2x-4x too high beside a tied top)
        off = gap
        how = []
        if in_exp.any():
            how.append(
                f"exp({_shown(float(z[in_exp].max()), temperature)}) is already 0 (float32 has nothing below about 1.4e-45)"
            )
        if in_division.any():
            i = int(np.flatnonzero(in_division)[np.argmax(z[in_division])])
            how.append(
                f"exp({_shown(float(z[i]), temperature)}) is not 0, but divided by the sum of the exps it is {_significant(stable[i], 2)}, "
                + ("also " if in_exp.any() else "")
                + f"below{'' if in_exp.any() else ' about 1.4e-45, the smallest float32 above 0'}"  # then "comes out 0" once (96c #4)
            )
        worst = int(np.argmax(errors))
        # where the largest error is not a lost probability, say so, or "off by" reads as the loss (review 44c #1)
        where = (
            "the top probability, which float32 gives as exactly 1"
            if worst == int(np.argmax(stable)) and naive[worst] == 1
            else "a probability that did not come out 0"  # its exp may be subnormal (review 77c #2)
        )
        # hidden only where that error is the lost share itself, taken up by a top float32 gives as exactly 1
        # (review 76c #1: "lost share >= half the error" hid a surviving 0.0357 for 0.0196 beside a lost 0.011)
        lost = float(stable[zero].sum())
        spread = naive[worst] == 1 and lost > 0 and abs(off - lost) <= 0.01 * lost
        ones = "one" if int(zero.sum()) == 1 else "ones"
        if off < np.finfo(np.float64).tiny:  # below float64's normal numbers its comparisons mean little (78c #1)
            elsewhere = ""
        elif float(errors[zero].max()) >= 0.99 * off:  # a lost one as far off as any (5, 5, -110, -110)
            elsewhere = ""
        elif spread:  # review 77c #1: said too, or "off by up to 0.017" reads as a lost one's error
            elsewhere = (
                f" (in the top probability, which float32 gives as exactly 1: it takes up the lost {ones}' whole share)"
            )
        else:
            elsewhere = f" (the largest error is in {where}; the lost {ones} came to {_up_to(lost, one=True)})"
        words = (
            f"Without subtracting the max, float32 underflows for {int(zero.sum())} of them: {'; '.join(how)}"
            f"{';' if len(how) > 1 else ','} so "
            f"{'that probability comes' if int(zero.sum()) == 1 else 'those probabilities come'} out 0 instead of "
            f"{lost_value}: {_listed(naive)}, off by "
            + (
                "" if _up_to(off, one=True).startswith("something") else "up to "
            )  # not "up to something under" (96c #4)
            + f"{_up_to(off, one=True)}{elsewhere}"  # (34c #4, 37c #2)
        )
        # review 39c #1 (high): no cause is named for the rest of the error: float32's rounding of the exps, of the
        # result, and of the logits can each carry it, and the words had named one unmeasured (35c #1, 39c #1)
        return scaled + words + f".{fixed}"
    if gap < SAME_WITHIN:  # same to within SAME_WITHIN, but perhaps not a small one to its own size (37c #3, 39c #2)
        worst = int(np.argmax(errors / stable))
        got, true = float(naive[worst]), float(stable[worst])
        if errors[worst] / true <= SAME_WITHIN:
            same = (  # an exact 0 is not "0.0e+00", which reads as a rounded small number (review 82c #4)
                "the exact probabilities here, with no difference"
                if gap == 0
                else f"the exact probabilities here to within rounding (largest difference {gap:.1e})"
            )
            return (
                scaled
                + f"Without subtracting the max, float32 gives {same}. Try logits like 1000, 999, 998: exp(1000) overflows."
            )
        digits = _digits(got, true)
        # no cause is named: the logits' own rounding, the exps' and the result's can each carry it (40c #1); but
        # where float32 with the max subtracted is about as far off, that is measured and said (review 48c #1)
        off, shifted = float(errors[worst]) / true, float(stable32[worst])
        shifted_off = float(softmax.errors_from(stable32, exact)[worst]) / true  # to 340 digits, as OFF (74c #1)
        too = (
            f" With the max subtracted first, float32 gives {shifted:.{_digits(shifted, true)}g} for it, "  # 73c #1
            f"{_relative(shifted_off)} off: subtracting the max does not fix this one."
            if shifted_off >= off / 2
            else ""
        )
        return scaled + (
            f"Without subtracting the max, float32 gives the exact probabilities to within {gap:.1e}, but not "
            f"each to its own precision: the probability for {_typed(logits, z, worst, temperature)} comes out "
            f"{got:.{digits}g} instead "
            f"of {true:.{digits}g}, {_relative(off)} off.{too or fixed}"
        )
    # how far off the logits' own rounding to float32 alone puts it (everything after it exact)
    rounding = float(softmax.errors_from(softmax.exact_softmax(z32), exact).max())  # everything after it exact
    if exps.max() < np.finfo(np.float32).tiny and rounding < gap / 2:  # every exp subnormal, and they carry the error
        smallest = np.finfo(np.float32).smallest_subnormal
        return scaled + (
            f"Without subtracting the max, float32 gives {_listed(naive)}, off by up to {gap:.1e}, mostly from the "
            "exps: every exp here is below 1.2e-38, where float32 keeps fewer significant digits the smaller the "
            f"number (exp({_shown(float(z[exps.argmin()]), temperature)}) is stored as {exps.min():.2g}, "
            + (  # not "1 times" (review 86c #2)
                "the smallest float32 above 0 itself)."
                if exps.min() == smallest
                else f"{exps.min() / smallest:,.0f} times the smallest float32 above 0)."
            )
            + fixed
        )
    # measurements only, no cause named (reviews 68c-70c: each named cause had inputs where it was wrong): float32
    # with the max subtracted, compared by the ratio of the two errors; the error of storing the logits in float32
    # alone, where it is half the error or more; and the probability furthest off for its size, with and without
    # the subtraction, where that is 0.1% or more (a small one can be far off while the largest error is elsewhere)
    shifted_gap = float(softmax.errors_from(stable32, exact).max())
    ratio = shifted_gap / gap
    compared = "more" if ratio >= 1.25 else "about as much" if ratio >= 0.8 else "less"
    words = (
        f"Without subtracting the max, float32 gives {_listed(naive)}, off by up to {gap:.1e}; with {largest} "
        f"subtracted first, float32 is off by {compared} ({shifted_gap:.1e})."
    )
    if rounding >= gap / 2:
        i = int(np.argmax(np.abs(z.astype(np.float32).astype(np.float64) - z)))
        what = "the logits" if temperature == 1 else "the logits ÷ T"
        words += (
            f" Storing {what} in float32 alone ({_shown(float(z[i]), temperature)} as "  # typed, in full (73c #2)
            f"{float(z.astype(np.float32)[i]):.10g}), everything "
            f"after it exact, puts the result off by {rounding:.1e}."
        )
    relative = errors / np.maximum(stable, np.finfo(np.float64).tiny)  # never 0 here: not all lost
    j = int(np.argmax(relative))
    if relative[j] >= 1e-3:
        got, true, shifted = float(naive[j]), float(stable[j]), float(stable32[j])
        shifted_off = float(softmax.errors_from(stable32, exact)[j]) / true
        d = _digits(got, true)
        words += (
            f" The probability for {_typed(logits, z, j, temperature)} comes out {got:.{d}g} instead of "
            f"{true:.{d}g}, {_relative(relative[j])} off; with {largest} subtracted first, "
            f"{shifted:.{_digits(shifted, true)}g}, {_relative(shifted_off)} off."
        )
    return scaled + f"{words} In float64 the softmax gives {', '.join(shown64)}."


def _digits(got: float, true: float) -> int:
    """Enough significant digits that GOT and TRUE differ on the page (review 38c #3: "3e-40 instead of 3e-40"), and
    by about what they differ by, neither much more (review 50c #1: 0.5025005 and 0.5025000 are not "0.503 instead of
    0.502") nor much less (review 72c #1: 9.85e-08 and 1.018e-07 are not "9.9e-08 instead of 1e-07")."""
    if got == true:
        return 3
    return next(
        (
            d
            for d in range(2, 18)
            if f"{got:.{d}g}" != f"{true:.{d}g}"
            and 0.5 * abs(got - true) <= abs(float(f"{got:.{d}g}") - float(f"{true:.{d}g}")) <= 2 * abs(got - true)
        ),
        17,
    )


def _typed(logits, z: np.ndarray, i: int, temperature: float) -> str:
    """The logit the learner typed, and its value ÷ T where T is not 1: "-10 (-100 after ÷ T)" (review 42c #2)."""
    typed = _shown(float(np.asarray(logits, np.float64)[i]))  # review 71c #2: -103.97112, not -103.971
    return typed if temperature == 1 else f"{typed} ({_shown(float(z[i]), temperature)} after ÷ T)"


def _shown(value: float, temperature: float = 1.0) -> str:
    """A number exponentiated, as the learner typed it where T is 1: the shortest digits that give back the same
    float ("-103.97112", "-100.00000000001", "1000"; review 72c #2); a logit ÷ T, which nobody typed, to 10
    significant digits (8.53 ÷ 0.1 is 85.30000000000001 in float64)."""
    if temperature != 1:
        return f"{value:.10g}"
    shortest = repr(float(value))
    return shortest[:-2] if shortest.endswith(".0") else shortest


def _relative(error: float) -> str:
    """ "1.7%" of its own size, or "3.2e-06 of its size" below a tenth of a percent."""
    if error < 1e-3:
        return f"{error:.1e} of its size"
    return f"{100 * error:.0f}%" if error >= 0.1 else f"{100 * error:.2g}%"  # 99.6%: "100%", not "1e+02%" (71c #1)


def _stored(v: float) -> str:
    """A float32 result: 0 and 1 only where exactly so, "over 0.999" where 3 digits would round up to 1 (never "1" for
    0.9999991: review 51c #1), nan as nan."""
    return "0" if v == 0 else "1" if v == 1 else _significant(float(v), 3)


def _listed(values: np.ndarray) -> str:
    """0.665, 0.245, 0.09 (not numpy's padded "[0.665 0.245 0.09 ]"), each as ``_stored``."""
    return ", ".join(_stored(v) for v in values)


def _significant(p: float, digits: int) -> str:
    """A softmax probability to DIGITS significant digits, never 1 or 0: "over 0.999" where it would read 1, "under
    1e-323" where float64 rounded it to 0 (review 30c #3)."""
    if p <= 0:  # exp of a logit more than about 745 below the max: 0 in float64, the probability under 5e-324
        return "under 1e-323"
    if p < np.finfo(np.float64).tiny:  # float64 holds it with few digits (7.7e-324 as 1e-323): review 78c #1
        return "under 1e-307"
    shown = f"{p:.{digits}g}"
    return f"over {1 - 10.0**-digits:.{digits}g}" if shown == "1" else shown


def _up_to(p: float, one: bool = False) -> str:
    """ "up to 0.27" ("0.27" for ONE value, not a range), or "something under 1e-323" where float64 has it at 0 too."""
    shown = _significant(p, 2)
    return f"something {shown}" if shown.startswith("under") else shown if one else f"up to {shown}"


def run_typed_logits(text: str, temperature: float):
    """Logits the learner typed -> the softmax, every step shown."""
    text = check_text(text, "text")
    _check_temperature(temperature)
    try:
        logits = softmax.parse_logits(text)
    except ValueError as problem:
        raise gr.Error(str(problem)) from problem
    names = [f"z{i + 1}" for i in range(len(logits))]
    steps = softmax.worked_steps(logits, temperature)
    probs = {n: float(p) for n, p in zip(names, steps["probability"], strict=True)}
    return _steps_table(names, steps), probs, overflow_note(logits, temperature)


BINS = inspect.signature(calibration).parameters["bins"].default  # the ECE's bins, as metrics.json's
SLIDER_STEP = 0.1  # the temperature slider's step: its values' figures are kept, any other is drawn each time


def _calibration_at(logits: dict, temperature: float) -> tuple[dict, float, float]:
    """The test set's reliability bins and ECE at a temperature, its mean top probability and its accuracy."""
    probs, labels = softmax.softmax(logits["test_logits"], temperature), logits["test_labels"]
    return calibration(probs, labels, BINS), float(probs.max(axis=1).mean()), float((probs.argmax(1) == labels).mean())


def _reliability_file(model: LoadedModel, logits: dict, temperature: float) -> str:
    def draw():
        figure = reliability_diagram(_calibration_at(logits, temperature)[0])
        figure.axes[0].set_title(f"T = {temperature:g}: ECE {figure.axes[0].get_title().split('= ')[-1]}", fontsize=11)
        return figure

    if round(temperature / SLIDER_STEP, 6).is_integer():  # a slider value: drawn once per model
        return built_for(model, f"reliability at T = {temperature:g}", lambda: figure_file(draw()))
    figure = draw()
    figure.canvas.draw()
    picture = np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
    import matplotlib.pyplot as plt

    plt.close(figure)
    return image_file(picture)


def calibrate(temperature: float, model: LoadedModel) -> tuple[str, str, dict]:
    """The learner's temperature on the test set's logits: the reliability diagram, its ECE in words, and the
    numbers (ECE, mean confidence, accuracy, the fitted temperature) for API callers."""
    _check_temperature(temperature)
    logits = stored_logits(model)
    if logits is None:
        raise gr.Error(f"This model folder has no logits for these weights: `{scaling.COMMAND} FOLDER` keeps them.")
    cal, confidence, accuracy = _calibration_at(logits, temperature)
    fitted = fitted_record(model)["temperature"]
    note = (
        f"At T = {temperature:g}, one pass of the network on the {len(logits['test_labels']):,} test images: "
        f"ECE **{cal['ece']:.2%}**, "
        f"mean top probability {confidence:.1%} for {accuracy:.1%} accuracy (T never changes which class wins). "
        f"Temperature scaling chose T = {shown_t(fitted)} (below, *How we know*)."
    )
    values = {"temperature": temperature, "ece": cal["ece"], "confidence": confidence, "accuracy": accuracy}
    return _reliability_file(model, logits, temperature), note, values | {"fitted_temperature": fitted}


def shown_t(t: float) -> str:
    """A fitted temperature as every sentence prints it: to three decimals, or to as many more (up to six) as tell
    it from 1 where three would print it as 1.000 (review 91c #1: "T = 1.000 leaves its probabilities as they are"
    beside an image it moved across the 40% line); closer to 1 than that, as 1 plus or minus its distance from 1
    (review 93c #3)."""
    for digits in range(3, 7):
        shown = f"{t:.{digits}f}"
        if t == 1 or float(shown) != 1:
            return shown
    return f"1 {'+' if t > 1 else '−'} {abs(t - 1):.0e}"


def _as_printed(t: float) -> float:
    """The temperature as shown_t prints it, as a number (its own value where printed as 1 ± a distance)."""
    shown = shown_t(t)
    return float(shown) if " " not in shown else t


def scaling_words(model: LoadedModel) -> str:
    """Temperature scaling, with the fitted temperature and the ECE before and after it, computed from the logits."""
    logits = stored_logits(model)
    if logits is None:
        return ""
    fitted = fitted_record(model)["temperature"]
    (before, confidence, accuracy), after = _calibration_at(logits, 1.0), _calibration_at(logits, fitted)[0]
    val = len(logits["val_labels"])
    state = confidence_state(confidence, accuracy)  # None: within half a point (review 33c #2)
    effect = "sharpens" if fitted < 1 else "flattens"  # softmax(z / T): T < 1 spreads the logits apart
    # "only slightly" where three decimals would print it as 1.000, not for any six-character T (review 92c #1)
    change = f"{effect} its probabilities" + (" only slightly" if f"{fitted:.3f}" == f"{1:.3f}" else "")
    if fitted == 1:  # no direction for no change (reviews 35c #4, 91c #1)
        change = "leaves its probabilities as they are"
    direction = (
        f"{state} at T = 1 ({confidence:.1%} mean top probability for {accuracy:.1%} accuracy)"
        if state
        else f"neither over- nor under-confident on average at T = 1 ({confidence:.1%} mean top probability, within "
        f"half a point of its {accuracy:.1%} accuracy)"
    )
    # a fit the other way from the test set's gap: from the validation images' NLL, not the test set's gap (93c #1)
    other_way = fitted != 1 and (state == "under-confident") == (fitted > 1) and state is not None
    other = (
        f" That T goes the other way from the test set's {state} gap: the fit minimises the validation images' NLL, "
        "which need not close that gap."
        if other_way
        else ""
    )
    ece = (  # not "from 7.62% to 7.62%" (review 93c #4)
        f"leaves the ECE at **{before['ece']:.2%}** (to two decimals)"
        if f"{before['ece']:.2%}" == f"{after['ece']:.2%}"
        else f"takes the ECE from **{before['ece']:.2%}** at T = 1 to **{after['ece']:.2%}**"
    )
    return (
        f"**Temperature scaling** (Guo et al. 2017) picks the one T that minimises the negative log-likelihood of "
        f"the {val:,} validation images train.py held out of training (they also picked which fine-tune seed was "
        f"kept), never the test set: here **T = {shown_t(fitted)}** "  # review 98c #2
        f"({_on_the_slider(logits, fitted)}). On the test set it {ece}, without changing any top class"
        f"{_not_sure_line(logits['test_logits'], fitted, getattr(model, 'feature_distance', None) is not None)}. This model is {direction}; T = {shown_t(fitted)} {change}, "
        f"though the app itself answers at T = 1: the fitted T is shown here, not applied.{other} The ECE: the absolute gap between accuracy and mean confidence in each of {BINS} "
        "equal-width confidence bins, averaged with each bin weighted by its share of the images. The logits were kept, and T fitted, by "
        f"`{fitted_record(model).get('command', scaling.COMMAND)}`: the app has no dataset at run time.\n\n" + DETAIL
    )


def slider_steps(temperature: float) -> tuple[float, ...]:
    """The slider's step TEMPERATURE is on, (step,), or the two steps either side of it, (below, above); () outside
    the slider's range."""
    if not TEMPERATURES[0] <= _as_printed(temperature) <= TEMPERATURES[1]:  # as printed, as the steps (93c #2)
        return ()
    steps = temperature / SLIDER_STEP
    shown = shown_t(temperature)
    digits = len(shown.split(".")[1]) if " " not in shown else 9  # on a step at the digits printed (36c #2, 92c #2)
    if f"{temperature:.{digits}f}" == f"{round(steps) * SLIDER_STEP:.{digits}f}":  # the fit: ~1e-6 off a step
        return (round(round(steps) * SLIDER_STEP, 6),)
    below = int(np.floor(steps))
    return round(below * SLIDER_STEP, 6), round((below + 1) * SLIDER_STEP, 6)


def _on_the_slider(logits: dict, fitted: float) -> str:
    """Where the fitted T lies on the slider: on a step, between two (with the test ECE at each: the fit minimises
    the validation NLL, so the step nearer to it need not have the lower ECE), or outside its range."""
    steps = slider_steps(fitted)
    if not steps:
        return f"outside the slider's range, {TEMPERATURES[0]:g} to {TEMPERATURES[1]:g}"
    if len(steps) == 1:
        return f"a step of the slider: {steps[0]:g}"
    eces = [_calibration_at(logits, t)[0]["ece"] for t in steps]
    return (
        f"between the slider's steps {steps[0]:g} and {steps[1]:g}, where the test ECE is {eces[0]:.2%} and "
        f"{eces[1]:.2%}; the fit minimises the validation NLL, not the test ECE"
    )


def _not_sure_line(logits: np.ndarray, fitted: float, unlike: bool = True) -> str:
    """Whether the fitted T moves test images across the app's "Not sure" line (the top class's probability, with
    its group's classes added, under UNSURE_BELOW: model.inference.unsure): T changes no top class, but it does
    change how sure each answer is. Counted image by image: a group's sum need not move the way the top class's
    own probability does. UNLIKE: the model also says "Not sure" for inputs unlike its training photos (a fitted
    feature distance)."""
    masks = [group_probability(softmax.softmax(logits, t)) < UNSURE_BELOW for t in (1.0, fitted)]
    under = [int(m.sum()) for m in masks]
    # what Classify does besides: only what it does (review 47c #2: the mirror average is TEST_TIME_FLIP's)
    # the test images are not cut out: Classify averages each with its mirror image only (review 124 #16)
    mirror = "Classify applies the line after averaging each test image with its mirror image" if TEST_TIME_FLIP else ""
    if np.array_equal(*masks):
        return (
            f", or how many fall under the app's {UNSURE_BELOW:.0%} line for *Not sure*, which it draws on the top "
            f"class summed with its look-alike classes, upper-body garments or footwear ({under[0]:,} in one pass of "
            f"the network{'; ' + mirror if mirror else ''})"
        )
    besides = [mirror] if mirror else []
    if unlike:
        besides.append(
            f"{'also ' if mirror else 'Classify also '}says *Not sure* for inputs unlike its training photos"
        )
    return (
        f"; it does move images across the app's {UNSURE_BELOW:.0%} line for *Not sure*: {under[0]:,} test "
        f"{'image has' if under[0] == 1 else 'images have'} a top class, summed with its look-alike classes "
        f"(upper-body garments, footwear), under it at T = 1, "
        f"{under[1]:,} at "
        f"T = {shown_t(fitted)} (one pass of the network"
        + (f"; {', and '.join(besides)}, so its own counts can differ)" if besides else ")")
    )


def warm_up(model: LoadedModel) -> None:
    """Trace the logits read-out on a test image, and draw the reliability diagram at T = 1, ahead of time."""
    example = first_example(model)
    if example:
        run_softmax(example, 1.0, model)
    if stored_logits(model) is not None:
        calibrate(1.0, model)


def build(model: LoadedModel, examples: list[str], shared: gr.State) -> None:
    with gr.Tab("Softmax") as tab:
        with beside_the_input(tab, examples, shared) as source:
            temperature = gr.Slider(*TEMPERATURES, value=1, step=0.1, label="Temperature T")
            softmax_label = gr.Label(
                num_top_classes=3,
                label=LABEL,
                elem_id="softmax-label",
            )
            softmax_bars = gr.HTML(label="Logits and probabilities", elem_id="softmax-bars")
            gr.Markdown(BARS_ROUNDED, elem_id="softmax-rounded")
            gr.Markdown(LEAD)
        pick_examples(source, examples)
        headers = ["class", "logit", "÷ T", "− max", "exp", "probability"]
        softmax_table = gr.Dataframe(
            headers=headers,
            label="Step by step",
            interactive=False,
            pinned_columns=1,
            wrap=True,
            column_widths=STEP_WIDTHS,
            elem_id="softmax-steps",
        )
        calibrated = stored_logits(model) is not None
        if calibrated:
            gr.Markdown(CALIBRATION_LEAD + ("\n\n" + ONE_PASS if TEST_TIME_FLIP else ""))
            with gr.Row(elem_id="temperature-calibration"):  # each side at least 300 px: on a phone they stack
                reliability_plot = gr.Image(
                    show_label=False,
                    label="Reliability diagram at this temperature",
                    interactive=False,
                    buttons=[],
                    elem_id="softmax-reliability",
                    min_width=300,
                )
                with gr.Column(min_width=300):
                    reliability_note = gr.Markdown(elem_id="softmax-ece")
                    reliability_values = gr.JSON(visible=False, label="Calibration at this temperature")
                    with gr.Accordion("How we know", open=False):
                        gr.Markdown(scaling_words(model), elem_id="temperature-scaling")
        else:
            with gr.Accordion("How we know", open=False):
                gr.Markdown(DETAIL)
        gr.Markdown("### Your own logits")
        with gr.Row():
            logits_text = gr.Textbox("1000, 999, 998", label="Logits, separated by commas")
            logits_button = gr.Button("Compute softmax", variant="primary")
        typed_note = gr.Markdown()
        with gr.Row():  # each at least 300 px wide: on a phone they stack
            typed_table = gr.Dataframe(
                headers=["z", *headers[1:]],
                label="Step by step",
                interactive=False,
                pinned_columns=1,
                wrap=True,
                column_widths=STEP_WIDTHS,
                min_width=300,
                scale=2,
                elem_id="typed-steps",
            )
            typed_label = gr.Label(label=TYPED_LABEL, min_width=300, elem_id="typed-label")
        gr.Markdown(TYPED_ROUNDED, elem_id="typed-rounded")  # under the row: on a phone, under the panel
        outputs = [softmax_bars, softmax_table, softmax_label]
        rerun_on(source, partial(run_softmax, model=model), [temperature], outputs, "softmax")
        gr.on(
            [logits_button.click, logits_text.submit, tab.select, temperature.release],
            run_typed_logits,
            [logits_text, temperature],
            [typed_table, typed_label, typed_note],
            api_name="softmax_logits",
            trigger_mode="always_last",
            **RAW,
        )
        if calibrated:
            gr.on(
                [tab.select, temperature.release],
                partial(calibrate, model=model),
                [temperature],
                [reliability_plot, reliability_note, reliability_values],
                api_name="softmax_calibration",
                trigger_mode="always_last",
                **RAW,
            )
