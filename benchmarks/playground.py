"""The Playground's two endpoints, timed through gradio_client against `python app.py` (alone on the machine).

    python -m benchmarks.playground                 # instant answers for every setting; one live run; eight at once
    python -m benchmarks.playground --json out.json

Reported: /playground's p50 and p95 over all 64 knob settings (each asked twice, pinned to the default);
the wall time of one /playground_live run of the default setting alone, from the request to its last
output, and of the setting the grid took longest to train; the wall time of eight clients asking for it at the same moment, and that as a ratio to the one
alone (they share one run); the server's peak RSS.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from benchmarks.speed import peak_rss_mb, serving
from model import playground
from tabs.playground import KNOBS

CLIENTS = 8
ROOT = Path(__file__).resolve().parents[1]


def settings() -> list[tuple[str, ...]]:
    """Every knob setting as the API takes it (its choices' strings)."""
    return list(itertools.product(*(list(values) for _, values, _ in KNOBS.values())))


def live_once(url: str, setting: tuple[str, ...]) -> tuple[float, int]:
    """Seconds from asking for a live run to its last output, and how many outputs streamed."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    start = time.perf_counter()
    job = client.submit(*setting, api_name="/playground_live")
    job.result(timeout=900)
    return time.perf_counter() - start, len(job.outputs())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    default = tuple(next(iter(values)) for _, values, _ in KNOBS.values())
    pinned = playground.config_key(playground.DEFAULT)
    grid = json.loads((ROOT / "model" / "weights" / playground.GRID_FILE).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, serving(["app.py"], Path(tmp), "playground") as (proc, client, _):
        url = client.src.rstrip("/")
        times = []
        for setting in settings() * 2:
            start = time.perf_counter()
            client.predict(*setting, pinned, api_name="/playground")
            times.append(time.perf_counter() - start)
        alone, streamed = live_once(url, default)
        slowest = max(playground.every_config(), key=lambda c: grid["runs"][playground.config_key(c)]["seconds"])
        slowest_setting = tuple(
            next(k for k, v in values.items() if v == slowest[knob]) for knob, (_, values, _) in KNOBS.items()
        )
        slowest_alone, _ = live_once(url, slowest_setting)
        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            together = list(pool.map(lambda _: live_once(url, default), range(CLIENTS)))
        eight = time.perf_counter() - start
        result = {
            "instant_p50_s": round(float(np.percentile(times, 50)), 3),
            "instant_p95_s": round(float(np.percentile(times, 95)), 3),
            "instant_calls": len(times),
            "live_alone_s": round(alone, 1),
            "live_alone_outputs": streamed,
            "live_slowest_setting": " ".join(slowest_setting),
            "live_slowest_alone_s": round(slowest_alone, 1),
            f"live_{CLIENTS}_at_once_s": round(eight, 1),
            f"live_{CLIENTS}_at_once_ratio": round(eight / alone, 2),
            "live_at_once_min_outputs": min(n for _, n in together),
            "peak_rss_mb": peak_rss_mb(proc.pid),
        }
    print("| measure | value |\n|---|---|")
    for key, value in result.items():
        print(f"| {key} | {value} |")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
