"""Any photo -> the 28x28 input the CNN expects, following the Fashion-MNIST recipe.

Xiao et al. 2017 (arXiv:1708.07747) made each image from a product photo on a light
background: trim the background, resize the longest edge to 28, centre on a 28x28
canvas, negate, 8-bit grayscale. A photo must go through the same steps to look like
the training data; this module is the one place that does them, for the app, the
tests and the benchmarks alike. Every step is kept so the app can show it.

Two ways to find the garment: on a plain backdrop (a product shot) the paper's trim; on
anything else (a phone photo on a floor or a bed) a GrabCut cut-out. Measured in the README.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

SIZE = 28
RESAMPLING = Image.Resampling.BOX  # area averaging: measured best of BOX/BILINEAR/LANCZOS (README)
WORK_SIDE = 256  # JPEGs are decoded at no less than this longest edge (fast draft decoding)
REDUCE_ABOVE = 2 * WORK_SIDE  # other images are box-reduced to about this longest edge right after decoding
BIG_PIXELS = 4_000_000  # images larger than this are decoded one at a time: a 49 MP PNG holds 49-196 MB while decoding
_big_decode = threading.Lock()
SEGMENT_SIDE = 128  # the cut-out runs at this longest edge: ~55 ms of GrabCut on one core, and 28 px need no more
GRABCUT_ITERATIONS = 4  # more changed under 1% of dev-split answers (README)
FRAME = 0.06  # the outer 6% of the photo starts as "probably background", the rest "probably garment"
RETRY_BELOW = 0.05  # a cut-out under 5% of the photo: GrabCut lost a frame-filling garment (7% of dev photos)
CENTRE = 0.2  # ... then it runs again with the middle 20% of each side fixed as garment
MIN_SEGMENT_SIDE = 8  # below this, no colour model can be fitted: the whole image is the object
MIN_OBJECT_SHARE = 0.01  # a cut-out smaller than this share of the photo is a speck, not a garment
# static: median |pixel - right neighbour| above this, before the shrink to SEGMENT_SIDE (which averages noise away:
# review 31a) or after it; the 3,068 photos of clothing-dataset-small's train/: 2 typical, 23 at most before, 22 after
MAX_NEIGHBOUR_DIFFERENCE = 40
# an image box-reduced after decoding (2x REDUCE_ABOVE or more per side) is checked on its middle window at full
# resolution first, before the reduction averages noise away; STATIC records the verdict on the reduced image
NOISE_WINDOW, STATIC = 256, "fashion_cnn_lab_static"
MAX_PIXELS = 50_000_000  # refuse larger images (decompression bombs); phone photos are 12-50 MP
PLAIN_SPREAD = 12  # a frame whose grey levels span less than this (10th-90th percentile) is a plain backdrop
PLAIN_TOLERANCE = 8  # ... and on it, the garment is every pixel further than this from the backdrop's grey
# the step captions Classify shows (review 29a #5: a product shot is trimmed to its box, and a light garment on a
# dark backdrop is not negated; the step to 28x28 also crops to the garment, scales and centres: review 30a #2)
CUT_OUT, TRIMMED = "cut-out", "the garment's box (rest dimmed)"
# ... and where no clear object was found (review 31a #12): what was found, or the whole image when nothing was
UNCLEAR, NOTHING_FOUND = "no clear garment: what was found (rest dimmed)", "no garment found: the whole image"
NEGATIVE, BRIGHT = "fit to 28×28, negated", "fit to 28×28, not negated"  # cropped, scaled, centred
MIN_OBJECT_CONTRAST = 24  # an image must span this much (0-255) to hold an object at all
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # PIL raises DecompressionBombError past 2x this, warns past 1x


class ImageProblem(ValueError):
    """An input the learner must fix; the message says what to do."""


@dataclass(frozen=True)
class Crop:
    """Where the 28x28 input came from: the photo's ``box`` was resized into ``placed`` on the 28x28 canvas.

    ``box`` is (left, top, right, bottom) as fractions of the photo's width and height (after EXIF
    rotation, so any decoded size of the same photo maps alike); ``placed`` is (left, top, width,
    height) in 28x28 pixels. What the model saw outside ``placed`` is black padding.
    """

    box: tuple[float, float, float, float]
    placed: tuple[int, int, int, int]


@dataclass
class Preprocessed:
    """The 28x28 model input and the steps that produced it."""

    pixels: np.ndarray  # (28, 28) uint8, bright garment on black
    steps: list[tuple[np.ndarray, str]] = field(default_factory=list)  # (image, caption)
    has_object: bool = True
    crop: Crop | None = None  # None: the input was used as it is (already a 28x28 negative)
    cut_out: bool = False  # a photo, through the GrabCut cut-out (even if it found nothing): not a product shot on a
    # plain backdrop, nor a 28x28 negative


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
        if img.width * img.height > BIG_PIXELS:
            with _big_decode:
                img = reduced(img)
        else:
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
            "(or set Settings > Camera > Formats > Most Compatible so the iPhone takes JPEGs) and upload that."
        )
    if b"<svg" in data[:1024]:
        return "This is an SVG drawing, not a bitmap. Save or screenshot it as PNG or JPEG and upload that."
    if data.startswith(b"%PDF-"):
        return "This is a PDF document. Screenshot the picture in it, or export it as PNG or JPEG, and upload that."
    return "This file is not an image PIL can read. Upload a JPEG, PNG, WebP, GIF, BMP or TIFF."


def reduced(img: Image.Image) -> Image.Image:
    """EXIF orientation applied, then a large image box-reduced by a whole factor to under 2x REDUCE_ABOVE per side.

    Done on the PIL image, before any array copy: a 7000x7000 photo would otherwise be turned into float
    arrays of over a gigabyte. The cut-out runs at SEGMENT_SIDE anyway, so the result does not change.
    """
    factor = max(img.size) // REDUCE_ABOVE
    if factor < 2:
        return ImageOps.exif_transpose(img)
    static = img.info.get(STATIC) or _looks_like_noise(_grayscale(to_rgb(_middle(img))))  # before the averaging
    exif = img.getexif()  # reduce() drops it: carried over, so the small image is turned upright
    if img.mode == "1" or img.mode.startswith("I;16"):  # modes reduce() does not take
        img = img.convert("L" if img.mode == "1" else "I")
    elif img.mode in ("P", "PA"):
        img = img.convert("RGBA")
    small = img.reduce(factor)
    small.info["exif"] = exif.tobytes()
    small = ImageOps.exif_transpose(small)
    small.info[STATIC] = static
    return small


def _middle(img: Image.Image) -> Image.Image:
    """The middle NOISE_WINDOW x NOISE_WINDOW pixels of IMG (all of it if smaller), at full resolution."""
    w, h = img.size
    left, top = max(0, (w - NOISE_WINDOW) // 2), max(0, (h - NOISE_WINDOW) // 2)
    return img.crop((left, top, min(w, left + NOISE_WINDOW), min(h, top + NOISE_WINDOW)))


def to_rgb(img: Image.Image) -> np.ndarray:
    """EXIF orientation applied, transparency composited onto white: (H, W, 3) uint8."""
    img = ImageOps.exif_transpose(img)
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16-bit and float: scale the range down to 8 bits
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        gray = (arr - lo) * (255.0 / (hi - lo)) if hi > lo else np.zeros_like(arr)
        return np.repeat(np.rint(gray).astype(np.uint8)[..., None], 3, axis=2)
    if img.mode == "P" or img.mode in ("LA", "PA") or "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode == "RGBA":
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img)
    return np.asarray(img.convert("RGB"))


def _grayscale(rgb: np.ndarray) -> np.ndarray:
    """0-255 luminance as float (ITU-R 601, as PIL's "L" mode)."""
    return rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def _shrink(rgb: np.ndarray, side: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    if max(h, w) <= side:
        return rgb
    scale = side / max(h, w)
    return cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def find_garment(rgb: np.ndarray) -> np.ndarray:
    """A boolean mask of the garment in an (H, W, 3) uint8 photo: GrabCut, then its largest region.

    GrabCut (Rother et al. 2004) fits one colour model to the frame round the photo and one to the
    rest, then cuts the photo where the two models disagree, iterating. Unlike trimming to the corner
    colour, it copes with uneven light, patterned bedspreads and garments lighter than what they lie
    on; measured against other cut-outs in the README.
    """
    h, w = rgb.shape[:2]
    if min(h, w) < MIN_SEGMENT_SIDE:  # too small to model colours: everything is the object
        return np.ones((h, w), dtype=bool)
    frame = max(1, round(FRAME * max(h, w)))
    fg = _grabcut(rgb, frame, seed=False)
    if fg.mean() < RETRY_BELOW:  # the garment touches the frame, so the frame's colours took it all: seed the centre
        fg = _grabcut(rgb, frame, seed=True)
    return fg


def _grabcut(rgb: np.ndarray, frame: int, seed: bool) -> np.ndarray:
    """GrabCut with the frame as background; with ``seed``, the centre as garment; its largest region."""
    h, w = rgb.shape[:2]
    mask = np.full((h, w), cv2.GC_PR_FGD, np.uint8)
    if seed:
        mask[:frame], mask[-frame:], mask[:, :frame], mask[:, -frame:] = (cv2.GC_PR_BGD,) * 4
        mask[0], mask[-1], mask[:, 0], mask[:, -1] = (cv2.GC_BGD,) * 4  # the outermost pixels: surely background
        ch, cw = max(1, round(h * CENTRE / 2)), max(1, round(w * CENTRE / 2))
        mask[h // 2 - ch : h // 2 + ch, w // 2 - cw : w // 2 + cw] = cv2.GC_FGD  # photos are aimed at the garment
    else:
        mask[:frame], mask[-frame:], mask[:, :frame], mask[:, -frame:] = (cv2.GC_BGD,) * 4
    bgd, fgd = np.zeros((1, 65)), np.zeros((1, 65))  # GrabCut's colour-model buffers
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models with k-means on this thread's RNG: same photo, same cut-out
    try:
        cv2.grabCut(rgb[..., ::-1].copy(), mask, None, bgd, fgd, GRABCUT_ITERATIONS, cv2.GC_INIT_WITH_MASK)
    except cv2.error:  # a single-colour image: no colour model to fit
        return np.zeros((h, w), dtype=bool)
    fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))  # drop specks and threads
    count, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if count <= 1:
        return np.zeros((h, w), dtype=bool)
    return labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))  # the largest region: the garment


