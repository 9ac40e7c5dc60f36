"""How app.py serves (serve.py): its flags, the lines it prints on start, the camera on a network, a quiet console."""

from __future__ import annotations

import argparse
import inspect
import logging
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

import gradio as gr
import httpx
import pytest

import serve
from tests.helpers import ROOT, free_port

MODEL = "the embedded model (model/weights)"


def _args(*argv: str) -> argparse.Namespace:
    return serve.parse_args(argparse.ArgumentParser(), list(argv))


def _offline(*args, **kwargs):
    raise socket.gaierror(-3, "Temporary failure in name resolution")


def test_the_host_comes_from_the_flag_else_the_environment(monkeypatch):
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    assert _args().host == "127.0.0.1" and _args().port is None
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    assert _args().host == "0.0.0.0"
    assert _args("--host", "192.168.1.20", "--port", "8000").host == "192.168.1.20"
    assert _args("--port", "8000").port == 8000


def test_a_certificate_without_its_key_is_refused():
    with pytest.raises(SystemExit):
        _args("--ssl-certfile", "cert.pem")


def test_launch_gets_the_certificate_and_does_not_check_it_against_itself(monkeypatch):
    options = serve.launch_options(_args("--host", "0.0.0.0", "--ssl-certfile", "c.pem", "--ssl-keyfile", "k.pem"))
    assert options["ssl_certfile"] == "c.pem" and options["ssl_keyfile"] == "k.pem"
    assert options["ssl_verify"] is False and options["server_name"] == "0.0.0.0"
    assert serve.launch_options(_args())["ssl_verify"] is True


def test_share_offline_is_not_asked_of_gradio(monkeypatch):
    """Gradio would print instructions to download its tunnel program: the program is not what is missing."""
    monkeypatch.setattr(socket, "create_connection", _offline)
    assert serve.can_share() is False
    assert serve.launch_options(_args("--share"))["share"] is False


def test_the_share_server_is_the_one_gradio_asks():
    from gradio import networking  # internal: where Gradio 6.31 asks for a share link

    url = urlparse(networking.GRADIO_API_SERVER)
    assert (url.hostname, url.port or 443) == serve.SHARE_SERVER


def test_without_a_public_link_one_line_says_where_it_serves():
    line = serve.share_line(None, "http://127.0.0.1:7860")
    assert "\n" not in line and "No public link" in line and "http://127.0.0.1:7860" in line


@pytest.mark.parametrize(
    ("host", "https", "space", "works"),
    [
        ("127.0.0.1", False, False, True),
        ("localhost", False, False, True),
        ("0.0.0.0", False, False, False),
        ("192.168.1.20", False, False, False),
        ("laptop.local", False, False, False),
        ("0.0.0.0", True, False, True),
        ("0.0.0.0", False, True, True),  # a Space listens on 0.0.0.0 behind its HTTPS proxy
    ],
)
def test_the_camera_works_over_https_or_on_localhost(monkeypatch, host, https, space, works):
    if space:
        monkeypatch.setenv("SPACE_ID", "ns/fashion-cnn-lab")
    else:
        monkeypatch.delenv("SPACE_ID", raising=False)
    assert serve.camera_works(host, https) is works


def test_on_this_machine_one_line_says_where_and_which_model(monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    lines = serve.start_lines("127.0.0.1", "http://127.0.0.1:7860/", MODEL, ["192.168.1.20"])
    assert lines == [f"Fashion CNN Lab serving {MODEL} at http://127.0.0.1:7860"]


def test_on_the_network_phones_get_each_address_and_the_camera_a_reason(monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    lines = serve.start_lines("0.0.0.0", "http://localhost:7860/", MODEL, ["192.168.1.20", "10.0.0.5"])
    assert lines[0] == f"Fashion CNN Lab serving {MODEL} at http://127.0.0.1:7860"
    assert lines[1] == "Phones on this network open http://192.168.1.20:7860 or http://10.0.0.5:7860"
    assert lines[2] == serve.CAMERA_NEEDS_HTTPS and "HTTPS" in lines[2]
    https = serve.start_lines("0.0.0.0", "https://localhost:7860/", MODEL, ["192.168.1.20"])
    assert https[1] == "Phones on this network open https://192.168.1.20:7860" and len(https) == 2
    named = serve.start_lines("192.168.1.20", "http://192.168.1.20:8000/", MODEL, ["10.0.0.5"])
    assert named[1] == "Phones on this network open http://192.168.1.20:8000"
    nowhere = serve.start_lines("0.0.0.0", "http://localhost:7860/", MODEL, [])
    assert nowhere[1].startswith("No network address found")


def test_network_addresses_are_found_without_the_network(monkeypatch):
    """The route probe failing (no network) leaves the host name's addresses; loopback ones are never listed."""
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: _offline())
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, 0, 0, "", (ip, 0)) for ip in ("127.0.1.1", "10.1.2.3")]
    )
    assert serve.lan_addresses() == ["10.1.2.3"]
    monkeypatch.setattr(socket, "getaddrinfo", _offline)
    assert serve.lan_addresses() == []


def test_served_without_a_camera_the_photo_input_offers_upload_only(shipped_model):
    from tabs import classify

    def photo_sources(camera: bool) -> list[str]:
        with gr.Blocks() as demo:
            classify.build(shipped_model, [], gr.State(None), camera=camera)
        photos = [b for b in demo.blocks.values() if isinstance(b, gr.Image) and "clothing photo" in str(b.label)]
        assert len(photos) == 1
        return list(photos[0].sources)

    assert photo_sources(True) == ["upload", "webcam", "clipboard"]
    assert photo_sources(False) == ["upload"]  # the clipboard, too, needs HTTPS


