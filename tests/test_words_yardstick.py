"""Reviews 79b #1, #3, 81b, 82b #2: the Playground's seed yardstick is rounded up to hundredths of a point, the precision of every
accuracy gap set against it (accuracies on 10,000, 5,000 or 2,000 images), so that every "less than", "level with"
and "more than" a learner reads can be checked from the two printed figures. Unrounded, a 1.3747 yardstick printed
as "1.37" stood beside a 1.37-point gap called "less than" it; rounded down, a 1.37-point gap, inside the band, was
called past it.

Each sentence is rendered from the shipped JSON files with one accuracy moved by hand to a hundredth below, on, or
above the yardstick; the yardstick is computed here from playground.json's seeds, never taken from the code under
test.
"""

from __future__ import annotations

import copy
import json
import re
from types import SimpleNamespace

import numpy as np
import pytest

from tests.helpers import SHIPPED

RUNS = json.loads((SHIPPED / "ablations.json").read_text())
METRICS = json.loads((SHIPPED / "metrics.json").read_text())
BEFORE = json.loads((SHIPPED / "fashion-mnist-only" / "metrics.json").read_text())
GRID = json.loads((SHIPPED / "playground.json").read_text())
MEASURED = json.loads((SHIPPED / "batch_norm.json").read_text())
KEPT = {p.parent.name for p in (SHIPPED / "ablations").glob("*/config.json")}

SEEDS = [100 * r["test_accuracy"] for r in GRID["runs"].values() if r["config"] == GRID["default"]]
NOISE = float(np.ceil(100 * 2 * np.sqrt(2) * np.std(SEEDS, ddof=1))) / 100  # points, rounded up to hundredths
SHOWN = f"the {NOISE:.2f} points under which two single runs"
# a gap a hundredth under the yardstick, on it, a hundredth past it
SIDES = {"below": round(NOISE - 0.01, 2), "level": NOISE, "above": round(NOISE + 0.01, 2)}


def flat(text: str) -> str:
    return " ".join(text.split())


def model(tmp_path=None, grid: dict | None = GRID, **test_accuracy: float) -> SimpleNamespace:
    """The shipped runs as a stand-in model folder, some test accuracies replaced (_ for -)."""
    runs = copy.deepcopy(RUNS)
    for name, accuracy in test_accuracy.items():
        runs[name.replace("_", "-")]["test_accuracy"] = accuracy
    if tmp_path is not None:
        (tmp_path / "batch_norm.json").write_text(json.dumps(MEASURED))
    return SimpleNamespace(
        ablations=runs,
        metrics=METRICS,
        fashion_mnist_only=SimpleNamespace(metrics=BEFORE),
        folder=tmp_path,
        playground=copy.deepcopy(grid),
        has_ablation_model=lambda name: name in KEPT,
        real_photo_results=None,
        probabilities=None,
    )


def test_the_yardstick_is_in_hundredths_and_printed_as_it_is():
    from model import playground
    from tabs.runs import seed_noise, seed_yardstick

    assert playground.noise_threshold(GRID) == NOISE == seed_noise(GRID)
    assert seed_yardstick(GRID, NOISE).startswith(SHOWN)


def test_rounding_up_keeps_every_whole_hundredth_on_its_side_of_the_unrounded_threshold():
    """Review 82b #2: a gap in whole hundredths is under the printed yardstick exactly where it is under 2√2 sd."""
    from tabs.runs import under

    exact = float(2 * np.sqrt(2) * np.std(SEEDS, ddof=1))
    assert exact < NOISE < exact + 0.01
    for hundredths in range(0, 600):
        assert under(hundredths / 100, NOISE) == (hundredths / 100 < exact), hundredths


def test_too_close_is_half_a_point_in_hundredths():
    """Review 82b #3: 0.8876 - 0.8826 and 0.885 - 0.880 both print 0.50; both are past TOO_CLOSE."""
    from tabs.runs import TOO_CLOSE

    for a, b in ((0.8876, 0.8826), (0.885, 0.880), (0.9, 0.895)):
        assert f"{100 * (a - b):.2f}" == "0.50" and abs(100 * (a - b)) >= TOO_CLOSE
    assert 100 * (0.885 - 0.8801) < TOO_CLOSE


