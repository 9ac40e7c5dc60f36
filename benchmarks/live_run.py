"""How long the Overfitting tab's live run takes here, and what it shows: the run, in-process, on the shipped images.

python -m benchmarks.live_run            # one run, as the tab does it (the first round includes tracing)
python -m benchmarks.live_run --runs 3   # several runs: the spread of the gaps and of the time
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from model.live import SIZES, live_run, load_subset

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "model" / "weights")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    subset = load_subset(args.model)
    print("| run | seconds (first round) | " + " | ".join(f"{n:,} images: train / val / gap" for n in SIZES) + " |")
    print("|---|---|" + "---|" * len(SIZES))
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        first, last = None, {}
        for _, results in live_run(subset):
            first, last = first or time.perf_counter() - start, results
        total = time.perf_counter() - start
        cells = [f"{train:.1%} / {val:.1%} / {100 * (train - val):.1f} pts" for train, val in (last[n] for n in SIZES)]
        print(f"| {run} | {total:.1f} ({first:.1f}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
