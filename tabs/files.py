"""The images the tabs hand to Gradio: PNG files named by their content, written atomically, the folder pruned."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

VIEW_SIDE = 224  # the 28x28 input, shown 8x with hard pixel edges
OUTPUT_DIR = Path(tempfile.gettempdir()) / "fashion-cnn-lab"  # enlarged images we hand to Gradio
KEEP_FILES = 2_000  # OUTPUT_DIR holds at most about this many images (~2 KB each): the oldest go first
MIN_AGE_SECONDS = 600  # ... but never one younger than this: Gradio may still be copying it
_written = 0  # images written since the last pruning


def enlarge(image: np.ndarray, side: int = VIEW_SIDE) -> str:
    """A small image scaled up with hard pixel edges (longest side ``side``), as a PNG file named by its content."""
    return image_file(enlarge_pixels(image, side))


def enlarge_pixels(image: np.ndarray, side: int = VIEW_SIDE) -> Image.Image:
    """A small image scaled up with hard pixel edges, its longest side ``side``."""
    img = Image.fromarray(np.clip(np.rint(image), 0, 255).astype(np.uint8))
    scale = side / max(img.size)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))  # a 20000x1 strip stays 1 px high
    return img.resize(size, Image.Resampling.NEAREST)


def image_file(img: Image.Image | np.ndarray, keep: bool = False) -> str:
    """An image as a PNG file named by its content, for an output component.

    Returning a file rather than an array matters under load: Gradio rewrites the cache file
    of an array output in place, so when two learners get the same image at once (the same
    example, say) one download can read a half-written file. Our file is written under a
    temporary name and renamed into place, and Gradio copies files atomically.
    ``keep``: an image drawn once and handed out for the app's lifetime, never pruned.
    """
    if isinstance(img, np.ndarray):
        img = Image.fromarray(img)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return _write(buf.getvalue(), OUTPUT_DIR / "kept" if keep else OUTPUT_DIR, prune=not keep)


def figure_file(fig) -> str:
    """A matplotlib figure as a kept PNG file (for figures drawn once per model), the figure closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return _write(buf.getvalue(), OUTPUT_DIR / "kept", prune=False)


def _write(png: bytes, folder: Path, prune: bool) -> str:
    """PNG bytes as a file in ``folder`` named by their content, written atomically (see ``image_file``)."""
    path = folder / f"{hashlib.sha256(png).hexdigest()[:32]}.png"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f"{path.stem}.{threading.get_ident()}.tmp")
        staging.write_bytes(png)
        os.replace(staging, path)
        if prune:
            _prune()
    return str(path)


def _prune() -> None:
    """Keep OUTPUT_DIR bounded: every KEEP_FILES // 10 writes, delete the oldest files past KEEP_FILES."""
    global _written
    _written += 1
    if _written < KEEP_FILES // 10:
        return
    _written = 0
    files = sorted(OUTPUT_DIR.glob("*.png"), key=lambda p: p.stat().st_mtime)
    cutoff = time.time() - MIN_AGE_SECONDS
    for old in files[: max(0, len(files) - KEEP_FILES)]:
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
