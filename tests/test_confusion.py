import re

import numpy as np
import pytest

from concepts import confusion
from model.data import CLASS_NAMES
from model.evaluate import calibration, select_samples


def test_row_normalized_gives_recall_on_the_diagonal():
    m = np.array([[8, 2], [1, 3]])
    out = confusion.row_normalized(m)
    np.testing.assert_allclose(out, [[80, 20], [25, 75]])


def test_most_confused_ignores_the_diagonal_and_sorts():
    m = np.zeros((10, 10), dtype=int)
    np.fill_diagonal(m, 900)
    m[6, 0], m[2, 4], m[0, 6] = 104, 60, 7
    assert confusion.most_confused(m, top=2) == [("Shirt", "T-shirt/top", 104), ("Pullover", "Coat", 60)]


def test_cell_samples_returns_exactly_the_cell_most_confident_first():
    labels = np.array([6, 6, 6, 0, 6])
    probs = np.full((5, 10), 0.01)
    probs[[0, 1, 3], 0] = [0.6, 0.9, 0.8]  # predicted T-shirt/top
    probs[2, 6] = 0.9  # predicted Shirt
    probs[4, 0] = 0.7
    assert confusion.cell_samples({"labels": labels, "probs": probs}, 6, 0) == [1, 4, 0]


def test_calibration_of_a_known_case():
    probs = np.zeros((4, 10))
    probs[:, 0] = 0.95  # always 95% sure of class 0 ...
    probs[:, 1] = 0.05
    y = np.array([0, 0, 1, 1])  # ... and right half the time
    cal = calibration(probs, y, bins=10)
    assert cal["ece"] == pytest.approx(0.45)
    assert [b["count"] for b in cal["bins"]] == [4]


def test_select_samples_keeps_every_mistake():
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(10), size=300)
    y = rng.integers(0, 10, size=300)
    keep = select_samples(probs, y, correct_per_class=2, seed=0)
    wrong = np.flatnonzero(probs.argmax(1) != y)
    assert set(wrong) <= set(keep) and len(keep) <= len(wrong) + 20


def test_shipped_samples_cover_every_mistake_of_the_matrix(shipped_model):
    samples, matrix = shipped_model.test_samples, np.array(shipped_model.metrics["confusion_matrix"])
    assert samples is not None
    pred = samples["probs"].argmax(1)
    for t in range(10):
        for p in range(10):
            if t != p:
                assert ((samples["labels"] == t) & (pred == p)).sum() == matrix[t, p]


@pytest.mark.dataset
def test_shipped_samples_are_the_real_test_images_and_predictions(shipped_model, fashion_test_set):
    x_test, y_test = fashion_test_set
    s = shipped_model.test_samples
    np.testing.assert_array_equal(s["images"], x_test[s["index"]])
    np.testing.assert_array_equal(s["labels"], y_test[s["index"]])
    fresh = shipped_model.probabilities(s["images"])
    np.testing.assert_allclose(fresh, s["probs"], atol=1e-4)


@pytest.mark.app
@pytest.mark.slow
@pytest.mark.dataset
def test_drill_down_endpoint_returns_exactly_that_cell(client, shipped_model, fashion_test_set):
    x_test, y_test = fashion_test_set
    gallery, note, true_map, answer_map, maps_note = client.predict("Shirt", "T-shirt/top", api_name="/confusion_cell")
    assert true_map and answer_map and gallery[0]["caption"].split("#")[1] in maps_note  # the first image explained
    count = np.array(shipped_model.metrics["confusion_matrix"])[6, 0]
    from tabs.confusion import CELL_SHOWN

    assert len(gallery) == min(count, CELL_SHOWN) and str(count) in note
    assert ("all shown" in note) == (count <= CELL_SHOWN)
    indices = [int(re.search(r"#(\d+)", item["caption"]).group(1)) for item in gallery]
    assert len(set(indices)) == len(indices)
    predictions = shipped_model.probabilities(x_test[indices]).argmax(1)
    assert (y_test[indices] == CLASS_NAMES.index("Shirt")).all()
    assert (predictions == CLASS_NAMES.index("T-shirt/top")).all()


@pytest.mark.app
@pytest.mark.slow
def test_drill_down_rejects_unknown_class_names(client):
    # the Dropdown refuses it first, naming the parameter and the valid classes
    with pytest.raises(Exception, match="Parameter .true_name. must be one of .*.Shirt.*; got .Sock."):
        client.predict("Sock", "Shirt", api_name="/confusion_cell")


def test_drill_down_handler_rejects_unknown_class_names(shipped_model):
    import gradio as gr

    from tabs import confusion as handlers

    with pytest.raises(gr.Error, match="Parameter 'true_name' must be one of .*'Shirt'.*; got 'Sock'"):
        handlers.open_cell("Sock", "Shirt", shipped_model)  # the handler checks it, as the API test sees it
    with pytest.raises(gr.Error, match="Pick a true and a predicted class"):
        handlers.open_cell(None, "Shirt", shipped_model)  # a dropdown emptied in the browser


def test_an_empty_cell_says_so_instead_of_showing_nothing(shipped_model):
    from tabs import confusion as handlers

    matrix = np.array(shipped_model.metrics["confusion_matrix"])
    t, p = np.argwhere(matrix == 0)[0]  # the shipped model never reads some classes as others
    gallery, note = handlers.open_cell(CLASS_NAMES[t], CLASS_NAMES[p], shipped_model)
    assert gallery == [] and note.startswith(f"**No test image of {CLASS_NAMES[t]} was read as {CLASS_NAMES[p]}")


def test_a_cell_of_one_image_says_one_image(shipped_model):
    from tabs import confusion as handlers

    matrix = np.array(shipped_model.metrics["confusion_matrix"])
    t, p = np.argwhere(matrix == 1)[0]  # the shipped matrix has cells of a single mistake
    _, note = handlers.open_cell(CLASS_NAMES[t], CLASS_NAMES[p], shipped_model)
    assert note == f"**{CLASS_NAMES[t]} read as {CLASS_NAMES[p]}: 1 test image**, shown below."
    t, p = np.argwhere((matrix > 1) & ~np.eye(10, dtype=bool))[0]
    _, note = handlers.open_cell(CLASS_NAMES[t], CLASS_NAMES[p], shipped_model)
    assert f": {matrix[t, p]:,} test images**" in note and note.endswith("most confident mistake first.")


def test_a_click_on_a_class_name_opens_that_class_read_correctly():
    from types import SimpleNamespace

    from tabs import confusion as handlers

    assert handlers.pick_cell(SimpleNamespace(index=(6, 0))) == ("Shirt", "Shirt")  # column 0: the row's name
    assert handlers.pick_cell(SimpleNamespace(index=(6, 1))) == ("Shirt", "T-shirt/top")  # column 1: class 0
    assert handlers.pick_cell(SimpleNamespace(index=(0, 10))) == ("T-shirt/top", "Ankle boot")
