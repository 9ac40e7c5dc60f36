"""Every sentence true: the words a learner reads, pinned to the model folder's files and to the code.

A sentence whose truth depends on a run is chosen by code from the numbers; each branch is tested here on a
copy of the shipped runs with the numbers moved, the shipped branch on the shipped files.
"""

from __future__ import annotations

import copy
import json
import re
from types import SimpleNamespace

import keras
import numpy as np
import pytest

from tests.helpers import ROOT, SHIPPED

RUNS = json.loads((SHIPPED / "ablations.json").read_text())
METRICS = json.loads((SHIPPED / "metrics.json").read_text())
BEFORE = json.loads((SHIPPED / "fashion-mnist-only" / "metrics.json").read_text())


def fake_model(**test_accuracy: float) -> SimpleNamespace:
    """The shipped runs as a stand-in model, some runs' test accuracy replaced (names with _ for -)."""
    runs = copy.deepcopy(RUNS)
    for name, accuracy in test_accuracy.items():
        runs[name.replace("_", "-")]["test_accuracy"] = accuracy
    before = SimpleNamespace(metrics=BEFORE, probabilities=None)
    return SimpleNamespace(
        ablations=runs,
        metrics=METRICS,
        fashion_mnist_only=before,
        has_ablation_model=lambda name: False,
        real_photo_results=json.loads((SHIPPED / "real_photos.json").read_text()),
        probabilities=None,
    )


def points(a: str, b: str) -> float:
    return 100 * (RUNS[a]["test_accuracy"] - RUNS[b]["test_accuracy"])


# -- phrases the issue found wrong: on no page, in no tab module's words and not in the README's tab list -----
WRONG = [
    "tolerates small shifts only (the slider below shows how far)",
    "which is why the trained model fed 0–1 pixels",
    "so each cell covers",
    "is the gap between accuracy and mean confidence in each bin",
    "ends at or just below validation",
    "the training curve (dark) pulls away from the validation curve",
    "neither paid off",
    "pays off only over longer training",
    "likely pays only over longer training",
    "ten epochs are too few",
    "Each row adds one change to the row above",
    "one change at a time",
    "Real photos cost",
    "shows measured evidence from `train.py --ablation` runs",
    "3-pixel shift takes it from 66%",
]
MY_TABS = ["filters", "runs", "normalization", "explain", "confusion", "overfitting", "improve", "softmax", "pooling"]


def readme_tab_list() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme[
        readme.index("## What is in the app") : readme.index("\n## ", readme.index("## What is in the app") + 5)
    ]


@pytest.mark.parametrize("phrase", WRONG)
def test_no_wrong_phrase_is_left(phrase, shipped_model):
    from tabs import confusion, explain, improve, normalization, overfitting, runs

    shown = [(ROOT / "tabs" / f"{name}.py").read_text(encoding="utf-8") for name in MY_TABS] + [readme_tab_list()]
    shown += [
        runs.ablation_words(shipped_model, "mlp", "a dense network"),
        overfitting.regularisation_words(shipped_model),
        overfitting.gap_words(shipped_model),
        improve.did_not_help(shipped_model),
        improve.verdict_words(shipped_model),
        confusion.calibration_words(shipped_model.metrics["calibration"], shipped_model.ladder_calibration),
        normalization.WHY_SO_CLOSE,
        explain.GRAD_CAM_VARIANT,
    ]
    assert not [text[:60] for text in shown if phrase in " ".join(text.split())]


def test_the_readme_tab_lists_percentages_are_the_runs():
    """Every xx.xx% or xx.x% in the README's "What is in the app" is a test, train or validation accuracy on file."""
    known = set()
    for run in [*RUNS.values(), METRICS, BEFORE]:
        values = [run["test_accuracy"], *run["history"]["accuracy"], *run["history"]["val_accuracy"]]
        known |= {f"{100 * v:.2f}" for v in values} | {f"{100 * v:.1f}" for v in values}
    quoted = re.findall(r"(\d+\.\d+)%", readme_tab_list())
    assert quoted and not [q for q in quoted if q not in known]


def test_the_readme_quotes_the_overfitting_runs_gaps_and_the_augmentation_step():
    text = " ".join(readme_tab_list().split())
    gap = {n: 100 * (r["history"]["accuracy"][-1] - r["history"]["val_accuracy"][-1]) for n, r in RUNS.items()}
    assert f"from {-gap['mlp']:.2f} points below, `mlp`, to {gap['vgg-aug']:.2f} above, `vgg-aug`" in text
    assert f"`vgg` to `vgg-aug`, {points('vgg-aug', 'vgg'):+.2f} points" in text
    assert f"the dense network is {points('baseline', 'mlp'):.2f} points behind" in text
    val = RUNS["no-augmentation"]["history"]["val_accuracy"]
    assert int(np.argmax(val)) == len(val) - 1  # "its validation accuracy was at its best at the last epoch"


