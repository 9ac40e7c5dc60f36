import io

import numpy as np
import pytest
from PIL import Image

from model.preprocess import ImageProblem, load_and_preprocess


def _png_bytes(img: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def _garment(light_background: bool = True, size=(300, 200)) -> Image.Image:
    """A dark 'garment' rectangle off-centre on a light background (or the reverse)."""
    bg, fg = (245, 40) if light_background else (10, 220)
    arr = np.full((size[1], size[0]), bg, dtype=np.uint8)
    arr[30:150, 50:120] = fg
    return Image.fromarray(arr)


def test_fashion_mnist_style_input_is_used_as_is():
    x = np.zeros((28, 28), dtype=np.uint8)
    x[5:20, 8:18] = 200
    out = load_and_preprocess(_png_bytes(Image.fromarray(x)))
    np.testing.assert_array_equal(out.pixels, x)


@pytest.mark.parametrize("light", [True, False])
def test_photo_becomes_bright_centred_object_on_black(light):
    out = load_and_preprocess(_png_bytes(_garment(light)))
    px = out.pixels
    assert px.shape == (28, 28) and px.dtype == np.uint8
    assert px.max() == 255 and px[:, 0].max() == 0 and px[:, -1].max() == 0  # black padding on the sides
    rows = np.flatnonzero(px.max(axis=1) > 128)
    assert rows[0] == 0 and rows[-1] == 27  # the longest edge fills 28 pixels
    cols = np.flatnonzero(px.max(axis=0) > 128)
    assert abs((cols[0] + cols[-1]) / 2 - 13.5) <= 1  # centred
    assert out.has_object and len(out.steps) >= 3


def test_transparent_png_is_composited_on_white():
    rgba = np.zeros((100, 100, 4), dtype=np.uint8)
    rgba[20:80, 30:70] = (200, 30, 30, 255)  # an opaque red garment, the rest transparent
    out = load_and_preprocess(_png_bytes(Image.fromarray(rgba, "RGBA")))
    assert out.pixels[14, 14] > 200 and out.pixels[0, 0] == 0


def test_uniform_image_has_no_object():
    out = load_and_preprocess(_png_bytes(Image.new("L", (50, 50), 255)))
    assert not out.has_object


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"this is text, not a picture", "not an image"),
        (None, "damaged"),  # a truncated JPEG, built below
    ],
)
def test_bad_files_raise_a_clear_problem(data, message):
    if data is None:
        data = _png_bytes(_garment().convert("RGB"), "JPEG")[:400]
    with pytest.raises(ImageProblem, match=message):
        load_and_preprocess(data)


def test_decompression_bomb_is_refused():
    # a valid PNG header claiming 60000 x 60000 pixels, with almost no data behind it
    import struct
    import zlib

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0))
    png = b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")
    with pytest.raises(ImageProblem, match="megapixels"):
        load_and_preprocess(png)
