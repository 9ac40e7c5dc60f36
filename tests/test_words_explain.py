"""The Where it looked tab's deletion evidence (review 12c #1, #2, #10): which map was constant where ρ is undefined,
mean |ρ| beside the signed mean, and the garment sentence only when a map's top 10% is on the garment less often than
random pixels would be. Expected numbers are computed here from deletion.json or from hand-made inputs."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from concepts.saliency import METHODS
from tests.helpers import SHIPPED

DELETION = json.loads((SHIPPED / "deletion.json").read_text())
TOP, EVERY = "rank_correlation_top_layer", "rank_correlation_randomized"


def _counts(trained_only=0, redrawn_only=0, both=0) -> dict:
    return {"trained_only": trained_only, "redrawn_only": redrawn_only, "both": both}


def _with_constant(top: dict, every: dict, method: str = "Grad-CAM") -> dict:
    """The shipped file with METHOD's constant-map counts (and undefined totals) replaced; the other maps have none."""
    results = copy.deepcopy(DELETION)
    for m in METHODS:
        for key, counts in ((TOP, top), (EVERY, every)):
            c = counts if m == method else _counts()
            results["results"][m][f"{key}_constant"] = c
            results["results"][m][f"{key}_undefined"] = sum(c.values())
    return results


# --- #1: which map was constant ------------------------------------------------------------------------------


def test_the_shipped_constant_counts_add_up_and_are_worded(shipped_model):
    from tabs import explain

    r = DELETION["results"]
    for m in METHODS:
        for key in (TOP, EVERY):
            counts = r[m][f"{key}_constant"]
            assert sum(counts.values()) == r[m][f"{key}_undefined"]
            assert r[m][f"{key}_undefined"] == sum(v is None for v in DELETION["per_image"][key][m])
        # the trained map is the same in both stages: constant on as many images in each
        assert (
            len({r[m][f"{key}_constant"]["trained_only"] + r[m][f"{key}_constant"]["both"] for key in (TOP, EVERY)})
            == 1
        )
    grad_cam = r["Grad-CAM"]
    trained = grad_cam[f"{TOP}_constant"]["trained_only"] + grad_cam[f"{TOP}_constant"]["both"]
    assert trained > 0  # the shipped file reaches the trained-map branch
    words = explain.evidence_words(shipped_model)
    assert f"Constant: Grad-CAM's trained map on {trained} images" in words
    more = grad_cam[f"{TOP}_constant"]["redrawn_only"]
    assert f"Grad-CAM's map with only the top layer re-drawn on {more} more" in words
    assert "was constant, so had no ranking" not in words  # the old wording that blamed the re-drawn map


@pytest.mark.parametrize(
    "top, every, said, not_said",
    [
        (
            _counts(trained_only=3),
            _counts(trained_only=3),
            ["Constant: Grad-CAM's trained map on 3 images."],
            ["more", "too"],
        ),
        (
            _counts(redrawn_only=5),
            _counts(),
            ["Constant: Grad-CAM's map with only the top layer re-drawn on 5 images."],
            ["trained map"],
        ),
        (
            _counts(both=2),
            _counts(trained_only=1, both=1),
            [
                "Grad-CAM's trained map on 2 images (the re-drawn model's map too, with only the top layer re-drawn on 2 "
                "and with every layer re-drawn on 1 of them)"
            ],
            ["more"],
        ),
        (
            _counts(trained_only=4, redrawn_only=6),
            _counts(trained_only=4, redrawn_only=1),
            [
                "Grad-CAM's trained map on 4 images;",
                "Grad-CAM's map with only the top layer re-drawn on 6 more;",
                "Grad-CAM's map with every layer re-drawn on 1 more.",
            ],
            ["too"],
        ),
    ],
    ids=["trained-only", "redrawn-only", "both", "trained-and-redrawn"],
)
def test_the_constant_map_words_blame_the_map_that_was_constant(top, every, said, not_said):
    from tabs import explain

    words = explain.constant_words(_with_constant(top, every))
    assert words.startswith("A constant map ranks no pixel above another, so its ρ is undefined")
    for text in said:
        assert text in words, (text, words)
    for text in not_said:
        assert text not in words, (text, words)


def test_no_constant_map_no_sentence():
    from tabs import explain

    assert explain.constant_words(_with_constant(_counts(), _counts())) == ""


