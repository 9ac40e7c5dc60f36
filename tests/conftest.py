"""Shared fixtures: isolated caches, tiny IDX datasets, the shipped model, a running app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import ROOT, SHIPPED, fashion_test_set_or_fail, free_port, write_idx


@pytest.fixture(autouse=True)
def _isolated_caches(tmp_path, monkeypatch):
    """Nothing a test does touches the user's caches, another test's files or the network."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    # temporary files (the tabs' enlarged images among them) go to this test's own folder,
    # in this process and in the `python app.py` a test starts
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    files = sys.modules.get("tabs.files")  # already imported: its OUTPUT_DIR was fixed then
    if files is not None:
        monkeypatch.setattr(files, "OUTPUT_DIR", tmp_path / "fashion-cnn-lab")


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    """A small learnable stand-in for Fashion-MNIST: each class a bright bar at its own row."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "fmnist"
    folder.mkdir()
    for split, n in (("train", 600), ("t10k", 200)):
        labels = np.arange(n) % 10
        images = rng.integers(0, 40, size=(n, 28, 28))
        for i, label in enumerate(labels):
            images[i, 2 + 2 * label : 4 + 2 * label, 4:24] = 250
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", images)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", labels)
    return folder


@pytest.fixture(scope="session")
def shipped_model():
    from model.inference import load_folder

    return load_folder(SHIPPED, source="local folder model/weights")


@pytest.fixture(scope="session")
def fashion_test_set():
    """The real test split: local IDX files, else Keras's download (needs internet), else a clear failure."""
    return fashion_test_set_or_fail()


@contextmanager
def _running_app(tmp: Path):
    """`python app.py` exactly as a learner starts it, on a free port, its files under ``tmp``; yields its URL."""
    port = free_port()
    env = dict(
        os.environ,
        GRADIO_SERVER_PORT=str(port),
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HOME=str(tmp / "hf"),
        HF_HUB_OFFLINE="1",
        GRADIO_TEMP_DIR=str(tmp / "gradio"),
        TMPDIR=str(tmp),  # the app's enlarged images, not the machine's shared /tmp/fashion-cnn-lab
    )
    log = open(tmp / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}:\n{(tmp / 'app.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("app.py did not start listening within 120 s")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app the API tests share."""
    with _running_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="module")
def own_app_url(tmp_path_factory):
    """An app of the module's own, started fresh: the browser tests do not meet the API battery's load."""
    with _running_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)
