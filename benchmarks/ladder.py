"""The improvement ladder as a Markdown table, from the runs recorded in a model folder (what the Improving it tab shows).

for run in notebook notebook-bn vgg vgg-aug baseline; do python train.py --ablation $run; done
python -m benchmarks.ladder                     # model/weights
python -m benchmarks.ladder --model runs/my-model
"""

from __future__ import annotations

import argparse
from pathlib import Path

from model.inference import load_folder
from tabs.improve import rungs

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "model" / "weights")
    args = parser.parse_args(argv)
    model = load_folder(args.model, str(args.model))
    print("| rung | what it adds | epochs | test accuracy | change | Shirt recall | train seconds |")
    print("|---|---|---|---|---|---|---|")
    previous = None
    for rung in rungs(model):
        change = f"{100 * (rung.test_accuracy - previous):+.2f}" if previous is not None else ""
        shirt = f"{rung.shirt_recall:.1%}" if rung.shirt_recall is not None else "not recorded"
        took = f"{rung.train_seconds:.0f}" if rung.train_seconds is not None else ""
        print(
            f"| {rung.name} | {rung.change} | {rung.epochs} | {rung.test_accuracy:.2%} | {change} | {shirt} | {took} |"
        )
        previous = rung.test_accuracy


if __name__ == "__main__":
    main()
