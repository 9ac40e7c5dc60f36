"""Small helpers the tests share (import them from here; never import from conftest)."""

from __future__ import annotations

import gzip
import os
import socket
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "weights"
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")  # apt-get install chromium
# how Classify averages its answer (model.inference.TEST_TIME_FLIP, TEST_TIME_VIEWS), as the tabs must say it
AVERAGES = "a cut-out photo over 6 turned and mirrored views, any other input with its mirror image"


def mirror_only(real: dict) -> dict:
    """A copy of real_photos.json's results as a run answered mirror averaged, without the turned views, records it."""
    import copy

    real = copy.deepcopy(real)
    real["cross_validation"]["views"] = False
    del real["test_time_flip"]["6 views"]
    return table_run_only(real)


def table_run_only(real: dict) -> dict:
    """REAL with its ways of answering ranked on the table's run (as files before ``pooled`` was recorded), so a
    test that edits a way's means edits what the rule ranks. Edits REAL in place."""
    for way in real["test_time_flip"].values():
        way.pop("pooled", None)
    return real


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write an IDX file (gzip) the way the Fashion-MNIST files are written."""
    magic = 0x0800 | array.ndim
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fashion_test_set_or_fail() -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST's 10,000 test images and labels, found the way train.py finds them.

    The loader looks for the local IDX files and, when there are none, downloads them with
    Keras; only when both fail does the test fail, saying how to get the files.
    """
    from model.data import DatasetNotFound, load_fashion_mnist

    try:
        return load_fashion_mnist()[1]
    except DatasetNotFound as err:
        pytest.fail(f"Tests marked `dataset` need Fashion-MNIST. {err}", pytrace=False)


def chromium_launch_options(bundled: str | Path, debian: Path = DEBIAN_CHROMIUM) -> dict:
    """How Playwright should start Chromium: Debian's where it is installed, else Playwright's own.

    ``bundled`` is where Playwright keeps its own browser (``playwright.chromium.executable_path``);
    with neither present the test fails, saying how to get one.
    """
    if debian.is_file() and os.access(debian, os.X_OK):
        return {"executable_path": str(debian)}
    if Path(bundled).is_file():
        return {}  # Playwright launches the browser it downloaded
    pytest.fail(
        f"No Chromium for the browser tests: neither {debian} nor Playwright's {bundled}. "
        "Run `python -m playwright install chromium` (or on Debian/Ubuntu `apt-get install chromium`).",
        pytrace=False,
    )


def reshuffles_only_when_augmenting() -> bool:
    """Whether train.make_dataset gives the training images in one fixed order every epoch without augmentation and
    a new order each epoch with it: the premise of every "not augmentation's alone" sentence."""
    import numpy as np

    import train

    x, y = np.zeros((64, 28, 28, 1), np.uint8), np.arange(64) % 10
    orders = {}
    for augment in (False, True):
        ds = train.make_dataset(x, y, 64, seed=3, augment=augment)
        orders[augment] = [tuple(np.argmax(t, 1)) for _, t in (next(iter(ds)), next(iter(ds)))]
    return orders[False][0] == orders[False][1] and orders[True][0] != orders[True][1]


def yardstick(grid: dict) -> str:
    """The Playground's seed-noise yardstick as the tabs must word it, computed here from GRID's default setting's
    seeds (2 x sqrt(2) of their standard deviation), not taken from the code under test."""
    scores = [100 * r["test_accuracy"] for r in grid["runs"].values() if r["config"] == grid["default"]]
    noise = np.ceil(round(100 * 2 * np.sqrt(2) * np.std(scores, ddof=1), 6)) / 100  # rounded up to hundredths
    default = grid["default"]
    return (
        f"the {noise:.2f} points under which two single runs of one Playground setting would differ about 95% of the "
        f"time if runs varied as the {len(scores)} seeds of its default setting did ({default['images']:,} images, "
        f"{'with' if default['batch_norm'] else 'no'} batch norm; a spread from {len(scores)} runs is itself uncertain)"
    )
