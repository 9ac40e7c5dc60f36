"""The training recipes and the ablation runs: what train.py trains and what the tabs say it trained.

Here rather than in train.py so that the app (tabs/) reads the same constants without importing the training
script; train.py imports them, and its flags take their defaults from them.
"""

PEAK_LR = 3e-3  # AdamW peak, reached after a one-epoch linear warm-up, then cosine to 0
WEIGHT_DECAY = 5e-4
LABEL_SMOOTHING = 0.1  # soft targets: less over-confident, usually +0.2-0.4 points here
ABLATION_EPOCHS = 10  # every ablation, "baseline" included, gets this same budget (change with --epochs)
# name -> (what changes, build_cnn arguments or another builder's name, augment?, recipe): the tabs show these runs.
# Recipe "ours": AdamW with warm-up and cosine decay, label smoothing; "plain": Adam at a constant 1e-3, hard targets.
ABLATIONS = {
    "baseline": ("this model, on the ablation budget", {}, True, "ours"),
    "mlp": ("a dense network, no convolutions", "mlp", True, "ours"),
    "avgpool": ("average pooling instead of max pooling", {"pool": "average"}, True, "ours"),
    "no-normalization": ("raw 0-255 pixels in: no Rescaling layer", {"normalize": False}, True, "ours"),
    "no-dropout": ("no dropout", {"dense_dropout": 0.0}, True, "ours"),
    "no-augmentation": ("no flips, shifts or erasing in training", {}, False, "ours"),
    # the improvement ladder (the notebook's question 8): each rung adds one group of changes to the rung before it
    "notebook": ("the study notebook's CNN: two convolutions and one dense layer", "notebook", False, "plain"),
    "notebook-bn": ("+ batch norm after each convolution and the dense layer", "notebook-bn", False, "plain"),
    "vgg": (
        "+ a third block: the VGG-style network (one convolution in block 1, two in blocks 2 and 3)",
        {},
        False,
        "plain",
    ),
    "vgg-aug": ("+ augmentation: flips, 2-pixel shifts, random erasing", {}, True, "plain"),
    # what input normalization buys without batch norm (it cannot show beside batch norm): pairs with "notebook"
    "notebook-raw": (
        "the study notebook's CNN fed raw 0-255 pixels: no batch norm, no normalization",
        "notebook-raw",
        False,
        "plain",
    ),
}
PLAIN_LR = 1e-3  # the "plain" recipe's constant Adam learning rate (Keras's default)