def _looks_like_noise(gray: np.ndarray) -> bool:
    """Static rather than a photo: neighbouring pixels differ wildly (photos: median at most 23 of 255)."""
    return gray.shape[1] > 1 and float(np.median(np.abs(np.diff(gray, axis=1)))) > MAX_NEIGHBOUR_DIFFERENCE


def _is_fashion_mnist_style(gray: np.ndarray) -> bool:
    """Already a 28x28 negative (dark background): use it as it is."""
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return gray.shape == (SIZE, SIZE) and float(np.median(border)) < 128


def _on_plain_backdrop(gray: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None, bool]:
    """A product shot's garment box and ink, and whether the ink is the negative (a garment darker than its
    backdrop), or (None, None, False) when the frame round the photo is not plain.

    On a plain backdrop the paper's own recipe works: trim to the pixels that differ from the backdrop,
    and measure the ink from the backdrop's grey, so the backdrop becomes 0 whatever its shade and a
    light garment on a dark backdrop stays bright. Phone photos (floors, beds) rarely have so plain a
    frame (4 of the 645 on the dev split); rendered product shots nearly always do (README).
    """
    h, w = gray.shape
    f = max(1, round(FRAME * max(h, w)))
    frame = np.concatenate([gray[:f].ravel(), gray[-f:].ravel(), gray[:, :f].ravel(), gray[:, -f:].ravel()])
    if np.percentile(frame, 90) - np.percentile(frame, 10) >= PLAIN_SPREAD:
        return None, None, False
    backdrop = float(np.median(frame))
    lighter, darker = np.clip(gray - backdrop, 0.0, None), np.clip(backdrop - gray, 0.0, None)
    negated = bool(darker.sum() >= lighter.sum())  # the garment's way; the other is resampling halo
    ink = darker if negated else lighter
    box = np.zeros(gray.shape, dtype=bool)
    away = ink > PLAIN_TOLERANCE
    if away.any():
        rows, cols = np.flatnonzero(away.any(axis=1)), np.flatnonzero(away.any(axis=0))
        box[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] = True
    return box, ink, negated


