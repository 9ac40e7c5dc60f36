"""Can the cut-out's mask tell a pair of shoes from one shoe? A probe before splitting pairs (issue 24).

    python -m benchmarks.pair_valleys ../shared/real-photos/train                 # shoes, pants, shorts, dress
    python -m benchmarks.pair_valleys DIR --folders shoes pants --limit 120

A pair of shoes photographed from above becomes one tall blob after the cut-out, which reads like a dress. The
simplest split would cut the mask where a vertical gap runs between the two shoes. For each photo (the first
LIMIT of each folder, sorted by name) this takes the cut-out's mask as ``model.preprocess`` makes it, and in the
middle half of its box finds the column the mask covers least, as a share of the most-covered column (the
"valley"): a pair with a gap between its shoes would score near 0. It prints each folder's percentiles of that
share, and how many photos fall under each cut. Pants, whose legs part below the waist, are the split's risk.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from model import preprocess

FOLDERS = ("shoes", "pants", "shorts", "dress")
CUTS = (0.1, 0.2, 0.3)


def mask_of(path: Path) -> np.ndarray:
    """The cut-out's mask of one photo, as ``model.preprocess.preprocess`` makes it."""
    rgb = preprocess._shrink(
        preprocess.to_rgb(preprocess.reduced(preprocess.open_image(path))), preprocess.SEGMENT_SIDE
    )
    mask, _, _ = preprocess._on_plain_backdrop(preprocess._grayscale(rgb))
    return preprocess.find_garment(rgb) if mask is None else mask


def valley(mask: np.ndarray) -> float | None:
    """The least-covered column in the middle half of the mask's box, as a share of the most-covered one."""
    if not mask.any():
        return None
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    cover = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].mean(axis=0)
    low, high = len(cover) // 4, (3 * len(cover)) // 4
    if high <= low:
        return None
    return float(cover[low:high].min() / cover.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the real photos' folder (a folder per kind)")
    parser.add_argument("--folders", nargs="+", default=list(FOLDERS))
    parser.add_argument("--limit", type=int, default=120, help="photos per folder, the first by name")
    args = parser.parse_args()
    print(
        "| folder | photos | valley: 5th / 25th / 50th / 75th percentile | "
        + " | ".join(f"under {c}" for c in CUTS)
        + " |"
    )
    print("|---|---|---|" + "---|" * len(CUTS))
    for folder in args.folders:
        shares = [valley(mask_of(p)) for p in sorted((args.dir / folder).glob("*.jpg"))[: args.limit]]
        shares = np.array([s for s in shares if s is not None])
        cells = " / ".join(f"{v:.2f}" for v in np.percentile(shares, [5, 25, 50, 75]))
        under = " | ".join(str(int((shares < c).sum())) for c in CUTS)
        print(f"| {folder} | {len(shares)} | {cells} | {under} |")


if __name__ == "__main__":
    main()
