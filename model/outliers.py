"""Inputs that are none of the ten classes, made here, for outlier exposure and for judging "Not sure".

A network trained on ten classes must answer one of them; taught a uniform answer on things outside
them (outlier exposure, Hendrycks et al. 2019, arXiv:1812.04606) it learns to spread its probability
instead. Taught only hats, shorts and skirts, it learns to be unsure of hats, shorts and skirts; so
three more families are made here, each meant to look like something a learner might upload:

- ``backgrounds``: a corner of a real training photo (floor, bed, table, often an edge of the garment),
  through the app's own conversion;
- ``synthetic``: generated pictures: textures, stripes, gradients, blobs, rings, strokes and letters on
  plain or noisy grounds (a face, a mug, a lawn, a page of text are roughly these), through the conversion;
- ``pieces``: Fashion-MNIST garments cut up: a magnified quarter of one, or two of different classes
  blended, which are garment-like but no one garment.

Every family is generated from a seed, so a run can be repeated; none comes from an image collection.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from model.preprocess import SIZE, open_image, preprocess

FAMILIES = ("backgrounds", "synthetic", "pieces")
CORNER = (0.3, 0.5)  # a background crop spans this share of each side of the photo, from one corner
CANVAS = 160  # synthetic pictures are drawn at this side: the conversion works at 128 anyway


def _convert(images: list[Image.Image], workers: int | None = None) -> np.ndarray:
    """Each image through the app's conversion: (N, 28, 28) uint8 (what the model would see if it were uploaded)."""
    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return np.stack(list(pool.map(lambda img: preprocess(img).pixels, images)))


def background_crop(path: Path, rng: np.random.Generator) -> Image.Image:
    """One corner of a photo, ``CORNER`` of its sides: mostly what the garment lay on."""
    with open_image(path) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img.thumbnail((256, 256))
        w, h = img.size
        cw, ch = (int(s * rng.uniform(*CORNER)) for s in (w, h))
        left = 0 if rng.random() < 0.5 else w - cw
        top = 0 if rng.random() < 0.5 else h - ch
        return img.crop((left, top, left + cw, top + ch))


def _colour(rng: np.random.Generator) -> tuple[int, int, int]:
    return tuple(int(c) for c in rng.integers(0, 256, 3))


def synthetic_picture(rng: np.random.Generator) -> Image.Image:
    """A generated picture: a ground (plain, gradient, noise, stripes) with 0-4 shapes, strokes or letters on it."""
    side = CANVAS
    kind = rng.integers(4)
    if kind == 0:  # plain
        ground = np.broadcast_to(np.array(_colour(rng), np.float32), (side, side, 3)).copy()
    elif kind == 1:  # linear gradient between two colours
        t = np.linspace(0, 1, side, dtype=np.float32)[:, None, None]
        ground = np.array(_colour(rng), np.float32) * (1 - t) + np.array(_colour(rng), np.float32) * t
        ground = np.broadcast_to(ground, (side, side, 3)).copy()
        if rng.random() < 0.5:
            ground = ground.transpose(1, 0, 2).copy()
    elif kind == 2:  # smooth noise: grass, carpet, skin, clouds
        coarse = rng.uniform(0, 255, (int(rng.integers(2, 24)),) * 2 + (3,)).astype(np.uint8)
        ground = np.asarray(Image.fromarray(coarse).resize((side, side), Image.Resampling.BICUBIC), np.float32)
        ground = ground + rng.normal(0, rng.uniform(0, 30), ground.shape)
    else:  # stripes or checks
        period = rng.uniform(4, 40)
        yy, xx = np.mgrid[0:side, 0:side]
        angle = rng.uniform(0, np.pi)
        wave = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period) > 0
        if rng.random() < 0.3:
            wave ^= np.sin((xx * np.sin(angle) - yy * np.cos(angle)) * 2 * np.pi / period) > 0
        ground = np.where(wave[..., None], np.array(_colour(rng)), np.array(_colour(rng))).astype(np.float32)
    img = Image.fromarray(np.clip(ground, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(0, 5))):
        x0, y0 = rng.integers(0, side, 2)
        w, h = rng.integers(side // 8, side, 2)
        box = [int(x0 - w // 2), int(y0 - h // 2), int(x0 + w // 2), int(y0 + h // 2)]
        shape = rng.integers(5)
        if shape == 0:  # a face, a ball, a plate, a mug seen from above
            draw.ellipse(box, fill=_colour(rng))
        elif shape == 1:
            draw.rectangle(box, fill=_colour(rng))
        elif shape == 2:  # a ring
            draw.ellipse(box, outline=_colour(rng), width=int(rng.integers(3, 15)))
        elif shape == 3:  # strokes
            points = [tuple(int(v) for v in rng.integers(0, side, 2)) for _ in range(int(rng.integers(2, 6)))]
            draw.line(points, fill=_colour(rng), width=int(rng.integers(2, 14)))
        else:  # letters
            draw.text((int(x0) // 2, int(y0) // 2), "".join(chr(c) for c in rng.integers(65, 91, 6)), fill=_colour(rng))
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 3))))
    return img


def garment_pieces(x_fm: np.ndarray, y_fm: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, 28, 28) uint8: half magnified quarters of a garment, half blends of two garments of different classes."""
    out = np.empty((n, SIZE, SIZE), np.uint8)
    for i in range(n):
        a = int(rng.integers(len(x_fm)))
        if i % 2 == 0:
            side = int(rng.integers(10, 17))
            top, left = rng.integers(0, SIZE - side, 2)
            piece = x_fm[a, top : top + side, left : left + side]
            out[i] = np.asarray(Image.fromarray(piece).resize((SIZE, SIZE), Image.Resampling.BILINEAR))
        else:
            b = int(rng.choice(np.flatnonzero(y_fm != y_fm[a])))
            w = rng.uniform(0.35, 0.65)
            out[i] = np.clip(w * x_fm[a].astype(np.float32) + (1 - w) * x_fm[b], 0, 255).astype(np.uint8)
    return out


def generate(
    family: str, n: int, seed: int, photo_paths: list[Path] = (), x_fm: np.ndarray = None, y_fm: np.ndarray = None
) -> np.ndarray:
    """N outliers of FAMILY as (N, 28, 28) uint8 model inputs (``backgrounds`` needs photo paths, ``pieces`` Fashion-MNIST)."""
    rng = np.random.default_rng(seed)
    if family == "backgrounds":
        picks = rng.choice(len(photo_paths), n, replace=n > len(photo_paths))
        return _convert([background_crop(photo_paths[i], rng) for i in picks])
    if family == "synthetic":
        return _convert([synthetic_picture(rng) for _ in range(n)])
    if family == "pieces":
        return garment_pieces(x_fm, y_fm, n, rng)
    raise ValueError(f"family must be one of {FAMILIES}, not {family!r}")
