"""Fashion-MNIST from the standard IDX files.

Search order (first hit wins): an explicit ``data_dir``, ``$FASHION_MNIST_DIR``,
Debian's ``dataset-fashion-mnist`` package, Keras's download cache, and only then
Keras's downloader.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
# Classes the network mixes up with one another: most of its Fashion-MNIST test errors fall inside these two blocks
# of the confusion matrix (metrics.json). "Not sure" asks how likely the top class's group is (model.inference.unsure):
# a photo the network is sure is footwear but not which kind is answered, named as footwear.
GROUPS = {
    "upper-body garment": ("T-shirt/top", "Pullover", "Coat", "Shirt"),
    "footwear": ("Sandal", "Sneaker", "Ankle boot"),
}


def group_matrix(groups: tuple | None = None) -> np.ndarray:
    """(10, 10): row c marks the classes summed with class c, its group among GROUPS (tuples of class names; the
    app's GROUPS by default); a class in none marks itself alone."""
    same = np.eye(len(CLASS_NAMES))
    for members in GROUPS.values() if groups is None else groups:
        ids = [CLASS_NAMES.index(c) for c in members]
        same[np.ix_(ids, ids)] = 1.0
    return same


_GROUP_OF = group_matrix()


def group_name(c: int) -> str | None:
    """The name of class C's group in GROUPS, or None for a class in none."""
    return next((name for name, members in GROUPS.items() if CLASS_NAMES[c] in members), None)


def group_probability(probs: np.ndarray, same: np.ndarray | None = None) -> np.ndarray:
    """(..., 10) probabilities -> (...,) the summed probability of the top class's group (GROUPS, or the groups a
    ``group_matrix`` SAME marks), the top class's own probability where it is in none, and for probabilities over
    other classes than the ten (no groups there)."""
    probs = np.asarray(probs)
    if probs.shape[-1] != len(CLASS_NAMES):
        return probs.max(axis=-1)
    return (probs * (_GROUP_OF if same is None else same)[probs.argmax(axis=-1)]).sum(axis=-1)


VALIDATION_SIZE = 5_000  # held out of the 60k training images to choose settings (train.py); test is final only
# Fashion-MNIST training-set pixel statistics on the 0-1 scale: the model standardizes with them
PIXEL_MEAN, PIXEL_STD = 0.2860, 0.3530
FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
KERAS_CACHE_DIR = Path("~/.keras/datasets/fashion-mnist").expanduser()
ENV_VAR = "FASHION_MNIST_DIR"
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049  # IDX: 0x0000 0803 (uint8, 3 dims), 0x0000 0801


class DatasetNotFound(FileNotFoundError):
    """Raised when no copy of Fashion-MNIST can be found or downloaded."""


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (gzip or plain), checking its magic number and size."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: too short to be an IDX file")
    magic = int.from_bytes(raw[:4], "big")
    if magic not in (IMAGE_MAGIC, LABEL_MAGIC):
        raise ValueError(f"{path}: bad magic number {magic:#010x} (want 0x803 images or 0x801 labels)")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = int(np.prod(shape))
    if len(raw) - header != expected:
        raise ValueError(f"{path}: header says {shape} = {expected} bytes, file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _candidate_dirs(data_dir: str | Path | None) -> list[Path]:
    dirs = []
    if data_dir:
        dirs.append(Path(data_dir))
    if os.environ.get(ENV_VAR):
        dirs.append(Path(os.environ[ENV_VAR]))
    return dirs + [DEBIAN_DIR, KERAS_CACHE_DIR]


def find_data_dir(data_dir: str | Path | None = None) -> Path | None:
    """The first directory holding all four IDX files, or None."""
    for d in _candidate_dirs(data_dir):
        if all((d / name).is_file() for name in FILES.values()):
            return d
    return None


def _download_with_keras() -> Path:
    import keras  # imported late: reading local files must not need TensorFlow

    try:
        keras.datasets.fashion_mnist.load_data()
    except Exception as err:  # any network failure: urllib, ssl, socket, ...
        raise DatasetNotFound(
            "Fashion-MNIST not found and the download failed "
            f"({type(err).__name__}). Install it with `apt-get install dataset-fashion-mnist` "
            f"(Debian/Ubuntu), or put the four IDX .gz files in a folder and set {ENV_VAR} "
            "or pass --data-dir."
        ) from err
    return KERAS_CACHE_DIR


def load_fashion_mnist(data_dir: str | Path | None = None):
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays.

    Images are (N, 28, 28) raw 0-255 pixels, bright garment on black; labels (N,).
    The real set has 60,000 + 10,000 images; smaller files (tests) are accepted.
    """
    if data_dir and find_data_dir(data_dir) != Path(data_dir):
        raise DatasetNotFound(f"--data-dir {data_dir}: expected the four files {', '.join(FILES.values())}")
    found = find_data_dir(data_dir) or _download_with_keras()
    arrays = {key: read_idx(found / name) for key, name in FILES.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels):
            raise ValueError(f"{found}: {split} images {images.shape} and labels {labels.shape} do not match")
        if labels.max() > 9:
            raise ValueError(f"{found}: {split} labels go up to {labels.max()}, want 0-9")
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def validation_split(n_images: int, seed: int, validation_size: int) -> tuple[np.ndarray, np.ndarray]:
    """train.py's split of the training images: (validation indices, training indices), fixed by SEED.

    The validation set is at most a tenth of the images (a tiny test folder keeps most for training).
    """
    order = np.random.default_rng(seed).permutation(n_images)
    n_val = min(validation_size, n_images // 10)
    return order[:n_val], order[n_val:]