def test_an_older_file_without_the_counts_does_not_say_which_map():
    from tabs import explain

    results = _with_constant(_counts(trained_only=2, redrawn_only=1), _counts(trained_only=2))
    for key in (TOP, EVERY):
        del results["results"]["Grad-CAM"][f"{key}_constant"]
    words = explain.constant_words(results)
    assert "this file does not say which map was constant" in words
    assert "Grad-CAM's with only the top layer re-drawn, 3 images" in words
    assert "Grad-CAM's with every layer re-drawn, 2 images" in words and "trained map" not in words


# --- #2: mean |ρ| beside the signed mean -----------------------------------------------------------------------


def _rho(key: str, method: str) -> np.ndarray:
    return np.array([v for v in DELETION["per_image"][key][method] if v is not None], dtype=float)


def test_the_sanity_table_gives_mean_abs_rho_from_the_per_image_values(shipped_model):
    from tabs import explain

    words = explain.evidence_words(shipped_model)
    assert "most like the trained one" not in words
    assert "lets images with positive and negative ρ cancel" in words
    assert "| map | layers re-drawn |" in words
    for key, what in ((TOP, "top"), (EVERY, "all")):
        for m in METHODS:
            rho = _rho(key, m)
            assert np.mean(rho) == pytest.approx(DELETION["results"][m][key], abs=1e-4)  # the file's own mean
            row = (
                f"| {m} | {what} | {np.mean(rho):.2f} | {np.mean(np.abs(rho)):.2f} | "
                f"{np.mean(np.abs(rho) >= explain.KEPT_RHO):.0%} |"
            )
            assert row in words, row


def test_the_shipped_sanity_sentence_follows_the_per_image_rho(shipped_model):
    from tabs import explain

    words = explain.evidence_words(shipped_model)
    grad_cam, smoothgrad = _rho(EVERY, "Grad-CAM"), _rho(EVERY, "SmoothGrad")
    # the shipped file: Grad-CAM's mean is near 0 but its size is not; SmoothGrad keeps nothing
    assert abs(grad_cam.mean()) < explain.KEPT_RHO <= np.abs(grad_cam).mean()
    assert np.all(np.abs(smoothgrad) < explain.KEPT_RHO)
    assert (
        f"**Grad-CAM**'s mean ρ near 0 ({grad_cam.mean():.2f}) hides that its |ρ| is {explain.KEPT_RHO} or more on "
        f"{np.mean(np.abs(grad_cam) >= explain.KEPT_RHO):.0%} of images" in words
    )
    assert f"**SmoothGrad**'s |ρ| is below {explain.KEPT_RHO} on every image" in words


@pytest.mark.parametrize(
    "values, said",
    [
        ([0.5, -0.5, 0.4, -0.45], "hides that its |ρ| is 0.2 or more on 100% of images"),  # signs cancel
        ([0.01, -0.05, 0.1, 0.0], "|ρ| is below 0.2 on every image"),  # nothing kept
        ([0.6, 0.5, 0.7, 0.1], None),  # a clearly positive mean: no sentence about it
        ([0.25, -0.05, 0.1, 0.0], None),  # kept on some images, mean |ρ| small: no sentence either
    ],
    ids=["cancelled", "none-kept", "positive", "small"],
)
def test_the_every_layer_sentence_is_chosen_from_the_rho(values, said):
    from tabs import explain

    results = {
        "results": {m: {TOP: 0.0, EVERY: float(np.mean(values))} for m in METHODS},
        "per_image": {
            key: {m: (values if m == "Occlusion" else [0.3, 0.3, 0.3, 0.3]) for m in METHODS} for key in (TOP, EVERY)
        },
    }
    words = explain.sanity_words(results)
    assert f"| Occlusion | all | {np.mean(values):.2f} | {np.mean(np.abs(values)):.2f} |" in words
    if said:
        assert "**Occlusion**'s" in words and said in words
    else:
        assert "**Occlusion**" not in words
    assert "**Grad-CAM**" not in words  # 0.3 everywhere: neither near 0 nor below the line


def test_without_per_image_rho_the_signed_means_are_said_to_cancel():
    from tabs import explain

    results = copy.deepcopy(DELETION)
    del results["per_image"]
    words = explain.sanity_words(results)
    assert "means of signed ρ, so images with positive and negative ρ cancel" in words and "| map |" not in words
    r = DELETION["results"]
    assert f"every layer re-drawn, Grad-CAM {r['Grad-CAM'][EVERY]:.2f}" in words


# --- #10: the garment sentence only below random pixels --------------------------------------------------------