def test_under_and_past_compare_in_hundredths():
    """A gap computed as 100 x (0.9 - 0.8863) is 1.3700000000000045: level with a 1.37 yardstick, not past it."""
    from tabs.runs import past, under

    gap = 100 * (0.9 - (0.9 - NOISE / 100))
    assert gap != NOISE and not under(gap, NOISE) and past(gap, NOISE) == "level with"
    assert under(SIDES["below"], NOISE) and past(SIDES["above"], NOISE, "past") == "past"
    assert not under(-SIDES["above"], NOISE) and under(-SIDES["below"], NOISE)


@pytest.mark.parametrize(
    "side, said",
    [("below", ", less than " + SHOWN), ("level", "as it is level with " + SHOWN), ("above", "as it is past " + SHOWN)],
)
def test_ablation_words(side, said):
    from tabs.runs import ablation_words

    words = flat(ablation_words(model(baseline=0.9, avgpool=0.9 - SIDES[side] / 100), "avgpool", "average pooling"))
    assert said in words, words
    assert ("but under twice it" in words) == (side != "below")


@pytest.mark.parametrize(
    "side, said",
    [
        ("below", "; less than " + SHOWN),
        ("level", "as it is level with " + SHOWN),
        ("above", "as it is past " + SHOWN),
    ],
)
def test_batch_norm_words(tmp_path, side, said):
    from tabs.filters import batch_norm_words

    words = flat(batch_norm_words(model(tmp_path, notebook=0.9, notebook_bn=0.9 - SIDES[side] / 100)))
    assert f"**{SIDES[side]:.2f} points worse**, one run each" in words and said in words, words


@pytest.mark.parametrize(
    "side, said",
    [("below", ", less than " + SHOWN), ("level", ", level with " + SHOWN), ("above", ", more than " + SHOWN)],
)
def test_reestimated_words(tmp_path, side, said):
    from tabs.runs import reestimated_words

    measured = copy.deepcopy(MEASURED)
    plain = measured["networks"]["notebook"]["test_accuracy"]
    measured["networks"]["notebook-bn"]["reestimated"]["test_accuracy"] = plain - SIDES[side] / 100
    m = model(tmp_path)
    (tmp_path / "batch_norm.json").write_text(json.dumps(measured))
    words = flat(reestimated_words(m))
    assert f"Re-estimated, it is {SIDES[side]:.2f} points below the network without batch norm{said}" in words, words


@pytest.mark.parametrize(
    "side, said",
    [
        ("below", "both changes are less than " + SHOWN),
        ("level", "both changes are a hint, not a finding"),
        ("above", "both changes are a hint, not a finding"),
    ],
)
def test_regularisation_words_both_on_one_side(side, said):
    from tabs.overfitting import regularisation_words

    base = RUNS["baseline"]["test_accuracy"]
    up = base + SIDES[side] / 100
    words = flat(regularisation_words(model(no_dropout=up, no_augmentation=up)))
    assert f"leaving dropout out scored {SIDES[side]:+.2f} points and leaving augmentation out" in words
    assert said in words, words


@pytest.mark.parametrize("side, said", [("level", "is level with it, so a hint"), ("above", "is more, so a hint")])
def test_regularisation_words_one_each_side(side, said):
    """Review 81b #1: "level with" names what it is level with; the figures are not said twice (81b #3)."""
    from tabs.overfitting import regularisation_words

    base = RUNS["baseline"]["test_accuracy"]
    m = model(no_dropout=base + SIDES["below"] / 100, no_augmentation=base - SIDES[side] / 100)
    words = flat(regularisation_words(m))
    assert (
        f"set against {SHOWN}" in words
        and "the change without dropout is less, so possibly noise; the change without augmentation " + said in words
    ), words
    assert words.count("leaving dropout out scored") == 1


@pytest.mark.parametrize(
    "side, said",
    [("below", ": less than " + SHOWN), ("level", ": level with " + SHOWN), ("above", ": more than " + SHOWN)],
)
def test_augmentation_on_the_ladder(side, said):
    from tabs.overfitting import _augmentation_on_the_ladder

    m = model(vgg=0.9, vgg_aug=0.9 + SIDES[side] / 100)
    words = flat(_augmentation_on_the_ladder(m.ablations, m))
    assert f"by {SIDES[side]:+.2f} points" in words and said in words, words


