"""Mean and spread of test accuracy over several `train.py` runs that differ only in --seed.

for s in 1 2 42; do python train.py --seed $s --out runs/seed$s; done
python -m benchmarks.seed_spread model/weights/fashion-mnist-only runs/seed1 runs/seed2 runs/seed42
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="model folders written by train.py")
    args = parser.parse_args()
    runs = [json.loads((folder / "metrics.json").read_text()) for folder in args.folders]
    print("| seed | test accuracy | best val accuracy | train seconds | epochs |\n|---|---|---|---|---|")
    for run in runs:
        print(
            f"| {run['seed']} | {run['test_accuracy']:.2%} | {max(run['history']['val_accuracy']):.2%} "
            f"| {run['train_seconds']:.0f} | {run['epochs']} |"
        )
    acc = np.array([run["test_accuracy"] for run in runs])
    seeds = [run["seed"] for run in runs]
    print(
        f"\nmean {acc.mean():.2%}, std {acc.std(ddof=1) if len(acc) > 1 else 0:.2%}, "
        f"range {acc.min():.2%}-{acc.max():.2%} over {len(acc)} runs of {len(set(seeds))} seeds"
    )
    for seed in sorted(set(seeds)):  # the same seed twice: how exactly a run reproduces
        same = acc[[i for i, s in enumerate(seeds) if s == seed]]
        if len(same) > 1:
            print(f"seed {seed} run {len(same)} times: test accuracy {', '.join(f'{a:.2%}' for a in same)}")


if __name__ == "__main__":
    main()
