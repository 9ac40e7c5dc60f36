"""The concept tabs' input image: its one conversion to the 28x28 model input, and the image Classify shares.

The concept tabs take the last image classified (``take_shared``) or their own upload; their
handlers turn it into the 28x28 model input with ``input_pixels``, the app's one conversion path.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from functools import lru_cache

import gradio as gr
import numpy as np
from PIL import Image

from model.preprocess import ImageProblem, Preprocessed, open_image, preprocess
from tabs.files import image_file

CONVERTED_CACHE = 64  # uploads whose conversion is kept: Classify, then the concept tabs, reuse one GrabCut run
MODEL_INPUTS_KEPT = 4096  # digests (32 bytes each) of the 28x28 inputs Classify shared most recently
_model_inputs: OrderedDict[bytes, None] = OrderedDict()
_model_inputs_lock = threading.Lock()


def _digest(pixels: np.ndarray) -> bytes:
    return hashlib.sha256(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes()).digest()


def remember_input(pixels: np.ndarray) -> np.ndarray:
    """Mark a 28x28 input that Classify made, so a concept tab handed it back uses it as it is (returns it).

    The concept tabs get Classify's input as the picture in their image box, a 28x28 PNG. Converting that
    again could change it (a garment that fills the frame has no dark border to recognise it by), and the
    tabs would show other probabilities than Classify did for the same photo.
    """
    digest = _digest(pixels)
    with _model_inputs_lock:
        _model_inputs[digest] = None
        _model_inputs.move_to_end(digest)
        while len(_model_inputs) > MODEL_INPUTS_KEPT:
            _model_inputs.popitem(last=False)
    return pixels


def _known_input(img: Image.Image) -> Preprocessed | None:
    """A 28x28 grey image that is one of Classify's inputs, as its own conversion; else None."""
    if img.size != (28, 28) or img.mode != "L":
        return None
    pixels = np.array(img)
    with _model_inputs_lock:
        known = _digest(pixels) in _model_inputs
    return Preprocessed(pixels, [(pixels, "Classify's 28×28 input: used as is")]) if known else None


@lru_cache(maxsize=CONVERTED_CACHE)
def _converted(path: str, mtime_ns: int, size: int) -> Preprocessed:
    img = open_image(path)
    return _known_input(img) or preprocess(img)


def convert_upload(path: str) -> Preprocessed:
    """The conversion of an uploaded file, done once per file (read-only result: do not modify it).

    A file holding one of Classify's 28x28 inputs (``remember_input``) is that input, unconverted.
    """
    stat = os.stat(path)
    return _converted(str(path), stat.st_mtime_ns, stat.st_size)


def input_conversion(image_path: str | None) -> Preprocessed:
    """The concept tabs' input image (a file) -> its conversion (28x28 input, steps, crop), or a gr.Error."""
    if not image_path:
        raise gr.Error(
            "Add an image first: upload one, pick a test image below, or classify a photo in the Classify tab."
        )
    try:
        return convert_upload(image_path)
    except ImageProblem as problem:
        raise gr.Error(str(problem), title="Can't read this image") from problem


def input_pixels(image_path: str | None) -> np.ndarray:
    """The concept tabs' input image (a file) -> the 28x28 uint8 model input, via the one preprocessing path."""
    return input_conversion(image_path).pixels


# (version, 28x28 pixels, the photo's file or None for a drawing) of the last image classified
Shared = tuple[int, np.ndarray, str | None] | None


def take_shared(shared: Shared, seen: int | None) -> tuple:
    """On opening a concept tab: show the last classified image there, once (a later own upload stays).

    The 28x28 input goes out as our own PNG file: an array would be saved by Gradio as a lossy WebP, and the
    tab would compute on other pixels than Classify did.
    """
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return image_file(shared[1]), shared[0]


def take_shared_photo(shared: Shared, seen: int | None) -> tuple:
    """Like ``take_shared``, but the photo itself when there is one (its conversion is cached: not run twice),
    for a tab that draws on the photo; a drawing still comes as its 28x28 input."""
    if shared is None or shared[0] == seen:
        return gr.skip(), gr.skip()
    return shared[2] or image_file(shared[1]), shared[0]