def _refuse(sketch):
    raise gr.Error("The canvas is empty.")


def _refuse_later(sketch):
    yield None
    raise gr.Error("The canvas is empty.")


async def _refuse_async(sketch):
    raise gr.Error("The canvas is empty.")


def _bug(sketch):
    raise KeyError("a bug")


@pytest.mark.parametrize("fn", [_refuse, _refuse_later, _refuse_async])
def test_a_refusal_is_one_log_line_without_a_traceback(fn, caplog):
    """Internal to Gradio 6.31: Blocks.fns and BlockFunction.fn (serve.log_refusals); this fails if they change."""
    with gr.Blocks() as demo:
        sketch = gr.Textbox()
        sketch.submit(fn, sketch, sketch, api_name="classify_sketch")
    serve.log_refusals(demo)
    (block_fn,) = demo.fns.values()
    run = block_fn.fn
    assert inspect.signature(run) == inspect.signature(fn)
    assert inspect.isgeneratorfunction(run) == inspect.isgeneratorfunction(fn)
    assert inspect.iscoroutinefunction(run) == inspect.iscoroutinefunction(fn)
    with caplog.at_level(logging.INFO, logger="app"), pytest.raises(gr.Error) as refused:
        if inspect.iscoroutinefunction(run):
            import asyncio

            asyncio.run(run(None))
        else:
            result = run(None)
            if inspect.isgenerator(result):
                list(result)
    assert refused.value.print_exception is False
    assert [r.getMessage() for r in caplog.records] == ["refused /classify_sketch: The canvas is empty."]


def test_a_bug_keeps_its_traceback(caplog):
    with gr.Blocks() as demo:
        sketch = gr.Textbox()
        sketch.submit(_bug, sketch, sketch)
    serve.log_refusals(demo)
    with pytest.raises(KeyError):
        next(iter(demo.fns.values())).fn(None)
    assert not caplog.records


def test_tensorflow_info_lines_are_left_out_and_its_warnings_kept(capfd):
    with serve._stderr_without(serve.TF_IMPORT_NOISE):
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
        os.write(2, b"I0000 00:00:1796300287.931251    7887 port.cc:153] oneDNN custom operations are on.\n")
        os.write(2, b"W0000 00:00:1796300287.931251    7887 loader.cc:12] a warning that matters\n")
    assert capfd.readouterr().err == "W0000 00:00:1796300287.931251    7887 loader.cc:12] a warning that matters\n"


def test_compiling_many_sub_models_warns_of_no_retracing(caplog):
    """Each sub-model is traced once: TensorFlow warned "retracing" from the fifth, as all shared one closure."""
    import keras
    import numpy as np

    from model.inference import _compile

    inputs = keras.Input((28, 28, 1))
    hidden = keras.layers.Flatten()(inputs)
    models = [keras.Model(inputs, keras.layers.Dense(n + 1)(hidden)) for n in range(7)]
    with caplog.at_level(logging.WARNING):
        outputs = [_compile(m)(np.zeros((2, 28, 28, 1), np.float32)) for m in models]
    assert [tuple(o.shape) for o in outputs] == [(2, n + 1) for n in range(7)]
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


@pytest.mark.app
@pytest.mark.slow
def test_the_console_of_a_class_on_the_network(tmp_path):
    """`python app.py --host 0.0.0.0` as a teacher starts it: where to open it, why no camera, and a learner's
    empty canvas as one line; no TensorFlow info lines, no retracing warning, no request log, no traceback."""
    from gradio_client import Client

    port = free_port()
    env = dict(
        os.environ,
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HOME=str(tmp_path / "hf"),
        HF_HUB_OFFLINE="1",
        GRADIO_TEMP_DIR=str(tmp_path / "gradio"),
        TMPDIR=str(tmp_path),
    )
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a teacher's shell has it (importing serve here set it)
    env.pop("SPACE_ID", None)
    log_path = tmp_path / "app.log"
    with open(log_path, "w") as log:
        app = subprocess.Popen(
            [sys.executable, "app.py", "--host", "0.0.0.0", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.time() + 180
            while serve.CAMERA_NEEDS_HTTPS not in log_path.read_text():  # the last of the start lines
                assert app.poll() is None, log_path.read_text()
                assert time.time() < deadline, "app.py did not start within 180 s"
                time.sleep(0.5)
            url = f"http://127.0.0.1:{port}/"
            client = Client(url, verbose=False)
            with pytest.raises(Exception, match="canvas is empty"):
                client.predict({"background": None, "layers": [], "composite": None}, api_name="/classify_sketch")
            config = httpx.get(url + "config", timeout=30).json()
            time.sleep(1)  # the log line is written as the error is sent
        finally:
            app.terminate()
            app.wait(timeout=30)
    text = log_path.read_text()
    lines = text.splitlines()
    photo = [c["props"] for c in config["components"] if "clothing photo" in str(c.get("props", {}).get("label"))]
    assert [p["sources"] for p in photo] == [["upload"]]
    assert lines[0].endswith(f"Fashion CNN Lab serving {MODEL} at http://127.0.0.1:{port}"), text
    assert serve.CAMERA_NEEDS_HTTPS in lines[2], text
    refused = [line for line in lines if "refused" in line]
    assert len(refused) == 1 and "INFO app: refused /classify_sketch: The canvas is empty." in refused[0], text
    for noise in ("I0000", "oneDNN", "cpu_feature_guard", "absl", "retracing", "httpx", "Traceback", "Running on"):
        assert noise not in text, text