# -- runs: the ablation comparison --------------------------------------------------------------------------
def test_the_ablation_evidence_says_it_is_the_10_epoch_run_not_the_shipped_model(shipped_model):
    from tabs.runs import ablation_words

    words = ablation_words(shipped_model, "mlp", "a dense network")
    base = RUNS["baseline"]
    assert f"same {base['epochs']}-epoch budget (the shipped model trained {BEFORE['epochs']})" in words
    assert f"**{base['test_accuracy']:.2%}** test accuracy in {base['epochs']} epochs" in words
    assert f"Ours is {points('baseline', 'mlp'):+.1f} points." in words
    assert "(the same 576,938 parameters)" in ablation_words(shipped_model, "avgpool", "average pooling")


@pytest.mark.parametrize("accuracy, close", [(RUNS["baseline"]["test_accuracy"] - 0.004, True), (0.90, False)])
def test_the_ablation_evidence_calls_a_small_gap_too_close(accuracy, close):
    from tabs.runs import ablation_words

    words = ablation_words(fake_model(avgpool=accuracy), "avgpool", "average pooling")
    assert ("too close to call" in words) == close and ("Ours is" in words) != close


# -- filters: shift tolerance partly learned ------------------------------------------------------------------
def test_the_filters_tab_says_both_networks_saw_shifted_images():
    from model.augment import SHIFT_PIXELS
    from model.recipe import ABLATIONS
    from tabs import filters

    assert ABLATIONS["mlp"][2] and ABLATIONS["baseline"][2]  # both compared networks trained with augmentation
    assert f"shifted at random by up to {SHIFT_PIXELS} pixels" in " ".join(filters.EXPLANATION.split())


# -- normalization: what 0-1 pixels become ------------------------------------------------------------------------
def test_0_to_1_pixels_are_about_black_after_the_models_rescaling(shipped_model):
    from tabs import normalization

    rescale = shipped_model.keras_model.get_layer("normalize")
    out = np.asarray(rescale(np.array([0.0, 0.5, 1.0], np.float32).reshape(1, 3, 1, 1))).ravel()
    quoted = float(re.search(r"into about (-?[\d.]+)", normalization.WHY_SO_CLOSE).group(1))
    assert np.all(np.abs(out - quoted) < 0.015), out
    assert out[0] == pytest.approx(normalization.ZERO_TO_ONE_STANDARDIZED, abs=1e-6)  # black itself


# -- explain: the Grad-CAM layer and its receptive field --------------------------------------------------------
def test_receptive_field_is_what_keras_gradients_reach():
    """A linear stack (no ReLU to zero a gradient): the input pixels one output cell depends on."""
    from concepts.features import receptive_field

    x_in = keras.Input((40, 40, 1))
    x = keras.layers.Conv2D(2, 3, padding="same", name="c1")(x_in)
    x = keras.layers.MaxPooling2D(2, name="p1")(x)
    x = keras.layers.Conv2D(2, 3, padding="same", name="c2")(x)
    x = keras.layers.Conv2D(2, 5, padding="same", name="c3")(x)
    model = keras.Model(x_in, x)
    side, step = receptive_field(model, "c3")
    assert (side, step) == (3 + 1 + 2 * 2 + 4 * 2, 2)
    import tensorflow as tf

    rng = np.random.default_rng(0)

    def support(row: int, col: int) -> tuple[int, int, int, int]:
        image = tf.constant(rng.normal(size=(1, 40, 40, 1)).astype(np.float32))
        with tf.GradientTape() as tape:
            tape.watch(image)
            cell = tf.reduce_sum(model(image)[0, row, col])
        rows, cols = np.nonzero(np.abs(tape.gradient(cell, image).numpy()[0, :, :, 0]) > 0)
        return rows.min(), rows.max(), cols.min(), cols.max()

    top, bottom, left, right = support(10, 10)
    assert bottom - top + 1 == side and right - left + 1 <= side  # max pooling routes through one pixel per window
    assert support(11, 10)[0] - top == step


def test_the_grad_cam_note_names_the_layer_before_batch_norm_and_its_receptive_field(shipped_model):
    from concepts.features import receptive_field
    from tabs import explain, memo

    layer = memo.explainer(shipped_model).layer
    layers = shipped_model.keras_model.layers
    conv = shipped_model.keras_model.get_layer(layer)
    after = layers[layers.index(conv) + 1]
    assert isinstance(conv, keras.layers.Conv2D) and isinstance(after, keras.layers.BatchNormalization)
    assert after.input is conv.output
    words = explain._map_words(explain.GRAD_CAM, np.ones((28, 28)), "Dress", 4, shipped_model)
    side, step = receptive_field(shipped_model.keras_model, layer)
    assert f"`{layer}` (before batch norm and ReLU)" in words
    assert f"one cell every {step} input pixels" in words and f"{side}×{side} window" in words
    assert ("wider than the 28×28 image" in words) == (side >= 28)


