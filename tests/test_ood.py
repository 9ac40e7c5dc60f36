"""The "unlike anything it trained on" score (model.ood), the two reasons for "Not sure", the outliers made for it."""

from pathlib import Path

import numpy as np
import pytest

from model import ood
from model.augment import turned_views, vary_photos
from model.inference import UNLIKE_ABOVE, UNSURE_BELOW, unsure_reason
from model.outliers import FAMILIES, generate

PHOTOS = Path(__file__).parent / "data" / "real-photos"


def test_the_score_is_the_nearest_class_distance_less_the_distance_to_all_the_data():
    rng = np.random.default_rng(0)
    means = np.array([[0.0, 0.0], [10.0, 0.0]])
    features = np.concatenate([rng.normal(m, 1.0, (4000, 2)) for m in means])
    labels = np.repeat([0, 1], 4000)
    fitted = ood.fit(features, labels, features)
    assert np.allclose(fitted.means, means, atol=0.1)
    assert np.allclose(fitted.precision, np.eye(2), atol=0.1)  # unit spread within a class
    assert np.allclose(fitted.background_mean, [5.0, 0.0], atol=0.1)
    background = np.diag([1 / 26.0, 1.0])  # all the data: variance 1 + 5**2 along x, 1 along y
    assert np.allclose(fitted.background_precision, background, rtol=0.1, atol=0.02)
    queries = np.array([[0.0, 3.0], [5.0, 0.0], [10.0, -2.0]])
    nearest = np.array([9.0, 25.0, 4.0])
    to_all = np.einsum("nd,de,ne->n", queries - [5.0, 0.0], background, queries - [5.0, 0.0])
    assert np.allclose(fitted.distances(queries), nearest - to_all, rtol=0.05, atol=0.3)
    # between the two classes is typical of the data as a whole, yet like neither class: it scores far higher
    scores = fitted.distances(np.array([[0.0, 0.0], [5.0, 0.0]]))
    assert scores[1] > scores[0] + 20


def test_the_percentile_is_the_share_of_training_photos_scoring_lower():
    fitted = ood.FeatureDistance(np.zeros((1, 2)), np.eye(2), np.zeros(2), np.eye(2), np.arange(1.0, 101.0))
    assert fitted.percentile(np.array([0.5, 50.5, 1000.0])).tolist() == [0.0, 0.5, 1.0]


def test_it_is_saved_and_loaded_with_the_model_folder(tmp_path):
    fitted = ood.FeatureDistance(np.ones((10, 3)), 2 * np.eye(3), np.zeros(3), np.eye(3), np.array([1.0, 2.0]))
    fitted.save(tmp_path)
    loaded = ood.load(tmp_path)
    for key in ("means", "precision", "background_mean", "background_precision", "reference"):
        assert np.allclose(getattr(loaded, key), getattr(fitted, key))
    assert ood.load(tmp_path / "nothing") is None


def test_not_sure_says_why():
    likely = np.array([0.9] + [0.1 / 9] * 9)
    spread = np.full(10, 0.1)
    assert unsure_reason(likely, 0.5) is None
    assert unsure_reason(spread, 0.5) == "unlikely" and UNSURE_BELOW > 0.1
    assert unsure_reason(likely, min(1.0, UNLIKE_ABOVE + 0.005)) == "unlike"  # however sure the softmax is


@pytest.mark.dataset
def test_the_shipped_model_finds_a_generated_picture_more_unusual_than_its_garments(shipped_model):
    from model.data import load_fashion_mnist

    if shipped_model.feature_distance is None:
        pytest.skip("this model folder has no ood.npz")
    _, (x_test, _) = load_fashion_mnist()
    _, garments = shipped_model.assess(x_test[:200])
    _, pictures = shipped_model.assess(generate("synthetic", 40, seed=1))
    assert np.median(pictures) > np.median(garments)


@pytest.mark.parametrize("family", FAMILIES)
def test_each_outlier_family_is_repeatable_28x28_input(family):
    rng = np.random.default_rng(0)
    x_fm = rng.integers(0, 256, (20, 28, 28), dtype=np.uint8)
    y_fm = np.arange(20) % 10
    paths = sorted(PHOTOS.glob("*/*.jpg"))
    first = generate(family, 6, 3, paths, x_fm, y_fm)
    assert first.shape == (6, 28, 28) and first.dtype == np.uint8 and first.max() > 0
    assert (generate(family, 6, 3, paths, x_fm, y_fm) == first).all()
    assert not (generate(family, 6, 4, paths, x_fm, y_fm) == first).all()


def test_varied_copies_keep_the_photo_first_and_change_the_rest():
    rng = np.random.default_rng(0)
    pixels = np.zeros((5, 28, 28), np.uint8)
    pixels[:, 6:22, 9:19] = rng.integers(100, 256, (5, 16, 10))
    copies = vary_photos(pixels, 3, seed=0)
    assert copies.shape == (15, 28, 28) and (copies[:5] == pixels).all()
    assert all(not (copies[5 + i] == pixels[i]).all() for i in range(5))


def test_turned_views_turn_each_way_about_the_centre_then_mirror():
    x = np.zeros((1, 28, 28), np.uint8)
    x[0, 13:15, 22:24] = 255  # a spot right of the centre (13.5, 13.5)
    views = turned_views(x, 90)
    assert views.shape == (6, 1, 28, 28)
    spot = [np.unravel_index(np.argmax(v[0]), (28, 28)) for v in views]
    assert spot[0] == (13, 22)
    assert spot[1][0] < 8 and 12 <= spot[1][1] <= 15  # counter-clockwise: right of the centre goes up
    assert spot[2][0] > 19 and 12 <= spot[2][1] <= 15  # and the other way, down
    for upright, mirrored in zip(views[:3], views[3:], strict=True):
        np.testing.assert_array_equal(mirrored, upright[:, :, ::-1])
    assert turned_views(x, 0).shape == (2, 1, 28, 28)  # no turn: as is and the mirror image


def test_assess_with_flip_averages_the_mirror_images_answer_and_reads_unusualness_from_the_input(shipped_model):
    x = np.stack([np.eye(28, dtype=np.uint8) * 200, np.tril(np.full((28, 28), 180, np.uint8))])  # not symmetric
    one_pass, unusual = shipped_model.assess(x)
    flipped, unusual_flipped = shipped_model.assess(x, flip=True)
    mirror = shipped_model.probabilities(x[:, :, ::-1])
    np.testing.assert_allclose(flipped, (one_pass + mirror) / 2, atol=1e-6)
    assert not np.allclose(flipped, one_pass)  # the mirror image answers differently, so averaging shows
    np.testing.assert_allclose(unusual_flipped, unusual)
