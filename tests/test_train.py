import json

import keras
import numpy as np
import pytest
from huggingface_hub import ModelCard

import train


def test_unknown_flags_are_rejected():
    with pytest.raises(SystemExit):
        train.parse_args(["--epochz", "3"])


@pytest.mark.slow
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
    card = ModelCard.load(out / "README.md")  # its front matter parses as the Hub reads it
    assert card.data.library_name == "keras"
    assert card.data.eval_results[0].metric_value == pytest.approx(saved["test_accuracy"], abs=5e-5)
    assert len(list((out / "examples").glob("*.png"))) == 10


@pytest.mark.slow
@pytest.mark.dataset
def test_quick_run_on_the_real_dataset_learns(tmp_path):
    metrics = train.main(["--quick", "--out", str(tmp_path / "m")])
    # 2 short epochs on 4k images (the second decaying to a zero learning rate): far above the 10% of chance.
    # Runs of this vary (augmentation's parallel draws): 0.44 to about 0.6 seen.
    assert metrics["test_accuracy"] > 0.3


def _csv_history(path) -> dict[str, list[float]]:
    import csv

    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: [float(row[key]) for row in rows] for key in rows[0] if key != "epoch"}


@pytest.mark.slow
def test_ablation_runs_are_recorded_side_by_side(tiny_dataset, tmp_path):
    out = tmp_path / "model"
    for name in ("avgpool", "mlp"):
        train.main(["--quick", "--ablation", name, "--data-dir", str(tiny_dataset), "--out", str(out)])
    runs = json.loads((out / "ablations.json").read_text())
    assert set(runs) == {"avgpool", "mlp"}
    assert not (out / "model.weights.h5").exists()  # an ablation never replaces the model
    assert runs["mlp"]["params"] != runs["avgpool"]["params"]
    dense = keras.saving.load_model(out / "ablations" / "mlp", safe_mode=True)  # kept: the app runs it
    assert dense.count_params() == runs["mlp"]["params"] and not (out / "ablations" / "avgpool").is_dir()
    for name, run in runs.items():
        logged = _csv_history(out / "ablations" / f"{name}.csv")
        assert logged.keys() == run["history"].keys()
        for key, values in logged.items():
            assert values == pytest.approx(run["history"][key], rel=1e-6)


def test_ablation_budget_defaults_to_the_ablation_epochs():
    assert train.parse_args(["--ablation", "avgpool"]).epochs == train.ABLATION_EPOCHS
    assert train.parse_args(["--ablation", "avgpool", "--epochs", "3"]).epochs == 3
    assert train.parse_args([]).epochs == train.EPOCHS
    with pytest.raises(SystemExit):
        train.parse_args(["--ablation", "resnet"])