def preprocess(img: Image.Image) -> Preprocessed:
    """Turn a decoded image into the 28x28 model input, keeping every intermediate step."""
    img = reduced(img)
    rgb = to_rgb(img)
    gray = _grayscale(rgb)
    if _is_fashion_mnist_style(gray):
        pixels = np.clip(np.rint(gray), 0, 255).astype(np.uint8)
        return Preprocessed(
            pixels,
            [(pixels, "28×28 negative: used as is")],
            has_object=int(pixels.max()) - int(pixels.min()) >= MIN_OBJECT_CONTRAST,
        )
    # before the reduction (static), and before the shrink, which averages neighbouring noise pixels alike
    noisy = bool(img.info.get(STATIC)) or _looks_like_noise(gray)
    rgb = _shrink(rgb, SEGMENT_SIDE)
    gray = _grayscale(rgb)
    steps: list[tuple[np.ndarray, str]] = [(gray, "grayscale")]  # the learner sees the photo itself already

    mask, ink, negated = _on_plain_backdrop(gray)  # a product shot, as Fashion-MNIST's were
    plain = mask is not None  # then trimmed to the garment's box, and negated only if darker than the backdrop
    if not plain:  # a photo: cut the garment out; Fashion-MNIST's step 6, negate (the rest becomes 0 below)
        mask, ink, negated = find_garment(rgb), 255.0 - gray, True
    noisy = noisy or _looks_like_noise(gray)  # ... and after it (noise enlarged in blocks)
    has_object = float(mask.mean()) >= MIN_OBJECT_SHARE and float(np.ptp(gray)) >= MIN_OBJECT_CONTRAST and not noisy
    found = bool(mask.any())
    if not found:  # nothing cut out: keep the whole image
        mask = np.ones_like(mask)
    caption = (TRIMMED if plain else CUT_OUT) if has_object else (UNCLEAR if found else NOTHING_FOUND)
    steps.append((np.where(mask, gray, gray * 0.25), caption))  # the background dimmed

    ink = np.where(mask, ink, 0.0)
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    h, w = ink.shape  # longest edge to 28, centred (steps 3 and 5)
    scale = SIZE / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, RESAMPLING))
    canvas = np.zeros((SIZE, SIZE), dtype=np.float64)
    top, left = (SIZE - size[1]) // 2, (SIZE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = small
    steps.append((canvas, NEGATIVE if negated else BRIGHT))

    peak = float(canvas.max())
    # Fashion-MNIST images all reach ~255 at their brightest: match that contrast
    pixels = np.clip(np.rint(canvas * (255.0 / peak)), 0, 255).astype(np.uint8) if peak > 0 else canvas.astype(np.uint8)
    steps.append((pixels, "contrast"))
    height, width = mask.shape
    box = (
        float(cols[0] / width),
        float(rows[0] / height),
        float((cols[-1] + 1) / width),
        float((rows[-1] + 1) / height),
    )
    return Preprocessed(pixels, steps, has_object, Crop(box, (left, top, size[0], size[1])), cut_out=not plain)


def load_and_preprocess(source: str | Path | bytes) -> Preprocessed:
    """open_image + preprocess: the single path from an uploaded file to the model input."""
    return preprocess(open_image(source))
