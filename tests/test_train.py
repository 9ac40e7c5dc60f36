import json

import keras
import numpy as np
import pytest

import train


def test_unknown_flags_are_rejected():
    with pytest.raises(SystemExit):
        train.parse_args(["--epochz", "3"])


def test_quick_run_writes_a_loadable_model_folder(tiny_dataset, tmp_path):
    out = tmp_path / "model"
    metrics = train.main(["--quick", "--data-dir", str(tiny_dataset), "--out", str(out), "--seed", "3"])
    model = keras.saving.load_model(out, safe_mode=True)
    assert model.output_shape == (None, 10)
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["test_accuracy"] == metrics["test_accuracy"]
    matrix = np.array(saved["confusion_matrix"])
    assert matrix.sum() == saved["test_size"] == 200
    assert np.trace(matrix) / matrix.sum() == pytest.approx(saved["test_accuracy"])
    assert len(saved["history"]["loss"]) == len(saved["epoch_seconds"]) == saved["epochs"] == 2
    assert {"keras", "tensorflow"} <= saved["versions"].keys() and saved["params"] == model.count_params()
    card = (out / "README.md").read_text()
    assert card.startswith("---\n") and "library_name: keras" in card and f"{saved['test_accuracy']:.4f}" in card
    assert len(list((out / "examples").glob("*.png"))) == 10


@pytest.mark.dataset
def test_quick_run_on_the_real_dataset_learns(tmp_path):
    metrics = train.main(["--quick", "--out", str(tmp_path / "m")])
    assert metrics["test_accuracy"] > 0.5  # 2 short epochs on 4k images: far above the 10% of chance
