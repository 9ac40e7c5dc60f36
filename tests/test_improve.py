"""The Improving it tab: the improvement ladder's rungs are their runs, its words quote them, its endpoint agrees
with Classify."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from gradio_client import handle_file

from model.data import CLASS_NAMES
from model.inference import LADDER
from tabs import improve
from tests.helpers import SHIPPED

RUNS = json.loads((SHIPPED / "ablations.json").read_text())
LADDER_RUNS = [name for name in LADDER if name in RUNS]
PHOTO = sorted((SHIPPED.parents[1] / "tests" / "data" / "real-photos").rglob("*.jpg"))[0]


def test_the_shipped_folder_has_the_ladders_rungs():
    assert LADDER_RUNS[:1] == ["notebook"] and len(LADDER_RUNS) >= 3, LADDER_RUNS
    assert all(RUNS[name]["epochs"] == RUNS["notebook"]["epochs"] for name in LADDER_RUNS)  # one budget


@pytest.mark.dataset
@pytest.mark.parametrize("name", [n for n in LADDER_RUNS if (SHIPPED / "ablations" / n / "config.json").is_file()])
def test_a_kept_rung_scores_what_its_run_recorded(name, fashion_test_set):
    """The weights the tab runs are the run's: their test accuracy and Shirt recall are the recorded ones."""
    import keras

    x, y = fashion_test_set
    rung = keras.saving.load_model(SHIPPED / "ablations" / name, safe_mode=True, compile=False)
    predicted = rung.predict(x[..., None].astype(np.float32), batch_size=1000, verbose=0).argmax(1)
    assert (predicted == y).mean() == pytest.approx(RUNS[name]["test_accuracy"], abs=1e-4)
    shirt = CLASS_NAMES.index("Shirt")
    assert (predicted[y == shirt] == shirt).mean() == pytest.approx(RUNS[name]["per_class"][shirt]["recall"], abs=1e-4)


