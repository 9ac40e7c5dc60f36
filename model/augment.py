"""The training images' augmentation: what train.py does to every training image, each epoch anew.

The Overfitting tab draws it on the learner's own input, so they see what "images like it" meant in training.
"""

from __future__ import annotations

SHIFT_PIXELS = 2  # product photos are centred: small shifts only
ERASE_PROBABILITY = 0.3  # random erasing (Zhong et al. 2017): Keras draws each image's chance in [0, 0.3]; noise fill


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
