"""The Hub path, all offline: loading hf:// models from a hand-filled cache, falling back, pushing."""

from __future__ import annotations

import inspect
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from fnmatch import fnmatch
from pathlib import Path
from types import SimpleNamespace

import huggingface_hub
import keras
import pytest
from huggingface_hub import HfApi, ModelCard, SpaceCard, constants

from model import card, hub, publish
from tests.helpers import ROOT, SHIPPED, free_port

SHA = "0123456789abcdef0123456789abcdef01234567"
TOKEN = "hf_NotARealTokenButSecret1234567890"


@pytest.fixture
def hub_cache(tmp_path, monkeypatch) -> Path:
    """An offline Hub cache holding ns/model at `main` and tag `v1`, both = SHA, a copy of the shipped model."""
    cache = tmp_path / "hub"
    repo = cache / "models--ns--model"
    (repo / "refs").mkdir(parents=True)
    for ref in ("main", "v1"):
        (repo / "refs" / ref).write_text(SHA)
    shutil.copytree(SHIPPED, repo / "snapshots" / SHA, ignore=shutil.ignore_patterns("assets"))
    # huggingface_hub was imported before this fixture ran: patch its constants, not just the environment
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return cache


@pytest.fixture
def calls(monkeypatch) -> list[tuple[str, dict]]:
    """HfApi's network calls, recorded as (method, arguments) and checked against the real signatures."""
    recorded: list[tuple[str, dict]] = []

    def recorder(name):
        signature = inspect.signature(getattr(HfApi, name))

        def record(self, *args, **kwargs):
            arguments = dict(signature.bind(self, *args, **kwargs).arguments)  # a wrong argument fails here
            arguments.pop("self")
            if name == "upload_folder":  # note what would be uploaded while the folder still exists
                folder = Path(arguments["folder_path"])
                arguments["files"] = {
                    p.relative_to(folder).as_posix()
                    for p in folder.rglob("*")
                    if p.is_file()
                    and any(fnmatch(p.relative_to(folder).as_posix(), pat) for pat in arguments["allow_patterns"])
                }
            recorded.append((name, arguments))
            return SimpleNamespace(commit_url=f"https://huggingface.co/{arguments['repo_id']}/commit/1")

        return record

    for name in ("create_repo", "upload_folder", "add_space_variable"):
        monkeypatch.setattr(HfApi, name, recorder(name))
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    return recorded


def test_parse_ref():
    assert hub.parse_ref("hf://ns/name@v1") == hub.HubRef("ns/name", "v1")
    assert hub.parse_ref("hf://ns/name") == hub.HubRef("ns/name", None)
    assert str(hub.HubRef("ns/name", "v1")) == "hf://ns/name@v1"
    assert hub.parse_ref("runs/seed1") == Path("runs/seed1")


def test_shipped_folder_loads_and_its_card_carries_the_measured_accuracy():
    model = keras.saving.load_model(SHIPPED, safe_mode=True, compile=False)
    assert model.output_shape == (None, 10)
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    card = ModelCard.load(SHIPPED / "README.md")
    assert card.data.library_name == "keras"
    result = card.data.eval_results[0]
    assert result.metric_type == "accuracy"
    assert result.metric_value == pytest.approx(metrics["test_accuracy"], abs=5e-5)
    for figure in ("confusion_matrix.png", "training_curves.png"):  # the card shows them: they must be there
        assert f"({figure})" in card.content and (SHIPPED / figure).is_file()


def test_card_front_matter_carries_the_accuracy_from_metrics_json(tmp_path):
    metrics = {**json.loads((SHIPPED / "metrics.json").read_text()), "test_accuracy": 0.9, "real_photos": None}
    card.write_card(tmp_path, metrics)
    written = ModelCard.load(tmp_path / "README.md")
    assert written.data.library_name == "keras" and written.data.pipeline_tag == "image-classification"
    assert written.data.datasets == ["zalando-datasets/fashion_mnist"]
    (result,) = written.data.eval_results
    assert (result.metric_type, result.dataset_split, result.metric_value) == ("accuracy", "test", 0.9)
    assert "Test accuracy **90.00%**" in written.text


