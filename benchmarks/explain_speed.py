"""How long the Where it looked tab's handlers take, in-process, on this machine.

    python -m benchmarks.explain_speed             # ~1 minute on 2 cores; prints a Markdown table
    python -m benchmarks.explain_speed --runs 50 --json explain_speed.json

Each handler is called as the app calls it (``tabs.explain.explain``, ``check_sanity``,
``tabs.confusion.explain_test_image``), with the map drawn and written, after warm-up calls that
compile the gradients (the first request pays that once, about a second). Inputs: a 28x28 test
image, and a real phone photo whose conversion is already cached (the learner classified it
first; the conversion itself is timed in benchmarks/speed.py). Targets: Grad-CAM plus SmoothGrad
<= 300 ms, occlusion <= 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import time
from functools import partial
from pathlib import Path

import numpy as np

from concepts.saliency import METHODS, OCCLUSION_PATCH
from model.inference import DEFAULT_FOLDER, load_folder
from tabs import confusion, explain

ROOT = Path(__file__).resolve().parents[1]

PHOTO = next((ROOT / "tests" / "data" / "real-photos" / "t-shirt").glob("*.jpg"))
WARM_UP = 3


def timed(call, runs: int) -> dict[str, float]:
    for _ in range(WARM_UP):
        call()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    ms = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_FOLDER, help="model folder (default: the shipped one)")
    parser.add_argument("--runs", type=int, default=20, help="timed calls per handler (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)

    model = load_folder(args.model)
    test_image = str(args.model / "examples" / "6_shirt.png")
    results = {}
    for name, image in (("test image", test_image), ("phone photo", str(PHOTO))):
        for method in METHODS:
            call = partial(explain.explain, image, explain.TOP_CLASS, method, OCCLUSION_PATCH, model=model)
            results[f"/explain {method}, {name}"] = timed(call, args.runs)
    sanity = partial(explain.check_sanity, test_image, explain.TOP_CLASS, OCCLUSION_PATCH, True, model=model)
    results["/explain_sanity, test image (3 methods, trained + each layer re-drawn)"] = timed(
        sanity, max(3, args.runs // 5)
    )
    mistake = int(model.test_samples["index"][0])
    results["/confusion_explain (2 Grad-CAM maps)"] = timed(
        partial(confusion.explain_test_image, mistake, model), args.runs
    )
    for name in ("test image", "phone photo"):
        both = sum(results[f"/explain {method}, {name}"]["p50_ms"] for method in METHODS[:2])
        results[f"Grad-CAM + SmoothGrad, {name} (sum of p50)"] = {"p50_ms": round(both, 1), "p95_ms": None}
    print("| handler | p50 (ms) | p95 (ms) |\n|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['p50_ms']} | {r['p95_ms'] if r['p95_ms'] is not None else '—'} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
