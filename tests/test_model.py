import json

import keras
import numpy as np
import pytest

from model.cnn import LOGITS_LAYER, build_cnn
from tests.helpers import SHIPPED


def test_cnn_shapes_and_probabilities():
    model = build_cnn()
    x = np.random.default_rng(0).integers(0, 256, size=(4, 28, 28, 1)).astype("float32")
    probs = np.asarray(model(x, training=False))
    assert probs.shape == (4, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_logits_are_reachable_and_feed_the_softmax(shipped_model):
    model = shipped_model.keras_model
    logits_model = keras.Model(model.input, model.get_layer(LOGITS_LAYER).output)
    x = np.random.default_rng(1).integers(0, 256, size=(3, 28, 28, 1)).astype("float32")
    logits = np.asarray(logits_model(x, training=False))
    probs = np.asarray(model(x, training=False))
    np.testing.assert_allclose(np.asarray(keras.ops.softmax(logits)), probs, atol=1e-6)


def test_normalization_is_inside_the_model(shipped_model):
    assert any(isinstance(layer, keras.layers.Rescaling) for layer in shipped_model.keras_model.layers)


def test_shipped_folder_has_the_contract_files_and_fits():
    for name in ("config.json", "metadata.json", "model.weights.h5", "metrics.json", "README.md"):
        assert (SHIPPED / name).is_file(), name
    size = sum(p.stat().st_size for p in SHIPPED.rglob("*") if p.is_file())
    # the model, the Fashion-MNIST-only one, the ladder's kept rungs (2 x 0.9 MB, 2 x 2.3 MB), the dense net,
    # the Playground's 12,000 images for live runs (5.1 MB), the test logits (0.5 MB), the drill-down samples:
    # all a Space downloads, so kept small
    assert size < 25 * 1024 * 1024


def test_metrics_are_self_consistent():
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    matrix = np.array(metrics["confusion_matrix"])
    assert matrix.shape == (10, 10)
    assert matrix.sum() == metrics["test_size"] == 10_000
    assert np.trace(matrix) / matrix.sum() == pytest.approx(metrics["test_accuracy"])
    for i, row in enumerate(metrics["per_class"]):
        assert row["recall"] == pytest.approx(matrix[i, i] / matrix[i].sum())
        assert row["precision"] == pytest.approx(matrix[i, i] / matrix[:, i].sum())


@pytest.mark.dataset
def test_shipped_model_scores_what_its_metrics_say(fashion_test_set):
    x_test, y_test = fashion_test_set
    model = keras.saving.load_model(SHIPPED, safe_mode=True)
    probs = model.predict(x_test[..., None], batch_size=1000, verbose=0)
    accuracy = float((probs.argmax(1) == y_test).mean())
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    assert accuracy >= 0.92
    assert accuracy == pytest.approx(metrics["test_accuracy"], abs=1e-4)
    from model.evaluate import confusion_matrix

    assert confusion_matrix(y_test, probs.argmax(1)).tolist() == metrics["confusion_matrix"]


def test_summary_loss_is_the_mean_cross_entropy_of_the_true_classes():
    from model.evaluate import summarize

    probs = np.array([[0.5, 0.5, 0.0], [0.25, 0.75, 0.0], [0.0, 0.0, 1.0]], dtype="float32")
    summary = summarize(probs, np.array([0, 1, 0]))  # the last one is sure and wrong: clipped, not infinite
    assert summary["test_loss"] == pytest.approx((-np.log(0.5) - np.log(0.75) - np.log(1e-7)) / 3, rel=1e-4)
    assert summary["test_accuracy"] == pytest.approx(2 / 3) and summary["confusion_matrix"][0] == [1, 0, 1]
