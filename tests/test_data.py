import gzip

import numpy as np
import pytest

from model.data import DatasetNotFound, find_data_dir, load_fashion_mnist, read_idx
from tests.helpers import fashion_test_set_or_fail, write_idx


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


@pytest.fixture
def nothing_installed(monkeypatch, tmp_path):
    """No local copy anywhere the loader looks: no variable, an empty Debian folder and Keras cache."""
    import model.data as data

    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "none1")
    monkeypatch.setattr(data, "KERAS_CACHE_DIR", tmp_path / "none2")
    return data


def test_without_local_files_the_download_is_tried_and_its_files_read(nothing_installed, tiny_dataset, monkeypatch):
    downloads = []
    monkeypatch.setattr(nothing_installed, "_download_with_keras", lambda: downloads.append(1) or tiny_dataset)
    (x, y), (xt, yt) = load_fashion_mnist()
    assert downloads == [1]
    assert x.shape == (600, 28, 28) and xt.shape == (200, 28, 28)
    np.testing.assert_array_equal(yt, np.arange(200) % 10)  # the tiny set's labels, as tiny_dataset wrote them


def test_local_files_are_used_without_downloading(tiny_dataset, monkeypatch):
    import model.data as data

    def no_download():
        raise AssertionError("downloaded although the files are on disk")

    monkeypatch.setattr(data, "_download_with_keras", no_download)
    monkeypatch.setenv("FASHION_MNIST_DIR", str(tiny_dataset))
    assert load_fashion_mnist()[1][0].shape == (200, 28, 28)


def test_the_dataset_fixture_downloads_when_nothing_is_installed(nothing_installed, tiny_dataset, monkeypatch):
    monkeypatch.setattr(nothing_installed, "_download_with_keras", lambda: tiny_dataset)
    images, labels = fashion_test_set_or_fail()
    assert images.shape == (200, 28, 28)
    np.testing.assert_array_equal(labels, np.arange(200) % 10)


def test_the_dataset_fixture_fails_saying_how_when_files_and_download_are_missing(nothing_installed, monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(pytest.fail.Exception) as failed:
        fashion_test_set_or_fail()
    message = str(failed.value)
    assert "download failed" in message and "dataset-fashion-mnist" in message and "FASHION_MNIST_DIR" in message
