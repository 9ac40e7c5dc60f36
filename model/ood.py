"""How unlike the training data an input is: a Mahalanobis distance on the network's penultimate features.

The softmax can only say how the ten classes compare; an input unlike any of them (a face, a lawn) can
still make one class win by far. Lee et al. 2018 (arXiv:1807.03888) measure instead how far the input's
features lie from the nearest class's mean, in units of the features' own spread (one covariance shared
by the classes): far from every class means "unlike anything the model trained on". Fitted by train.py
on the training images' features and kept in the model folder as ``ood.npz``; the distance is reported as
the share of the model's own real training photos that lie closer (its percentile), so it reads the same
for every model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

FEATURES_LAYER = "dense_relu"  # the 256 features the logits are computed from (before dropout)
FILE = "ood.npz"
SHRINKAGE = 1e-3  # added to the covariance's diagonal (times its mean variance) so it can be inverted


@dataclass(frozen=True)
class FeatureDistance:
    """Class means, the shared precision matrix, and the training photos' distances to compare with."""

    means: np.ndarray  # (10, D)
    precision: np.ndarray  # (D, D)
    reference: np.ndarray  # (M,) sorted distances of the real training photos

    def distances(self, features: np.ndarray) -> np.ndarray:
        """(N, D) features -> (N,) squared Mahalanobis distance to the nearest class mean."""
        diff = features[:, None, :] - self.means[None]  # (N, 10, D)
        return np.einsum("ncd,de,nce->nc", diff, self.precision, diff).min(axis=1)

    def percentile(self, distances: np.ndarray) -> np.ndarray:
        """The share (0-1) of the training photos whose distance is smaller: 0.99 = more unusual than 99% of them."""
        return np.searchsorted(self.reference, distances, side="left") / len(self.reference)

    def save(self, folder: Path) -> None:
        np.savez_compressed(
            Path(folder) / FILE,
            means=self.means.astype(np.float32),
            precision=self.precision.astype(np.float32),
            reference=self.reference.astype(np.float32),
        )


def fit(features: np.ndarray, labels: np.ndarray, reference_features: np.ndarray) -> FeatureDistance:
    """Class means and a shared covariance from (N, D) FEATURES with (N,) LABELS; the reference set's distances."""
    classes = np.unique(labels)
    means = np.stack([features[labels == c].mean(axis=0) for c in range(int(classes.max()) + 1)])
    centred = features - means[labels]
    cov = centred.T @ centred / len(features)
    cov += SHRINKAGE * np.trace(cov) / len(cov) * np.eye(len(cov))
    model = FeatureDistance(means, np.linalg.inv(cov), np.zeros(1))
    return FeatureDistance(means, model.precision, np.sort(model.distances(reference_features)))


def load(folder: Path) -> FeatureDistance | None:
    """The folder's ``ood.npz``, or None when train.py wrote none (a Fashion-MNIST-only model)."""
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    with np.load(path, allow_pickle=False) as data:
        return FeatureDistance(*(data[k].astype(np.float64) for k in ("means", "precision", "reference")))