@pytest.mark.parametrize("name", LADDER_RUNS)
def test_a_rungs_history_is_its_training_log(name):
    with open(SHIPPED / "ablations" / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == RUNS[name]["epochs"]
    assert float(rows[-1]["val_accuracy"]) == pytest.approx(RUNS[name]["history"]["val_accuracy"][-1], rel=1e-6)


def test_the_ladder_quotes_the_runs_numbers(shipped_model):
    """The waterfall's rows and the sentence under it come from the files, in the ladder's order."""
    html = improve.ladder_html(shipped_model)
    before = json.loads((SHIPPED / "fashion-mnist-only" / "metrics.json").read_text())
    after = json.loads((SHIPPED / "metrics.json").read_text())
    expected = [RUNS[name]["test_accuracy"] for name in LADDER_RUNS] + [before["test_accuracy"], after["test_accuracy"]]
    shown = [float(v) for v in re.findall(r"<span class='bar-number'>([\d.]+)</span>", html)]
    assert shown == pytest.approx([100 * a for a in expected], abs=0.005)
    words = improve.verdict_words(shipped_model)
    assert f"{RUNS['notebook']['test_accuracy']:.2%}" in words and f"{after['test_accuracy']:.2%}" in words
    real = json.loads((SHIPPED / "real_photos.json").read_text())
    assert f"{real['untrained']['results']['Fashion-MNIST-only model']['top1']:.1%}" in words
    assert f"{real['cross_validation']['cv']['top1']['mean']:.1%}" in words  # the fold models, new photographers
    one = real["test_time_flip"]["one pass"]["at_app_thresholds"]["top1"]  # one pass, like the 61.3% beside it
    assert f"{one['mean']:.1%} in one pass" in words and f"standard deviations {100 * one['sd']:.1f}, " in words


def test_what_did_not_help_quotes_the_ablations(shipped_model):
    words = improve.did_not_help(shipped_model)
    for name in ("no-dropout", "no-augmentation"):
        assert f"{100 * (RUNS[name]['test_accuracy'] - RUNS['baseline']['test_accuracy']):+.2f} points" in words
    flip = json.loads((SHIPPED / "test_time_flip.json").read_text())["shipped model"]
    measured_here = flip.get("weights_sha256") == shipped_model.weights_sha256
    assert (f"{flip['flip_test_accuracy']:.2%}" in improve.flip_words(shipped_model)) == measured_here


@pytest.mark.app
@pytest.mark.slow
def test_the_ladder_endpoint_answers_as_classify_does_for_both_shipped_models(client, shipped_model):
    """The last two rungs are the models Classify shows, on the same input, in one pass, where Classify averages a
    photo it cuts out over the 6 turned and mirrored views (both boxes; tests/test_classify_words.py builds them
    independently)."""
    from model.augment import turned_views
    from model.inference import TEST_TIME_VIEWS
    from tabs.inputs import convert_upload, input_pixels

    label, _, _, _, before = client.predict(handle_file(str(PHOTO)), api_name="/classify")
    first, second = client.predict(handle_file(str(PHOTO)), improve.LONGER, improve.PHOTOS, api_name="/ladder")
    pixels = input_pixels(str(PHOTO))
    expected = []
    for network, ladder_output, classify_output in (
        (shipped_model.fashion_mnist_only, first, before),
        (shipped_model, second, label),
    ):
        one_pass = network.probabilities(pixels)[0]
        assert TEST_TIME_VIEWS and convert_upload(str(PHOTO)).cut_out  # a photo on a floor or bed: the 6 views
        shown = network.probabilities(turned_views(pixels)[:, 0]).mean(axis=0)
        expected += [(ladder_output, one_pass), (classify_output, shown)]
    for output, probs in expected:
        top = np.argsort(probs)[::-1][:3]
        assert [c["label"] for c in output["confidences"]] == [CLASS_NAMES[i] for i in top]
        assert [c["confidence"] for c in output["confidences"]] == pytest.approx(probs[top], abs=1e-5)


@pytest.mark.app
@pytest.mark.slow
def test_the_ladder_endpoint_runs_the_notebooks_network_on_classifys_input(client):
    import keras

    from tabs.inputs import input_pixels

    first, _ = client.predict(
        handle_file(str(PHOTO)), improve.RUNG_NAMES["notebook"], improve.PHOTOS, api_name="/ladder"
    )
    rung = keras.saving.load_model(SHIPPED / "ablations" / "notebook", safe_mode=True, compile=False)
    probs = rung.predict(input_pixels(str(PHOTO)).reshape(1, 28, 28, 1).astype(np.float32), verbose=0)[0]
    top = np.argsort(probs)[::-1][:3]
    assert [c["label"] for c in first["confidences"]] == [CLASS_NAMES[i] for i in top]
    assert [c["confidence"] for c in first["confidences"]] == pytest.approx(probs[top], abs=1e-5)


@pytest.mark.app
@pytest.mark.slow
def test_the_ladder_endpoint_refuses_an_unknown_rung(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Parameter 'first' must be one of 'Notebook CNN'"):
        client.predict(handle_file(str(PHOTO)), "resnet", improve.PHOTOS, api_name="/ladder")


def test_a_lower_rung_is_explained_by_its_own_curves(shipped_model):
    """Where a rung scored lower, overfitting is named only when its curves pass the Overfitting tab's rule, with the
    validation loss the rule reads; else the cause is said to be unmeasured."""
    from concepts.curves import best_epoch, overfitted

    steps = improve.rungs(shipped_model)
    said = 0
    for before, after in zip(steps, steps[1:], strict=False):
        words = improve.overfit_words(before, after)
        if after.test_accuracy >= before.test_accuracy or after.name == improve.PHOTOS:
            assert words == ""
            continue
        said += 1
        lower = 100 * (before.test_accuracy - after.test_accuracy)
        assert words.startswith(f"**{after.name}** scored {lower:.2f} points lower than the row above, one run each")
        h = after.history
        if overfitted(h):
            best = best_epoch(h)
            assert f"lowest at epoch {best} ({h['val_loss'][best - 1]:.3f})" in words
            assert f"({h['val_loss'][-2]:.3f}, {h['val_loss'][-1]:.3f})" in words
        else:
            assert "what caused it was not measured" in words and "overfitted" not in words
    assert said  # the shipped ladder has a lower rung (+ batch norm)