@pytest.mark.parametrize("ref", ["hf://ns/model@v1", "hf://ns/model", f"hf://ns/model@{SHA}"])
def test_hub_model_loads_from_the_offline_cache(hub_cache, ref):
    loaded, notice = hub.load_model(ref)
    assert notice is None
    assert loaded.folder == hub_cache / "models--ns--model" / "snapshots" / SHA
    assert ref.split("@")[0] in loaded.source and SHA[:7] in loaded.source
    assert loaded.test_accuracy == json.loads((SHIPPED / "metrics.json").read_text())["test_accuracy"]


def test_model_repo_variable_is_used_when_no_flag(hub_cache, monkeypatch):
    monkeypatch.setenv("MODEL_REPO", "hf://ns/model@v1")
    loaded, notice = hub.load_model(None)
    assert notice is None and "hf://ns/model@v1" in loaded.source


@pytest.mark.parametrize(
    "ref, why",
    [
        ("hf://nobody/none", "cannot be reached"),  # offline: neither the Hub nor the cache has it
        ("hf://ns/model@no-such-tag", "cannot be reached"),
        ("hf://not a repo!", "not a valid repo name"),
        ("/no/such/folder", "no such folder"),
    ],
)
def test_unreachable_or_missing_model_falls_back_with_a_notice(hub_cache, ref, why, caplog):
    with caplog.at_level(logging.WARNING):
        loaded, notice = hub.load_model(ref)
    assert loaded.folder.resolve() == SHIPPED.resolve()
    assert ref in notice and why in notice and "embedded model" in notice
    assert notice in caplog.text  # logged, not only shown


@pytest.mark.parametrize(
    "error, why",
    [("RepositoryNotFoundError", "no such model repo"), ("RevisionNotFoundError", "no such tag, branch or commit")],
)
def test_online_hub_answers_are_explained(monkeypatch, error, why):
    """What the Hub says when it is reachable (recorded here, no network): the notice says it in words."""
    import httpx
    import huggingface_hub
    from huggingface_hub import errors

    response = httpx.Response(404, request=httpx.Request("GET", "https://huggingface.co/api/models/nobody/none"))

    def snapshot_download(*args, **kwargs):
        raise getattr(errors, error)("404 Client Error", response=response)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    loaded, notice = hub.load_model("hf://nobody/none@v1")
    assert loaded.folder.resolve() == SHIPPED.resolve() and why in notice


def test_broken_hub_files_fall_back(hub_cache):
    (hub_cache / "models--ns--model" / "snapshots" / SHA / "config.json").write_text("{ this is not json")
    loaded, notice = hub.load_model("hf://ns/model")
    assert loaded.folder.resolve() == SHIPPED.resolve() and "hf://ns/model" in notice
    assert "could not be read as a Keras model" in notice


def test_push_creates_the_repo_and_uploads_the_folder_once(calls, capsys, caplog):
    with caplog.at_level(logging.DEBUG):
        url = publish.push_model(SHIPPED, "me/fashion-cnn", private=True, message="v1")
    assert [name for name, _ in calls] == ["create_repo", "upload_folder"]
    create, upload = calls[0][1], calls[1][1]
    assert create["repo_id"] == "me/fashion-cnn" and create["repo_type"] == "model" and create["private"] is True
    assert upload["repo_type"] == "model" and upload["commit_message"] == "v1"
    assert upload["allow_patterns"] == hub.MODEL_FILES
    assert "me/fashion-cnn" in url
    uploaded = upload["files"]
    assert {"config.json", "metadata.json", "model.weights.h5", "metrics.json", "README.md"} <= uploaded
    assert {"confusion_matrix.png", "training_curves.png", "test_samples.npz"} <= uploaded
    assert TOKEN not in capsys.readouterr().out + caplog.text


def test_push_without_a_token_says_how_to_get_one(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)
    with pytest.raises(publish.PublishError, match="hf auth login"):
        publish.push_model(SHIPPED, "me/fashion-cnn")