@pytest.mark.parametrize(
    "side, said",
    [("below", ": less than " + SHOWN), ("level", ": level with " + SHOWN), ("above", ": more than " + SHOWN)],
)
def test_validation_reestimated(side, said):
    from tabs.filters import _validation_reestimated

    alike = {
        "vgg": {"reestimated": {"validation_accuracy": 0.9, "test_accuracy": 0.9}},
        "vgg-aug": {"reestimated": {"validation_accuracy": 0.9 + SIDES[side] / 100, "test_accuracy": 0.9}},
    }
    words = flat(_validation_reestimated(alike, ("vgg", "vgg-aug"), GRID))
    assert f", {SIDES[side]:.2f} points higher (one run each){said}" in words, words


@pytest.mark.parametrize(
    "gap, said",
    [
        (SIDES["below"], "That is less than " + SHOWN),
        (NOISE, "That is level with " + SHOWN),
        (SIDES["above"], "That is more than " + SHOWN),
        (2 * NOISE - 0.01, "but less than twice it"),
        (2 * NOISE, "That is level with twice " + SHOWN),
        (2 * NOISE + 0.01, "That is more than twice " + SHOWN),
    ],
)
def test_without_batch_norm(gap, said):
    from tabs.normalization import without_batch_norm

    words = flat(without_batch_norm(model(notebook=0.9, notebook_raw=0.9 - gap / 100)))
    assert f"ended **{gap:.2f} points** higher" in words and said in words, words
    assert "That yardstick is for scale only" in words or "not that setting" in words  # review 81c #1: every tier


@pytest.mark.parametrize(
    "side, said",
    [
        ("below", "Both differences are less than " + SHOWN),
        ("level", "The first difference is level with, the second less than, " + SHOWN),
        ("above", "The first difference is more than, the second less than, " + SHOWN),
    ],
)
def test_running_average_words(side, said):
    """The Playground's batch-norm pair, standardized against raw: as trained SIDE of the yardstick, re-estimated
    0.50 points apart."""
    from model.playground import DEFAULT, config_key
    from tabs.normalization import running_average_words

    grid = copy.deepcopy(GRID)
    runs = [grid["runs"][config_key({**DEFAULT, "batch_norm": True, "normalize": on})] for on in (True, False)]
    runs[0]["test_accuracy"], runs[1]["test_accuracy"] = 0.9, 0.9 - SIDES[side] / 100
    runs[0]["test_accuracy_reestimated"], runs[1]["test_accuracy_reestimated"] = 0.9, 0.895
    assert said in flat(running_average_words(grid))


@pytest.mark.parametrize(
    "side, said",
    [
        ("below", f": under the Playground's {NOISE:.2f}-point noise line (below), so possibly noise; that line is"),
        ("level", f": level with the Playground's {NOISE:.2f}-point noise line (below), so a hint, not a finding"),
        ("above", f": past the Playground's {NOISE:.2f}-point noise line (below), so a hint, not a finding"),
    ],
)
def test_augmentation_step_on_the_improve_tab(side, said):
    from tabs.improve import _augmentation_step

    m = model(vgg=0.9, vgg_aug=0.9 + SIDES[side] / 100)
    epochs = {name: RUNS[name]["epochs"] for name in ("baseline", "vgg", "vgg-aug")}
    words = flat(_augmentation_step(m, epochs))
    assert (
        f"scored {SIDES[side]:+.2f} points against the row above, in one pair of runs never repeated with other seeds"
        + said
        in words
    )
    assert f"a difference of less than {NOISE:.2f} points between two single runs is called within noise" in words
    assert ", in the Playground" not in words  # review 81a #4: its own sentence, not a comma splice


@pytest.mark.parametrize(
    "gap, said",
    [
        (SIDES["below"], "but the drop is less than " + SHOWN),
        (NOISE, "The drop is level with " + SHOWN),
        (SIDES["above"], "The drop is more than " + SHOWN),
        (2 * NOISE, "The drop is level with twice " + SHOWN),
        (2 * NOISE + 0.01, "The drop is more than twice " + SHOWN),
    ],
)
def test_overfit_words_on_the_improve_tab(gap, said):
    """A rung that overfitted GAP points lower than the row above: where the drop stands against the yardstick,
    named, for scale only, and never a "likely" cause (review 81a #1)."""
    from tabs import improve
    from tests.test_words_improve import lower_rungs

    before, after = lower_rungs("+ augmentation", overfit=True, drop=gap / 100)
    words = flat(improve.overfit_words(before, after, GRID))
    assert f"scored {gap:.2f} points lower than the row above" in words and said in words, words
    assert "likely" not in words and "for scale only" in words


