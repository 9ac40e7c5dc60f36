"""Review 32b #3, #4, #5: commands that add a missing file name the served folder (train.py's --out and
benchmarks.batch_norm's --model default to the shipped one); the Playground's recall cells are never rounded to
100% or 0%."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.helpers import SHIPPED

RUNS = json.loads((SHIPPED / "ablations.json").read_text())
GRID = json.loads((SHIPPED / "playground.json").read_text())


def flat(text: str) -> str:
    return " ".join(text.split())


def folder(runs: dict, where: Path | None = Path("runs/x")):
    model = SimpleNamespace(ablations=runs, metrics={}, fashion_mnist_only=None, playground=None, dense_model=None)
    if where is not None:
        model.folder = where
    return model


@pytest.mark.parametrize("kept", [{}, {"baseline"}, {"notebook", "notebook-bn", "vgg", "vgg-aug"}])
def test_a_missing_ablation_pair_names_both_runs_and_the_served_folder(kept):
    from tabs.runs import ablation_words

    words = flat(ablation_words(folder({n: copy.deepcopy(RUNS[n]) for n in kept}), "avgpool", "average pooling"))
    assert words == (
        "*This model folder has no `baseline` run, or no `avgpool` run, to compare: `python train.py --ablation "
        "baseline --out runs/x` and `--ablation avgpool --out runs/x` add them.*"
    )
    assert "No ablation runs" not in words


def test_without_a_folder_the_ablation_command_stays_generic():
    from tabs.runs import ablation_words

    words = ablation_words(folder({}, None), "mlp", "a dense network")
    assert "`python train.py --ablation baseline` and `--ablation mlp` add them." in words and "--out" not in words


def test_the_batch_norm_command_names_the_served_folder_or_stays_generic():
    from tabs.runs import MEASURE, batch_norm_causes, measure

    assert measure(Path("runs/x")) == (
        "`python -m benchmarks.batch_norm --model runs/x --json runs/x/batch_norm.json` measures it"
    )
    assert MEASURE == (
        "`python -m benchmarks.batch_norm --model FOLDER --json FOLDER/batch_norm.json` measures it, FOLDER being "
        "this model folder"
    )
    assert "model/weights" not in MEASURE
    for grid in (None, GRID):  # no grid, and the shipped grid's branch
        assert f"({measure(Path('runs/x'))})." in batch_norm_causes(grid, folder=Path("runs/x"))
        assert f"({MEASURE})." in batch_norm_causes(grid)


def test_the_filters_tab_without_a_dense_network_names_the_served_folder():
    from tabs.filters import no_dense

    assert no_dense(folder({})) == (
        "This model folder has no dense network to compare with: `python train.py --ablation mlp --out runs/x` adds one."
    )
    assert "--out" not in no_dense(folder({}, None))


def test_the_playground_without_a_complete_grid_names_the_served_folder():
    import gradio as gr

    from tabs.playground import the_grid

    with pytest.raises(gr.Error) as raised:
        the_grid(folder({}))
    assert "`python train.py --playground-grid --out runs/x` trains it (and finishes an interrupted one)." in str(
        raised.value
    )


@pytest.mark.parametrize("recall, shown", [(0.996, "99.6%"), (1.0, "100.0%"), (0.004, "0.4%"), (0.0, "0.0%")])
def test_the_recall_cells_show_a_tenth_of_a_point(recall, shown):
    """1,000 test images a class: a tenth of a point is one image, so 996 of 1,000 is 99.6%, never 100%."""
    from tabs.playground import recall_table

    grid = copy.deepcopy(GRID)
    run = next(r for r in grid["runs"].values() if r["config"] == grid["default"] and r["seed"] == 0)
    run["recall"] = [recall] + run["recall"][1:]
    assert f"<tr><td>T-shirt/top</td><td>{shown}</td></tr>" in recall_table(grid, grid["default"], None)


def test_the_shipped_sneaker_recall_of_996_in_1000_is_not_shown_as_100():
    from model.data import CLASS_NAMES
    from tabs.playground import recall_table

    sneaker = CLASS_NAMES.index("Sneaker")
    found = [r for r in GRID["runs"].values() if round(r["recall"][sneaker], 3) == 0.996]
    assert found  # the shipped branch the review found
    table = recall_table(GRID, found[0]["config"], None)
    assert "<tr><td>Sneaker</td><td>99.6%</td></tr>" in table and ">100%<" not in table


def test_the_normalization_pair_command_names_the_served_folder():
    """Review 35c #3: train.py's --out defaults to model/weights; a served folder missing the pair is told its own."""
    from types import SimpleNamespace

    from tabs import normalization

    model = SimpleNamespace(ablations={}, folder=Path("runs/x"), playground=None)
    words = normalization.without_batch_norm(model)
    assert (
        "`python train.py --ablation notebook --out runs/x` and `--ablation notebook-raw --out runs/x` measure" in words
    )
    del model.folder  # a stand-in with no folder: no --out to name
    assert "`python train.py --ablation notebook` and `--ablation notebook-raw` measure" in (
        normalization.without_batch_norm(model)
    )
