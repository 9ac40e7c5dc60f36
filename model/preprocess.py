"""Any photo -> the 28x28 input the CNN expects, following the Fashion-MNIST recipe.

Xiao et al. 2017 (arXiv:1708.07747) made each image from a product photo on a light
background: trim the background, resize the longest edge to 28, centre on a 28x28
canvas, negate, 8-bit grayscale. A photo must go through the same steps to look like
the training data; this module is the one place that does them, for the app, the
tests and the benchmarks alike. Every step is kept so the app can show it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

SIZE = 28
RESAMPLING = Image.Resampling.BOX  # area averaging: measured best of BOX/BILINEAR/LANCZOS (README)
SHARPEN = 0.0  # unsharp-mask amount after resizing; measured, not worth it (README)
WORK_SIDE = 256  # photos are shrunk to this longest edge first: trimming needs no more
MAX_PIXELS = 50_000_000  # refuse larger images (decompression bombs); phone photos are 12-50 MP
TRIM_TOLERANCE = 0.05 * 255  # the paper: within 5% of max intensity of the corner colour
MIN_OBJECT_CONTRAST = 24  # an object must differ this much (0-255) from the background to count
MAX_BORDER_SPREAD = 30  # median |border - background| above this: no plain background (noise, clutter)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # PIL raises DecompressionBombError past 2x this, warns past 1x


class ImageProblem(ValueError):
    """An input the learner must fix; the message says what to do."""


@dataclass
class Preprocessed:
    """The 28x28 model input and the steps that produced it."""

    pixels: np.ndarray  # (28, 28) uint8, bright garment on black
    steps: list[tuple[np.ndarray, str]] = field(default_factory=list)  # (image, caption)
    has_object: bool = True


def open_image(source: str | Path | bytes) -> Image.Image:
    """Open a file or bytes as a decoded PIL image, or raise ImageProblem saying what is wrong."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    if not data:
        raise ImageProblem("The file is empty. Upload a photo (JPEG, PNG, WebP, GIF, BMP or TIFF).")
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise ImageProblem(
                f"The image is {img.width}x{img.height} pixels, more than the {MAX_PIXELS // 1_000_000} "
                "megapixels this app accepts. Resize it and upload it again."
            )
        if img.format == "JPEG":
            # decode at 1/2, 1/4 or 1/8 scale straight from the JPEG: a 12 MP photo in milliseconds
            img.draft(img.mode if img.mode in ("L", "RGB") else "RGB", (WORK_SIDE, WORK_SIDE))
        img.seek(0)  # first frame of an animated GIF/WebP
        img.load()
    except ImageProblem:
        raise
    except Image.DecompressionBombError as err:
        raise ImageProblem(
            f"The image claims too many pixels to open safely (limit {MAX_PIXELS // 1_000_000} megapixels). "
            "Resize it and upload it again."
        ) from err
    except UnidentifiedImageError as err:
        raise ImageProblem(_unreadable(data)) from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:  # truncated or corrupt image data
        raise ImageProblem(f"The image file is damaged or incomplete ({err}). Save it again and re-upload.") from err
    return img


def _unreadable(data: bytes) -> str:
    """Why PIL could not open these bytes, in the learner's terms: formats people upload, known by their first bytes."""
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"mif1", b"msf1"):
        return (
            "This is a HEIC photo (the iPhone's default format), which this app cannot decode. Export it as JPEG "
            "(on the iPhone: Settings > Camera > Formats > Most Compatible) and upload that."
        )
    if b"<svg" in data[:1024]:
        return "This is an SVG drawing, not a bitmap. Save or screenshot it as PNG or JPEG and upload that."
    if data.startswith(b"%PDF-"):
        return "This is a PDF document. Screenshot the picture in it, or export it as PNG or JPEG, and upload that."
    return "This file is not an image PIL can read. Upload a JPEG, PNG, WebP, GIF, BMP or TIFF."


def to_grayscale(img: Image.Image) -> np.ndarray:
    """EXIF orientation applied, transparency composited onto white, then 0-255 luminance as float."""
    img = ImageOps.exif_transpose(img)
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit and float: scale the range down to 8 bits
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        return (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(arr)
    if img.mode == "P" or img.mode in ("LA", "PA") or "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img)
    return np.asarray(img.convert("L"), dtype=np.float64)


def _shrink(gray: np.ndarray, side: int) -> np.ndarray:
    h, w = gray.shape
    if max(h, w) <= side:
        return gray
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(
        Image.fromarray(gray.astype(np.float32), mode="F").resize(size, Image.Resampling.BOX), dtype=np.float64
    )


def _gaussian_blur(a: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """Separable Gaussian blur, zero outside the image (the background is 0 there anyway)."""
    x = np.arange(-2, 3)
    kernel = np.exp(-(x**2) / (2 * sigma**2))
    kernel /= kernel.sum()
    rows = np.apply_along_axis(np.convolve, 1, a, kernel, mode="same")
    return np.apply_along_axis(np.convolve, 0, rows, kernel, mode="same")


def _border(gray: np.ndarray) -> np.ndarray:
    return np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])