def test_the_shipped_garment_sentence_compares_with_random_pixels(shipped_model):
    from tabs import explain

    r, share = DELETION["results"], DELETION["garment_share"]
    low = [m for m in METHODS if explain.against_random(DELETION, m) != "better" and r[m]["top_on_garment"] < share]
    assert low  # the shipped file reaches this branch
    words = explain.evidence_words(shipped_model)
    shares = " and ".join(f"{r[m]['top_on_garment']:.0%}" for m in low)
    assert f"Only {shares} of" in words and f"against {share:.0%} of all these images' pixels" in words


@pytest.mark.parametrize("on_garment, said", [(0.2, True), (0.78, False), (0.497, False)])
def test_the_garment_sentence_only_when_below_random_pixels(on_garment, said):
    from tabs import explain

    results = {"garment_share": 0.499, "results": {m: {"top_on_garment": on_garment} for m in METHODS}}
    words = explain.garment_words(results, ["Occlusion"])
    assert bool(words) == said  # 0.497: below, but 50% against 50% as shown: not said
    if said:
        assert words.startswith(
            f"Only {on_garment:.0%} of Occlusion's top 10% of pixels are on the garment, against 50%"
        )


def test_no_garment_share_no_garment_sentence():
    from tabs import explain

    results = {"results": {m: {"top_on_garment": 0.1} for m in METHODS}}
    assert explain.garment_words(results, list(METHODS)) == ""


@pytest.mark.dataset
def test_the_garment_share_is_the_images_share_of_pixels_above_0(fashion_test_set):
    x_test, _ = fashion_test_set
    images = x_test[DELETION["per_image"]["index"]]
    assert DELETION["garment_share"] == pytest.approx(float((images > 0).mean()), abs=5e-5)


# --- the benchmark's counting ------------------------------------------------------------------------------------


class _Maps:
    """A stand-in for saliency.Explainer: every map constant on the images whose pixels are in CONSTANT."""

    def __init__(self, constant: set[int]):
        self.constant = constant

    def _map(self, pixels) -> np.ndarray:
        value = int(np.asarray(pixels).flat[0])
        return np.zeros((28, 28)) if value in self.constant else np.arange(784.0).reshape(28, 28)

    def grad_cam(self, pixels, classes):
        return self._map(pixels)[None, ::4, ::4]

    def input_gradients(self, pixels, classes):
        return self._map(pixels)[None]

    def occlusion(self, pixels, class_index, patch):
        return self._map(pixels)


class _Cascade:
    layers = ("logits", "dense", "conv")

    def __init__(self, by_depth: dict[int, _Maps]):
        self.by_depth = by_depth

    def randomized(self, explain, depth):
        return explain(self.by_depth[depth])


def test_the_benchmark_counts_which_map_was_constant():
    from benchmarks.deletion import add_constant_maps, constant_maps

    x_test = np.repeat(np.arange(5, dtype=np.uint8)[:, None, None], 28, axis=1).repeat(28, axis=2)  # image i is all i
    # image 0: trained map constant; 1: the top-layer model's; 2: both; 3: every-layer model's; 4: none
    trained, cascade = _Maps({0, 2}), _Cascade({1: _Maps({1, 2}), 3: _Maps({3})})
    undefined = {0: (TOP, EVERY), 1: (TOP,), 2: (TOP, EVERY), 3: (EVERY,), 4: ()}
    per_image = {"index": list(range(5)), "class": [0] * 5}
    for key in (TOP, EVERY):
        per_image[key] = {m: [None if key in undefined[i] else 0.1 for i in range(5)] for m in METHODS}
    counts = constant_maps(trained, cascade, x_test, per_image, patch=4)
    for m in METHODS:
        assert counts[m][TOP] == _counts(trained_only=1, redrawn_only=1, both=1)
        assert counts[m][EVERY] == _counts(trained_only=2, redrawn_only=1)
    report = {"results": {m: {f"{TOP}_undefined": 3, f"{EVERY}_undefined": 3} for m in METHODS}}
    merged = add_constant_maps(report, counts, 0.4936)
    assert merged["garment_share"] == 0.4936 and merged["results"]["Occlusion"][f"{EVERY}_constant"]["both"] == 0
    per_image[TOP]["SmoothGrad"][4] = None  # undefined, yet neither map constant: the file is not this run's
    with pytest.raises(ValueError, match="no constant map"):
        constant_maps(trained, cascade, x_test, per_image, patch=4)
