"""A classroom's worth of bad inputs, through gradio_client, on every input of every tab.

Each input gets either a clear message (what is wrong, what to do) or a sensible answer,
never Gradio's generic "upstream Gradio app has raised an exception", and the server keeps
serving afterwards.
"""

from __future__ import annotations

import io
import re
import struct
import zlib

import numpy as np
import pytest
from gradio_client import handle_file
from PIL import Image

from model.data import CLASS_NAMES
from tests.helpers import SHIPPED

pytestmark = pytest.mark.app

EXAMPLES = sorted((SHIPPED / "examples").glob("*.png"))
GENERIC = "upstream Gradio app has raised an exception"


def _png(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


def _jpeg(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", **kw)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb() -> bytes:
    """A valid PNG header claiming 60000x60000 pixels, with a tiny compressed body."""
    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def _garment() -> Image.Image:
    """The example trouser as a photo: dark garment on a light background, 240 px."""
    pixels = 255 - np.asarray(Image.open(EXAMPLES[1]))
    return Image.fromarray(pixels).resize((240, 240), Image.Resampling.BICUBIC)


def _animated_gif() -> bytes:
    frames = [_garment().convert("P"), Image.new("P", (240, 240), 0)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def _exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": the stored image lies on its side
    return _jpeg(_garment().rotate(90, expand=True).convert("RGB"), exif=exif)


def _png16() -> bytes:
    """The garment as a 16-bit grey PNG using the whole 0-65535 range, as scanners and raw converters write it."""
    return _png(Image.fromarray(np.asarray(_garment(), dtype=np.uint16) * 257))  # 255 * 257 = 65535


# name -> (file bytes, what /classify must answer: a message fragment, or a class name, or "no object")
CASES = {
    "empty file": (b"", "empty"),
    "text renamed .png": (b"These are my notes, not a picture.\n" * 20, "not an image"),
    "truncated PNG": (_png(_garment())[:400], "damaged or incomplete|not an image"),
    "truncated JPEG": (_jpeg(_garment().convert("RGB"))[:600], "damaged or incomplete"),
    "random bytes": (np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes(), "not an image"),
    "60000x60000 bomb": (_bomb(), "megapixels"),
    "1x1 pixel": (_png(Image.new("RGB", (1, 1), (200, 30, 30))), "no object"),
    "all white": (_png(Image.new("RGB", (300, 300), "white")), "no object"),
    "all black": (_png(Image.new("L", (300, 300), 0)), "no object"),
    "animated GIF": (_animated_gif(), "Trouser"),
    "16-bit PNG": (_png(_garment().convert("I;16")), "Trouser"),
    "16-bit PNG, full range": (_png16(), "Trouser"),
    "CMYK JPEG": (_jpeg(_garment().convert("CMYK")), "Trouser"),
    "EXIF-rotated JPEG": (_exif_rotated(), "Trouser"),
    "iPhone HEIC": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(600), "HEIC.*JPEG"),
    "SVG drawing": (b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>', "SVG.*PNG"),
    "PDF document": (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF", "PDF.*PNG"),
    "20000x1 strip": (_png(Image.new("L", (20_000, 1), 128)), "no object"),
    "1x5000 strip": (_png(Image.new("L", (1, 5_000), 0)), "no object"),
}


def _outcome(client, *args, api_name: str):
    """(result, None) or (None, error message)."""
    try:
        return client.predict(*args, api_name=api_name), None
    except Exception as error:  # the client raises its own exception types for server errors
        return None, str(error)


def _assert_alive(client):
    assert client.predict(handle_file(str(EXAMPLES[7])), api_name="/classify")[0]["label"] == "Sneaker"


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_bad_file_on_classify(client, tmp_path, name):
    content, expected = CASES[name]
    path = tmp_path / ("upload.gif" if "GIF" in name else "upload.jpg" if "JPEG" in name else "upload.png")
    path.write_bytes(content)
    result, error = _outcome(client, handle_file(str(path)), api_name="/classify")
    if expected in CLASS_NAMES:
        assert error is None, error
        assert result[0]["label"] == expected
    elif expected == "no object":
        assert error is None, error
        assert result[0] is None or result[0].get("label") is None  # no class named
        assert result[3].startswith("**Not sure: no clear object")
    else:
        assert error is not None and GENERIC not in error
        assert re.search(expected, error), error
    _assert_alive(client)


CONCEPT_CALLS = {
    "/feature_maps": ("block1_relu1",),
    "/shift": (2,),
    "/pool": ("max", 2, 2, "the 28×28 input", 0),
    "/normalize": (),
    "/softmax": (1.0,),
    "/explain": (),
}


@pytest.mark.slow
@pytest.mark.parametrize("api", CONCEPT_CALLS)
@pytest.mark.parametrize("name", ["empty file", "random bytes", "60000x60000 bomb", "truncated JPEG", "all white"])
def test_bad_file_on_every_concept_input(client, tmp_path, api, name):
    content, expected = CASES[name]
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    result, error = _outcome(client, handle_file(str(path)), *CONCEPT_CALLS[api], api_name=api)
    if expected == "no object":  # a blank image is a valid input to look at: an answer, not an error
        assert error is None, error
    else:
        assert error is not None and GENERIC not in error and len(error) > 20, error
    _assert_alive(client)


@pytest.mark.slow
@pytest.mark.parametrize(
    "api, args",
    [
        ("/pool", ("Median", 2, 2, "the 28×28 input", 0)),
        ("/pool", ("max", 7, 2, "the 28×28 input", 0)),
        ("/pool", ("max", 2, 0, "the 28×28 input", 0)),
        ("/pool", ("max", 2, 2, "a feature map of block1_relu1", 400)),
        ("/softmax", (-1.0,)),
        ("/softmax", (1e9,)),
        ("/shift", (50,)),
        ("/feature_maps", ("no_such_layer",)),
        ("/softmax", ("hot",)),
        ("/shift", ("left",)),
        ("/pool", ("max", 2, 2, "a feature map of block1_relu1", "seven")),
    ],
)
def test_out_of_range_values_through_the_api(client, api, args):
    result, error = _outcome(client, handle_file(str(EXAMPLES[0])), *args, api_name=api)
    assert error is not None and GENERIC not in error, error
    assert re.search("must be|choices|minimum|maximum", error), error  # says what is allowed
    _assert_alive(client)


@pytest.mark.slow
@pytest.mark.parametrize(
    "api, args",
    [
        ("/softmax_logits", ("", 1.0)),
        ("/softmax_logits", ("1, 2, three", 1.0)),
        ("/softmax_logits", ("1, 2", 0.0)),
        ("/confusion_cell", ("Sock", "Shirt")),
        ("/confusion_matrix", ("Bogus",)),
        ("/overfitting", ([],)),
        ("/overfitting", (None,)),
        ("/softmax_logits", ("1, 2", "warm")),
        ("/classify_sketch", ({"background": None, "layers": [], "composite": None},)),
    ],
)
def test_bad_values_without_an_image(client, api, args):
    result, error = _outcome(client, *args, api_name=api)
    assert error is not None and GENERIC not in error, error
    _assert_alive(client)


@pytest.mark.slow
def test_a_file_over_the_upload_limit_is_refused_clearly(client, tmp_path):
    big = tmp_path / "huge.jpg"
    big.write_bytes(_jpeg(_garment().convert("RGB")) + b"\0" * 21_000_000)  # over max_file_size=20mb
    result, error = _outcome(client, handle_file(str(big)), api_name="/classify")
    assert error is not None and GENERIC not in error, error
    assert "20" in error or "large" in error.lower() or "size" in error.lower(), error
    _assert_alive(client)


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/etc/hostname", str(EXAMPLES[1])])
def test_a_path_on_the_server_is_never_read(app_url, client, path):
    """A raw API call naming a server file instead of uploading one gets an error, not the file.

    (gradio_client would upload a local path itself, so this speaks HTTP directly.)
    """
    import json
    import urllib.request

    base = f"{app_url}/gradio_api/call/classify"
    body = json.dumps({"data": [{"path": path, "meta": {"_type": "gradio.FileData"}}]}).encode()
    request = urllib.request.Request(base, data=body, headers={"Content-Type": "application/json"})
    event = json.load(urllib.request.urlopen(request, timeout=30))["event_id"]
    stream = urllib.request.urlopen(f"{base}/{event}", timeout=60).read().decode()
    assert stream.startswith("event: error") and "Trouser" not in stream, stream
    _assert_alive(client)


# Every public endpoint with good arguments: each bad value below replaces one of them.
EXAMPLE = handle_file(str(EXAMPLES[7]))  # a sneaker
GOOD_CALLS = {
    "/classify": (EXAMPLE,),
    "/classify_sketch": ({"background": None, "layers": [], "composite": EXAMPLE},),
    "/feature_maps": (EXAMPLE, "block1_relu1"),
    "/shift": (EXAMPLE, 2),
    "/pool": (EXAMPLE, "max", 2, 2, "the 28×28 input", 0),
    "/normalize": (EXAMPLE,),
    "/softmax": (EXAMPLE, 1.0),
    "/softmax_logits": ("1, 2", 1.0),
    "/softmax_calibration": (1.0,),
    "/overfitting": (["baseline"],),
    "/confusion_matrix": ("Counts",),
    "/confusion_cell": ("Shirt", "Coat"),
    "/explain": (EXAMPLE, "Top class", "Grad-CAM", 4),
    "/explain_sanity": (EXAMPLE, "Top class", 4, False),
    "/confusion_explain": (None,),
    "/augment": (EXAMPLE, 0),
    "/ladder": (EXAMPLE, "Notebook CNN", "+ real photos"),
    "/playground": ("max", "on", "off", "0", "off", "10000", ""),
    "/playground_live": ("max", "on", "off", "0", "off", "1000"),  # 1,000 images: a live run of a few seconds
    "/how_sure": (0.5,),
}
# (endpoint, position, the name view_api gives that parameter) of every image input
IMAGE_PARAMETERS = [
    ("/classify", 0, "photo_path"),
    *(
        (api, 0, "image_path")
        for api in (
            "/feature_maps",
            "/shift",
            "/pool",
            "/normalize",
            "/softmax",
            "/explain",
            "/explain_sanity",
            "/augment",
            "/ladder",
        )
    ),
]
NOT_FILES = {"text": "hello", "number": 123, "list": [1, 2], "100,000 characters": "x" * 100_000}


def _with(api: str, position: int, value) -> tuple:
    args = list(GOOD_CALLS[api])
    args[position] = value
    return tuple(args)


def _assert_names(error: str | None, parameter: str, *accepts: str):
    """A specific message: it names the parameter and what it accepts, and echoes only the start of the value."""
    assert error is not None and GENERIC not in error, error
    assert f"Parameter '{parameter}'" in error, error
    for fragment in accepts:
        assert fragment in error, error
    assert len(error) < 400, error[:400]  # a 100,000-character value is not echoed whole


@pytest.mark.slow
def test_the_api_lists_only_the_public_endpoints(client):
    endpoints = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert endpoints == set(GOOD_CALLS), endpoints
    assert not any(re.search("pick_cell|partial|lambda", name) for name in endpoints)


def test_every_public_endpoint_works_with_good_arguments(client):
    """The fast lane's one test against `python app.py`: it starts, and every endpoint answers (the rest: slow)."""
    for api, args in GOOD_CALLS.items():
        result, error = _outcome(client, *args, api_name=api)
        assert error is None, (api, error)


@pytest.mark.slow
@pytest.mark.parametrize("api, position, parameter", IMAGE_PARAMETERS)
@pytest.mark.parametrize("kind", NOT_FILES)
def test_a_value_that_is_not_a_file_where_an_image_goes(client, api, position, parameter, kind):
    result, error = _outcome(client, *_with(api, position, NOT_FILES[kind]), api_name=api)
    _assert_names(error, parameter, "image file", "handle_file", repr(NOT_FILES[kind])[:20])
    _assert_alive(client)


@pytest.mark.slow
@pytest.mark.parametrize("parameter, position", [("size", 2), ("stride", 3)])
def test_none_for_a_pool_size_or_stride_names_the_choices(client, parameter, position):
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/pool"]
    schema = next(p for p in api["parameters"] if p["parameter_name"] == parameter)["type"]
    result, error = _outcome(client, *_with("/pool", position, None), api_name="/pool")
    _assert_names(error, parameter, "must be one of", "got None")
    assert all(repr(value) in error for value in schema["enum"]), error  # the choices the API advertises


@pytest.mark.slow
@pytest.mark.parametrize(
    "sketch",
    [{"composite": "abc"}, {"path": 5}, {}, ["a", "b"], 7, "hello", {"composite": {"path": "/etc/hostname"}}],
    ids=["composite-text", "other-keys", "empty-dict", "list", "number", "text", "path-without-upload"],
)
def test_a_malformed_sketch_says_what_a_sketch_is(client, sketch):
    result, error = _outcome(client, sketch, api_name="/classify_sketch")
    _assert_names(error, "sketch", "composite", "handle_file")
    _assert_alive(client)


@pytest.mark.slow
@pytest.mark.parametrize("api", GOOD_CALLS)
@pytest.mark.parametrize("bad", [[1, 2], {"composite": "abc"}], ids=["list", "dict"])
def test_every_parameter_names_itself_when_refused(client, api, bad):
    """A list or a dict is wrong for every parameter of this app: each refusal names the parameter."""
    endpoint = client.view_api(return_format="dict", print_info=False)["named_endpoints"][api]
    for position, parameter in enumerate(p["parameter_name"] for p in endpoint["parameters"]):
        result, error = _outcome(client, *_with(api, position, bad), api_name=api)
        _assert_names(error, parameter, "must be")
    _assert_alive(client)


@pytest.mark.slow
def test_pick_cell_without_a_click_says_what_it_is_for(app_url, client):
    """The counts table's click handler is private; a raw HTTP call to it gets a message, not Gradio's generic one."""
    import json
    import urllib.request

    base = f"{app_url}/gradio_api/call/pick_cell"
    request = urllib.request.Request(base, data=b'{"data": []}', headers={"Content-Type": "application/json"})
    event = json.load(urllib.request.urlopen(request, timeout=30))["event_id"]
    stream = urllib.request.urlopen(f"{base}/{event}", timeout=60).read().decode()
    assert stream.startswith("event: error") and "counts table" in stream and "/confusion_cell" in stream, stream
    _assert_alive(client)


def _sketch_of(path) -> dict:
    return {"background": None, "layers": [], "composite": handle_file(str(path))}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["EXIF-rotated JPEG", "16-bit PNG, full range"])
def test_the_draw_path_decodes_like_the_photo_path(client, tmp_path, name):
    """An upright trouser photo stored on its side with EXIF orientation 6, a 16-bit grey PNG: Trouser on both paths."""
    content, expected = CASES[name]
    path = tmp_path / ("upload.jpg" if "JPEG" in name else "upload.png")
    path.write_bytes(content)
    photo, error = _outcome(client, handle_file(str(path)), api_name="/classify")
    assert error is None, error
    sketch, error = _outcome(client, _sketch_of(path), api_name="/classify_sketch")
    assert error is None, error
    assert sketch[0]["label"] == photo[0]["label"] == expected, (sketch[3], photo[3])


def _bomb_30000() -> bytes:
    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + _chunk(b"IEND", b"")
    )


SKETCH_FILES = {
    **{name: CASES[name] for name in ("empty file", "truncated PNG", "truncated JPEG", "iPhone HEIC", "SVG drawing")},
    "30000x30000 header": (_bomb_30000(), "megapixels"),
    "HTML page": (b"<!DOCTYPE html><html><body><img src=shirt.jpg></body></html>", "not an image"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", SKETCH_FILES)
def test_a_bad_file_in_a_sketch_gets_the_photo_message(client, tmp_path, name):
    content, expected = SKETCH_FILES[name]
    path = tmp_path / ("upload.jpg" if "JPEG" in name else "upload.png")
    path.write_bytes(content)
    result, error = _outcome(client, _sketch_of(path), api_name="/classify_sketch")
    assert error is not None and GENERIC not in error, error
    assert re.search(expected, error), error
    _assert_alive(client)
