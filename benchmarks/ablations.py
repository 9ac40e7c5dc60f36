"""The README's table of `train.py --ablation` runs, as Markdown, from a model folder's ablations.json.

for run in baseline mlp avgpool no-normalization no-dropout no-augmentation notebook notebook-raw; do
    python train.py --ablation $run
done
python -m benchmarks.ablations                  # model/weights
python -m benchmarks.ablations --runs mlp notebook notebook-raw
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the tabs' evidence runs; the ladder's other rungs have their own table (benchmarks/ladder.py)
RUNS = ["baseline", "mlp", "avgpool", "no-normalization", "no-dropout", "no-augmentation", "notebook", "notebook-raw"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "model" / "weights")
    parser.add_argument("--runs", nargs="+", default=RUNS, help="in this order (default: %(default)s)")
    args = parser.parse_args(argv)
    recorded = json.loads((args.model / "ablations.json").read_text(encoding="utf-8"))
    missing = [name for name in args.runs if name not in recorded]
    if missing:
        parser.error(
            f"not in {args.model / 'ablations.json'}: {', '.join(missing)} (train.py --ablation NAME adds one)"
        )
    print("| run | what changes | parameters | test accuracy | final train / validation accuracy | train time |")
    print("|---|---|---|---|---|---|")
    for name in args.runs:
        run = recorded[name]
        history = run["history"]
        print(
            f"| `{name}` | {run['description']} | {run['params']:,} | {run['test_accuracy']:.2%} "
            f"| {history['accuracy'][-1]:.2%} / {history['val_accuracy'][-1]:.2%} | {run['train_seconds']:.0f} s |"
        )


if __name__ == "__main__":
    main()