# -- confusion: ECE named exactly ---------------------------------------------------------------------------------
def test_the_ece_words_give_the_bin_count_and_the_absolute_gap(shipped_model):
    import inspect

    from model.evaluate import calibration
    from tabs import confusion

    bins = inspect.signature(calibration).parameters["bins"].default
    words = confusion.calibration_words(shipped_model.metrics["calibration"])
    assert f"splits confidence into {bins} equal-width bins, takes the absolute gap" in words


# -- overfitting: the definition, the gap, and what leaving regularisation out did -------------------------------
def test_the_gap_words_quote_the_augmented_runs_range(shipped_model):
    from model.recipe import ABLATIONS
    from tabs import overfitting

    augmented = [n for n in RUNS if ABLATIONS[n][2]]
    gap = [100 * (RUNS[n]["history"]["accuracy"][-1] - RUNS[n]["history"]["val_accuracy"][-1]) for n in augmented]
    words = overfitting.gap_words(shipped_model)
    assert f"the {len(augmented)} runs trained with augmentation" in words
    assert f"from {-min(gap):.2f} points below validation to {overfitting._above(max(gap))}" in words
    assert "generalization gap" in overfitting.EXPLANATION and "stops" in overfitting.EXPLANATION


def test_the_regularisation_words_on_the_shipped_runs(shipped_model):
    from tabs import overfitting

    words = overfitting.regularisation_words(shipped_model)
    assert f"leaving dropout out scored {points('no-dropout', 'baseline'):+.2f} points" in words
    assert f"augmentation out {points('no-augmentation', 'baseline'):+.2f}." in words
    assert abs(points("no-dropout", "baseline")) < 0.5 and abs(points("no-augmentation", "baseline")) < 0.5
    assert "leaving either out had no measurable effect" in words
    assert f"augmentation bought {points('vgg-aug', 'vgg'):.2f} points" in words
    assert "at its best at the last epoch" in words


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"no_dropout": -0.01}, "leaving dropout out cost 1.00 points; the other had no measurable effect."),
        (
            {"no_dropout": 0.0094, "no_augmentation": 0.0092},
            "out gained 0.94 points; leaving augmentation out gained 0.92",
        ),
        ({}, "leaving either out had no measurable effect"),
    ],
)
def test_the_regularisation_verdict_follows_the_numbers(change, expected):
    from tabs import overfitting

    base = RUNS["baseline"]["test_accuracy"]
    model = fake_model(**{name: base + delta for name, delta in change.items()})
    assert expected in overfitting.regularisation_words(model)


@pytest.mark.parametrize(
    "vgg_aug, expected", [(0.90, "augmentation cost 1.00 points"), (0.912, "no measurable effect")]
)
def test_the_ladder_sentence_follows_the_augmentation_step(vgg_aug, expected):
    from tabs import overfitting

    assert expected in overfitting.regularisation_words(fake_model(vgg_aug=vgg_aug))


def test_a_run_whose_validation_peaked_early_is_told_so():
    from tabs import overfitting

    model = fake_model()
    val = model.ablations["no-augmentation"]["history"]["val_accuracy"]
    val[3] = 0.95
    assert "peaked at epoch 4 (95.00%)" in overfitting.regularisation_words(model)


# -- improve: groups of changes, real photos within noise, did not help ----------------------------------------
def test_the_rungs_changes_are_the_code():
    import inspect

    from model.cnn import build_cnn, build_notebook
    from model.recipe import LABEL_SMOOTHING, PEAK_LR, PLAIN_LR, WEIGHT_DECAY
    from tabs import improve

    notebook = build_notebook()
    filters = [layer.filters for layer in notebook.layers if isinstance(layer, keras.layers.Conv2D)]
    assert f"({', '.join(map(str, filters))} filters)" in improve.RUNG_CHANGES["notebook"]
    assert f"a {notebook.get_layer('dense').units}-unit dense" in improve.RUNG_CHANGES["notebook"]
    cnn = inspect.signature(build_cnn).parameters
    assert (
        f"{cnn['dense_units'].default}-unit dense layer instead of {notebook.get_layer('dense').units}"
        in (improve.RUNG_CHANGES["vgg"])
    )
    assert all(layer.padding == "valid" for layer in notebook.layers if isinstance(layer, keras.layers.Conv2D))
    baseline = improve.RUNG_CHANGES["baseline"]
    assert f"label smoothing {LABEL_SMOOTHING:g}" in baseline and f"weight decay {WEIGHT_DECAY:g}" in baseline
    assert f"{PEAK_LR / PLAIN_LR:.0f}× Adam's constant {PLAIN_LR:g}" in baseline
    assert "one group of changes" in improve.EXPLANATION


