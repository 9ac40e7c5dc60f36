"""How unlike the training data an input is: a relative Mahalanobis distance on the penultimate features.

The softmax can only say how the ten classes compare; an input unlike any of them (a face, a lawn) can
still make one class win by far. Lee et al. 2018 (arXiv:1807.03888) measure instead how far the input's
features lie from the nearest class's mean, in units of the features' own spread (one covariance shared
by the classes). On photographer-grouped folds (those of an 8-copy, 6-epoch sibling run, which kept the features) the plain distance told unseen things apart *worse*
than chance (AUROC 0.44 on generated pictures a fold never saw, docs/real-photos.md): what makes features
far from every class is mostly what makes them far from all training data. The relative distance (Ren et
al. 2021, arXiv:2106.09022) subtracts the distance to one Gaussian fitted to all training features, so only
the part that is class-specific is left (AUROC 0.82-0.83 there). Fitted by train.py and kept in the model
folder as ``ood.npz``; it is reported as the share of the model's own real training photos that score lower
(its percentile), so it reads the same for every model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

FEATURES_LAYER = "dense_relu"  # the 256 features the logits are computed from (before dropout)
FILE = "ood.npz"
SHRINKAGE = 1e-3  # added to a covariance's diagonal (times its mean variance) so it can be inverted


@dataclass(frozen=True)
class FeatureDistance:
    """Class means and their shared precision, one Gaussian for all features, and the photos' scores."""

    means: np.ndarray  # (10, D)
    precision: np.ndarray  # (D, D), shared by the classes
    background_mean: np.ndarray  # (D,): all training features as one Gaussian
    background_precision: np.ndarray  # (D, D)
    reference: np.ndarray  # (M,) sorted scores of the real training photos

    def distances(self, features: np.ndarray) -> np.ndarray:
        """(N, D) features -> (N,) relative Mahalanobis distance: the nearest class's squared distance minus
        the squared distance to the one Gaussian of all training features."""
        diff = features[:, None, :] - self.means[None]  # (N, 10, D)
        per_class = np.einsum("ncd,ncd->nc", diff @ self.precision, diff)  # (N, 10); matmul first: 5x faster
        centred = features - self.background_mean
        background = np.einsum("nd,nd->n", centred @ self.background_precision, centred)
        return (per_class - background[:, None]).min(axis=1)

    def percentile(self, distances: np.ndarray) -> np.ndarray:
        """The share (0-1) of the training photos that score lower: 0.9 = more unusual than 90% of them."""
        return np.searchsorted(self.reference, distances, side="left") / len(self.reference)

    def save(self, folder: Path) -> None:
        np.savez_compressed(Path(folder) / FILE, **{k: v.astype(np.float32) for k, v in self.__dict__.items()})


def _precision(centred: np.ndarray) -> np.ndarray:
    cov = centred.T @ centred / len(centred)
    cov += SHRINKAGE * np.trace(cov) / len(cov) * np.eye(len(cov))
    return np.linalg.inv(cov)


def fit(features: np.ndarray, labels: np.ndarray, reference_features: np.ndarray) -> FeatureDistance:
    """Class means, a shared covariance and the all-features Gaussian from (N, D) FEATURES with (N,) LABELS;
    the scores of REFERENCE_FEATURES (the real training photos) to compare an input with."""
    means = np.stack([features[labels == c].mean(axis=0) for c in range(int(labels.max()) + 1)])
    background_mean = features.mean(axis=0)
    unreferenced = FeatureDistance(
        means,
        _precision(features - means[labels]),
        background_mean,
        _precision(features - background_mean),
        np.zeros(1),
    )
    return replace(unreferenced, reference=np.sort(unreferenced.distances(reference_features)))


def load(folder: Path) -> FeatureDistance | None:
    """The folder's ``ood.npz``, or None when train.py wrote none (a Fashion-MNIST-only model)."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        keys = ("means", "precision", "background_mean", "background_precision", "reference")
        return FeatureDistance(*(data[k].astype(np.float64) for k in keys))