def _is_fashion_mnist_style(gray: np.ndarray) -> bool:
    """Already a 28x28 negative (dark background): use it as it is."""
    return gray.shape == (SIZE, SIZE) and float(np.median(_border(gray))) < 128


def preprocess(img: Image.Image) -> Preprocessed:
    """Turn a decoded image into the 28x28 model input, keeping every intermediate step."""
    gray = to_grayscale(img)
    if _is_fashion_mnist_style(gray):
        pixels = np.clip(np.rint(gray), 0, 255).astype(np.uint8)
        return Preprocessed(
            pixels,
            [(pixels, "28×28 negative: used as is")],
            has_object=int(pixels.max()) - int(pixels.min()) >= MIN_OBJECT_CONTRAST,
        )
    steps: list[tuple[np.ndarray, str]] = []
    gray = _shrink(gray, WORK_SIDE)
    steps.append((gray, "grayscale"))

    border = _border(gray)
    background = float(np.median(border))  # the paper's "corner colour", robustly
    diff = np.abs(gray - background)
    mask = diff > TRIM_TOLERANCE
    plain_background = float(np.median(np.abs(border - background))) <= MAX_BORDER_SPREAD
    has_object = bool(mask.any()) and float(diff.max()) >= MIN_OBJECT_CONTRAST and plain_background
    if mask.any():
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        gray = gray[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        steps.append((gray, "trimmed"))

    # the object as "ink": how far each pixel is from the background, on the object's side
    light_background = background >= 128
    ink = (background - gray) if light_background else (gray - background)
    ink = np.clip(ink, 0, None)

    h, w = ink.shape
    scale = SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, RESAMPLING))
    if SHARPEN:  # the paper's step 4: unsharp masking with a Gaussian of sigma 1
        blurred = _gaussian_blur(small)
        small = np.clip(small + SHARPEN * (small - blurred), 0, None)
    canvas = np.zeros((SIZE, SIZE), dtype=np.float64)
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = small
    steps.append((canvas, "negative" if light_background else "centred"))  # short: captions truncate

    peak = float(canvas.max())
    # Fashion-MNIST images all reach ~255 at their brightest: match that contrast
    pixels = np.clip(np.rint(canvas * (255.0 / peak)), 0, 255).astype(np.uint8) if peak > 0 else canvas.astype(np.uint8)
    steps.append((pixels, "contrast"))
    return Preprocessed(pixels, steps, has_object)


def load_and_preprocess(source: str | Path | bytes) -> Preprocessed:
    """open_image + preprocess: the single path from an uploaded file to the model input."""
    return preprocess(open_image(source))


INK = 64  # a 28x28 pixel this bright (0-255) is part of a stroke
HOLLOW_BELOW = 0.5  # strokes covering under half the area they enclose: an outline, not a silhouette


def fill_outline(pixels: np.ndarray) -> np.ndarray | None:
    """An outline drawing filled in, like the solid garments Fashion-MNIST shows; None if it is not hollow.

    Learners draw outlines; the training images are filled shapes, and the model reads an outlined
    dress as a bag (measured in the README). Dark pixels that cannot be reached from the border
    without crossing a stroke are inside the garment: they take the strokes' brightness. A drawing
    that is mostly solid (a bag with a handle loop, say) is left alone.
    """
    ink = pixels >= INK
    outside = np.zeros_like(ink)
    edge = [(r, c) for r in range(SIZE) for c in (0, SIZE - 1)] + [(r, c) for r in (0, SIZE - 1) for c in range(SIZE)]
    stack = [(r, c) for r, c in edge if not ink[r, c]]
    while stack:  # flood the background from the border, 4-connected, stopping at strokes
        r, c = stack.pop()
        if outside[r, c]:
            continue
        outside[r, c] = True
        for rr, cc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= rr < SIZE and 0 <= cc < SIZE and not ink[rr, cc] and not outside[rr, cc]:
                stack.append((rr, cc))
    holes = ~outside & ~ink
    if not holes.any() or ink.sum() / (ink.sum() + holes.sum()) >= HOLLOW_BELOW:
        return None
    filled = pixels.copy()
    filled[holes] = np.uint8(np.median(pixels[ink]))
    return filled


def preprocess_drawing(img: Image.Image) -> Preprocessed:
    """A Sketchpad drawing: the photo recipe, then an outline filled in (shown as its own step)."""
    prep = preprocess(img)
    filled = fill_outline(prep.pixels)
    if filled is not None:
        prep.steps.append((filled, "filled in"))
        prep.pixels = filled
    return prep
