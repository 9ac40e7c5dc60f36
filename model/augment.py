"""The training images' augmentation: what train.py does to every training image, each epoch anew.

The Overfitting tab draws it on the learner's own input, so they see what "images like it" meant in training.
"""

from __future__ import annotations

import math

SHIFT_PIXELS = 2  # product photos are centred: small shifts only
ERASE_PROBABILITY = 0.3  # random erasing (Zhong et al. 2017): Keras draws each image's chance in [0, 0.3]; noise fill
# Keras (fill_value=None) fills an erased patch with normal(0, 1) × 255, clipped to 0–255 (review 56b #1):
ERASED_BLACK = 0.5  # below 0 half the time: black
ERASED_WHITE = 0.5 * math.erfc(math.sqrt(0.5))  # above one standard deviation: white, about 15.9% of the time


def augmenter(seed: int):
    """Training-only augmentation that suits aligned product images: random horizontal flips, shifts of up to
    ``SHIFT_PIXELS`` pixels either way (the uncovered edge filled with black), and random erasing."""
    import keras
    from keras import layers

    shift = SHIFT_PIXELS / 28
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal", seed=seed),
            layers.RandomTranslation(shift, shift, fill_mode="constant", fill_value=0.0, seed=seed + 1),
            layers.RandomErasing(factor=ERASE_PROBABILITY, scale=(0.02, 0.2), value_range=(0, 255), seed=seed + 2),
        ],
        name="augment",
    )


PHOTO_ROTATION = 12  # degrees either way: phones are held at a slant
PHOTO_SCALE = (0.8, 1.05)  # the cut-out's box is rarely exact: the garment fills the frame more or less
PHOTO_GAMMA = (0.6, 1.6)  # lighting: the same garment darker or lighter after the negative


def vary_photos(pixels, copies: int, seed: int):
    """COPIES varied versions of each converted real photo, (N, 28, 28) uint8 -> (copies * N, 28, 28) uint8.

    Real photos vary in ways Fashion-MNIST's product shots do not: a slanted phone, a looser or tighter
    cut-out, uneven light. Each copy gets its own rotation, scale and gamma (copy 0 is the photo as converted);
    flips, shifts and erasing still follow in training like for every image.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    out = [pixels]
    for _ in range(copies - 1):
        varied = np.empty_like(pixels)
        for i, img in enumerate(pixels):
            warped = _warp(img, rng.uniform(-PHOTO_ROTATION, PHOTO_ROTATION), rng.uniform(*PHOTO_SCALE))
            varied[i] = np.clip(255.0 * (warped / 255.0) ** rng.uniform(*PHOTO_GAMMA), 0, 255).astype(np.uint8)
        out.append(varied)
    return np.concatenate(out)


def _warp(img, degrees: float, scale: float = 1.0):
    """A 28x28 image turned DEGREES counter-clockwise and scaled about its centre, bilinear; uncovered corners black."""
    import cv2

    matrix = cv2.getRotationMatrix2D((13.5, 13.5), degrees, scale)
    return cv2.warpAffine(img, matrix, (28, 28), flags=cv2.INTER_LINEAR, borderValue=0)


def turned_views(pixels, degrees: float = PHOTO_ROTATION):
    """The test-time views of (N, 28, 28) images: as they are, turned DEGREES each way, and the mirror image of
    each of those three (6 views, (6, N, 28, 28) float32; 2 if DEGREES is 0). Photos were turned up to
    ``PHOTO_ROTATION`` degrees in training (``vary_photos``), Fashion-MNIST's images never were.
    """
    import numpy as np

    x = np.asarray(pixels, np.float32).reshape(-1, 28, 28)
    upright = [x] + [np.stack([_warp(img, a) for img in x]) for a in ((degrees, -degrees) if degrees else ())]
    return np.stack(upright + [v[:, :, ::-1] for v in upright])


PHOTO_KEEP = (0.8, 1.0)  # a varied photo keeps this share of each side: framed tighter or off-centre
PHOTO_LIGHT = (0.7, 1.3)  # brightness factor of a varied photo
PHOTO_CONTRAST = (0.75, 1.25)  # contrast factor of a varied photo


def vary_photo(img, rng):
    """A varied version of a decoded photo (PIL image), for converting again: the conversion itself varies.

    The same garment photographed again would be framed differently, held at a slant and lit otherwise, and
    the cut-out (GrabCut) then finds a different outline: a crop keeping ``PHOTO_KEEP`` of each side, a
    rotation of up to ``PHOTO_ROTATION`` degrees (the uncovered corners filled with the photo's edge colour),
    brightness and contrast. ``vary_photos`` varies the 28x28 result instead; this varies what it comes from.
    """
    import numpy as np
    from PIL import Image, ImageEnhance, ImageOps

    img = ImageOps.exif_transpose(img).convert("RGB")
    w, h = img.size
    kw, kh = rng.uniform(*PHOTO_KEEP, size=2)
    left, top = rng.uniform(0, 1 - kw) * w, rng.uniform(0, 1 - kh) * h
    img = img.crop((round(left), round(top), round(left + kw * w), round(top + kh * h)))
    edge = np.concatenate([np.asarray(img)[0], np.asarray(img)[-1], np.asarray(img)[:, 0], np.asarray(img)[:, -1]])
    fill = tuple(int(c) for c in np.median(edge, axis=0))
    img = img.rotate(rng.uniform(-PHOTO_ROTATION, PHOTO_ROTATION), Image.Resampling.BILINEAR, fillcolor=fill)
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(*PHOTO_LIGHT))
    return ImageEnhance.Contrast(img).enhance(rng.uniform(*PHOTO_CONTRAST))