@pytest.mark.parametrize("after, expected", [(0.9414, ": within what two runs"), (0.9300, "by -1.26 points.")])
def test_what_real_photos_did_to_the_test_set_is_told_by_size(after, expected):
    from tabs import improve

    model = fake_model()
    model.metrics = dict(METRICS, test_accuracy=after)
    words = improve.verdict_words(model)
    assert expected in words and "several classes count for shirt, longsleeve, shoes" in words


@pytest.mark.parametrize("no_aug, expected", [(None, "None moved test accuracy"), (0.9228, "None was a clear gain")])
def test_what_did_not_help_says_how_much(no_aug, expected):
    from tabs import improve

    model = fake_model(**({"no_augmentation": no_aug} if no_aug else {}))
    words = improve.did_not_help(model)
    assert expected in words
    assert f"on the same budget: {points('vgg-aug', 'vgg'):+.2f} points" in words


# -- the live run's verdict, the confusion matrix's precision view, the kept correct images --------------------
@pytest.mark.parametrize(
    "results, expected",
    [
        ({500: (1.0, 0.7), 5000: (0.85, 0.8)}, "30.0 points with 500 images, 5.0 with 5,000: with few images"),
        ({500: (0.8, 0.78), 5000: (0.85, 0.8)}, "this time more images did not narrow it"),
    ],
)
def test_the_live_runs_verdict_follows_its_gaps(results, expected):
    from tabs import overfitting

    assert expected in overfitting.live_so_what(results)


def test_the_precision_view_has_precision_on_its_diagonal(shipped_model):
    from concepts import confusion as concept
    from tabs import confusion

    matrix = np.array(METRICS["confusion_matrix"])
    precision = [row["precision"] for row in METRICS["per_class"]]
    np.testing.assert_allclose(np.diag(concept.column_normalized(matrix)), 100 * np.array(precision), atol=1e-6)
    np.testing.assert_allclose(concept.column_normalized(matrix).sum(axis=0), 100)
    assert "Column % (precision)" in confusion.CONFUSION_MODES and "Row % (recall)" in confusion.CONFUSION_MODES
    assert confusion.show_confusion("Column % (precision)", shipped_model).endswith(".png")
    figure = concept.heatmap(matrix, percent=True, by="column")
    assert figure.axes[0].get_title() == "Column % (precision on the diagonal)"


def test_a_diagonal_cell_says_how_many_correct_images_are_kept(shipped_model):
    from tabs import confusion
    from train import CORRECT_SAMPLES_PER_CLASS

    _, note = confusion.open_cell("Trouser", "Trouser", shipped_model)
    total = METRICS["confusion_matrix"][1][1]
    assert f"{total} test images.** The model folder keeps a random {CORRECT_SAMPLES_PER_CLASS} of them" in note
    assert f"showing the {confusion.CELL_SHOWN} the model was surest of" in note


def test_shirt_is_called_the_lowest_recall_class_only_when_it_is(shipped_model):
    from tabs import improve

    lowest = min(METRICS["per_class"], key=lambda row: row["recall"])["class"]
    words = improve.verdict_words(shipped_model)
    assert ("Shirt, this app's model's lowest-recall class, went from" in words) == (lowest == "Shirt")
    model = fake_model()
    model.metrics = dict(METRICS, per_class=[dict(row, recall=1.0) for row in METRICS["per_class"]])
    model.metrics["per_class"][0]["recall"] = 0.5  # T-shirt/top lowest
    assert "lowest-recall" not in improve.verdict_words(model)


def test_a_lower_rung_overfitted_sooner_only_if_its_validation_peaked_earlier():
    from tabs import improve

    steps = {r.name: r for r in improve.rungs(fake_model())}
    before, after = steps[improve.RUNG_NAMES["notebook"]], steps[improve.RUNG_NAMES["notebook-bn"]]
    peaks = [int(np.argmax(r.history["val_accuracy"])) for r in (before, after)]
    assert ("overfitted sooner." in improve.overfit_words(before, after)) == (peaks[1] < peaks[0])
    late = copy.deepcopy(before)
    late.history["val_accuracy"] = [0.9] + [0.8] * (len(late.history["val_accuracy"]) - 1)  # peaked at epoch 1
    assert improve.overfit_words(late, after).endswith("it overfitted.")
