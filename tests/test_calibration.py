"""Temperature scaling (issue 25): the logits kept in the model folder, the fitted temperature, and the Softmax
tab's reliability diagram at the learner's temperature, through the API."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model import calibration as scaling
from tests.helpers import SHIPPED

RECORD = json.loads((SHIPPED / scaling.JSON).read_text())
METRICS = json.loads((SHIPPED / "metrics.json").read_text())


def nll_by_hand(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    """Keras's cross-entropy of the softmax: the reference for the NLL the fit minimises."""
    import keras

    probs = keras.ops.softmax(keras.ops.convert_to_tensor(logits.astype(np.float64) / temperature), axis=-1)
    return float(np.mean(keras.losses.sparse_categorical_crossentropy(labels, probs)))


def test_the_nll_is_keras_cross_entropy():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(0, 3, (200, 10)), rng.integers(0, 10, 200)
    for t in (0.5, 1.0, 3.0):
        assert scaling.softmax_nll(logits, labels, t) == pytest.approx(nll_by_hand(logits, labels, t), rel=1e-6)


def test_the_fit_recovers_the_temperature_labels_were_drawn_at():
    """Labels drawn from softmax(z / 2): the temperature that explains them best is about 2."""
    rng = np.random.default_rng(1)
    z = rng.normal(0, 4, (20_000, 10))
    p = np.exp(z / 2 - (z / 2).max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    labels = (p.cumsum(1) > rng.random((len(z), 1))).argmax(1)
    assert scaling.fit_temperature(z, labels) == pytest.approx(2.0, rel=0.05)


def test_the_shipped_temperature_minimises_the_kept_validation_nll():
    """Checked against a grid, not the golden-section search that found it."""
    logits = scaling.read_logits(SHIPPED)
    val = logits["val_logits"], logits["val_labels"]
    assert len(val[1]) == METRICS["validation_size"] and RECORD["seed"] == METRICS["seed"]
    grid = np.exp(np.linspace(np.log(0.1), np.log(10), 2001))
    best = grid[np.argmin([scaling.softmax_nll(*val, t) for t in grid])]
    assert RECORD["temperature"] == pytest.approx(best, rel=0.005)
    assert RECORD["validation_nll"]["fitted"] <= RECORD["validation_nll"]["1"]


def test_the_kept_test_logits_are_the_shipped_models(shipped_model):
    """Their labels are test_samples.npz's, their softmax its probabilities, and at T = 1 they give metrics.json's
    loss, accuracy (to the image) and ECE: kept as float32, so the Softmax tab's numbers are the Confusion tab's."""
    logits, samples = scaling.read_logits(SHIPPED), shipped_model.test_samples
    np.testing.assert_array_equal(logits["test_labels"][samples["index"]], samples["labels"])
    probs = scaling.probabilities(logits["test_logits"][samples["index"]], 1.0)
    np.testing.assert_allclose(probs, samples["probs"], atol=1e-5)
    assert scaling.softmax_nll(logits["test_logits"], logits["test_labels"], 1.0) == pytest.approx(
        METRICS["test_loss"], abs=1e-4
    )
    right = int((logits["test_logits"].argmax(1) == logits["test_labels"]).sum())
    assert right == round(METRICS["test_accuracy"] * METRICS["test_size"])
    assert RECORD["test_ece"]["1"] == pytest.approx(METRICS["calibration"]["ece"], abs=1e-4)
    assert RECORD["weights_sha256"] == shipped_model.weights_sha256


@pytest.mark.dataset
def test_the_kept_validation_logits_are_train_pys_validation_split(shipped_model):
    from model.data import load_fashion_mnist, validation_split

    (x_train, y_train), _ = load_fashion_mnist()
    val_idx, _ = validation_split(len(x_train), METRICS["seed"], METRICS["validation_size"])
    logits = scaling.read_logits(SHIPPED)
    np.testing.assert_array_equal(logits["val_labels"], y_train[val_idx])
    fresh = shipped_model.logits(x_train[val_idx[:200]])
    np.testing.assert_allclose(logits["val_logits"][:200], fresh, atol=0.02, rtol=1e-3)


def test_the_scaling_words_quote_the_fit_and_the_ece_before_and_after(shipped_model):
    from tabs import softmax

    words = softmax.scaling_words(shipped_model)
    assert f"**T = {RECORD['temperature']:.3f}**" in words
    assert f"from **{RECORD['test_ece']['1']:.2%}** at T = 1 to **{RECORD['test_ece']['fitted']:.2%}**" in words
    assert "without changing any top class" in words and "without changing any answer" not in words
    assert f"the {METRICS['validation_size']:,} validation images" in words
    confidence = sum(b["confidence"] * b["count"] for b in METRICS["calibration"]["bins"]) / METRICS["test_size"]
    assert ("under-confident" in words) == (confidence < METRICS["test_accuracy"])
    t = RECORD["temperature"]
    assert f"T = {t:.3f} {'sharpens' if t < 1 else 'flattens'} its probabilities" in words
    # the app's probabilities are softmax(logits) at T = 1: test_concepts's logits-through-Keras-softmax test pins it
    assert "the app itself answers at T = 1: the fitted T is shown here, not applied" in " ".join(words.split())
    assert "python -m model.calibration model/weights" in words


def _softmax_top(logits: np.ndarray, temperature: float) -> np.ndarray:
    import keras

    return np.asarray(keras.ops.softmax(keras.ops.convert_to_tensor(logits / temperature), axis=-1)).max(axis=1)


@pytest.mark.parametrize("fitted", [0.5, 2.0])
def test_the_fitted_temperatures_direction_is_its_own_not_the_test_sets(monkeypatch, fitted):
    """T below 1 sharpens, above 1 flattens, whatever the test set's confidence and accuracy say."""
    from tabs import softmax

    logits = np.array([[3.0, 0, 0], [0, 3.0, 0], [3.0, 0, 0], [0, 0, 0.5]])  # three right at 91%, one wrong at 45%
    kept = {"test_logits": logits, "test_labels": np.array([0, 1, 0, 1]), "val_labels": np.zeros(7, int)}
    monkeypatch.setattr(softmax, "stored_logits", lambda model: kept)
    monkeypatch.setattr(softmax, "fitted_record", lambda model: {"temperature": fitted})
    words = softmax.scaling_words(None)
    confidence = _softmax_top(logits, 1.0).mean()
    assert confidence > 0.75 and "over-confident at T = 1" in words  # 75% right
    assert f"T = {fitted:.3f} {'sharpens' if fitted < 1 else 'flattens'} its probabilities" in words
    assert ("sharpens" in words) != ("flattens" in words)


def test_a_model_within_half_a_point_of_its_accuracy_is_called_neither(monkeypatch):
    """Review 33c #2: a mean top probability a few hundredths of a point from accuracy is no direction."""
    from tabs import softmax

    logits = np.array([[0.01, 0.0], [0.01, 0.0]])  # both answered class 0 at 50.25%; one is right
    kept = {"test_logits": logits, "test_labels": np.array([0, 1]), "val_labels": np.zeros(7, int)}
    monkeypatch.setattr(softmax, "stored_logits", lambda model: kept)
    monkeypatch.setattr(softmax, "fitted_record", lambda model: {"temperature": 0.9})
    confidence = _softmax_top(logits, 1.0).mean()
    assert 0 < confidence - 0.5 < 0.005
    words = " ".join(softmax.scaling_words(None).split())
    assert "over-confident at" not in words and "under-confident at" not in words
    assert (
        f"This model is neither over- nor under-confident on average at T = 1 ({confidence:.1%} mean top probability, "
        f"within half a point of its {0.5:.1%} accuracy)" in words
    )


@pytest.mark.parametrize("fitted, said", [(0.9996, "sharpens"), (1.0004, "flattens"), (1.0, None)])
def test_a_fitted_temperature_near_one_is_printed_apart_from_one(monkeypatch, fitted, said):
    """Review 35c #4: T within 0.0005 of 1 printed as 1.000 gave it a direction; review 91c #1: "as they are" beside
    an image it moved across the 40% line. Printed with the digits that tell it from 1, and the same everywhere."""
    from tabs import softmax

    logits = np.array([[3.0, 0, 0], [0, 3.0, 0], [3.0, 0, 0], [0, 0, 0.5]])
    kept = {"test_logits": logits, "test_labels": np.array([0, 1, 0, 1]), "val_labels": np.zeros(7, int)}
    monkeypatch.setattr(softmax, "stored_logits", lambda model: kept)
    monkeypatch.setattr(softmax, "fitted_record", lambda model: {"temperature": fitted})
    words = " ".join(softmax.scaling_words(None).split())
    shown = "1.000" if said is None else f"{fitted:.4f}"
    assert f"here **T = {shown}**" in words
    if said:
        assert f"T = {shown} {said} its probabilities only slightly, though" in words
    else:
        assert "T = 1.000 leaves its probabilities as they are, though" in words
    assert "sharpens" not in words or said == "sharpens"
    assert "flattens" not in words or said == "flattens"
    assert "T = 1.000 leaves" not in words or said is None
    assert softmax.shown_t(0.65) == "0.650" and softmax.shown_t(1.000004) == "1.000004"


@pytest.mark.parametrize("fitted", [10.5, 0.65])
def test_only_a_temperature_that_prints_as_one_to_three_decimals_is_slight(monkeypatch, fitted):
    """Review 92c #1: a six-character T such as 10.500 is not "only slightly"."""
    from tabs import softmax

    logits = np.array([[3.0, 0, 0], [0, 3.0, 0], [3.0, 0, 0], [0, 0, 0.5]])
    kept = {"test_logits": logits, "test_labels": np.array([0, 1, 0, 1]), "val_labels": np.zeros(7, int)}
    monkeypatch.setattr(softmax, "stored_logits", lambda model: kept)
    monkeypatch.setattr(softmax, "fitted_record", lambda model: {"temperature": fitted})
    words = " ".join(softmax.scaling_words(None).split())
    effect = "flattens" if fitted > 1 else "sharpens"
    assert f"T = {fitted:.3f} {effect} its probabilities, though" in words and "only slightly" not in words


@pytest.mark.parametrize("fitted", [0.5, 0.97, 1.5])
def test_the_not_sure_line_is_crossed_only_when_the_counts_under_it_change(fitted):
    from model.inference import UNSURE_BELOW
    from tabs import softmax

    logits = np.array([[1.5, 0, 0, 0], [5.0, 0, 0, 0], [0.2, 0, 0, 0]])  # top probabilities 59.9%, 98%, 29%
    under = [int((_softmax_top(logits, t) < UNSURE_BELOW).sum()) for t in (1.0, fitted)]
    words = softmax._not_sure_line(logits, fitted)
    if under[0] == under[1]:
        assert words.startswith(
            f", or how many fall under the app's {UNSURE_BELOW:.0%} line for *Not sure*, which it draws on the top "
            f"class summed with its look-alike classes, upper-body garments or footwear ({under[0]:,}"
        )
    else:
        assert "it does move images across" in words
        assert "unlike its training photos, so its own counts can differ)" in words and "counts differ)" not in words
        assert (
            f"{under[0]:,} test images have a top class, summed with its look-alike classes (upper-body garments, footwear), under it at T = 1, {under[1]:,} at "
            f"T = {fitted:.3f}" in words
        )
    assert (under[0] != under[1]) == (fitted == 0.5)  # the cases cover both branches
    assert "one pass of the network" in words and "mirror image" in words  # Classify's own line is after the mirror


@pytest.mark.app
@pytest.mark.slow
def test_the_learners_temperature_moves_the_test_sets_ece_through_the_api(client):
    at_one, note, values = client.predict(1.0, api_name="/softmax_calibration")
    assert values["ece"] == pytest.approx(METRICS["calibration"]["ece"], abs=1e-4)
    assert values["accuracy"] == pytest.approx(METRICS["test_accuracy"], abs=1e-9)
    assert f"ECE **{values['ece']:.2%}**" in note and at_one
    fitted = client.predict(RECORD["temperature"], api_name="/softmax_calibration")[2]
    hot = client.predict(3.0, api_name="/softmax_calibration")[2]
    assert fitted["ece"] == pytest.approx(RECORD["test_ece"]["fitted"], abs=1e-9)
    assert fitted["ece"] < values["ece"] < hot["ece"]
    assert hot["accuracy"] == values["accuracy"] and hot["confidence"] < values["confidence"]


@pytest.mark.app
@pytest.mark.slow
def test_a_temperature_out_of_range_is_refused_clearly(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Parameter 'temperature'"):
        client.predict(0.0, api_name="/softmax_calibration")


def test_the_readme_quotes_the_fit():
    readme = " ".join((SHIPPED.parents[1] / "README.md").read_text(encoding="utf-8").split())
    t, ece = RECORD["temperature"], RECORD["test_ece"]
    assert f"T = {t:.2f}, test ECE {ece['1']:.2%} at T = 1, {ece['fitted']:.2%} at T = {t:.2f}" in readme


# -- review 93c: fitted temperatures the shipped fit does not reach ------------------------------------------------
def _scaling_at(monkeypatch, fitted: float, logits=None, labels=None) -> str:
    from tabs import softmax

    logits = np.array([[3.0, 0, 0], [0, 3.0, 0], [3.0, 0, 0], [0, 0, 0.5]]) if logits is None else logits
    labels = np.array([0, 1, 0, 1]) if labels is None else labels
    kept = {"test_logits": logits, "test_labels": labels, "val_labels": np.zeros(7, int)}
    monkeypatch.setattr(softmax, "stored_logits", lambda model: kept)
    monkeypatch.setattr(softmax, "fitted_record", lambda model: {"temperature": fitted})
    return " ".join(softmax.scaling_words(None).split())


def test_a_fit_the_other_way_from_the_test_sets_gap_says_why(monkeypatch):
    """Review 93c #1: under-confident on the test set, yet a fitted T above 1 flattens: said, with the reason."""
    logits = np.array([[1.0, 0, 0], [1.0, 0, 0], [1.0, 0, 0], [1.0, 0, 0]])  # 58% each, all right: under-confident
    labels = np.zeros(4, int)
    words = _scaling_at(monkeypatch, 1.2, logits, labels)
    assert "This model is under-confident at T = 1" in words
    assert (
        "not applied. That T goes the other way from the test set's under-confident gap: the fit minimises the "
        "validation images' NLL, which need not close that gap." in words
    )
    assert "goes the other way" not in _scaling_at(monkeypatch, 0.8, logits, labels)


def test_a_fit_that_leaves_the_ece_as_printed_says_so(monkeypatch):
    """Review 93c #4: not "from 7.62% to 7.62%"."""
    words = _scaling_at(monkeypatch, 1.00004)
    assert "leaves the ECE at **" in words and "(to two decimals)" in words and "takes the ECE from" not in words
    assert "takes the ECE from" in _scaling_at(monkeypatch, 0.5)


@pytest.mark.parametrize("fitted, shown", [(1.0000004, "1 + 4e-07"), (0.9999996, "1 − 4e-07"), (1.0, "1.000")])
def test_a_fit_closer_to_one_than_six_decimals_is_printed_apart_from_one(fitted, shown):
    """Review 93c #3: never "T = 1.000000 flattens"."""
    from tabs import softmax

    assert softmax.shown_t(fitted) == shown


@pytest.mark.parametrize("fitted, steps", [(0.0996, (0.1,)), (0.0994, ()), (10.0004, (10.0,)), (10.0006, ())])
def test_the_slider_range_is_judged_as_printed(fitted, steps):
    """Review 93c #2: a T printed as 0.100 is on the slider's first step, not outside its range."""
    from tabs import softmax

    assert softmax.slider_steps(fitted) == steps