@pytest.mark.parametrize("side", ["below", "level", "above"])
def test_pinned_run_and_effects_table_on_the_playground(side):
    """A pinned run SIDE of the yardstick from this one: the pinned sentence and the knobs' table."""
    from model.playground import config_key
    from tabs import playground as tab

    grid = copy.deepcopy(GRID)
    this = {**tab.DEFAULT_CHOICES, "dropout": "0.5"}  # not the default setting, whose seeds set the noise
    other = {**this, "pool": "average"}
    grid["runs"][config_key(tab.config_of(this))]["test_accuracy"] = 0.9
    grid["runs"][config_key(tab.config_of(other))]["test_accuracy"] = 0.9 + SIDES[side] / 100
    m = SimpleNamespace(playground=grid, folder=SHIPPED)
    _, table, words, _ = tab.show_run(*this.values(), config_key(tab.config_of(other)), m)
    words = flat(words)
    verdict = {
        "below": "within the default setting's seed noise",
        "level": "level with the default setting's seed noise",
    }
    pinned = f"**Pinned run**: {SIDES[side]:+.2f} points of test accuracy against this one ("
    assert pinned + verdict.get(side, "more than the default setting's seed noise") in words, words
    assert f"would differ by less than {NOISE:.2f} points" in words
    row = re.search(r"Pooling → [^<]*</td><td>([+-]\d+\.\d+)</td><td>([^<]*)</td>", table)
    assert float(row.group(1)) == SIDES[side]
    assert row.group(2) == ("within noise" if side == "below" else "higher, one run each"), table


def test_a_file_an_image_from_the_record_says_whose_figures_it_gives(tmp_path):
    """Reviews 82b #5, 83b #1, #2: batch_norm.json is used within 3 test images of a run's record; where its as-trained
    score is not the record printed beside it, the sentence says its figures are the file's, and each difference is
    taken between two figures of the file's one pass."""
    from tabs.filters import batch_norm_words
    from tabs.overfitting import regularisation_words

    plain = RUNS["notebook"]["test_accuracy"]
    m = model(tmp_path, notebook_bn=round(plain - 0.0274, 4))
    measured = copy.deepcopy(MEASURED)
    bn = measured["networks"]["notebook-bn"]
    bn["test_accuracy"] = round(plain - 0.0273, 4)  # one image from the record
    (tmp_path / "batch_norm.json").write_text(json.dumps(measured))
    words = flat(batch_norm_words(m))
    again = bn["reestimated"]["test_accuracy"]
    assert "**2.74 points worse**" in words and "2.73-point deficit" in words, words
    assert f"cost it {100 * (again - bn['test_accuracy']):.2f} points" in words
    said = (  # before any figure of the pass (review 84b #2)
        f"In batch_norm.json's own pass, the network with batch norm scored {bn['test_accuracy']:.2%} as trained, against "
        f"{plain - 0.0274:.2%} in its training record"
    )
    assert said in words and words.index(said) < words.index("cost it"), words
    agreed = flat(batch_norm_words(model(tmp_path, notebook_bn=bn["test_accuracy"])))
    assert "These figures are batch_norm.json's own pass" not in agreed
    # the ladder's augmentation step: the file's vgg an image from its record
    measured = copy.deepcopy(MEASURED)
    measured["networks"]["vgg"]["test_accuracy"] = round(RUNS["vgg"]["test_accuracy"] + 0.0001, 4)
    ladder = model(tmp_path)  # writes the shipped file: moved after
    (tmp_path / "batch_norm.json").write_text(json.dumps(measured))
    words = flat(regularisation_words(ladder))
    assert "In batch_norm.json's own pass, the ladder's run without augmentation scored" in words, words
    step = 100 * (MEASURED["networks"]["vgg-aug"]["test_accuracy"] - measured["networks"]["vgg"]["test_accuracy"])
    assert f", against {step:+.2f} as trained in the same pass" in words  # review 84b #3: the step narrowed