def test_deploy_space_uploads_only_the_app_and_sets_the_model(calls, capsys, caplog):
    with caplog.at_level(logging.DEBUG):
        url = publish.deploy_space("me/fashion-lab", "me/fashion-cnn@v1")
    assert url == "https://huggingface.co/spaces/me/fashion-lab"
    names = [name for name, _ in calls]
    assert names == ["create_repo", "upload_folder", "add_space_variable"]
    create, upload, variable = (args for _, args in calls)
    assert create["repo_type"] == "space" and create["space_sdk"] == "gradio"
    assert upload["repo_type"] == "space" and upload["allow_patterns"] == publish.SPACE_FILES
    assert (variable["key"], variable["value"]) == ("MODEL_REPO", "hf://me/fashion-cnn@v1")
    files = upload["files"]
    assert {
        "app.py",
        "tabs/classify.py",
        "requirements.txt",
        "README.md",
        "model/hub.py",
        "model/publish.py",
        "model/weights/model.weights.h5",
    } <= files
    assert not any(f.startswith(("tests/", "benchmarks/", ".ci/", "runs/")) for f in files)
    # every docs page the README links to goes with it (review 154 #12)
    linked = set(re.findall(r"\]\((docs/[^)#]+\.md)", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert "docs/real-photo-numbers.md" in linked and linked <= files
    assert TOKEN not in capsys.readouterr().out + caplog.text


def test_space_readme_lists_the_model_repo_and_stays_valid():
    card = SpaceCard(publish.space_readme(hub.HubRef("me/fashion-cnn", "v1")))
    assert card.data.models == ["me/fashion-cnn"]
    assert card.data.sdk == "gradio" and card.data.app_file == "app.py"
    plain = SpaceCard((ROOT / "README.md").read_text(encoding="utf-8"))
    assert {k: v for k, v in card.data.to_dict().items() if k != "models"} == plain.data.to_dict()
    assert card.text == plain.text  # only the front matter changes
    assert plain.data.sdk_version == __import__("gradio").__version__
    assert len(plain.data.short_description) <= 60


def test_train_help_offers_push_to_hub():
    import train

    parser = train.build_parser()  # what `python train.py --help` prints, without starting TensorFlow again
    assert "--push-to-hub" in parser.format_help() and "--private" in parser.format_help()
    args = parser.parse_args(["--push-to-hub", "me/fashion-cnn", "--private"])
    assert args.push_to_hub == "me/fashion-cnn" and args.private


@pytest.mark.app
@pytest.mark.slow
def test_app_with_an_unreachable_repo_serves_and_says_it_fell_back(tmp_path):
    from gradio_client import Client, handle_file

    port = free_port()
    env = dict(
        os.environ,
        MODEL_REPO="hf://nobody/none",
        GRADIO_SERVER_PORT=str(port),
        HF_HOME=str(tmp_path / "hf"),
        GRADIO_TEMP_DIR=str(tmp_path / "gradio"),
    )
    env.pop("HF_HUB_OFFLINE", None)  # really try the network: this machine has none
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            try:
                config = json.load(urllib.request.urlopen(f"{url}/config", timeout=2))
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "app did not start"
                time.sleep(0.5)
        shown = json.dumps(config)
        assert "hf://nobody/none" in shown and "embedded model" in shown
        example = sorted((SHIPPED / "examples").glob("*.png"))[1]  # a trouser from the test set
        result = Client(url, verbose=False).predict(handle_file(str(example)), api_name="/classify")
        assert result[0]["label"] == "Trouser"
    finally:
        proc.terminate()
        log = proc.communicate(timeout=30)[0].decode()
    assert "nobody/none" in log  # the fallback is logged too


@pytest.mark.app
@pytest.mark.slow
def test_the_files_a_space_deploy_uploads_run_the_app_alone(monkeypatch, calls, tmp_path):
    """Deploy into a folder instead of the Hub, then start the app from there: no module can be left out."""
    from gradio_client import Client, handle_file

    space = tmp_path / "space"
    upload = HfApi.upload_folder

    def upload_into_space(self, *args, **kwargs):
        shutil.copytree(kwargs["folder_path"], space)
        return upload(self, *args, **kwargs)

    monkeypatch.setattr(HfApi, "upload_folder", upload_into_space)
    publish.deploy_space("me/fashion-lab")
    assert (space / "app.py").is_file() and not (space / "tests").exists()
    port = free_port()
    env = dict(os.environ, GRADIO_SERVER_PORT=str(port), GRADIO_TEMP_DIR=str(tmp_path / "gradio"))
    env.pop("PYTHONPATH", None)  # only the Space's own files can be imported
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=space, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/config", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, "the Space's app did not start"
                time.sleep(0.5)
        photo = next((ROOT / "tests" / "data" / "real-photos" / "pants").glob("*.jpg"))
        label, _, steps, verdict, _ = Client(url, verbose=False).predict(handle_file(str(photo)), api_name="/classify")
        assert label["label"] and verdict and len(steps) >= 4
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_a_bug_in_our_own_loading_code_is_not_hidden_behind_the_fallback(tmp_path, monkeypatch):
    """The fallback is for unreachable Hubs and unreadable files; a TypeError from our code must surface."""
    (tmp_path / "config.json").write_text("{}")

    def buggy(folder, source=None):
        raise TypeError("unsupported operand type(s)")

    monkeypatch.setattr(hub, "load_folder", buggy)
    with pytest.raises(TypeError):
        hub.load_model(str(tmp_path))


def test_an_unreadable_folder_falls_back_with_a_notice(tmp_path):
    (tmp_path / "config.json").write_text("this is not JSON")
    model, notice = hub.load_model(str(tmp_path))
    assert model.folder.resolve() == SHIPPED.resolve()
    assert "could not be read as a Keras model" in notice


def test_every_file_the_shipped_folder_holds_is_downloaded_from_the_hub():
    """A file the app reads from the model folder but MODEL_FILES leaves out would be missing on a Hub model."""
    from fnmatch import fnmatch

    shipped = [p.relative_to(SHIPPED).as_posix() for p in SHIPPED.rglob("*") if p.is_file()]
    missing = [f for f in shipped if not any(fnmatch(f, pattern) for pattern in hub.MODEL_FILES)]
    assert not missing, f"add these to model/hub.py MODEL_FILES: {missing}"


def test_the_shipped_card_is_what_card_py_writes_from_the_shipped_metrics():
    """The model card's sentences and numbers come from card.py and metrics.json: an edit to one is an edit to both
    (the card said "phone photos", which no file records)."""
    metrics = json.loads((SHIPPED / "metrics.json").read_text())
    assert str(card.render_card(metrics)) == (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "phone" not in (SHIPPED / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["notebook", "mlp", "notebook-bn"])
def test_an_ablation_folder_is_not_served_its_words_describe_the_full_network(name):
    """Review 113c: the tabs' words name the full network's layers (block3_conv2 before its batch norm, 7×7 maps);
    an --ablation folder has other layers, so the app serves model/weights instead, and says why."""
    loaded, notice = hub.load_model(str(SHIPPED / "ablations" / name))
    assert loaded.folder.resolve() == SHIPPED.resolve()
    assert "its layers are not those of train.py's full network, which the tabs explain (an --ablation run?)" in notice
    assert "embedded model" in notice
    full, none = hub.load_model(str(SHIPPED / "fashion-mnist-only"))  # the full network, before real photos
    assert none is None and full.folder.resolve() == (SHIPPED / "fashion-mnist-only").resolve()


@pytest.mark.parametrize("variant", [{"pool": "average"}, {"normalize": False}, {"dense_dropout": 0.0}])
def test_an_ablation_of_the_full_network_is_not_served_either(variant, tmp_path):
    """Review 114: avgpool, no-normalization and no-dropout runs keep block3_conv2 but are not the full network."""
    from model.cnn import build_cnn

    other = build_cnn(**variant)
    assert hub._layers(other) != hub._layers(build_cnn())
    with pytest.raises(hub.OtherNetwork):
        hub._full_network(SimpleNamespace(keras_model=other))
    assert hub._full_network(SimpleNamespace(keras_model=build_cnn())).keras_model is not None
