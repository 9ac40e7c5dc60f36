"""The deletion test of one image (Petsiuk et al. 2018, arXiv:1806.07421) and its randomization check.

Each map orders the image's pixels, most salient first; removing them in that order gives a deletion
curve of the predicted class's probability, and the area under it says how soon the probability fell
(lower: the map found what mattered). The same map computed on the model with re-drawn weights (Adebayo
et al. 2018) should look different: a rank correlation near 1 says the map barely depends on what the
model learned. ``benchmarks/deletion.py`` runs this on 500 test images for the tab's table.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from concepts.saliency import (
    BRIGHTEST_ORDER,
    METHODS,
    RANDOM_ORDER,
    Explainer,
    RandomizedCascade,
    area_under,
    compared_region,
    deletion_curve,
    deletion_order,
    every_map,
    rank_correlation,
)

SEED = 0  # picks the images, the random baseline's order and the tie-breaks
TOP_SHARE = 0.1  # "on the garment" is measured on each map's top 10% of pixels
# each map's rank correlation with the same map once the top layer (logits), then every layer, is re-drawn
RANDOMIZED = ("rank_correlation_top_layer", "rank_correlation_randomized")


def measure(explainer: Explainer, cascade: RandomizedCascade, pixels: np.ndarray, index: int, patch: int) -> dict:
    """One test image: its predicted class, each order's deletion curve and area, each map's garment share and
    rank correlation with the same map once the model's top layer, then all its layers, are re-drawn."""
    class_index = int(explainer.probabilities(pixels)[0].argmax())
    maps = every_map(explainer, pixels, class_index, patch)
    explain = partial(every_map, pixels=pixels, class_index=class_index, patch=patch)
    top_layer, every_layer = (cascade.randomized(explain, depth) for depth in (1, len(cascade.layers)))
    rng = np.random.default_rng((SEED, index))
    orders = {name: deletion_order(heat, rng) for name, heat in maps.items()}
    orders[RANDOM_ORDER] = rng.permutation(pixels.size)
    orders[BRIGHTEST_ORDER] = deletion_order(pixels.astype(np.float64), rng)
    curves = {
        name: deletion_curve(explainer.probabilities, pixels, class_index, order) for name, order in orders.items()
    }
    garment = np.ravel(pixels) > 0
    top = int(TOP_SHARE * pixels.size)
    return {
        "index": index,
        "class": class_index,
        "curve": curves,
        "auc": {name: area_under(curve) for name, curve in curves.items()},
        "top_on_garment": {method: float(garment[orders[method][:top]].mean()) for method in METHODS},
        **{
            key: {
                method: rank_correlation(
                    maps[method], other[method], compared_region(explainer, method, np.shape(pixels))
                )
                for method in METHODS
            }
            for key, other in zip(RANDOMIZED, (top_layer, every_layer), strict=True)
        },
    }
