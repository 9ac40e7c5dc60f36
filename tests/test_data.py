import gzip

import numpy as np
import pytest

from model.data import DatasetNotFound, find_data_dir, load_fashion_mnist, read_idx
from tests.helpers import write_idx


def test_read_idx_round_trip(tmp_path):
    images = np.random.default_rng(1).integers(0, 256, size=(5, 28, 28))
    write_idx(tmp_path / "x.gz", images)
    out = read_idx(tmp_path / "x.gz")
    assert out.shape == (5, 28, 28) and out.dtype == np.uint8
    np.testing.assert_array_equal(out, images)


def test_read_idx_rejects_bad_magic(tmp_path):
    with gzip.open(tmp_path / "bad.gz", "wb") as f:
        f.write((1234).to_bytes(4, "big") + bytes(8))
    with pytest.raises(ValueError, match="magic"):
        read_idx(tmp_path / "bad.gz")


def test_read_idx_rejects_wrong_size(tmp_path):
    with gzip.open(tmp_path / "short.gz", "wb") as f:
        f.write((0x0801).to_bytes(4, "big") + (10).to_bytes(4, "big") + bytes(7))  # says 10 labels, holds 7
    with pytest.raises(ValueError, match="10"):
        read_idx(tmp_path / "short.gz")


def test_explicit_data_dir_wins(tiny_dataset, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_DIR", "/nonexistent")
    assert find_data_dir(tiny_dataset) == tiny_dataset
    (x, y), (xt, yt) = load_fashion_mnist(tiny_dataset)
    assert x.shape == (600, 28, 28) and y.shape == (600,) and xt.shape == (200, 28, 28)


def test_env_var_is_searched(tiny_dataset, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tiny_dataset))
    assert find_data_dir() == tiny_dataset


def test_missing_explicit_dir_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetNotFound, match="--data-dir"):
        load_fashion_mnist(tmp_path / "empty")


def test_nothing_found_and_no_network_names_package_and_variable(monkeypatch, tmp_path):
    import model.data as data

    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "none1")
    monkeypatch.setattr(data, "KERAS_CACHE_DIR", tmp_path / "none2")

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    import keras

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(DatasetNotFound) as err:
        load_fashion_mnist()
    assert "dataset-fashion-mnist" in str(err.value) and "FASHION_MNIST_DIR" in str(err.value)
