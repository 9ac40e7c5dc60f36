"""What the benchmarks that measure one model folder on the 10,000 test images share: flags, table, JSON.

``python -m benchmarks.ladder_calibration`` and ``python -m benchmarks.test_time_flip`` each take
``--model`` (default: the shipped folder) and ``--json``, print their rows as a Markdown table and,
if asked, write the same rows where the model folder's tabs read them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from model.data import load_fashion_mnist
from model.inference import DEFAULT_FOLDER, LoadedModel, load_folder

Measure = Callable[[LoadedModel, np.ndarray, np.ndarray], dict[str, dict]]  # (model, x_test, y_test) -> rows


def run(doc: str, argv: list[str] | None, measure: Measure, header: list[str], cells: Callable[[dict], list[str]]):
    """Parse the flags, ``measure`` the folder's model on the test set, print ``header`` and one row per result
    (its name, then ``cells(result)``), write the results to ``--json`` if given; return them."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER, help="model folder (default: the shipped one)")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    _, (x_test, y_test) = load_fashion_mnist()
    results = measure(load_folder(args.model, str(args.model)), x_test, y_test)
    print(f"| {' | '.join(header)} |\n|{'---|' * len(header)}")
    for name, result in results.items():
        print(f"| {' | '.join([name, *cells(result)])} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results
